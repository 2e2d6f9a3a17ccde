import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import type { ComponentContext } from '../../component.js';
import { PrivateRedisServer } from '../../common/redis/testing.js';
import { BulkStoreErrors, EtagInvalidError, EtagMismatchError, StateRequestError } from '../errors.js';
import { setRequest as set } from '../../../../test/helpers/state-requests.js';
import { findStateStoreFactory } from '../registry.js';
import { RedisStateStore } from './index.js';

const REDIS = '127.0.0.1:6379';
const prefix = `daprts-test-redis-state-${randomUUID()}||`;
const logger = createLogger({ appId: 'test', level: 'silent' });

function context(metadata: Record<string, string>, now: () => number = Date.now): ComponentContext {
  const base = { name: 'redis-test', type: 'state.redis', version: 'v1', appId: 'test', namespace: '' };
  return { ...base, metadata, logger, dataDir: '/nonexistent', now };
}

describe('state.redis', () => {
  let store: RedisStateStore;
  let raw: Redis;
  let n = 0;
  const key = () => `${prefix}k${++n}`;

  beforeAll(async () => {
    store = new RedisStateStore(context({ redisHost: REDIS }));
    await store.init();
    raw = new Redis(6379, '127.0.0.1');
  });

  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    await store.close();
    raw.disconnect();
  });

  it('is registered as state.redis v1 and advertises ETAG, TRANSACTIONAL, TTL', async () => {
    expect(await findStateStoreFactory('State.Redis', '')(context({ redisHost: REDIS }))).toBeInstanceOf(
      RedisStateStore,
    );
    expect(store.features()).toEqual(['ETAG', 'TRANSACTIONAL', 'TTL']);
  });

  describe("daprd's hash layout", () => {
    it('writes a hash with data and version, the version counting writes from 1', async () => {
      const k = key();
      await store.set(set(k, { a: 1 }));
      expect(await raw.type(k)).toBe('hash');
      expect(await raw.hgetall(k)).toEqual({ data: '{"a":1}', version: '1' });
      await store.set(set(k, 'two'));
      expect(await raw.hgetall(k)).toEqual({ data: '"two"', version: '2' });
      expect((await store.get({ key: k, metadata: {} }))?.etag).toBe('2');
    });

    it('marks keys written with first-write as daprd does', async () => {
      const k = key();
      await store.set(set(k, 1, { options: { concurrency: 'first-write' } }));
      expect(await raw.hgetall(k)).toEqual({ data: '1', 'first-write': '0', version: '1' });
    });

    it('reads a hash written the daprd way, with its version as etag', async () => {
      const k = key();
      await raw.hset(k, 'data', '{"from":"daprd"}', 'version', '41');
      const res = await store.get({ key: k, metadata: {} });
      expect(res?.data.toString()).toBe('{"from":"daprd"}');
      expect(res?.etag).toBe('41');
      expect(res?.metadata).toBeUndefined();
      await store.set(set(k, 'next', { etag: '41' }));
      expect(await raw.hget(k, 'version')).toBe('42');
    });

    it('passes bytes through unchanged', async () => {
      const k = key();
      const bytes = Buffer.from([0xff, 0x00, 0x80, 0x41]);
      await store.set({ key: k, value: bytes, isBinary: true, metadata: {}, options: {} });
      expect(await raw.hgetBuffer(k, 'data')).toEqual(bytes);
      expect((await store.get({ key: k, metadata: {} }))?.data).toEqual(bytes);
    });

    it('reads a plain string value left by an old writer (no etag) and replaces it on write', async () => {
      const k = key();
      await raw.set(k, '"legacy"');
      const res = await store.get({ key: k, metadata: {} });
      expect(res?.data.toString()).toBe('"legacy"');
      expect(res?.etag).toBeUndefined();
      await store.set(set(k, 'new'));
      expect(await raw.hgetall(k)).toEqual({ data: '"new"', version: '1' });
    });

    it('reports a hash without data or version as an error', async () => {
      const k = key();
      await raw.hset(k, 'data', 'x');
      await expect(store.get({ key: k, metadata: {} })).rejects.toThrow(/'data' or 'version'/);
    });

    it('returns undefined for a missing key and deletes missing keys without error', async () => {
      const k = key();
      expect(await store.get({ key: k, metadata: {} })).toBeUndefined();
      await store.delete({ key: k, metadata: {}, options: {} });
    });
  });

  describe('etags', () => {
    it('writes and deletes with the right etag, refuses a stale one', async () => {
      const k = key();
      await store.set(set(k, 1));
      await store.set(set(k, 2, { etag: '1' }));
      await expect(store.set(set(k, 3, { etag: '1' }))).rejects.toBeInstanceOf(EtagMismatchError);
      await expect(store.delete({ key: k, etag: '1', metadata: {}, options: {} })).rejects.toBeInstanceOf(
        EtagMismatchError,
      );
      expect(await raw.hget(k, 'data')).toBe('2');
      await store.delete({ key: k, etag: '2', metadata: {}, options: {} });
      expect(await raw.exists(k)).toBe(0);
    });

    it('treats an etag on a missing key as a mismatch', async () => {
      const k = key();
      await expect(store.set(set(k, 1, { etag: '9999999' }))).rejects.toBeInstanceOf(EtagMismatchError);
      await expect(store.delete({ key: k, etag: '1', metadata: {}, options: {} })).rejects.toBeInstanceOf(
        EtagMismatchError,
      );
      expect(await raw.exists(k)).toBe(0);
    });

    it('rejects a non-integer etag on write as invalid, and on delete as a mismatch (as daprd)', async () => {
      const k = key();
      await store.set(set(k, 1));
      await expect(store.set(set(k, 2, { etag: 'not-a-number' }))).rejects.toBeInstanceOf(EtagInvalidError);
      await expect(
        store.delete({ key: k, etag: 'not-a-number', metadata: {}, options: {} }),
      ).rejects.toBeInstanceOf(EtagMismatchError);
      await store.set(set(k, 2, { etag: '+001' }));
      expect(await raw.hget(k, 'version')).toBe('2');
    });

    it('first-write without etag only inserts', async () => {
      const k = key();
      const fw = { options: { concurrency: 'first-write' as const } };
      await store.set(set(k, 1, fw));
      await expect(store.set(set(k, 2, fw))).rejects.toBeInstanceOf(EtagMismatchError);
      await store.set(set(k, 3, { ...fw, etag: '1' }));
      await expect(store.set(set(k, 4, { ...fw, etag: '1' }))).rejects.toBeInstanceOf(EtagMismatchError);
      expect(await raw.hget(k, 'data')).toBe('3');
    });

    it('first-write refuses an existing key written without first-write too', async () => {
      const k = key();
      await store.set(set(k, 1));
      await expect(store.set(set(k, 2, { options: { concurrency: 'first-write' } }))).rejects.toBeInstanceOf(
        EtagMismatchError,
      );
    });

    it('bulk writes are not atomic: the bad etag is reported by key, the good one applied', async () => {
      const [a, b] = [key(), key()];
      await store.bulkSet([set(a, 1), set(b, 1)]);
      const err = await store
        .bulkSet([set(a, 2, { etag: '1' }), set(b, 2, { etag: '9999999' })])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BulkStoreErrors);
      expect((err as BulkStoreErrors).errors.map((e) => e.key)).toEqual([b]);
      expect((err as BulkStoreErrors).primary).toBeInstanceOf(EtagMismatchError);
      expect(await raw.hget(a, 'data')).toBe('2');
      expect(await raw.hgetall(b)).toEqual({ data: '1', version: '1' });
    });
  });

  describe('TTL', () => {
    it('sets the expiry with EXPIRE and returns ttlExpireTime from the injectable clock', async () => {
      const now = Date.UTC(2030, 0, 1);
      const clocked = new RedisStateStore(context({ redisHost: REDIS }, () => now));
      await clocked.init();
      try {
        const k = key();
        await clocked.set(set(k, 1, { metadata: { ttlInSeconds: '100' } }));
        const pttl = await raw.pttl(k);
        expect(pttl).toBeGreaterThan(98_000);
        expect(pttl).toBeLessThanOrEqual(100_000);
        const res = await clocked.get({ key: k, metadata: {} });
        expect(['2030-01-01T00:01:39Z', '2030-01-01T00:01:40Z']).toContain(res?.metadata?.ttlExpireTime);
      } finally {
        await clocked.close();
      }
    });

    it('persists with -1, and keeps an expiry when a write names no TTL (daprd)', async () => {
      const k = key();
      await store.set(set(k, 1, { metadata: { ttlInSeconds: '100' } }));
      await store.set(set(k, 2));
      expect(await raw.pttl(k)).toBeGreaterThan(0);
      await store.set(set(k, 3, { metadata: { ttlInSeconds: '-1' } }));
      expect(await raw.pttl(k)).toBe(-1);
      expect((await store.get({ key: k, metadata: {} }))?.metadata).toBeUndefined();
    });

    it('applies the store-wide ttlInSeconds unless the request sets its own', async () => {
      const withDefault = new RedisStateStore(context({ redisHost: REDIS, ttlInSeconds: '50' }));
      await withDefault.init();
      try {
        const [a, b, c] = [key(), key(), key()];
        await withDefault.set(set(a, 1));
        await withDefault.set(set(b, 1, { metadata: { ttlInSeconds: '-1' } }));
        await withDefault.multi([{ operation: 'upsert', request: set(c, 1) }]);
        expect(await raw.pttl(a)).toBeGreaterThan(48_000);
        expect(await raw.pttl(a)).toBeLessThanOrEqual(50_000);
        expect(await raw.pttl(b)).toBe(-1);
        expect(await raw.pttl(c)).toBeGreaterThan(48_000);
      } finally {
        await withDefault.close();
      }
    });

    it('rejects a TTL that is not an integer', async () => {
      await expect(store.set(set(key(), 1, { metadata: { ttlInSeconds: 'foo' } }))).rejects.toBeInstanceOf(
        StateRequestError,
      );
    });

    it('reads an expired key as absent', async () => {
      const k = key();
      await store.set(set(k, 1, { metadata: { ttlInSeconds: '100' } }));
      await raw.pexpire(k, 1);
      await vi.waitFor(async () => expect(await store.get({ key: k, metadata: {} })).toBeUndefined(), {
        interval: 5,
      });
    });
  });

  describe('bulk get', () => {
    it('returns one item per key in request order, with etags and expiry', async () => {
      const [a, b, missing] = [key(), key(), key()];
      await store.set(set(a, 'a'));
      await store.set(set(b, 'b', { metadata: { ttlInSeconds: '3600' } }));
      const items = await store.bulkGet([a, missing, b].map((k) => ({ key: k, metadata: {} })));
      expect(items.map((i) => [i.key, i.data?.toString(), i.etag])).toEqual([
        [a, '"a"', '1'],
        [missing, undefined, undefined],
        [b, '"b"', '1'],
      ]);
      expect(items[0].metadata).toBeUndefined();
      expect(items[2].metadata?.ttlExpireTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('reports a bad key on its own item', async () => {
      const [good, bad] = [key(), key()];
      await store.set(set(good, 1));
      await raw.rpush(bad, 'x');
      const items = await store.bulkGet([good, bad].map((k) => ({ key: k, metadata: {} })));
      expect(items[0].data?.toString()).toBe('1');
      expect(items[1].error).toMatch(/WRONGTYPE/);
    });
  });

  describe('transactions', () => {
    it('applies upserts and deletes in order', async () => {
      const [k1, k2, k3] = [key(), key(), key()];
      await store.set(set(k1, 1));
      await store.multi([
        { operation: 'delete', request: { key: k1, metadata: {}, options: {} } },
        { operation: 'upsert', request: set(k2, 2) },
        { operation: 'delete', request: { key: k2, metadata: {}, options: {} } },
        { operation: 'upsert', request: set(k3, 3, { metadata: { ttlInSeconds: '100' } }) },
      ]);
      expect(await raw.exists(k1, k2)).toBe(0);
      expect(await raw.hgetall(k3)).toEqual({ data: '3', version: '1' });
      expect(await raw.pttl(k3)).toBeGreaterThan(0);
    });

    it('applies nothing when one etag check fails, wherever it is', async () => {
      const [a, b, c] = [key(), key(), key()];
      await store.set(set(a, 'old'));
      await store.set(set(c, 'keep'));
      const err = await store
        .multi([
          { operation: 'upsert', request: set(a, 'new', { etag: '1' }) },
          { operation: 'upsert', request: set(b, 'created') },
          { operation: 'delete', request: { key: c, etag: '9999999', metadata: {}, options: {} } },
        ])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EtagMismatchError);
      expect((err as Error).message).toContain(c);
      expect(await raw.hgetall(a)).toEqual({ data: '"old"', version: '1' });
      expect(await raw.exists(b)).toBe(0);
      expect(await raw.hget(c, 'data')).toBe('"keep"');
    });

    it('checks etags against the writes earlier in the same transaction', async () => {
      const k = key();
      await store.multi([
        { operation: 'upsert', request: set(k, 1) },
        { operation: 'upsert', request: set(k, 2, { etag: '1' }) },
      ]);
      expect(await raw.hgetall(k)).toEqual({ data: '2', version: '2' });
      const fw = { options: { concurrency: 'first-write' as const } };
      await expect(
        store.multi([
          { operation: 'delete', request: { key: k, metadata: {}, options: {} } },
          { operation: 'upsert', request: set(k, 'again', fw) },
          { operation: 'upsert', request: set(k, 'twice', fw) },
        ]),
      ).rejects.toBeInstanceOf(EtagMismatchError);
      expect(await raw.hget(k, 'data')).toBe('2');
    });

    it('rejects a non-integer etag before sending anything', async () => {
      await expect(
        store.multi([{ operation: 'upsert', request: set(key(), 1, { etag: 'x' }) }]),
      ).rejects.toBeInstanceOf(EtagInvalidError);
    });
  });
});

