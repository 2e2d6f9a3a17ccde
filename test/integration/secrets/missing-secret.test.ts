import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { getSecret, localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';

it('a secret the local.file store does not have is 500 ERR_SECRET_GET naming the key and the store', async () => {
  using files = secretFiles({ present: 'yes' });
  await using p = await DaprtsProcess.start({
    resources: { 'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile) },
  });

  const body = await expectDaprError(await getSecret(p, 'localsecrets', 'absent'), 500, 'ERR_SECRET_GET');
  expect(body.message).toBe(
    'failed getting secret with key absent from secret store localsecrets: secret absent not found',
  );
  // The file's path is not in the answer.
  expect(body.message).not.toContain(files.dir);
});
