import { expect, it } from 'vitest';
import { expectDaprError, expectNoContent, startWithStateStore } from '../../helpers/dapr-http.js';

it('GET /v1.0/shutdown does not shut down (POST only)', async () => {
  await using p = await startWithStateStore();
  await expectDaprError(await p.fetch('/v1.0/shutdown'), 404, 'ERR_DIRECT_INVOKE');
  await expectNoContent(await p.fetch('/v1.0/healthz'));
  expect(p.child.exitCode).toBeNull();
});
