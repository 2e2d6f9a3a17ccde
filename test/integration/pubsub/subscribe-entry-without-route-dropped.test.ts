import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('GET /dapr/subscribe: an entry without any route is dropped with a warning; the other subscriptions still work', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'noroute' },
      { pubsubname: 'pubsub', topic: 'emptyroutes', routes: { rules: [] } },
      { pubsubname: 'pubsub', topic: 'orders', route: '/orders' },
    ],
  });
  const { app, sidecar: p } = s;

  const meta = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions: { topic: string }[] };
  expect(meta.subscriptions.map((s) => s.topic)).toEqual(['orders']);
  await expectNoContent(await s.publish('orders'));
  await app.waitFor('/orders', 1);
  expect(p.output).toContain('no route');
});
