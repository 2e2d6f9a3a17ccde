import { expect, it } from 'vitest';
import {
  deleteState,
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveAndGetEtag,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('DELETE with a wrong If-Match is 409 ERR_STATE_DELETE and keeps the key; the right one deletes it', async () => {
  await using p = await startWithStateStore();
  const etag = await saveAndGetEtag(p, 'guarded', 'v1');

  const wrong = await expectDaprError(
    await deleteState(p, 'guarded', 'not-the-etag'),
    409,
    'ERR_STATE_DELETE',
  );
  expect(wrong.message).toContain('failed deleting state with key guarded');
  expect(await expectValue(await getState(p, 'guarded'))).toBe('"v1"');

  await expectNoContent(await deleteState(p, 'guarded', etag));
  await expectNoContent(await getState(p, 'guarded'));
});
