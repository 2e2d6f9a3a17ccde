import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPinger } from '../../component.js';
import { BulkStoreErrors, EtagInvalidError, EtagMismatchError, StateRequestError } from '../errors.js';
import { StateFeature } from '../features.js';
import { isQueryable, isTransactional, type SetRequest } from '../interface.js';
import type { PostgresStateStore } from './base.js';
import { dropTables, pgTestContext, rawTestPool, uniqueSuffix } from './testing.js';
import { PostgresStateStoreV1 } from './v1/index.js';
import { PostgresStateStoreV2 } from './v2/index.js';

/** Behaviour both table versions share; version-specific layout is tested in v1/ and v2/. */
const suffix = uniqueSuffix();
interface VersionCase {
  version: string;
  table: string;
  meta: Record<string, string> & { metadataTableName: string };
  make: (m: Record<string, string>) => PostgresStateStore;
  expiry: string;
  etag: RegExp;
  staleEtag: string;
  malformedEtag: { etag: string; error: typeof EtagInvalidError | typeof EtagMismatchError };
}
const versions: VersionCase[] = [
  {
    version: 'v1',
    table: `daprts_v1_store_${suffix}`,
    meta: { tableName: `daprts_v1_store_${suffix}`, metadataTableName: `daprts_v1_store_meta_${suffix}` },
    make: (m: Record<string, string>) =>
      new PostgresStateStoreV1(pgTestContext({ ...m, cleanupInterval: '0' })),
    expiry: 'expiredate',
    etag: /^\d+$/,
    staleEtag: '1',
    malformedEtag: { etag: 'not-a-number', error: EtagInvalidError },
  },
  {
    version: 'v2',
    table: `daprts_v2_store_${suffix}_state`,
    meta: { tablePrefix: `daprts_v2_store_${suffix}_`, metadataTableName: `daprts_v2_store_meta_${suffix}` },
    make: (m: Record<string, string>) =>
      new PostgresStateStoreV2(pgTestContext({ ...m, cleanupInterval: '0' }, 'v2')),
    expiry: 'expires_at',
    etag: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    staleEtag: randomUUID(),
    // v2 etags are UUIDs; a malformed one can never match, so Dapr reports a mismatch (409), not a 400.
    malformedEtag: { etag: 'not-a-uuid', error: EtagMismatchError },
  },
];

