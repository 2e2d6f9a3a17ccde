import { expect, it } from 'vitest';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('rawPayload is read as contrib`s IsRawPayload: exact key, Go booleans (T, True, 1...), anything else 400 on publish', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      ...['exact', 'lowerkey', 'letter', 'empty'].map((t) => ({
        pubsubname: 'pubsub',
        topic: t,
        route: `/${t}`,
      })),
      // Not the rawPayload key: this subscription gets the CloudEvent itself.
      { pubsubname: 'pubsub', topic: 'sublower', route: '/sublower', metadata: { rawpayload: 'true' } },
    ],
  });
  const { app } = s;
  const publish = (topic: string, query: string) => s.publish(topic, { query });

  await expectNoContent(await publish('exact', 'metadata.rawPayload=true'));
  await expectNoContent(await publish('lowerkey', 'metadata.rawpayload=true'));
  await expectNoContent(await publish('letter', 'metadata.rawPayload=T'));
  await expectNoContent(await publish('empty', 'metadata.rawPayload='));
  await expectNoContent(await publish('sublower', ''));
  for (const bad of ['TrUe', 'yes', 'on'])
    await expectDaprError(
      await publish('exact', `metadata.rawPayload=${bad}`),
      400,
      'ERR_PUBSUB_REQUEST_METADATA',
    );

  const body = async (topic: string) => (await app.waitFor(`/${topic}`, 1))[0].body;
  expect(await body('exact')).toBe('{"n":1}');
  expect(await body('letter')).toBe('{"n":1}');
  for (const wrapped of ['lowerkey', 'empty', 'sublower'])
    expect(JSON.parse(await body(wrapped)), wrapped).toMatchObject({
      datacontenttype: 'application/json',
      data: { n: 1 },
    });
  expect(app.to('/exact')).toHaveLength(1);
});
