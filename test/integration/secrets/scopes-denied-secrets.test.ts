import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError } from '../../helpers/dapr-http.js';
import {
  expectJson,
  getSecret,
  localEnvStoreYaml,
  localFileStoreYaml,
  secretFiles,
  secretsConfigYaml,
} from '../../helpers/secrets.js';

it('deniedSecrets (default allow): a listed secret is 403, the others 200; a store without an entry allows all', async () => {
  using files = secretFiles(
    { 'api-key': 'k-1', 'db-password': 'pw-1' },
    secretsConfigYaml([{ storeName: 'localsecrets', deniedSecrets: ['db-password'] }]),
  );
  await using p = await DaprtsProcess.start({
    resources: {
      'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile),
      'env.yaml': localEnvStoreYaml('envsecrets'),
    },
    args: ['--config', files.configFile],
    env: { 'db-password': 'env-pw' },
  });

  expect(await expectJson(await getSecret(p, 'localsecrets', 'api-key'))).toEqual({ 'api-key': 'k-1' });
  await expectDaprError(await getSecret(p, 'localsecrets', 'db-password'), 403, 'ERR_PERMISSION_DENIED');
  // The same name in a store the Configuration does not mention is allowed.
  expect(await expectJson(await getSecret(p, 'envsecrets', 'db-password'))).toEqual({
    'db-password': 'env-pw',
  });
});
