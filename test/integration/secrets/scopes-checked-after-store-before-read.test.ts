import { it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { getSecret, startWithSecretScopes } from '../../helpers/secrets.js';

it('scopes are checked after the store lookup and before the read: unknown store 401, denied missing secret 403', async () => {
  await using s = await startWithSecretScopes({
    secrets: { present: 'p' },
    scopes: [
      { storeName: 'localsecrets', defaultAccess: 'deny', allowedSecrets: ['present', 'absent-but-allowed'] },
      { storeName: 'unknownstore', defaultAccess: 'deny' },
    ],
  });
  const p = s.sidecar;

  // A store the Configuration names but that is not loaded: still not found.
  await expectDaprError(await getSecret(p, 'unknownstore', 'x'), 401, 'ERR_SECRET_STORE_NOT_FOUND');
  // Denied and missing: the policy answers, the store is never asked.
  await expectDaprError(
    await getSecret(p, 'localsecrets', 'absent-and-denied'),
    403,
    'ERR_PERMISSION_DENIED',
  );
  // Allowed and missing: the store's error.
  await expectDaprError(await getSecret(p, 'localsecrets', 'absent-but-allowed'), 500, 'ERR_SECRET_GET');
});
