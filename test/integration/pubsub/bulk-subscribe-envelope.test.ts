import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('bulk subscribe: one POST of application/json with daprd`s envelope (metadata.pubsubName, CloudEvent entries)', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      {
        pubsubname: 'pubsub',
        topic: 'orders',
        route: '/orders',
        bulkSubscribe: { enabled: true, maxMessagesCount: 2, maxAwaitDurationMs: 1000 },
      },
    ],
  });
  const { app } = s;
  for (const n of [1, 2]) await expectNoContent(await s.publish('orders', { body: JSON.stringify({ n }) }));

  // However the broker batches them, every POST has the same shape.
  await app.waitFor('/orders', 1);
  const deadline = Date.now() + 5000;
  const data = () =>
    app
      .to('/orders')
      .flatMap((r) => (JSON.parse(r.body) as { entries: { event: { data: unknown } }[] }).entries);
  while (data().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  for (const bulk of app.to('/orders')) {
    expect(bulk.headers['content-type']).toBe('application/json');
    expect(bulk.headers.pubsubname).toBe('pubsub');
    const envelope = JSON.parse(bulk.body) as Record<string, unknown> & {
      entries: { entryId: string; event: { data: unknown }; contentType: string }[];
    };
    expect(Object.keys(envelope).sort()).toEqual([
      'entries',
      'id',
      'metadata',
      'pubsubname',
      'topic',
      'type',
    ]);
    expect(envelope).toMatchObject({
      type: 'com.dapr.event.sent.bulk',
      topic: 'orders',
      pubsubname: 'pubsub',
      metadata: { pubsubName: 'pubsub' },
    });
    for (const e of envelope.entries) {
      expect(Object.keys(e).sort()).toEqual(['contentType', 'entryId', 'event', 'metadata']);
      expect(e.contentType).toBe('application/cloudevents+json');
      expect(e.entryId).toMatch(/\S/);
    }
  }
  expect(data().map((e) => e.event.data)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
});
