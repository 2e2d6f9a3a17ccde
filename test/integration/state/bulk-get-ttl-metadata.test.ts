import { expect, it } from 'vitest';
import {
  bulkGet,
  expectNoContent,
  expectValue,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

it('bulk get reports metadata.ttlExpireTime on items that have a TTL, and only on those', async () => {
  await using p = await startWithStateStore();
  const before = Date.now();
  await expectNoContent(
    await saveState(p, [
      { key: 'short', value: 1, metadata: { ttlInSeconds: '60' } },
      { key: 'forever', value: 2 },
    ]),
  );

  const items = JSON.parse(await expectValue(await bulkGet(p, { keys: ['short', 'forever'] }))) as {
    key: string;
    metadata?: Record<string, string>;
  }[];
  const short = items.find((i) => i.key === 'short')!;
  const forever = items.find((i) => i.key === 'forever')!;
  const expire = short.metadata?.ttlExpireTime ?? '';
  expect(expire).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(Math.abs(Date.parse(expire) - (before + 60_000))).toBeLessThan(2_000);
  expect(forever.metadata).toBeUndefined();
});
