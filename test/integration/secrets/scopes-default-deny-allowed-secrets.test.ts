import { expect, it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { expectJson, getSecret, startWithSecretScopes } from '../../helpers/secrets.js';

it('defaultAccess deny + allowedSecrets: a listed secret is 200, any other is 403 ERR_PERMISSION_DENIED', async () => {
  await using s = await startWithSecretScopes({
    secrets: { 'api-key': 'k-1', 'db-password': 'pw-1', other: 'o-1' },
    scopes: [{ storeName: 'localsecrets', defaultAccess: 'deny', allowedSecrets: ['api-key'] }],
  });
  const p = s.sidecar;

  expect(await expectJson(await getSecret(p, 'localsecrets', 'api-key'))).toEqual({ 'api-key': 'k-1' });
  const denied = await expectDaprError(
    await getSecret(p, 'localsecrets', 'db-password'),
    403,
    'ERR_PERMISSION_DENIED',
  );
  expect(denied.message).toBe('access denied by policy to get "db-password" from "localsecrets"');
  // The value is not in the refusal.
  expect(JSON.stringify(denied)).not.toContain('pw-1');
  await expectDaprError(await getSecret(p, 'localsecrets', 'other'), 403, 'ERR_PERMISSION_DENIED');
  // Names match exactly.
  await expectDaprError(await getSecret(p, 'localsecrets', 'API-KEY'), 403, 'ERR_PERMISSION_DENIED');
});
