import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnTypes, dropTables, eventually, pgTestContext, rawTestPool, uniqueSuffix } from '../testing.js';
import { PostgresStateStoreV1 } from './index.js';

/**
 * The v1 table as daprd creates and uses it: schema, metadata rows, migration levels, and rows
 * written by either side readable by the other.
 */
const suffix = uniqueSuffix();
const created: string[] = [];
let raw: pg.Pool;

/** Fresh table names; remembered for cleanup. */
function names(tag: string) {
  const n = { table: `daprts_v1_${tag}_${suffix}`, meta: `daprts_v1_${tag}_meta_${suffix}` };
  created.push(n.table, n.meta);
  return n;
}

async function openStore(table: string, meta: string, extra: Record<string, string> = {}) {
  const store = new PostgresStateStoreV1(
    pgTestContext({ tableName: table, metadataTableName: meta, cleanupInterval: '0', ...extra }),
  );
  await store.init();
  return store;
}

async function metadataRows(meta: string): Promise<Record<string, string>> {
  const res = await raw.query<{ key: string; value: string }>(`SELECT key, value FROM ${meta}`);
  return Object.fromEntries(res.rows.map((r) => [r.key, r.value]));
}

beforeAll(() => {
  raw = rawTestPool();
});

afterAll(async () => {
  await dropTables(raw, created);
  await raw.end();
});

