import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  saveState,
  sleep,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('saving again with ttlInSeconds=-1 removes the TTL: no ttlExpireTime and the key outlives the old expiry', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, [{ key: 'k', value: 'v1', metadata: { ttlInSeconds: '2' } }]));
  const withTtl = await getState(p, 'k');
  await expectValue(withTtl);
  expect(withTtl.headers.get('metadata.ttlExpireTime')).not.toBeNull();

  await expectNoContent(
    await saveState(p, [{ key: 'k', value: 'v2' }], { query: 'metadata.ttlInSeconds=-1' }),
  );
  const cleared = await getState(p, 'k');
  expect(await expectValue(cleared)).toBe('"v2"');
  expect(cleared.headers.get('metadata.ttlExpireTime')).toBeNull();

  await sleep(2_300);
  expect(await expectValue(await getState(p, 'k'))).toBe('"v2"');
});
