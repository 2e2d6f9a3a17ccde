import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  getState,
  startWithStateStore,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';

// The store checks `options` inside its Multi call in daprd, so an unknown concurrency or consistency
// fails the whole transaction like any store error: 500 ERR_STATE_TRANSACTION, nothing applied.
it('a transaction operation with unknown options is 500 ERR_STATE_TRANSACTION and nothing is applied', async () => {
  await using p = await startWithStateStore();
  const err = await expectDaprError(
    await transact(p, [upsertOp('fine', 1), upsertOp('odd', 2, { options: { concurrency: 'bogus' } })]),
    500,
    'ERR_STATE_TRANSACTION',
  );
  expect(err.message).toContain('bogus');
  await expectNoContent(await getState(p, 'fine'));
  await expectNoContent(await getState(p, 'odd'));

  await expectDaprError(
    await transact(p, [upsertOp('odd', 2, { options: { consistency: 'bogus' } })]),
    500,
    'ERR_STATE_TRANSACTION',
  );
  // An illegal key is still found first: it is a request error, not a store error.
  await expectDaprError(
    await transact(p, [upsertOp('odd', 2, { options: { concurrency: 'bogus' } }), upsertOp('a||b', 2)]),
    400,
    'ERR_MALFORMED_REQUEST',
  );
});
