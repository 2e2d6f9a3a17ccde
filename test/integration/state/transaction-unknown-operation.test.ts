import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  getState,
  startWithStateStore,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';

it('an operation other than upsert/delete is 400 ERR_NOT_SUPPORTED_STATE_OPERATION', async () => {
  await using p = await startWithStateStore();
  const err = await expectDaprError(
    await transact(p, [upsertOp('a', 1), { operation: 'merge', request: { key: 'b', value: 2 } }]),
    400,
    'ERR_NOT_SUPPORTED_STATE_OPERATION',
  );
  expect(err.message).toBe('operation type merge not supported');
  await expectNoContent(await getState(p, 'a'));
});
