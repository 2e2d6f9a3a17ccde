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

it('a non-empty allowedSecrets decides alone: listed is allowed even if also denied, unlisted is denied under defaultAccess allow', async () => {
  using files = secretFiles(
    { a: '1', b: '2', c: '3' },
    secretsConfigYaml([
      {
        storeName: 'localsecrets',
        defaultAccess: 'allow',
        allowedSecrets: ['a', 'b'],
        deniedSecrets: ['b', 'c'],
      },
    ]),
  );
  await using p = await DaprtsProcess.start({
    resources: { 'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile) },
    args: ['--config', files.configFile],
  });

  expect(await expectJson(await getSecret(p, 'localsecrets', 'a'))).toEqual({ a: '1' });
  expect(await expectJson(await getSecret(p, 'localsecrets', 'b'))).toEqual({ b: '2' });
  await expectDaprError(await getSecret(p, 'localsecrets', 'c'), 403, 'ERR_PERMISSION_DENIED');
});
