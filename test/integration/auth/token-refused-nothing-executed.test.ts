import { expect, it } from 'vitest';
import { inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { expectNoContent, sleep } from '../../helpers/dapr-http.js';
import { API_ROUTES, expectInvalidToken } from '../../helpers/api-routes.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { componentYaml } from '../../helpers/resources.js';

it('with every building block loaded, a missing or wrong token is 401 on every route and nothing is executed', async () => {
  // Health is exempt, so readiness can be awaited without the token.
  await using s = await startPubsubSidecar({
    subscriptions: [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
    resources: {
      'statestore.yaml': inMemoryStateYaml(),
      'secretstore.yaml': componentYaml({ name: 'secretstore', type: 'secretstores.local.env' }),
    },
    env: { DAPR_API_TOKEN: 'secret', mysecret: 'my-secret-value-never-returned' },
  });
  const { app, sidecar: p } = s;

  const variants: Record<string, string>[] = [
    {},
    { 'dapr-api-token': 'wrong' },
    { 'dapr-api-token': 'secretx' },
  ];
  for (const headers of variants) {
    for (const { method, path, body } of API_ROUTES) {
      const res = await p.fetch(path, { method, body, headers });
      await expectInvalidToken(res, `${method} ${path} with ${JSON.stringify(headers)}`);
    }
  }

  // Nothing happened: no state written, no event delivered, no shutdown.
  await expectNoContent(
    await p.fetch('/v1.0/state/statestore/k', { headers: { 'dapr-api-token': 'secret' } }),
  );
  await sleep(300);
  expect(app.to('/orders')).toEqual([]);
  expect(p.child.exitCode).toBeNull();
  await expectNoContent(await p.fetch('/v1.0/healthz'));
});