describe('state.redis when Redis goes away', () => {
  it('fails fast while the server is down and recovers by itself', async () => {
    const server = await PrivateRedisServer.start();
    const store = new RedisStateStore(context({ redisHost: `127.0.0.1:${server.port}` }));
    try {
      await store.init();
      await store.set(set('k', 1));
      await store.ping();
      await server.stop();

      const started = Date.now();
      await expect(store.get({ key: 'k', metadata: {} })).rejects.toThrow(/redis store: failed to get key k/);
      await expect(store.set(set('k', 2))).rejects.toThrow(/redis store/);
      expect(Date.now() - started).toBeLessThan(1000);

      await server.start();
      await vi.waitFor(() => store.ping(), { timeout: 5000, interval: 50 });
      await store.set(set('k', 3));
      expect((await store.get({ key: 'k', metadata: {} }))?.data.toString()).toBe('3');
    } finally {
      await store.close();
      await server.stop();
    }
  });

  it('reports an unreachable server at init', async () => {
    const server = await PrivateRedisServer.start();
    await server.stop();
    const store = new RedisStateStore(context({ redisHost: `127.0.0.1:${server.port}`, dialTimeout: '1s' }));
    await expect(store.init()).rejects.toThrow(/redis store: error connecting to redis/);
    await store.close();
  });
});
