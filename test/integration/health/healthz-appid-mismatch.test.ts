import { expect, it } from 'vitest';
import { expectDaprError, startWithStateStore } from '../../helpers/dapr-http.js';

it('/v1.0/healthz?appid=other is 500 ERR_HEALTH_APPID_NOT_MATCH', async () => {
  await using p = await startWithStateStore({ appId: 'health-app' });
  const err = await expectDaprError(
    await p.fetch('/v1.0/healthz?appid=other'),
    500,
    'ERR_HEALTH_APPID_NOT_MATCH',
  );
  expect(err.message).toBe('dapr app-id does not match');
});
