import { expect, it } from 'vitest';
import {
  expectNoContent,
  expectValue,
  getState,
  saveState,
  deleteOp,
  startWithStateStore,
  transact,
  transaction,
  upsertOp,
} from '../../helpers/dapr-http.js';

it('a transaction of upserts and deletes is 204 and applies every operation', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(await saveState(p, [{ key: 'key2', value: 'to delete' }]));

  const res = await transaction(p, {
    operations: [upsertOp('key1', 'myData'), upsertOp('key3', { n: 3 }), deleteOp('key2')],
    metadata: { partitionKey: 'planet' },
  });
  await expectNoContent(res);

  expect(await expectValue(await getState(p, 'key1'))).toBe('"myData"');
  expect(JSON.parse(await expectValue(await getState(p, 'key3')))).toEqual({ n: 3 });
  await expectNoContent(await getState(p, 'key2'));
  // An empty operation list is a no-op.
  await expectNoContent(await transact(p, []));
});
