import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveAndGetEtag,
  startWithStateStore,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';

it('an etag mismatch inside a transaction is 500 ERR_STATE_TRANSACTION (not 409) and nothing is applied', async () => {
  await using p = await startWithStateStore();
  const etag = await saveAndGetEtag(p, 'guarded', 'original');

  const err = await expectDaprError(
    await transact(p, [
      upsertOp('other', 'must not be written'),
      upsertOp('guarded', 'changed', { etag: 'wrong-etag' }),
    ]),
    500,
    'ERR_STATE_TRANSACTION',
  );
  expect(err.message).toMatch(/^error while executing state transaction: /);
  expect(await expectValue(await getState(p, 'guarded'))).toBe('"original"');
  await expectNoContent(await getState(p, 'other'));

  await expectNoContent(await transact(p, [upsertOp('guarded', 'ok', { etag })]));
  expect(await expectValue(await getState(p, 'guarded'))).toBe('"ok"');
});
