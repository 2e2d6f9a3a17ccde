import { it, expect } from 'vitest';
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

it('--dapr-http-max-request-size 1 limits bodies to 1 MB', async () => {
  await using p = await startWithStateStore({ args: ['--dapr-http-max-request-size', '1'] });

  await expectDaprError(await saveState(p, itemOfSize('over', MB + 100)), 400, 'ERR_MALFORMED_REQUEST');
  await expectNoContent(await saveState(p, itemOfSize('under', MB - 100)));
  expect((await expectValue(await getState(p, 'under'))).length).toBe(MB - 100 - 40 + 2);
  await expectNoContent(await getState(p, 'over'));
});
