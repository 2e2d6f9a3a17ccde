import { expect, it } from 'vitest';
import {
  expectDaprError,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

const MB = 1024 * 1024;
const itemOfSize = (key: string, bytes: number) => `[{"key":"${key}","value":"${'a'.repeat(bytes - 40)}"}]`;

it('a save body over the default 4 MB is 400 ERR_MALFORMED_REQUEST; the runtime keeps serving', async () => {
  await using p = await startWithStateStore();

  const err = await expectDaprError(
    await saveState(p, itemOfSize('huge', 4 * MB + 1024)),
    400,
    'ERR_MALFORMED_REQUEST',
  );
  expect(err.message).toContain('too large');
  await expectNoContent(await getState(p, 'huge'));

  // Just under the limit is accepted, and the next small request is served normally.
  await expectNoContent(await saveState(p, itemOfSize('almost', 4 * MB - 1024)));
  await expectNoContent(await saveState(p, [{ key: 'small', value: 1 }]));
  expect(await expectValue(await getState(p, 'small'))).toBe('1');
});
