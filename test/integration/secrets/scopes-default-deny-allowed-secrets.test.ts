import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError } from '../../helpers/dapr-http.js';
import {
  expectJson,
  getSecret,
  localFileStoreYaml,
  secretFiles,
  secretsConfigYaml,
} from '../../helpers/secrets.js';

it('defaultAccess deny + allowedSecrets: a listed secret is 200, any other is 403 ERR_PERMISSION_DENIED', async () => {
  using files = secretFiles(
    { 'api-key': 'k-1', 'db-password': 'pw-1', other: 'o-1' },
    secretsConfigYaml([{ storeName: 'localsecrets', defaultAccess: 'deny', allowedSecrets: ['api-key'] }]),
  );
  await using p = await DaprtsProcess.start({
    resources: { 'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile) },
    args: ['--config', files.configFile],
  });

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
