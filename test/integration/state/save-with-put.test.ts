import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('PUT /v1.0/state/{store} saves exactly like POST', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, [{ key: 'put-key', value: 'via put' }], { method: 'PUT' }));
  expect(await expectValue(await getState(p, 'put-key'))).toBe('"via put"');
});
