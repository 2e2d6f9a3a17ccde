import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('a 1 MB string value round-trips byte for byte', async () => {
  await using p = await startWithStateStore();
  const value = 'x'.repeat(1024 * 1024 - 7) + 'ü✓end';
  await expectNoContent(await saveState(p, [{ key: 'big', value }]));

  const text = await expectValue(await getState(p, 'big'));
  expect(text.length).toBe(value.length + 2);
  expect(text).toBe(JSON.stringify(value));
});
