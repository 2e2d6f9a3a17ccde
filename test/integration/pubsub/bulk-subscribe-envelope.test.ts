import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('bulk subscribe: one POST of application/json with daprd`s envelope (metadata.pubsubName, CloudEvent entries)', async () => {
  await using app = await SubscriberApp.start([
    {
      pubsubname: 'pubsub',
      topic: 'orders',
      route: '/orders',
      bulkSubscribe: { enabled: true, maxMessagesCount: 2, maxAwaitDurationMs: 1000 },
    },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);
  for (const n of [1, 2])
    await expectNoContent(
      await p.fetch('/v1.0/publish/pubsub/orders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      }),
    );

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
