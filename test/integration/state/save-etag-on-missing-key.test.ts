import { it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('an etag on a key that does not exist is an etag mismatch (409)', async () => {
  await using p = await startWithStateStore();
  await expectDaprError(
    await saveState(p, [{ key: 'nobody', value: 1, etag: 'some-etag' }]),
    409,
    'ERR_STATE_SAVE',
  );
  await expectNoContent(await getState(p, 'nobody'));
});
