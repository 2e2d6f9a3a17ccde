import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

// daprd reads a bulkSubscribe limit of zero or less as unset (GetIntValOrDefault: 100 messages,
// 1000 ms), as Go SDKs send them when the app gives none; the subscription runs with the defaults.
it('bulkSubscribe with maxMessagesCount 0 and maxAwaitDurationMs -1: the defaults, the subscription runs', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      {
        pubsubname: 'pubsub',
        topic: 'orders',
        route: '/orders',
        bulkSubscribe: { enabled: true, maxMessagesCount: 0, maxAwaitDurationMs: -1 },
      },
    ],
  });
  await expectNoContent(await s.publish('orders', { body: '{"n":1}' }));
  const [bulk] = await s.app.waitFor('/orders', 1);
  const envelope = JSON.parse(bulk.body) as { type: string; entries: { event: { data: unknown } }[] };
  expect(envelope.type).toBe('com.dapr.event.sent.bulk');
  expect(envelope.entries.map((e) => e.event.data)).toEqual([{ n: 1 }]);
});
