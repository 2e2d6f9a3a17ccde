import { expect, it } from 'vitest';
import {
  bulkGet,
  expectNoContent,
  expectValue,
  getState,
  saveState,
  startWithStateStore,
} from '../../helpers/dapr-http.js';

interface BulkItem {
  key: string;
  data?: unknown;
  etag?: string;
  metadata?: Record<string, string>;
  error?: string;
}

it('bulk get returns one entry per key with "data" and "etag"; missing keys as {"key"} only', async () => {
  await using p = await startWithStateStore();
  await expectNoContent(
    await saveState(p, [
      { key: 'planet-1', value: 'Tatooine' },
      { key: 'planet-2', value: { name: 'Hoth', cold: true } },
    ]),
  );
  const etag1 = (await getState(p, 'planet-1')).headers.get('etag');

  const res = await bulkGet(p, { keys: ['planet-1', 'planet-2', 'planet-x'], parallelism: 10 });
  const items = JSON.parse(await expectValue(res)) as BulkItem[];
  expect(items).toHaveLength(3);
  const byKey = new Map(items.map((i) => [i.key, i]));

  expect(byKey.get('planet-1')).toEqual({ key: 'planet-1', data: 'Tatooine', etag: etag1 });
  expect(byKey.get('planet-2')).toMatchObject({ key: 'planet-2', data: { name: 'Hoth', cold: true } });
  expect(byKey.get('planet-2')!.etag).toEqual(expect.any(String));
  expect(byKey.get('planet-x')).toStrictEqual({ key: 'planet-x' });
  // PUT is accepted as well.
  const viaPut = await p.fetch('/v1.0/state/statestore/bulk', {
    method: 'PUT',
    body: '{"keys":["planet-1"]}',
  });
  expect(JSON.parse(await expectValue(viaPut))).toEqual([{ key: 'planet-1', data: 'Tatooine', etag: etag1 }]);
  await expectNoContent(await getState(p, 'planet-x'));
});
