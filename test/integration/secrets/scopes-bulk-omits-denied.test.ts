import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import {
  expectJson,
  getBulkSecret,
  localFileStoreYaml,
  secretFiles,
  secretsConfigYaml,
} from '../../helpers/secrets.js';

it('bulk silently leaves out the secrets the scopes deny (200, no error), for allowedSecrets and deniedSecrets', async () => {
  using files = secretFiles(
    { 'api-key': 'k-1', 'db-password': 'pw-1', other: 'o-1' },
    secretsConfigYaml([
      { storeName: 'allowlisted', defaultAccess: 'deny', allowedSecrets: ['api-key', 'not-in-store'] },
      { storeName: 'denylisted', deniedSecrets: ['db-password'] },
      { storeName: 'nothing', defaultAccess: 'deny' },
    ]),
  );
  await using p = await DaprtsProcess.start({
    resources: {
      'allow.yaml': localFileStoreYaml('allowlisted', files.secretsFile),
      'deny.yaml': localFileStoreYaml('denylisted', files.secretsFile),
      'nothing.yaml': localFileStoreYaml('nothing', files.secretsFile),
    },
    args: ['--config', files.configFile],
  });

  expect(await expectJson(await getBulkSecret(p, 'allowlisted'))).toEqual({
    'api-key': { 'api-key': 'k-1' },
  });
  expect(await expectJson(await getBulkSecret(p, 'denylisted'))).toEqual({
    'api-key': { 'api-key': 'k-1' },
    other: { other: 'o-1' },
  });
  expect(await expectJson(await getBulkSecret(p, 'nothing'))).toEqual({});
});
