import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { expectJson } from '../../helpers/secrets.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('with the right dapr-api-token, publish, bulk publish and the secrets API work', async () => {
  await using app = await SubscriberApp.start([{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }]);
  await using p = await DaprtsProcess.start({
    resources: {
      'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }),
      'secretstore.yaml': componentYaml({ name: 'secretstore', type: 'secretstores.local.env' }),
    },
    args: ['--app-port', String(app.port)],
    env: { DAPR_API_TOKEN: 'secret', TOKEN_IT_SECRET: 'it-value' },
  });
  await waitAppReady(p);
  const headers = { 'dapr-api-token': 'secret', 'content-type': 'application/json' };

  await expectNoContent(
    await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', headers, body: '{"id":1}' }),
  );
  await expectNoContent(
    await p.fetch('/v1.0-alpha1/publish/bulk/pubsub/orders', {
      method: 'POST',
      headers,
      body: '[{"entryId":"1","event":{"id":2},"contentType":"application/json"}]',
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
