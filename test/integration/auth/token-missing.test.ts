import { expect, it } from 'vitest';
import { startWithStateStore } from '../../helpers/dapr-http.js';
import { API_ROUTES, expectInvalidToken } from '../../helpers/api-routes.js';

it('with DAPR_API_TOKEN set, every API route without dapr-api-token is 401 "invalid api token"', async () => {
  await using p = await startWithStateStore({ env: { DAPR_API_TOKEN: 'secret' } });
  for (const { method, path, body } of API_ROUTES) {
    await expectInvalidToken(await p.fetch(path, { method, body }), `${method} ${path}`);
  }
  // Nothing was executed: the rejected shutdown left the process running.
  expect(p.child.exitCode).toBeNull();
});
