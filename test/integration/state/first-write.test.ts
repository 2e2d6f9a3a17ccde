import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('first-write without etag inserts once, then the second write is 409 ERR_STATE_SAVE', async () => {
  await using p = await startWithStateStore();
  const item = (value: string) => ({ key: 'fw', value, options: { concurrency: 'first-write' } });

  await expectNoContent(await saveState(p, [item('first')]));
  await expectDaprError(await saveState(p, [item('second')]), 409, 'ERR_STATE_SAVE');
  expect(await expectValue(await getState(p, 'fw'))).toBe('"first"');
});
