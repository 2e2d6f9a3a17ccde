import { expect, it } from 'vitest';
import {
  expectValue,
  getState,
  saveState,
  startWithStateStore,
  expectNoContent,
} from '../../helpers/dapr-http.js';

it('GET answers 200 application/json with an unquoted ETag and no TTL header', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, [{ key: 'order-1', value: { id: 1 } }]));

  const res = await getState(p, 'order-1');
  expect(JSON.parse(await expectValue(res))).toEqual({ id: 1 });
  const etag = res.headers.get('etag');
  expect(etag).toMatch(/^[^"\s]+$/);
  expect(res.headers.get('metadata.ttlExpireTime')).toBeNull();

  // The ETag changes on every write.
  await expectNoContent(await saveState(p, [{ key: 'order-1', value: { id: 2 } }]));
  const again = await getState(p, 'order-1');
  await expectValue(again);
  expect(again.headers.get('etag')).not.toBe(etag);
});
