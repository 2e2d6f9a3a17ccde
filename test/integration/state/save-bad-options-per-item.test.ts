import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

// daprd checks every item's key before writing anything, while options are checked by the store on
// each item's own write: an item with unknown options fails alone (500 ERR_STATE_SAVE), the others
// of the same request are written.
it('unknown options fail only their own item of a multi-item save; a bad key fails the whole request first', async () => {
  await using p = await startWithStateStore();
  const err = await expectDaprError(
    await saveState(p, [
      { key: 'good', value: 'kept' },
      { key: 'odd', value: 'dropped', options: { concurrency: 'bogus' } },
    ]),
    500,
    'ERR_STATE_SAVE',
  );
  expect(err.message).toContain('bogus');
  expect(await expectValue(await getState(p, 'good'))).toBe('"kept"');
  await expectNoContent(await getState(p, 'odd'));

  await expectDaprError(
    await saveState(p, [
      { key: 'first', value: 1, options: { consistency: 'bogus' } },
      { key: 'a||b', value: 2 },
      { key: 'third', value: 3 },
    ]),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  await expectNoContent(await getState(p, 'third'));
});
