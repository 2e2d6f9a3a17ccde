import { expect, it } from 'vitest';
import { expectNoContent, saveState, startWithStateStore } from '../../helpers/dapr-http.js';

it('a save answers 204 with an empty body and no ETag header', async () => {
  await using p = await startWithStateStore();
  const res = await saveState(p, [
    { key: 'a', value: 'one' },
    { key: 'b', value: 2 },
  ]);
  await expectNoContent(res);
  expect(res.headers.get('content-length') ?? '0').toBe('0');
});
