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

it('local.file with multiValued: a top-level object is one secret holding all its (flattened) keys', async () => {
  using files = secretFiles({
    'app-secrets': { 'cohere-api-key': 'co-1', 'database-url': 'postgres://x', nested: { deep: 'd' } },
    redisPassword: 'r-pw',
  });
  await using p = await DaprtsProcess.start({
    resources: {
      'secrets.yaml': localFileStoreYaml('localsecrets', files.secretsFile, { multiValued: true }),
    },
  });

  expect(await expectJson(await getSecret(p, 'localsecrets', 'app-secrets'))).toEqual({
    'cohere-api-key': 'co-1',
    'database-url': 'postgres://x',
    'nested:deep': 'd',
  });
  // A top-level string stays a single-value secret.
  expect(await expectJson(await getSecret(p, 'localsecrets', 'redisPassword'))).toEqual({
    redisPassword: 'r-pw',
  });
  // The keys inside a multi-valued secret are not secrets of their own.
  await expectDaprError(
    await getSecret(p, 'localsecrets', 'app-secrets:cohere-api-key'),
    500,
    'ERR_SECRET_GET',
  );
  expect(await expectJson(await getBulkSecret(p, 'localsecrets'))).toEqual({
    'app-secrets': { 'cohere-api-key': 'co-1', 'database-url': 'postgres://x', 'nested:deep': 'd' },
    redisPassword: { redisPassword: 'r-pw' },
  });
});
