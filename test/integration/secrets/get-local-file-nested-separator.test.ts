import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError } from '../../helpers/dapr-http.js';
import {
  expectJson,
  getBulkSecret,
  getSecret,
  localFileStoreYaml,
  secretFiles,
} from '../../helpers/secrets.js';

it('local.file with nestedSeparator ".": nested secrets are named with that separator (and not with ":")', async () => {
  using files = secretFiles({ db: { user: 'admin', replica: { host: 'db-2' } }, top: 'level' });
  await using p = await DaprtsProcess.start({
    resources: {
      'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile, { nestedSeparator: '.' }),
    },
  });

  expect(await expectJson(await getSecret(p, 'localsecrets', 'db.user'))).toEqual({ 'db.user': 'admin' });
  expect(await expectJson(await getSecret(p, 'localsecrets', 'db.replica.host'))).toEqual({
    'db.replica.host': 'db-2',
  });
  await expectDaprError(await getSecret(p, 'localsecrets', 'db:user'), 500, 'ERR_SECRET_GET');
  expect(await expectJson(await getBulkSecret(p, 'localsecrets'))).toEqual({
    'db.user': { 'db.user': 'admin' },
    'db.replica.host': { 'db.replica.host': 'db-2' },
    top: { top: 'level' },
  });
});
