import { expect, it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { expectJson, getSecret, localEnvStoreYaml, startWithSecretScopes } from '../../helpers/secrets.js';

it('deniedSecrets (default allow): a listed secret is 403, the others 200; a store without an entry allows all', async () => {
  await using s = await startWithSecretScopes({
    secrets: { 'api-key': 'k-1', 'db-password': 'pw-1' },
    scopes: [{ storeName: 'localsecrets', deniedSecrets: ['db-password'] }],
    resources: { 'env.yaml': localEnvStoreYaml('envsecrets') },
    env: { 'db-password': 'env-pw' },
  });
  const p = s.sidecar;

  expect(await expectJson(await getSecret(p, 'localsecrets', 'api-key'))).toEqual({ 'api-key': 'k-1' });
  await expectDaprError(await getSecret(p, 'localsecrets', 'db-password'), 403, 'ERR_PERMISSION_DENIED');
  // The same name in a store the Configuration does not mention is allowed.
  expect(await expectJson(await getSecret(p, 'envsecrets', 'db-password'))).toEqual({
    'db-password': 'env-pw',
  });
});