describe('state.postgresql v1 schema and interop with daprd', () => {
  it("creates daprd's tables, index and metadata rows", async () => {
    const { table, meta } = names('schema');
    const store = await openStore(table, meta);
    await store.close();
    expect(await columnTypes(raw, table)).toEqual({
      key: 'text',
      value: 'jsonb',
      isbinary: 'boolean',
      insertdate: 'timestamp with time zone',
      updatedate: 'timestamp with time zone',
      expiredate: 'timestamp with time zone',
      row_id: 'bigint',
    });
    const identity = await raw.query(
      `SELECT is_identity, is_nullable FROM information_schema.columns WHERE table_name = $1 AND column_name = 'row_id'`,
      [table],
    );
    expect(identity.rows[0]).toEqual({ is_identity: 'YES', is_nullable: 'NO' });
    const idx = await raw.query(`SELECT indexdef FROM pg_indexes WHERE indexname = $1`, [
      `${table}_row_id_uidx`,
    ]);
    expect(idx.rows[0].indexdef).toMatch(/CREATE UNIQUE INDEX .* \(row_id\)/);
    expect(await columnTypes(raw, meta)).toEqual({ key: 'text', value: 'text' });
    expect(await metadataRows(meta)).toEqual({ lock: 'lock', migrations: '3' });
    expect(store.migrationsApplied).toBe(3);
  });

  it('is idempotent: a second init finds the schema current', async () => {
    const { table, meta } = names('again');
    await (await openStore(table, meta)).close();
    const again = await openStore(table, meta);
    await again.close();
    expect(again.migrationsApplied).toBe(0);
    expect((await metadataRows(meta)).migrations).toBe('3');
  });

  it('three runtimes initialising at once on an empty database migrate exactly once', async () => {
    const { table, meta } = names('race');
    const stores = [0, 1, 2].map(
      () =>
        new PostgresStateStoreV1(
          pgTestContext({ tableName: table, metadataTableName: meta, cleanupInterval: '0' }),
        ),
    );
    await Promise.all(stores.map((s) => s.init()));
    expect(stores.map((s) => s.migrationsApplied).sort()).toEqual([0, 0, 3]);
    await stores[0].set({ key: 'k', value: Buffer.from('1'), metadata: {}, options: {} });
    expect((await stores[2].get({ key: 'k', metadata: {} }))?.data.toString()).toBe('1');
    await Promise.all(stores.map((s) => s.close()));
    expect((await metadataRows(meta)).migrations).toBe('3');
  });

  it('resolves schema-qualified and quoted table names as daprd does (unquoted names fold to lower case)', async () => {
    const schema = `daprts_v1_sch_${suffix}`;
    await raw.query(`CREATE SCHEMA ${schema}`);
    try {
      for (const tableName of [`${schema}.MixedCase`, `${schema}."Quoted Table"`]) {
        const meta = `${schema}.meta`;
        const store = await openStore(tableName, meta);
        await store.set({ key: 'k', value: Buffer.from('"v"'), metadata: {}, options: {} });
        expect((await store.get({ key: 'k', metadata: {} }))?.data.toString()).toBe('"v"');
        await store.close();
      }
      const tables = await raw.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
        [schema],
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(['Quoted Table', 'meta', 'mixedcase']);
      const idx = await raw.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname LIKE '%row_id_uidx'`,
        [schema],
      );
      expect(idx.rows.map((r) => r.indexname).sort()).toEqual([
        'Quoted Table_row_id_uidx',
        'mixedcase_row_id_uidx',
      ]);
    } finally {
      await raw.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('creates a second table sharing a metadata table (whose level daprd keys by metadata table only)', async () => {
    const first = names('shared1');
    const second = names('shared2');
    await (await openStore(first.table, first.meta)).close();
    const store = await openStore(second.table, first.meta);
    expect(store.migrationsApplied).toBe(3);
    await store.set({ key: 'k', value: Buffer.from('1'), metadata: {}, options: {} });
    await store.close();
    expect(await columnTypes(raw, second.table)).toHaveProperty('row_id', 'bigint');
    expect((await metadataRows(first.meta)).migrations).toBe('3');
  });

  it('upgrades a table daprd < 1.17 left at level 2, numbering existing rows by insertdate', async () => {
    const { table, meta } = names('upgrade');
    await raw.query(`CREATE TABLE ${meta} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`);
    await raw.query(`INSERT INTO ${meta} VALUES ('lock', 'lock'), ('migrations', '2')`);
    await raw.query(`CREATE TABLE ${table} (key text NOT NULL PRIMARY KEY, value jsonb NOT NULL, isbinary boolean NOT NULL,
      insertdate TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(), updatedate TIMESTAMP WITH TIME ZONE NULL,
      expiredate TIMESTAMP WITH TIME ZONE)`);
    await raw.query(`INSERT INTO ${table} (key, value, isbinary, insertdate) VALUES
      ('second', '2', false, now() - interval '1 hour'), ('first', '1', false, now() - interval '2 hours')`);
    const store = await openStore(table, meta);
    expect(store.migrationsApplied).toBe(1);
    await store.set({ key: 'third', value: Buffer.from('3'), metadata: {}, options: {} });
    await store.close();
    const rows = await raw.query(`SELECT key, row_id::int AS id FROM ${table} ORDER BY row_id`);
    expect(rows.rows).toEqual([
      { key: 'first', id: 1 },
      { key: 'second', id: 2 },
      { key: 'third', id: 3 },
    ]);
  });

  it('reads rows written the way daprd writes them, JSON and isbinary=true base64', async () => {
    const { table, meta } = names('interop');
    const store = await openStore(table, meta);
    // daprd's upsert statement, with its parameters: key, JSON text, isbinary, and its TTL expression.
    const daprdUpsert = `INSERT INTO ${table} AS t (key, value, isbinary, expiredate) VALUES ($1, $2, $3, NULL)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, isbinary = excluded.isBinary,
        updatedate = CURRENT_TIMESTAMP, expiredate = NULL`;
    await raw.query(daprdUpsert, ['app||json', '{"name":"x","n":[1,2]}', false]);
    const bytes = Buffer.from('\x00\x01binary\xff', 'latin1');
    await raw.query(daprdUpsert, ['app||bin', JSON.stringify(bytes.toString('base64')), true]);
    await raw.query(
      `INSERT INTO ${table} (key, value, isbinary, expiredate) VALUES ($1, '"t"', false, CURRENT_TIMESTAMP + interval '60 seconds')`,
      ['app||ttl'],
    );

    const json = await store.get({ key: 'app||json', metadata: {} });
    expect(JSON.parse(json!.data.toString())).toEqual({ name: 'x', n: [1, 2] });
    const xmin = await raw.query(`SELECT xmin::text AS x FROM ${table} WHERE key = 'app||json'`);
    expect(json!.etag).toBe(xmin.rows[0].x);
    expect((await store.get({ key: 'app||bin', metadata: {} }))?.data).toEqual(bytes);
    expect((await store.get({ key: 'app||ttl', metadata: {} }))?.metadata?.ttlExpireTime).toMatch(/Z$/);
    // An etag we hand out works in daprd's conditional update (xmin compared as a uint32).
    await store.close();
    const upd = await raw.query(
      `UPDATE ${table} SET value = '3', updatedate = CURRENT_TIMESTAMP WHERE key = $1 AND xmin = $2`,
      ['app||json', json!.etag],
    );
    expect(upd.rowCount).toBe(1);
  });

  it('returns JSON as PostgreSQL renders the jsonb (never re-encoded) and binary values as their bytes', async () => {
    const { table, meta } = names('values');
    const store = await openStore(table, meta);
    const base = { metadata: {}, options: {} };
    const text = async (key: string) => (await store.get({ key, metadata: {} }))?.data.toString();
    await store.set({ key: 'json', value: Buffer.from('{"b":1,"a":[1,2]}'), ...base });
    expect(await text('json')).toBe('{"a": [1, 2], "b": 1}');
    await store.set({ key: 'str', value: Buffer.from('"abc"'), ...base });
    expect(await text('str')).toBe('"abc"');
    const bytes = Buffer.from([0, 1, 2, 255, 0x7b]);
    await store.set({ key: 'bin', value: bytes, isBinary: true, ...base });
    expect((await store.get({ key: 'bin', metadata: {} }))?.data).toEqual(bytes);
    // Rows written by one transaction share its xmin, hence their etag (as with daprd).
    const up = (key: string) => ({
      operation: 'upsert' as const,
      request: { key, value: Buffer.from('1'), ...base },
    });
    await store.multi([up('x1'), up('x2')], {});
    const etags = await store.bulkGet(
      [
        { key: 'x1', metadata: {} },
        { key: 'x2', metadata: {} },
      ],
      0,
    );
    expect(etags[0].etag).toBe(etags[1].etag);
    await store.close();
  });

  it("writes rows with daprd's shape", async () => {
    const { table, meta } = names('shape');
    const store = await openStore(table, meta);
    const base = { metadata: {}, options: {} };
    await store.set({ key: 'app||k', value: Buffer.from('{"a":"b"}'), ...base });
    let row = await raw.query(
      `SELECT value, isbinary, insertdate, updatedate, expiredate FROM ${table} WHERE key = 'app||k'`,
    );
    expect(row.rows[0]).toMatchObject({
      value: { a: 'b' },
      isbinary: false,
      updatedate: null,
      expiredate: null,
    });
    expect(row.rows[0].insertdate).toBeInstanceOf(Date);
    await store.set({ key: 'app||k', value: Buffer.from('"v2"'), ...base, metadata: { ttlInSeconds: '30' } });
    row = await raw.query(
      `SELECT value, updatedate, expiredate - updatedate AS ttl FROM ${table} WHERE key = 'app||k'`,
    );
    expect(row.rows[0].value).toBe('v2');
    expect(row.rows[0].updatedate).toBeInstanceOf(Date);
    expect(row.rows[0].ttl).toMatchObject({ seconds: 30 });
    await store.set({ key: 'app||b', value: Buffer.from([1, 2, 3]), isBinary: true, ...base });
    row = await raw.query(`SELECT value, isbinary FROM ${table} WHERE key = 'app||b'`);
    // daprd reads this back by JSON-decoding the string and base64-decoding it.
    expect(Buffer.from(row.rows[0].value as string, 'base64')).toEqual(Buffer.from([1, 2, 3]));
    expect(row.rows[0].isbinary).toBe(true);
    await store.close();
  });

  it('garbage-collects expired rows and records the run in last-cleanup as now()::text', async () => {
    const { table, meta } = names('gc');
    const store = await openStore(table, meta, { cleanupInterval: '1s' });
    const base = { options: {} };
    await store.set({ key: 'short', value: Buffer.from('1'), metadata: { ttlInSeconds: '1' }, ...base });
    await store.set({ key: 'long', value: Buffer.from('1'), metadata: { ttlInSeconds: '3600' }, ...base });
    await store.set({ key: 'forever', value: Buffer.from('1'), metadata: {}, ...base });
    const keys = async () =>
      (await raw.query(`SELECT key FROM ${table} ORDER BY key`)).rows.map((r) => r.key as string);
    const gone = await eventually(async () => !(await keys()).includes('short'), 8_000);
    await store.close();
    expect(gone).toBe(true);
    expect(await keys()).toEqual(['forever', 'long']);
    const last = (await metadataRows(meta))['last-cleanup'];
    const stamp = await raw.query(`SELECT $1::timestamptz AS t`, [last]);
    expect(Math.abs((stamp.rows[0].t as Date).getTime() - Date.now())).toBeLessThan(15_000);
  });
});
