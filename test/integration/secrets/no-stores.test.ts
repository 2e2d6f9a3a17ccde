import { expect, it } from 'vitest';
import { expectDaprError, startWithStateStore } from '../../helpers/dapr-http.js';
import { getBulkSecret, getSecret } from '../../helpers/secrets.js';

it('with no secret store loaded, get and bulk are 500 ERR_SECRET_STORES_NOT_CONFIGURED', async () => {
  await using p = await startWithStateStore();

  const get = await expectDaprError(
    await getSecret(p, 'anystore', 'k'),
    500,
    'ERR_SECRET_STORES_NOT_CONFIGURED',
  );
  expect(get.message).toBe('secret store is not configured');
  const bulk = await expectDaprError(
    await getBulkSecret(p, 'anystore'),
    500,
    'ERR_SECRET_STORES_NOT_CONFIGURED',
  );
  expect(bulk.message).toBe('secret store is not configured');
});
