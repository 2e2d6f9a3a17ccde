import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectJson, getSecret, localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';

it('local.file: GET /v1.0/secrets/{store}/{name} answers {name: value}; nested leaves are named by their path joined with ":"', async () => {
  using files = secretFiles({
    'api-key': 'k-123',
    db: { user: 'admin', replica: { host: 'db-2' } },
    hosts: ['a', 'b'],
  });
  await using p = await DaprtsProcess.start({
    resources: { 'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile) },
  });

  expect(await expectJson(await getSecret(p, 'localsecrets', 'api-key'))).toEqual({ 'api-key': 'k-123' });
  expect(await expectJson(await getSecret(p, 'localsecrets', 'db:user'))).toEqual({ 'db:user': 'admin' });
  expect(await expectJson(await getSecret(p, 'localsecrets', 'db:replica:host'))).toEqual({
    'db:replica:host': 'db-2',
  });
  // Arrays are flattened by index.
  expect(await expectJson(await getSecret(p, 'localsecrets', 'hosts:1'))).toEqual({ 'hosts:1': 'b' });
});
