import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('GET /dapr/subscribe: field names match whatever their case (Go decoding); metadata keys are kept as sent', async () => {
  await using app = await SubscriberApp.start([
    { pubsubName: 'pubsub', Topic: 'orders', Route: '/orders', Metadata: { rawPayload: 'true' } },
    {
      PUBSUBNAME: 'pubsub',
      topic: 'routed',
      Routes: { Rules: [{ Match: 'event.type == "big"', Path: '/big' }], Default: '/small' },
    },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);

  const meta = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions: unknown[] };
  expect(meta.subscriptions).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ pubsubname: 'pubsub', topic: 'orders', metadata: { rawPayload: 'true' } }),
      expect.objectContaining({
        pubsubname: 'pubsub',
        topic: 'routed',
        rules: [{ match: 'event.type == "big"', path: '/big' }, { path: '/small' }],
      }),
    ]),
  );

  const publish = (topic: string, query = '') =>
    p.fetch(`/v1.0/publish/pubsub/${topic}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"n":1}',
    });
  await expectNoContent(await publish('orders'));
  await expectNoContent(await publish('routed', '?metadata.cloudevent.type=big'));
  const [order] = await app.waitFor('/orders', 1);
  // rawPayload came through: the event is the wrapped bytes of the published CloudEvent.
  expect(JSON.parse(order.body)).toMatchObject({ datacontenttype: 'application/octet-stream' });
  await app.waitFor('/big', 1);
});
