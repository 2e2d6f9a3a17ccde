import { it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('a save body that is a JSON object instead of an array is 400 ERR_MALFORMED_REQUEST', async () => {
  await using p = await startWithStateStore();
  await expectDaprError(await saveState(p, '{"key": "k", "value": "v"}'), 400, 'ERR_MALFORMED_REQUEST');
  await expectDaprError(await saveState(p, '{}'), 400, 'ERR_MALFORMED_REQUEST');
  await expectNoContent(await getState(p, 'k'));
});
