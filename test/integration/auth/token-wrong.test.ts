import { expect, it } from 'vitest';
import { startWithStateStore } from '../../helpers/dapr-http.js';
import { API_ROUTES, expectInvalidToken } from '../../helpers/api-routes.js';

it('a wrong dapr-api-token (other value, other case, empty, prefix) is 401 on every route', async () => {
  await using p = await startWithStateStore({ env: { DAPR_API_TOKEN: 'secret' } });
  for (const token of ['wrong', 'SECRET', '', 'secre', 'secret2', 'Bearer secret']) {
    for (const { method, path, body } of API_ROUTES) {
      const res = await p.fetch(path, { method, body, headers: { 'dapr-api-token': token } });
      await expectInvalidToken(res, `${method} ${path} with token "${token}"`);
    }
  }
  expect(p.child.exitCode).toBeNull();
});
