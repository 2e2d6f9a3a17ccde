import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('an item without "value" is saved as null (dapr/dapr state/http/basic "good json")', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, '[{"key": "key1", "vae": "value1"}]'));
  expect(await expectValue(await getState(p, 'key1'))).toBe('null');
});
