import { it } from 'vitest';
import { expectNoContent, saveState, startWithStateStore } from '../../helpers/dapr-http.js';

it('saving an empty array is a 204 no-op', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, '[]'));
});
