import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('GET /dapr/subscribe: field names match whatever their case (Go decoding); metadata keys are kept as sent', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      { pubsubName: 'pubsub', Topic: 'orders', Route: '/orders', Metadata: { rawPayload: 'true' } },
      {
        PUBSUBNAME: 'pubsub',
        topic: 'routed',
        Routes: { Rules: [{ Match: 'event.type == "big"', Path: '/big' }], Default: '/small' },
      },
    ],
  });
  const { app, sidecar: p } = s;

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

  await expectNoContent(await s.publish('orders'));
  await expectNoContent(await s.publish('routed', { query: 'metadata.cloudevent.type=big' }));
  const [order] = await app.waitFor('/orders', 1);
  // rawPayload came through: the event is the wrapped bytes of the published CloudEvent.
  expect(JSON.parse(order.body)).toMatchObject({ datacontenttype: 'application/octet-stream' });
  await app.waitFor('/big', 1);
});
