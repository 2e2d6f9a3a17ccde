import { expect, it } from 'vitest';
import { expectNoContent, getState, startWithStateStore } from '../../helpers/dapr-http.js';

it('GET of a key that was never saved is 204 with an empty body and no ETag', async () => {
  await using p = await startWithStateStore();
  const res = await getState(p, 'never-saved');
  await expectNoContent(res);
  expect(res.headers.get('content-type')).toBeNull();
});
