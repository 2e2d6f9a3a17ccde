import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('an item with a missing or empty key is 400 ERR_MALFORMED_REQUEST and nothing is saved', async () => {
  await using p = await startWithStateStore();
  for (const body of [
    '[{}]',
    '[{"ey": "key0", "value": "value1"}]',
    '[{"key": "", "value": 1}]',
    '[{"key":"ok","value":1},{"value":2}]',
  ]) {
    const err = await expectDaprError(await saveState(p, body), 400, 'ERR_MALFORMED_REQUEST');
    expect(err.message, body).toBe('"key" is a required field');
  }
  await expectNoContent(await getState(p, 'ok'));
});
