import { expect, it } from 'vitest';
import { bulkGet, expectValue, startWithStateStore } from '../../helpers/dapr-http.js';

it('bulk get with no keys is 200 []', async () => {
  await using p = await startWithStateStore();
  expect(JSON.parse(await expectValue(await bulkGet(p, { keys: [] })))).toEqual([]);
  expect(JSON.parse(await expectValue(await bulkGet(p, {})))).toEqual([]);
});
