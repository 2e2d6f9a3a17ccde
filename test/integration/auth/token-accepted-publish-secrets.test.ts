import { expect, it } from 'vitest';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { componentYaml } from '../../helpers/resources.js';
import { expectJson } from '../../helpers/secrets.js';

it('with the right dapr-api-token, publish, bulk publish and the secrets API work', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
    resources: {
      'secretstore.yaml': componentYaml({ name: 'secretstore', type: 'secretstores.local.env' }),
    },
    env: { DAPR_API_TOKEN: 'secret', TOKEN_IT_SECRET: 'it-value' },
  });
  const { app, sidecar: p } = s;
  const headers = { 'dapr-api-token': 'secret', 'content-type': 'application/json' };

  await expectNoContent(await s.publish('orders', { headers, body: '{"id":1}' }));
  await expectNoContent(
    await s.bulkPublish('orders', [{ entryId: '1', event: { id: 2 }, contentType: 'application/json' }], {
      headers,
    }),
  );
  await app.waitFor('/orders', 2);
  expect(await expectJson(await p.fetch('/v1.0/secrets/secretstore/TOKEN_IT_SECRET', { headers }))).toEqual({
    TOKEN_IT_SECRET: 'it-value',
  });
  const bulk = await expectJson<Record<string, unknown>>(
    await p.fetch('/v1.0/secrets/secretstore/bulk', { headers }),
  );
  expect(bulk.TOKEN_IT_SECRET).toEqual({ TOKEN_IT_SECRET: 'it-value' });
});
