import { describe, expect, it } from 'vitest';
import type { BulkGetItem } from '../../../../src/components/state/interface.js';
import { delReq, expectAbsent, expectJsonValue, getReq, parseJson, setReq, type Suite } from '../harness.js';

function byKey(items: BulkGetItem[]): Map<string, BulkGetItem> {
  return new Map(items.map((i) => [i.key, i]));
}

/** bulkSet / bulkGet / bulkDelete without etags (etag mixes are in etag.ts). */
export function bulkCases(s: Suite): void {
  describe('bulk', () => {
    it('bulkSet then get each', async () => {
      const keys = [s.key('bulkset'), s.key('bulkset'), s.key('bulkset')];
      await s.store.bulkSet(keys.map((k, i) => setReq(k, { i, tag: 'bulk' })));
      for (const [i, k] of keys.entries()) await expectJsonValue(s.store, k, { i, tag: 'bulk' });
    });

    it('bulkSet with binary and JSON values keeps each as given', async () => {
      const [bin, doc] = [s.key('bulkset-bin'), s.key('bulkset-json')];
      const bytes = Buffer.from([0x00, 0xff, 0x10]);
      await s.store.bulkSet([{ ...setReq(bin, bytes), isBinary: true }, setReq(doc, { a: [1] })]);
      const got = await s.store.get(getReq(bin));
      expect(got?.data.toString('hex')).toBe(bytes.toString('hex'));
      await expectJsonValue(s.store, doc, { a: [1] });
    });

    it('bulkSet of nothing is a no-op', async () => {
      await expect(s.store.bulkSet([])).resolves.toBeUndefined();
    });

    for (const parallelism of [0, 1, 2]) {
      it(`bulkGet (parallelism ${parallelism}) returns every key, a missing one with no data and no error`, async () => {
        const keys = [s.key('bulkget'), s.key('bulkget'), s.key('bulkget')];
        const missing = s.key('bulkget-missing');
        for (const [i, k] of keys.entries()) await s.store.set(setReq(k, `v${i}`));
        const items = await s.store.bulkGet(
          [...keys, missing].map((k) => getReq(k)),
          parallelism,
        );
        expect(items).toHaveLength(4);
        const map = byKey(items);
        expect([...map.keys()].sort()).toEqual([...keys, missing].sort());
        for (const [i, k] of keys.entries()) {
          expect(map.get(k)?.error, `error for ${k}`).toBeUndefined();
          expect(parseJson(map.get(k)?.data)).toBe(`v${i}`);
        }
        const gone = map.get(missing);
        expect(gone?.error).toBeUndefined();
        expect(gone?.data).toBeUndefined();
        expect(gone?.etag || undefined).toBeUndefined();
      });
    }

    it('bulkGet of only missing keys returns them with no data', async () => {
      const keys = [s.key('bulkget-none'), s.key('bulkget-none')];
      const items = await s.store.bulkGet(
        keys.map((k) => getReq(k)),
        0,
      );
      expect(items.map((i) => i.key).sort()).toEqual([...keys].sort());
      for (const i of items) {
        expect(i.data).toBeUndefined();
        expect(i.error).toBeUndefined();
      }
    });

    it('bulkGet of no keys returns nothing', async () => {
      await expect(s.store.bulkGet([], 0)).resolves.toEqual([]);
    });

    it('bulkDelete then every key is absent', async () => {
      const keys = [s.key('bulkdel'), s.key('bulkdel'), s.key('bulkdel')];
      await s.store.bulkSet(keys.map((k) => setReq(k, 'x')));
      const missing = s.key('bulkdel-missing');
      await s.store.bulkDelete([...keys, missing].map((k) => delReq(k)));
      for (const k of keys) await expectAbsent(s.store, k);
      const items = await s.store.bulkGet(
        keys.map((k) => getReq(k)),
        0,
      );
      for (const i of items) expect(i.data).toBeUndefined();
    });

    it('bulkDelete of nothing is a no-op', async () => {
      await expect(s.store.bulkDelete([])).resolves.toBeUndefined();
    });
  });
}
