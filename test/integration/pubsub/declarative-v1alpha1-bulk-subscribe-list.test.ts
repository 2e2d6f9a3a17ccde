import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

// The v1alpha1 sample of docs.dapr.io's Subscription spec writes bulkSubscribe as a list of
// one-key maps; its settings apply as the object they spell out.
it('v1alpha1 Subscription with the docs` list-shaped bulkSubscribe: loaded, events delivered in bulk', async () => {
  await using s = await startPubsubSidecar({
    appId: 'checkout',
    resources: {
      'subscription.yaml': `apiVersion: dapr.io/v1alpha1
kind: Subscription
metadata:
  name: order
spec:
  topic: orders
  route: /checkout
  pubsubname: pubsub
  deadLetterTopic: poisonMessages
  bulkSubscribe:
  - enabled: true
  - maxMessagesCount: 10
  - maxAwaitDurationMs: 100
scopes:
- checkout
`,
    },
  });
  await expectNoContent(await s.publish('orders', { body: '{"orderId":1}' }));
  const [bulk] = await s.app.waitFor('/checkout', 1);
  expect(bulk.headers['content-type']).toBe('application/json');
  const envelope = JSON.parse(bulk.body) as { type: string; entries: { event: { data: unknown } }[] };
  expect(envelope.type).toBe('com.dapr.event.sent.bulk');
  expect(envelope.entries.map((e) => e.event.data)).toEqual([{ orderId: 1 }]);
});
