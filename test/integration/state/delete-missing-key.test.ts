import { it } from 'vitest';
import {
  deleteState,
  expectNoContent,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('DELETE without an etag is 204, also for a key that does not exist', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, [{ key: 'gone', value: 1 }]));
  await expectNoContent(await deleteState(p, 'gone'));
  await expectNoContent(await getState(p, 'gone'));
  await expectNoContent(await deleteState(p, 'never-existed'));
});
