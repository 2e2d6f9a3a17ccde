import { writeFileSync } from 'node:fs';
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

it('--config is repeatable: secret scopes from the first file still apply when a second file adds other settings', async () => {
  using files = secretFiles(
    { 'api-key': 'k-1', 'db-password': 'pw-repeated-config' },
    secretsConfigYaml([{ storeName: 'localsecrets', defaultAccess: 'deny', allowedSecrets: ['api-key'] }]),
  );
  const tracing = `${files.dir}/tracing.yaml`;
  writeFileSync(
    tracing,
    'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: tracing\nspec:\n  tracing:\n    samplingRate: "0"\n',
  );
  await using p = await DaprtsProcess.start({
    resources: { 'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile) },
    // daprd applies every file in order over the defaults; a later file only overrides what it sets.
    args: ['--config', files.configFile, '--config', tracing],
  });

  expect(await expectJson(await getSecret(p, 'localsecrets', 'api-key'))).toEqual({ 'api-key': 'k-1' });
  await expectDaprError(await getSecret(p, 'localsecrets', 'db-password'), 403, 'ERR_PERMISSION_DENIED');
});
