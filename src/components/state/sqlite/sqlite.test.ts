import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import type { ComponentContext } from '../../component.js';
import { ComponentMetadataError } from '../../common/metadata.js';
import { BulkStoreErrors, EtagMismatchError, StateRequestError } from '../errors.js';
import { setRequest as set } from '../../../../test/helpers/state-requests.js';
import { findStateStoreFactory } from '../registry.js';
import { SqliteStateStore, embeddedStateStoreMetadata } from './index.js';
import { parseConnectionString } from './metadata.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-sqlite-test-'));
const logger = createLogger({ appId: 'test', level: 'silent' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A clock the tests move by hand; reset before each. */
const START = Date.UTC(2030, 0, 1, 12, 0, 0);
const clock = { now: START };
let files = 0;
const open: SqliteStateStore[] = [];

function context(metadata: Record<string, string>): ComponentContext {
  const base = { name: 'sqlite-test', type: 'state.sqlite', version: 'v1', appId: 'test', namespace: '' };
  return { ...base, metadata, logger, dataDir: dir, now: () => clock.now };
}

async function newStore(
  metadata: Record<string, string> = {},
): Promise<{ store: SqliteStateStore; file: string }> {
  const file = join(dir, `db-${++files}.db`);
  const store = new SqliteStateStore(context({ connectionString: file, ...metadata }));
  await store.init();
  open.push(store);
  return { store, file };
}

const get = async (store: SqliteStateStore, key: string) => store.get({ key, metadata: {} });

beforeEach(() => {
  clock.now = START;
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('state.sqlite schema and durability', () => {
  it('is registered as state.sqlite v1 and advertises ETAG, TRANSACTIONAL, TTL', async () => {
    expect(await findStateStoreFactory('state.sqlite', 'v1')(context({}))).toBeInstanceOf(SqliteStateStore);
    expect((await newStore()).store.features()).toEqual(['ETAG', 'TRANSACTIONAL', 'TTL']);
  });

  it("creates daprd's tables and records the migration level", async () => {
    const { file } = await newStore();
    const db = new Database(file, { readonly: true });
    const cols = db.prepare(`PRAGMA table_info(state)`).all() as { name: string; type: string; pk: number }[];
    expect(cols.map((c) => [c.name, c.type])).toEqual([
      ['key', 'TEXT'],
      ['value', 'TEXT'],
      ['is_binary', 'BOOLEAN'],
      ['etag', 'TEXT'],
      ['expiration_time', 'TIMESTAMP'],
      ['update_time', 'TIMESTAMP'],
    ]);
    expect(db.prepare(`SELECT value FROM metadata WHERE key = 'migrations'`).get()).toEqual({ value: '1' });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps data across close and reopen', async () => {
    const { store, file } = await newStore();
    await store.set(set('k', { a: 1 }));
    const etag = (await get(store, 'k'))?.etag;
    await store.close();
    const reopened = new SqliteStateStore(context({ connectionString: file }));
    await reopened.init();
    open.push(reopened);
    const res = await get(reopened, 'k');
    expect(res?.data.toString()).toBe('{"a":1}');
    expect(res?.etag).toBe(etag);
  });

  it('writes rows in daprd’s shape: JSON text, base64 for bytes, UUID etags, text timestamps', async () => {
    const { store, file } = await newStore();
    await store.set(set('json', 'v', { metadata: { ttlInSeconds: '60' } }));
    await store.set({
      key: 'bin',
      value: Buffer.from([0xff, 0, 1]),
      isBinary: true,
      metadata: {},
      options: {},
    });
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT * FROM state ORDER BY key').all();
    db.close();
    expect(rows).toEqual([
      {
        key: 'bin',
        value: '/wAB',
        is_binary: 1,
        etag: expect.stringMatching(UUID),
        expiration_time: null,
        update_time: '2030-01-01 12:00:00',
      },
      {
        key: 'json',
        value: '"v"',
        is_binary: 0,
        etag: expect.stringMatching(UUID),
        expiration_time: '2030-01-01 12:01:00',
        update_time: '2030-01-01 12:00:00',
      },
    ]);
    expect((await get(store, 'bin'))?.data).toEqual(Buffer.from([0xff, 0, 1]));
  });

  it('reads rows written by daprd, including base64 bytes and an expiry set by SQL', async () => {
    const { store, file } = await newStore();
    const db = new Database(file);
    const insert = db.prepare(
      `INSERT INTO state (key, value, is_binary, etag, expiration_time) VALUES (?, ?, ?, ?, DATETIME(?, '+30 seconds'))`,
    );
    insert.run('daprd-json', '{"x":1}', 0, 'etag-1', '2030-01-01 12:00:00');
    insert.run('daprd-bin', Buffer.from('hi').toString('base64'), 1, 'etag-2', '2029-01-01 00:00:00');
    db.close();
    const res = await get(store, 'daprd-json');
    expect(res).toEqual({
      data: Buffer.from('{"x":1}'),
      etag: 'etag-1',
      metadata: { ttlExpireTime: '2030-01-01T12:00:30Z' },
    });
    expect(await get(store, 'daprd-bin')).toBeUndefined();
    await store.set(set('daprd-json', 2, { etag: 'etag-1' }));
  });

  it('creates missing parent folders, and resolves relative paths against the working directory', async () => {
    const nested = join(dir, 'a', 'b', 'state.db');
    const store = new SqliteStateStore(context({ connectionString: nested }));
    await store.init();
    open.push(store);
    expect(existsSync(nested)).toBe(true);
    expect(parseConnectionString('c', 'data/x.db').filename).toBe(resolve(process.cwd(), 'data/x.db'));
  });

  it('lets two stores (two sidecars) share one file', async () => {
    const { store, file } = await newStore();
    const other = new SqliteStateStore(context({ connectionString: file }));
    await other.init();
    open.push(other);
    await store.set(set('k', 1));
    const etag = (await get(other, 'k'))!.etag;
    await other.set(set('k', 2, { etag }));
    expect((await get(store, 'k'))?.data.toString()).toBe('2');
    await expect(store.set(set('k', 3, { etag }))).rejects.toBeInstanceOf(EtagMismatchError);
  });

  it('uses custom table names', async () => {
    const { store, file } = await newStore({ tableName: 'my_state', metadataTableName: 'my_meta' });
    await store.set(set('k', 1));
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT value FROM my_state').get()).toEqual({ value: '1' });
    expect(db.prepare(`SELECT value FROM my_meta WHERE key = 'migrations'`).get()).toEqual({ value: '1' });
    db.close();
  });

  it('runs in memory with :memory:, and without WAL when disableWAL is set', async () => {
    const mem = new SqliteStateStore(context({ connectionString: ':memory:' }));
    await mem.init();
    open.push(mem);
    await mem.set(set('k', 1));
    expect((await get(mem, 'k'))?.data.toString()).toBe('1');
    const { file } = await newStore({ disableWAL: 'true' });
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    db.close();
  });

  it('gives the embedded default a durable state.db in the data dir', async () => {
    const dataDir = join(dir, 'embedded');
    const metadata = embeddedStateStoreMetadata(dataDir);
    const store = new SqliteStateStore(context(metadata));
    await store.init();
    open.push(store);
    await store.set(set('k', 1));
    expect(existsSync(join(dataDir, 'state.db'))).toBe(true);
    expect(metadata.cleanupInterval).toBe('1h');
  });
});

describe('state.sqlite etags and transactions', () => {
  it('writes and deletes with the right etag, refuses a stale or unknown one', async () => {
    const { store } = await newStore();
    await store.set(set('k', 1));
    const first = (await get(store, 'k'))!.etag!;
    await store.set(set('k', 2, { etag: first }));
    await expect(store.set(set('k', 3, { etag: first }))).rejects.toBeInstanceOf(EtagMismatchError);
    await expect(store.delete({ key: 'k', etag: first, metadata: {}, options: {} })).rejects.toBeInstanceOf(
      EtagMismatchError,
    );
    await expect(store.set(set('missing', 1, { etag: 'bad-etag' }))).rejects.toBeInstanceOf(
      EtagMismatchError,
    );
    await store.delete({ key: 'k', etag: (await get(store, 'k'))!.etag, metadata: {}, options: {} });
    expect(await get(store, 'k')).toBeUndefined();
    await store.delete({ key: 'never', metadata: {}, options: {} });
  });

  it('first-write inserts only when the key is absent or expired', async () => {
    const { store } = await newStore();
    const fw = { options: { concurrency: 'first-write' as const } };
    await store.set(set('k', 1, fw));
    await expect(store.set(set('k', 2, fw))).rejects.toBeInstanceOf(EtagMismatchError);
    await store.set(set('t', 1, { metadata: { ttlInSeconds: '1' } }));
    clock.now += 1000;
    await store.set(set('t', 2, fw));
    expect((await get(store, 't'))?.data.toString()).toBe('2');
  });

  it('bulk writes are not atomic', async () => {
    const { store } = await newStore();
    await store.bulkSet([set('a', 1), set('b', 1)]);
    const etagA = (await get(store, 'a'))!.etag;
    const err = await store
      .bulkSet([set('a', 2, { etag: etagA }), set('b', 2, { etag: 'bad' })])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkStoreErrors);
    expect((err as BulkStoreErrors).errors.map((e) => e.key)).toEqual(['b']);
    expect((await get(store, 'a'))?.data.toString()).toBe('2');
    expect((await get(store, 'b'))?.data.toString()).toBe('1');
  });

  it('bulk get returns every key in request order', async () => {
    const { store } = await newStore();
    await store.set(set('a', 'a'));
    await store.set(set('b', 'b', { metadata: { ttlInSeconds: '10' } }));
    const items = await store.bulkGet(['b', 'missing', 'a'].map((key) => ({ key, metadata: {} })));
    expect(items.map((i) => [i.key, i.data?.toString(), i.metadata?.ttlExpireTime])).toEqual([
      ['b', '"b"', '2030-01-01T12:00:10Z'],
      ['missing', undefined, undefined],
      ['a', '"a"', undefined],
    ]);
  });

  it('applies a transaction in order, and nothing of it when one etag fails', async () => {
    const { store } = await newStore();
    await store.set(set('k1', 1));
    await store.multi([
      { operation: 'delete', request: { key: 'k1', metadata: {}, options: {} } },
      { operation: 'upsert', request: set('k2', 2) },
      { operation: 'delete', request: { key: 'k2', metadata: {}, options: {} } },
      { operation: 'upsert', request: set('k3', 3) },
    ]);
    expect(await get(store, 'k1')).toBeUndefined();
    expect(await get(store, 'k2')).toBeUndefined();
    await expect(
      store.multi([
        { operation: 'upsert', request: set('k3', 'changed') },
        { operation: 'upsert', request: set('k4', 4) },
        { operation: 'delete', request: { key: 'k3', etag: 'bad', metadata: {}, options: {} } },
      ]),
    ).rejects.toBeInstanceOf(EtagMismatchError);
    expect((await get(store, 'k3'))?.data.toString()).toBe('3');
    expect(await get(store, 'k4')).toBeUndefined();
  });
});

describe('state.sqlite TTL', () => {
  it('hides rows once the clock passes their expiry and reports ttlExpireTime', async () => {
    const { store } = await newStore();
    await store.set(set('k', 1, { metadata: { ttlInSeconds: '10' } }));
    expect((await get(store, 'k'))?.metadata).toEqual({ ttlExpireTime: '2030-01-01T12:00:10Z' });
    clock.now += 9_999;
    expect(await get(store, 'k')).toBeDefined();
    clock.now += 1;
    expect(await get(store, 'k')).toBeUndefined();
    await expect(store.set(set('k', 2, { etag: 'any' }))).rejects.toBeInstanceOf(EtagMismatchError);
  });

  it('clears the expiry on a write with ttlInSeconds -1 or none', async () => {
    const { store } = await newStore();
    await store.set(set('k', 1, { metadata: { ttlInSeconds: '5' } }));
    await store.set(set('k', 2, { metadata: { ttlInSeconds: '-1' } }));
    expect((await get(store, 'k'))?.metadata).toBeUndefined();
    await store.set(set('k', 3, { metadata: { ttlInSeconds: '5' } }));
    await store.set(set('k', 4));
    clock.now += 10_000;
    expect((await get(store, 'k'))?.data.toString()).toBe('4');
  });

  it('rejects a TTL that is not an integer', async () => {
    const { store } = await newStore();
    await expect(store.set(set('k', 1, { metadata: { ttlInSeconds: 'foo' } }))).rejects.toBeInstanceOf(
      StateRequestError,
    );
  });

  it('deletes expired rows once per cleanup interval', async () => {
    const { store, file } = await newStore({ cleanupInterval: '1h' });
    await store.set(set('short', 1, { metadata: { ttlInSeconds: '1' } }));
    await store.set(set('long', 1, { metadata: { ttlInSeconds: '7200' } }));
    await store.set(set('forever', 1));
    clock.now += 2000;
    expect(store.cleanupExpired()).toBe(1);
    clock.now += 7200_000;
    expect(store.cleanupExpired()).toBe(1);
    await store.set(set('again', 1, { metadata: { ttlInSeconds: '1' } }));
    clock.now += 2000;
    expect(store.cleanupExpired()).toBe(0);
    const db = new Database(file, { readonly: true });
    expect(db.prepare('SELECT key FROM state ORDER BY key').all()).toEqual([
      { key: 'again' },
      { key: 'forever' },
    ]);
    expect(db.prepare(`SELECT value FROM metadata WHERE key = 'last-cleanup'`).get()).toBeDefined();
    db.close();
  });
});

describe('state.sqlite metadata', () => {
  it.each([
    [{}, 'connectionString'],
    [{ connectionString: 'x.db', tableName: 'bad-name' }, 'tableName'],
    [{ connectionString: 'x.db', metadataTableName: 'a;b' }, 'metadataTableName'],
    [{ connectionString: 'x.db', timeout: '500ms' }, 'timeout'],
    [{ connectionString: 'file:x.db?_pragma=journal_mode(WAL)' }, 'connectionString'],
  ])('rejects %j naming the field', async (metadata, field) => {
    const err = await new SqliteStateStore(context(metadata)).init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ComponentMetadataError);
    expect((err as ComponentMetadataError).field).toBe(field);
  });

  it('reads file: URIs with mode, immutable and pragmas', () => {
    expect(parseConnectionString('c', 'file:///var/data/s.db?mode=ro&_pragma=cache_size(2000)')).toEqual({
      filename: '/var/data/s.db',
      memory: false,
      readonly: true,
      fileMustExist: true,
      pragmas: ['cache_size = 2000'],
    });
    expect(parseConnectionString('c', 'file:/tmp/a%20b.db?immutable=1')).toMatchObject({
      filename: '/tmp/a b.db',
      readonly: true,
    });
    expect(parseConnectionString('c', 'file::memory:?cache=shared')).toMatchObject({
      filename: ':memory:',
      memory: true,
    });
  });
});
