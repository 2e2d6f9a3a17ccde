import { it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('an unknown concurrency option is a store error: 500 ERR_STATE_SAVE', async () => {
  await using p = await startWithStateStore();
  await expectDaprError(
    await saveState(p, [{ key: 'k', value: 1, options: { concurrency: 'whoever-wins' } }]),
    500,
    'ERR_STATE_SAVE',
  );
  await expectNoContent(await getState(p, 'k'));
});
