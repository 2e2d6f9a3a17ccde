import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectJson, getBulkSecret, localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';

it('local.file: GET /v1.0/secrets/{store}/bulk answers {name: {name: value}} for every flattened secret', async () => {
  using files = secretFiles({ 'api-key': 'k-123', db: { user: 'admin', password: 'pw-1' } });
  await using p = await DaprtsProcess.start({
    resources: { 'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile) },
  });

  const res = await getBulkSecret(p, 'localsecrets');
  expect(await expectJson(res)).toEqual({
    'api-key': { 'api-key': 'k-123' },
    'db:user': { 'db:user': 'admin' },
    'db:password': { 'db:password': 'pw-1' },
  });
});
