import { expect, it } from 'vitest';
import {
  eventually,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('item metadata {"ttlInSeconds":"2"} expires only that item', async () => {
  await using p = await startWithStateStore();
  const before = Date.now();
  await expectNoContent(
    await saveState(p, [
      { key: 'key1', value: 'value1', metadata: { ttlInSeconds: '2' } },
      { key: 'key2', value: 'value2' },
    ]),
  );

  const res = await getState(p, 'key1');
  expect(await expectValue(res)).toBe('"value1"');
  const expire = Date.parse(res.headers.get('metadata.ttlExpireTime') ?? '');
  expect(Math.abs(expire - (before + 2_000))).toBeLessThan(1_500);

  expect(await eventually(async () => (await getState(p, 'key1')).status === 204, 4_000)).toBe(true);
  const other = await getState(p, 'key2');
  expect(await expectValue(other)).toBe('"value2"');
  expect(other.headers.get('metadata.ttlExpireTime')).toBeNull();
  await expectNoContent(await getState(p, 'key1'));
});