describe.each(versions)('state.postgresql $version', (v) => {
  let store: PostgresStateStore;
  let raw: pg.Pool;

  beforeAll(async () => {
    raw = rawTestPool();
    store = v.make(v.meta);
    await store.init();
  });

  afterAll(async () => {
    await store?.close();
    await dropTables(raw, [v.table, v.meta.metadataTableName]);
    await raw.end();
  });

  const set = (key: string, value: string, extra: Partial<SetRequest> = {}) =>
    store.set({ key, value: Buffer.from(value), metadata: {}, options: {}, ...extra });
  const get = (key: string) => store.get({ key, metadata: {} });
  const text = async (key: string) => (await get(key))?.data.toString();
  const del = (key: string, etag?: string) => store.delete({ key, etag, metadata: {}, options: {} });
  /** Pushes a row's expiry into the past, as if its TTL had run out. */
  const expire = (key: string) =>
    raw.query(`UPDATE ${v.table} SET ${v.expiry} = now() - interval '1 second' WHERE key = $1`, [key]);

  it('advertises exactly ETAG, TRANSACTIONAL and TTL (and QUERY_API on v1), and has the capabilities it claims', async () => {
    const query = v.version === 'v1' ? [StateFeature.QUERY_API] : [];
    expect([...store.features()].sort()).toEqual(
      [StateFeature.ETAG, StateFeature.TRANSACTIONAL, StateFeature.TTL, ...query].sort(),
    );
    expect(isTransactional(store)).toBe(true);
    expect(isQueryable(store)).toBe(v.version === 'v1');
    expect(isPinger(store)).toBe(true);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('etags: the right one updates and changes it, a stale one mismatches, a malformed one is rejected', async () => {
    await set('e', '1');
    const etag = (await get('e'))?.etag;
    expect(etag).toMatch(v.etag);
    await set('e', '2', { etag });
    expect((await get('e'))?.etag).not.toBe(etag);
    await expect(set('e', '3', { etag })).rejects.toBeInstanceOf(EtagMismatchError);
    await expect(set('e', '3', { etag: v.malformedEtag.etag })).rejects.toBeInstanceOf(v.malformedEtag.error);
    await expect(set('missing-e', '3', { etag: v.staleEtag })).rejects.toBeInstanceOf(EtagMismatchError);
    expect(await text('e')).toBe('2');
  });

  it('deletes: without etag (also a missing key), with the right etag, not with a wrong one', async () => {
    await set('d', '1');
    const etag = (await get('d'))?.etag;
    await expect(del('d', v.staleEtag)).rejects.toBeInstanceOf(EtagMismatchError);
    await expect(del('d', v.malformedEtag.etag)).rejects.toBeInstanceOf(v.malformedEtag.error);
    await del('d', etag);
    expect(await get('d')).toBeUndefined();
    await del('d');
  });

  it('first-write without etag inserts only: a live key is an etag mismatch, an expired one is replaced', async () => {
    const fw = { options: { concurrency: 'first-write' as const } };
    await set('fw', '1', fw);
    await expect(set('fw', '2', fw)).rejects.toBeInstanceOf(EtagMismatchError);
    const etag = (await get('fw'))?.etag;
    await set('fw', '3', { ...fw, etag });
    await expect(set('fw', '4', { ...fw, etag })).rejects.toBeInstanceOf(EtagMismatchError);
    await expire('fw');
    await set('fw', '5', fw);
    expect(await text('fw')).toBe('5');
  });

  it('TTL: sets ttlExpireTime, -1/absent clear it, bad values are request errors', async () => {
    const before = Date.now();
    await set('ttl', '1', { metadata: { ttlInSeconds: '100' } });
    const exp = (await get('ttl'))?.metadata?.ttlExpireTime;
    expect(exp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Math.abs(Date.parse(exp!) - (before + 100_000))).toBeLessThan(5_000);
    await set('ttl', '2', { metadata: { ttlInSeconds: '-1' } });
    expect((await get('ttl'))?.metadata).toBeUndefined();
    await set('ttl', '3', { metadata: { ttlInSeconds: '100' } });
    await set('ttl', '4', { metadata: { ttlInSeconds: '0' } });
    expect((await get('ttl'))?.metadata).toBeUndefined();
    await set('ttl', '5', { metadata: { ttlInSeconds: '100' } });
    await set('ttl', '6');
    expect((await get('ttl'))?.metadata).toBeUndefined();
    await expect(set('ttl', '7', { metadata: { ttlInSeconds: 'foo' } })).rejects.toBeInstanceOf(
      StateRequestError,
    );
  });

  it('hides expired rows from get, bulk get, etag writes and etag deletes', async () => {
    await set('gone', '1', { metadata: { ttlInSeconds: '100' } });
    const etag = (await get('gone'))?.etag;
    await expire('gone');
    expect(await get('gone')).toBeUndefined();
    expect(await store.bulkGet([{ key: 'gone', metadata: {} }], 0)).toEqual([{ key: 'gone' }]);
    await expect(set('gone', '2', { etag })).rejects.toBeInstanceOf(EtagMismatchError);
    await expect(del('gone', etag)).rejects.toBeInstanceOf(EtagMismatchError);
  });

  it('bulk get returns every requested key, missing ones without data, with per-item TTL metadata', async () => {
    await set('b1', '"one"');
    await set('b2', '"two"', { metadata: { ttlInSeconds: '60' } });
    const items = await store.bulkGet(
      ['b1', 'b2', 'b-missing'].map((key) => ({ key, metadata: {} })),
      0,
    );
    const byKey = Object.fromEntries(items.map((i) => [i.key, i]));
    expect(byKey.b1.data?.toString()).toBe('"one"');
    expect(byKey.b1.etag).toMatch(v.etag);
    expect(byKey.b1.metadata).toBeUndefined();
    expect(byKey.b2.metadata?.ttlExpireTime).toMatch(/Z$/);
    expect(byKey['b-missing']).toEqual({ key: 'b-missing' });
    expect(await store.bulkGet([], 0)).toEqual([]);
  });

  it('bulk set and bulk delete are not atomic: a bad etag fails only its own key', async () => {
    await set('bs-good', '1');
    await set('bs-bad', '1');
    const good = (await get('bs-good'))?.etag;
    const req = (key: string, etag?: string) => ({
      key,
      value: Buffer.from('2'),
      etag,
      metadata: {},
      options: {},
    });
    const err = await store
      .bulkSet([req('bs-good', good), req('bs-bad', v.staleEtag)])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkStoreErrors);
    expect((err as BulkStoreErrors).errors.map((e) => e.key)).toEqual(['bs-bad']);
    expect((err as BulkStoreErrors).primary).toBeInstanceOf(EtagMismatchError);
    expect(await text('bs-good')).toBe('2');
    expect(await text('bs-bad')).toBe('1');
    const delErr = await store
      .bulkDelete([
        { key: 'bs-good', metadata: {}, options: {} },
        { key: 'bs-bad', etag: v.staleEtag, metadata: {}, options: {} },
      ])
      .catch((e: unknown) => e);
    expect((delErr as BulkStoreErrors).errors.map((e) => e.key)).toEqual(['bs-bad']);
    expect(await get('bs-good')).toBeUndefined();
    expect(await text('bs-bad')).toBe('1');
  });

  it('transactions are all-or-nothing', async () => {
    await set('tx-b', '1');
    const ops = [
      {
        operation: 'upsert' as const,
        request: { key: 'tx-a', value: Buffer.from('1'), metadata: {}, options: {} },
      },
      {
        operation: 'upsert' as const,
        request: { key: 'tx-b', value: Buffer.from('2'), etag: v.staleEtag, metadata: {}, options: {} },
      },
    ];
    await expect(store.multi(ops, {})).rejects.toBeInstanceOf(EtagMismatchError);
    expect(await get('tx-a')).toBeUndefined();
    expect(await text('tx-b')).toBe('1');
  });

  it('transactions apply in order; deleting a missing key succeeds; a bad delete etag fails', async () => {
    await set('k1', '1');
    const up = (key: string) => ({
      operation: 'upsert' as const,
      request: { key, value: Buffer.from('"v"'), metadata: {}, options: {} },
    });
    const rm = (key: string, etag?: string) => ({
      operation: 'delete' as const,
      request: { key, etag, metadata: {}, options: {} },
    });
    await store.multi([rm('k1'), up('k2'), rm('k2'), up('k3'), rm('never-existed')], {});
    expect(await get('k1')).toBeUndefined();
    expect(await get('k2')).toBeUndefined();
    expect(await text('k3')).toBe('"v"');
    await expect(store.multi([up('k4'), rm('k3', v.staleEtag)], {})).rejects.toBeInstanceOf(
      EtagMismatchError,
    );
    expect(await get('k4')).toBeUndefined();
    await store.multi([up('k5')], {});
    expect(await text('k5')).toBe('"v"');
  });

  it('treats SQL-injection strings as plain keys', async () => {
    const keys = [
      `'; DROP TABLE ${v.table}; --`,
      `key' OR '1'='1`,
      `k"; DELETE FROM ${v.table} WHERE "1"="1`,
      'app||$1||\\x00\\',
      '{"a":1}',
      'NULL',
      '%_*',
      '💥 ünïcödé',
    ];
    for (const [i, key] of keys.entries()) await set(key, String(i));
    for (const [i, key] of keys.entries()) expect(await text(key)).toBe(String(i));
    const items = await store.bulkGet(
      keys.map((key) => ({ key, metadata: {} })),
      0,
    );
    expect(items.map((i) => i.data?.toString())).toEqual(keys.map((_, i) => String(i)));
    for (const key of keys) await del(key);
    for (const key of keys) expect(await get(key)).toBeUndefined();
    expect(await text('k3')).toBe('"v"'); // the table and the other rows are intact
  });

  it('fails cleanly once closed', async () => {
    const other = v.make(v.meta);
    await other.init();
    await other.close();
    await expect(other.get({ key: 'x', metadata: {} })).rejects.toThrow(/not initialised/);
  });
});
