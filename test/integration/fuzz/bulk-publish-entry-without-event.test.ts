import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

// Found by http-api-malformed.test.ts (an ERR_INTERNAL answer).
it('bulk publish: a JSON entry without "event" is published as JSON null (daprd json.Marshal(nil)), not a 500 ERR_INTERNAL', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
  });

  await expectNoContent(
    await s.bulkPublish('orders', [
      { entryId: '1', contentType: 'application/json' },
      { entryId: '2', event: { n: 2 }, contentType: 'application/json' },
    ]),
  );
  const deliveries = await s.app.waitFor('/orders', 2);
  const data = deliveries.map((d) => (JSON.parse(d.body) as { data: unknown }).data);
  expect(data).toEqual(expect.arrayContaining([null, { n: 2 }]));
});
