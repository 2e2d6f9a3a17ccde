import { expect, it } from 'vitest';
import { expectDaprError, expectStatus, startWithStateStore } from '../../helpers/dapr-http.js';

it('an unknown route is a 404 JSON error (daprd falls back to service invocation) and the runtime lives on', async () => {
  await using p = await startWithStateStore();
  for (const [method, path] of [
    ['GET', '/v1.0/nothing-here'],
    ['POST', '/v2.0/state/statestore'],
    ['GET', '/'],
    ['PATCH', '/v1.0/state/statestore'],
  ]) {
    const err = await expectDaprError(await p.fetch(path, { method }), 404, 'ERR_DIRECT_INVOKE');
    expect(err.message, `${method} ${path}`).toBe(
      'failed getting app id either from the URL path or the header dapr-app-id',
    );
  }
  await expectStatus(await p.fetch('/v1.0/healthz'), 204);
});
