import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { getBulkSecret, getSecret, localEnvStoreYaml } from '../../helpers/secrets.js';

it("an unknown secret store is 401 ERR_SECRET_STORE_NOT_FOUND (daprd's status), for get and bulk", async () => {
  await using p = await DaprtsProcess.start({ resources: { 'env.yaml': localEnvStoreYaml('envsecrets') } });

  const get = await expectDaprError(
    await getSecret(p, 'nosuchstore', 'k'),
    401,
    'ERR_SECRET_STORE_NOT_FOUND',
  );
  expect(get.message).toBe('failed finding secret store with key nosuchstore');
  const bulk = await expectDaprError(
    await getBulkSecret(p, 'nosuchstore'),
    401,
    'ERR_SECRET_STORE_NOT_FOUND',
  );
  expect(bulk.message).toBe('failed finding secret store with key nosuchstore');
  // Store names are case-sensitive.
  await expectDaprError(await getSecret(p, 'ENVSECRETS', 'HOME'), 401, 'ERR_SECRET_STORE_NOT_FOUND');
});
