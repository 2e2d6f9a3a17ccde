import { describe, expect, it } from 'vitest';
import {
  delReq,
  etagOf,
  expectAbsent,
  expectBulkEtagErrors,
  expectEtagError,
  expectJsonValue,
  getReq,
  setReq,
  type Suite,
} from '../harness.js';

/** Optimistic concurrency (claim `etag`). */
export function etagCases(s: Suite): void {
  if (!s.claims('etag')) return; // negative twin: features.ts checks ETAG is not advertised
  const badKind = s.config.badEtagError ?? 'mismatch';
  const bad = (current?: string) => s.config.badEtag(current);

  /** Writes `value` to a fresh key and returns the key and its etag. */
  async function fresh(label: string, value: unknown): Promise<[string, string]> {
    const key = s.key(label);
    await s.store.set(setReq(key, value));
    return [key, await etagOf(s.store, key)];
  }

  describe('etag', () => {
    it('new keys get a non-empty etag, the same via get and bulkGet', async () => {
      const keys = [s.key('etag-new'), s.key('etag-new'), s.key('etag-new'), s.key('etag-new')];
      await s.store.bulkSet(keys.map((k, i) => setReq(k, i)));
      const etags = await Promise.all(keys.map((k) => etagOf(s.store, k)));
      const items = await s.store.bulkGet(
        keys.map((k) => getReq(k)),
        0,
      );
      for (const [i, k] of keys.entries()) {
        const item = items.find((it) => it.key === k);
        expect(item?.etag, `bulkGet etag of ${k}`).toBe(etags[i]);
      }
    });

    it('set with a bad etag fails and leaves value and etag unchanged', async () => {
      const [key, etag] = await fresh('etag-badset', 'original');
      await expectEtagError(s.store.set(setReq(key, 'changed', { etag: bad(etag) })), badKind);
      const res = await expectJsonValue(s.store, key, 'original');
      expect(res.etag).toBe(etag);
    });

    it('set with the right etag succeeds and changes the etag', async () => {
      const [key, etag] = await fresh('etag-goodset', 'v1');
      await s.store.set(setReq(key, 'v2', { etag }));
      const res = await expectJsonValue(s.store, key, 'v2');
      expect(res.etag).toBeTruthy();
      expect(res.etag).not.toBe(etag);
      // The old etag is now stale.
      await expectEtagError(s.store.set(setReq(key, 'v3', { etag })), 'mismatch');
      await expectJsonValue(s.store, key, 'v2');
    });

    it('every write changes the etag, also one without etag', async () => {
      const [key, etag] = await fresh('etag-overwrite', 'v1');
      await s.store.set(setReq(key, 'v2'));
      expect(await etagOf(s.store, key)).not.toBe(etag);
      await expectEtagError(s.store.set(setReq(key, 'v3', { etag })), 'mismatch');
    });

    it('set with an etag on a key that does not exist fails and creates nothing', async () => {
      const key = s.key('etag-missing');
      await expectEtagError(s.store.set(setReq(key, 'x', { etag: bad(undefined) })), badKind);
      await expectAbsent(s.store, key);
    });

    it('bulkSet with one bad and one good etag is not atomic: only the bad key fails', async () => {
      const [goodKey, goodEtag] = await fresh('etag-bulk-good', 'good-old');
      const [badKey, badKeyEtag] = await fresh('etag-bulk-bad', 'bad-old');
      await expectBulkEtagErrors(
        s.store.bulkSet([
          setReq(goodKey, 'good-new', { etag: goodEtag }),
          setReq(badKey, 'bad-new', { etag: bad(badKeyEtag) }),
        ]),
        [badKey],
        badKind,
      );
      const good = await expectJsonValue(s.store, goodKey, 'good-new');
      expect(good.etag).not.toBe(goodEtag);
      const kept = await expectJsonValue(s.store, badKey, 'bad-old');
      expect(kept.etag).toBe(badKeyEtag);
    });

    it('delete with a bad etag fails; with the right etag it succeeds', async () => {
      const [key, etag] = await fresh('etag-delete', 'keep me');
      await expectEtagError(s.store.delete(delReq(key, { etag: bad(etag) })), badKind);
      const res = await expectJsonValue(s.store, key, 'keep me');
      expect(res.etag).toBe(etag);
      await s.store.delete(delReq(key, { etag }));
      await expectAbsent(s.store, key);
      const [item] = await s.store.bulkGet([getReq(key)], 0);
      expect(item.data).toBeUndefined();
      expect(item.etag || undefined).toBeUndefined();
    });

    it('delete with an etag on a key that does not exist fails', async () => {
      const key = s.key('etag-delete-missing');
      await expectEtagError(s.store.delete(delReq(key, { etag: bad(undefined) })), badKind);
    });

    it('bulkDelete with one bad and one good etag deletes only the good key', async () => {
      const [goodKey, goodEtag] = await fresh('etag-bulkdel-good', 'g');
      const [badKey, badKeyEtag] = await fresh('etag-bulkdel-bad', 'b');
      await expectBulkEtagErrors(
        s.store.bulkDelete([delReq(goodKey, { etag: goodEtag }), delReq(badKey, { etag: bad(badKeyEtag) })]),
        [badKey],
        badKind,
      );
      await expectAbsent(s.store, goodKey);
      const kept = await expectJsonValue(s.store, badKey, 'b');
      expect(kept.etag).toBe(badKeyEtag);
    });

    const malformed = s.config.malformedEtag;
    if (malformed) {
      const name = `an etag the store cannot parse (${JSON.stringify(malformed.etag)}) is ${malformed.set} on set, ${malformed.delete} on delete`;
      it(name, async () => {
        const [key, etag] = await fresh('etag-malformed', 'v');
        await expectEtagError(s.store.set(setReq(key, 'w', { etag: malformed.etag })), malformed.set);
        await expectEtagError(s.store.delete(delReq(key, { etag: malformed.etag })), malformed.delete);
        const res = await expectJsonValue(s.store, key, 'v');
        expect(res.etag).toBe(etag);
      });
    }
  });
}
