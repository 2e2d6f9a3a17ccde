import { expect, it } from 'vitest';
import { getState, saveState, startWithStateStore } from '../../helpers/dapr-http.js';

const N = 200;

it('200 concurrent saves and then 200 concurrent gets on distinct keys all succeed', async () => {
  await using p = await startWithStateStore();
  const keys = Array.from({ length: N }, (_, i) => `c-${i}`);

  const saves = await Promise.all(keys.map((key, i) => saveState(p, [{ key, value: { i } }])));
  expect(saves.map((r) => r.status)).toEqual(keys.map(() => 204));

  const gets = await Promise.all(keys.map((key) => getState(p, key)));
  expect(gets.map((r) => r.status)).toEqual(keys.map(() => 200));
  const values = await Promise.all(gets.map((r) => r.json() as Promise<{ i: number }>));
  expect(values.map((v) => v.i)).toEqual(keys.map((_, i) => i));
});
