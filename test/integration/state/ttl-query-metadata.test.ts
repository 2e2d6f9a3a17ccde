import { expect, it } from 'vitest';
import {
  eventually,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('?metadata.ttlInSeconds=2 sets a TTL: GET shows metadata.ttlExpireTime ≈ now+2s, then the key is gone', async () => {
  await using p = await startWithStateStore();
  const before = Date.now();
  await expectNoContent(
    await saveState(p, [{ key: 'session', value: 'token' }], { query: 'metadata.ttlInSeconds=2' }),
  );

  const res = await getState(p, 'session');
  expect(await expectValue(res)).toBe('"token"');
  const expire = res.headers.get('metadata.ttlExpireTime') ?? '';
  expect(expire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(Math.abs(Date.parse(expire) - (before + 2_000))).toBeLessThan(1_500);

  const gone = await eventually(async () => (await getState(p, 'session')).status === 204, 4_000);
  expect(gone).toBe(true);
  await expectNoContent(await getState(p, 'session'));
});
