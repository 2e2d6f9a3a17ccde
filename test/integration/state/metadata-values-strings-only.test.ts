import { it } from 'vitest';
import {
  bulkGet,
  expectDaprError,
  expectNoContent,
  getState,
  saveState,
  startWithStateStore,
  transact,
  transaction,
  upsertOp,
} from '../../helpers/dapr-http.js';

// Body metadata is a map of strings in daprd: `"ttlInSeconds": 120` (a number) fails the JSON decoding
// of the whole request, so nothing is done; null decodes as "". `parallelism` is an int likewise.
it('a non-string metadata value or a non-integer parallelism is 400 ERR_MALFORMED_REQUEST', async () => {
  await using p = await startWithStateStore();
  await expectDaprError(
    await saveState(p, '[{"key":"k1","value":1,"metadata":{"ttlInSeconds":120}}]'),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectDaprError(
    await saveState(p, '[{"key":"k1","value":1,"metadata":{"flag":true}}]'),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectNoContent(await getState(p, 'k1'));

  await expectDaprError(await bulkGet(p, { keys: ['k1'], metadata: { n: 1 } }), 400, 'ERR_MALFORMED_REQUEST');
  await expectDaprError(await bulkGet(p, { keys: ['k1'], parallelism: '2' }), 400, 'ERR_MALFORMED_REQUEST');
  await expectDaprError(await bulkGet(p, { keys: ['k1'], parallelism: 1.5 }), 400, 'ERR_MALFORMED_REQUEST');
  await expectDaprError(
    await transaction(p, { operations: [], metadata: { n: 1 } }),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectDaprError(
    await transact(p, [upsertOp('k1', 1, { metadata: { ttlInSeconds: 5 } })]),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectNoContent(await getState(p, 'k1'));

  // A null metadata value is an empty string, i.e. no TTL.
  await expectNoContent(await saveState(p, '[{"key":"k1","value":1,"metadata":{"ttlInSeconds":null}}]'));
});
