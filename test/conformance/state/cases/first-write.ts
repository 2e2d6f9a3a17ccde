import { describe, expect, it } from 'vitest';
import {
  etagOf,
  expectEtagError,
  expectJsonValue,
  firstWrite,
  pollUntil,
  rejection,
  setReq,
  type Suite,
} from '../harness.js';

/** `concurrency: first-write` (claim `first-write`): insert-only without etag, once-only with one. */
export function firstWriteCases(s: Suite): void {
  if (!s.claims('first-write')) return; // Dapr has no feature flag for first-write: nothing to advertise
  describe('first-write', () => {
    it('without etag it inserts a new key', async () => {
      const key = s.key('fw-insert');
      await s.store.set(setReq(key, 'first', { options: firstWrite }));
      await expectJsonValue(s.store, key, 'first');
    });

    for (const [name, etag] of [
      ['no etag', undefined],
      ['an empty etag', ''],
    ] as const) {
      it(`with ${name}, a second write to an existing key fails`, async () => {
        const key = s.key('fw-second');
        await s.store.set(setReq(key, 'first', { options: firstWrite }));
        const before = await etagOf(s.store, key);
        await rejection(s.store.set(setReq(key, 'second', { etag, options: firstWrite })));
        const res = await expectJsonValue(s.store, key, 'first');
        expect(res.etag).toBe(before);
      });
    }

    it('fails on a key written earlier with last-write', async () => {
      const key = s.key('fw-existing');
      await s.store.set(setReq(key, 'lw'));
      await rejection(s.store.set(setReq(key, 'fw', { options: firstWrite })));
      await expectJsonValue(s.store, key, 'lw');
    });

    it('with a valid etag the update succeeds once; the stale etag then fails', async () => {
      const key = s.key('fw-etag');
      await s.store.set(setReq(key, 'v1', { options: firstWrite }));
      const etag = await etagOf(s.store, key);
      await s.store.set(setReq(key, 'v2', { etag, options: firstWrite }));
      await expectJsonValue(s.store, key, 'v2');
      await expectEtagError(s.store.set(setReq(key, 'v3', { etag, options: firstWrite })), 'mismatch');
      await expectJsonValue(s.store, key, 'v2');
    });

    it('bulkSet with first-write fails only for the keys that exist', async () => {
      const [existing, added] = [s.key('fw-bulk-existing'), s.key('fw-bulk-new')];
      await s.store.set(setReq(existing, 'old'));
      const err = await rejection(
        s.store.bulkSet([
          setReq(existing, 'new', { options: firstWrite }),
          setReq(added, 'new', { options: firstWrite }),
        ]),
      );
      expect((err as { errors?: Array<{ key: string }> }).errors?.map((e) => e.key)).toEqual([existing]);
      await expectJsonValue(s.store, existing, 'old');
      await expectJsonValue(s.store, added, 'new');
    });

    if (s.claims('ttl')) {
      it('without etag it succeeds on a key whose TTL has expired', async () => {
        const key = s.key('fw-expired');
        await s.store.set(setReq(key, 'short-lived', { metadata: { ttlInSeconds: '1' } }));
        const gone = await pollUntil(
          async () => (await s.store.get({ key, metadata: {} })) === undefined,
          3000,
        );
        expect(gone, 'the key should expire within 3 s').toBe(true);
        await s.store.set(setReq(key, 'reborn', { options: firstWrite }));
        await expectJsonValue(s.store, key, 'reborn');
      });
    }
  });
}
