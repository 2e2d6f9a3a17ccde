import { expect, it } from 'vitest';
import {
  bulkGet,
  expectDaprError,
  expectNoContent,
  expectStatus,
  startWithStateStore,
  transaction,
} from '../../helpers/dapr-http.js';

// daprd decodes each operation into a struct and only rejects '||' in keys: a request without key
// (or no request at all) targets the key "", which bulk get reads back like any other key. An
// operation without a name is an unsupported operation, a name that is not a string a bad body.
it('transaction operations without key, request or name answer as daprd does', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(
    await transaction(p, { operations: [{ operation: 'upsert', request: { value: { n: 1 } } }] }),
  );
  const found = await bulkGet(p, { keys: [''] });
  expect(JSON.parse(await expectStatus(found, 200))).toEqual([
    { key: '', data: { n: 1 }, etag: expect.any(String) },
  ]);

  await expectNoContent(await transaction(p, { operations: [{ operation: 'delete' }] }));
  expect(JSON.parse(await expectStatus(await bulkGet(p, { keys: [''] }), 200))).toEqual([{ key: '' }]);

  const unnamed = await expectDaprError(
    await transaction(p, { operations: [{ request: { key: 'k', value: 1 } }] }),
    400,
    'ERR_NOT_SUPPORTED_STATE_OPERATION',
  );
  expect(unnamed.message).toBe('operation type  not supported');
  await expectDaprError(
    await transaction(p, { operations: [{ operation: 5, request: { key: 'k', value: 1 } }] }),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectDaprError(
    await transaction(p, { operations: [{ operation: 'upsert', request: { key: 7, value: 1 } }] }),
    400,
    'ERR_MALFORMED_REQUEST',
  );
});
