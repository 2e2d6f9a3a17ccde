import { expect, it } from 'vitest';
import {
  bulkGet,
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
  transaction,
} from '../../helpers/dapr-http.js';

// daprd decodes these bodies into Go structs (encoding/json; mapstructure for a transaction's
// `request`), which match field names whatever their case: `Key`, `VALUE`, `Operations` all work.
// Metadata keys are map keys and keep their case.
it('state save, bulk get and transactions read their field names case-insensitively, as daprd', async () => {
  await using p = await startWithStateStore();

  await expectNoContent(
    await saveState(
      p,
      '[{"Key":"pascal","Value":{"a":1},"Metadata":{"ttlInSeconds":"100"},"Options":{"Concurrency":"first-write"}}]',
    ),
  );
  const got = await getState(p, 'pascal');
  expect(await expectValue(got)).toBe('{"a":1}');
  expect(got.headers.get('metadata.ttlExpireTime')).toBeTruthy();
  // `Options.Concurrency` was read: a second first-write without etag on a live key conflicts.
  await expectDaprError(
    await saveState(p, '[{"KEY":"pascal","value":2,"options":{"CONCURRENCY":"first-write"}}]'),
    409,
    'ERR_STATE_SAVE',
  );

  const bulk = await bulkGet(p, '{"Keys":["pascal","missing"],"Parallelism":1}');
  expect(JSON.parse(await expectValue(bulk))).toEqual([
    expect.objectContaining({ key: 'pascal', data: { a: 1 } }),
    { key: 'missing' },
  ]);

  await expectNoContent(
    await transaction(
      p,
      '{"Operations":[{"Operation":"upsert","Request":{"KEY":"tx","Value":"v"}},' +
        '{"OPERATION":"delete","request":{"Key":"pascal"}}]}',
    ),
  );
  expect(await expectValue(await getState(p, 'tx'))).toBe('"v"');
  await expectNoContent(await getState(p, 'pascal'));
  // The request's `ETag` is read too: a wrong one fails the transaction.
  await expectDaprError(
    await transaction(
      p,
      '{"operations":[{"operation":"upsert","request":{"key":"tx","value":"w","ETag":"no-such-etag"}}]}',
    ),
    500,
    'ERR_STATE_TRANSACTION',
  );
  expect(await expectValue(await getState(p, 'tx'))).toBe('"v"');
});
