import { describe, expect, it } from 'vitest';
import { StateRequestError } from '../../../../src/components/state/errors.js';
import { isTransactional } from '../../../../src/components/state/interface.js';
import {
  describeError,
  etagOf,
  expectAbsent,
  expectEtagError,
  expectExpireTime,
  expectJsonValue,
  expectNoExpireTime,
  getReq,
  mustGet,
  pollUntil,
  rejection,
  setReq,
  type Suite,
} from '../harness.js';

const ttl = (seconds: string | number) => ({ metadata: { ttlInSeconds: String(seconds) } });

/** Per-item expiry through `ttlInSeconds` (claim `ttl`). */
export function ttlCases(s: Suite): void {
  if (!s.claims('ttl')) return; // negative twin: features.ts checks TTL is not advertised

  /** Waits until `key` reads as absent (polling every 200 ms); fails after `ms`. */
  async function expectExpiresWithin(key: string, ms: number): Promise<void> {
    const gone = await pollUntil(async () => (await s.store.get(getReq(key))) === undefined, ms);
    expect(gone, `${key} should have expired within ${ms} ms`).toBe(true);
  }

  describe('ttl', () => {
    it('ttlInSeconds "foo" is a request error and writes nothing', async () => {
      const key = s.key('ttl-foo');
      const err = await rejection(s.store.set(setReq(key, 'x', ttl('foo'))));
      expect(err, describeError(err)).toBeInstanceOf(StateRequestError);
      await expectAbsent(s.store, key);
    });

    it('a key written without TTL has no ttlExpireTime', async () => {
      const key = s.key('ttl-none');
      await s.store.set(setReq(key, 'x'));
      expectNoExpireTime((await mustGet(s.store, key)).metadata);
      const [item] = await s.store.bulkGet([getReq(key)], 0);
      expectNoExpireTime(item.metadata);
    });

    it('ttlExpireTime is RFC 3339 UTC, about now + 3600 s for a 3600 s TTL', async () => {
      const key = s.key('ttl-3600');
      const at = Date.now();
      await s.store.set(setReq(key, 'x', ttl(3600)));
      const res = await expectJsonValue(s.store, key, 'x');
      expectExpireTime(res.metadata, 3600, at);
    });

    it('a 2 s TTL is readable at once and gone within 3 s, for get and bulkGet', async () => {
      const key = s.key('ttl-2s');
      await s.store.set(setReq(key, 'short', ttl(2)));
      await expectJsonValue(s.store, key, 'short');
      await expectExpiresWithin(key, 3000);
      const [item] = await s.store.bulkGet([getReq(key)], 0);
      expect(item.data).toBeUndefined();
      expect(item.etag || undefined).toBeUndefined();
    });

    it('ttlInSeconds -1 removes an existing TTL', async () => {
      const key = s.key('ttl-minus1');
      await s.store.set(setReq(key, 'x', ttl(3600)));
      expectExpireTime((await mustGet(s.store, key)).metadata, 3600, Date.now());
      await s.store.set(setReq(key, 'y', ttl(-1)));
      const res = await expectJsonValue(s.store, key, 'y');
      expectNoExpireTime(res.metadata);
    });

    if ((s.config.ttlOnWriteWithoutTtl ?? 'cleared') === 'cleared') {
      it('re-setting without ttlInSeconds removes an existing TTL', async () => {
        const key = s.key('ttl-reset');
        await s.store.set(setReq(key, 'x', ttl(3600)));
        await s.store.set(setReq(key, 'y'));
        const res = await expectJsonValue(s.store, key, 'y');
        expectNoExpireTime(res.metadata);
      });
    } else {
      it('re-setting without ttlInSeconds keeps an existing TTL (override: kept, as daprd does)', async () => {
        const key = s.key('ttl-reset');
        const at = Date.now();
        await s.store.set(setReq(key, 'x', ttl(3600)));
        await s.store.set(setReq(key, 'y'));
        const res = await expectJsonValue(s.store, key, 'y');
        expectExpireTime(res.metadata, 3600, at);
      });
    }

    it('re-setting with a new TTL replaces the old one', async () => {
      const key = s.key('ttl-replace');
      await s.store.set(setReq(key, 'x', ttl(3600)));
      const at = Date.now();
      await s.store.set(setReq(key, 'y', ttl(7200)));
      expectExpireTime((await mustGet(s.store, key)).metadata, 7200, at);
    });

    it('bulkGet returns ttlExpireTime per item', async () => {
      const [hour, twoHours, none] = [s.key('ttl-bulk'), s.key('ttl-bulk'), s.key('ttl-bulk')];
      const at = Date.now();
      await s.store.set(setReq(hour, 1, ttl(3600)));
      await s.store.set(setReq(twoHours, 2, ttl(7200)));
      await s.store.set(setReq(none, 3));
      const items = await s.store.bulkGet(
        [hour, twoHours, none].map((k) => getReq(k)),
        0,
      );
      const by = new Map(items.map((i) => [i.key, i]));
      expectExpireTime(by.get(hour)?.metadata, 3600, at);
      expectExpireTime(by.get(twoHours)?.metadata, 7200, at);
      expectNoExpireTime(by.get(none)?.metadata);
    });

    it('bulkSet applies ttlInSeconds per item', async () => {
      const [withTtl, without] = [s.key('ttl-bulkset'), s.key('ttl-bulkset')];
      const at = Date.now();
      await s.store.bulkSet([setReq(withTtl, 'a', ttl(3600)), setReq(without, 'b')]);
      expectExpireTime((await mustGet(s.store, withTtl)).metadata, 3600, at);
      expectNoExpireTime((await mustGet(s.store, without)).metadata);
    });

    it('expired items are invisible to bulkGet and to etag writes', async () => {
      const [key, live] = [s.key('ttl-expired'), s.key('ttl-live')];
      await s.store.set(setReq(key, 'short', ttl(1)));
      await s.store.set(setReq(live, 'long', ttl(3600)));
      const etag = s.claims('etag') ? await etagOf(s.store, key) : undefined;
      await expectExpiresWithin(key, 3000);
      const items = await s.store.bulkGet([getReq(key), getReq(live)], 0);
      const by = new Map(items.map((i) => [i.key, i]));
      expect(by.get(key)?.data, 'expired key in bulkGet').toBeUndefined();
      expect(by.get(key)?.error).toBeUndefined();
      expect(JSON.parse(String(by.get(live)?.data))).toBe('long');
      if (etag !== undefined) {
        await expectEtagError(s.store.set(setReq(key, 'revived', { etag })), 'mismatch');
        await expectAbsent(s.store, key);
      }
    });

    if (s.claims('transaction')) {
      it('a transaction upsert applies ttlInSeconds', async () => {
        const [withTtl, without] = [s.key('ttl-tx'), s.key('ttl-tx')];
        if (!isTransactional(s.store)) throw new Error('claims transaction but has no multi()');
        const at = Date.now();
        await s.store.multi(
          [
            { operation: 'upsert', request: setReq(withTtl, 'a', ttl(3600)) },
            { operation: 'upsert', request: setReq(without, 'b') },
          ],
          {},
        );
        expectExpireTime((await mustGet(s.store, withTtl)).metadata, 3600, at);
        expectNoExpireTime((await mustGet(s.store, without)).metadata);
      });
    }
  });
}
