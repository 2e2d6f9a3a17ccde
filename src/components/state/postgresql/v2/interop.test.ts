import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnTypes, dropTables, eventually, pgTestContext, rawTestPool, uniqueSuffix } from '../testing.js';
import { PostgresStateStoreV1 } from '../v1/index.js';
import { PostgresStateStoreV2 } from './index.js';

/**
 * The v2 table as daprd creates and uses it: schema, metadata rows, migration levels, and rows
 * written by either side readable by the other.
 */
const suffix = uniqueSuffix();
const schema = `daprts_v2_schema_${suffix}`;
const created: string[] = [];
let raw: pg.Pool;

function names(tag: string) {
  const n = { prefix: `daprts_v2_${tag}_${suffix}_`, meta: `daprts_v2_${tag}_meta_${suffix}` };
  created.push(`${n.prefix}state`, n.meta);
  return { ...n, table: `${n.prefix}state` };
}

async function openStore(prefix: string, meta: string, extra: Record<string, string> = {}) {
  const store = new PostgresStateStoreV2(
    pgTestContext({ tablePrefix: prefix, metadataTableName: meta, cleanupInterval: '0', ...extra }, 'v2'),
  );
  await store.init();
  return store;
}

async function metadataRows(meta: string): Promise<Record<string, string>> {
  const res = await raw.query<{ key: string; value: string }>(`SELECT key, value FROM ${meta}`);
  return Object.fromEntries(res.rows.map((r) => [r.key, r.value]));
}

const base = { metadata: {}, options: {} };

beforeAll(() => {
  raw = rawTestPool();
});

afterAll(async () => {
  await dropTables(raw, created);
  await raw.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await raw.end();
});

describe('state.postgresql v2 schema and interop with daprd', () => {
  it("creates daprd's table, indexes and metadata rows for the prefix", async () => {
    const { prefix, meta, table } = names('schema');
    const store = await openStore(prefix, meta);
    await store.close();
    expect(await columnTypes(raw, table)).toEqual({
      key: 'text',
      value: 'bytea',
      etag: 'uuid',
      created_at: 'timestamp with time zone',
      updated_at: 'timestamp with time zone',
      expires_at: 'timestamp with time zone',
      row_id: 'bigint',
    });
    const idx = await raw.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1`, [table]);
    const defs = idx.rows.map((r) => r.indexdef as string);
    expect(defs.some((d) => /\(expires_at\)/.test(d))).toBe(true);
    expect(idx.rows.some((r) => r.indexname === `${table}_row_id_uidx`)).toBe(true);
    expect(await metadataRows(meta)).toEqual({ lock: 'lock', [`migrations-state-v2-${prefix}`]: '2' });
    expect(store.migrationsApplied).toBe(2);
  });

  it('three runtimes initialising at once on an empty database migrate exactly once', async () => {
    const { prefix, meta } = names('race');
    const stores = [0, 1, 2].map(
      () =>
        new PostgresStateStoreV2(
          pgTestContext({ tablePrefix: prefix, metadataTableName: meta, cleanupInterval: '0' }, 'v2'),
        ),
    );
    await Promise.all(stores.map((s) => s.init()));
    expect(stores.map((s) => s.migrationsApplied).sort()).toEqual([0, 0, 2]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('accepts a schema-qualified prefix and shares a metadata table with v1 without clashing', async () => {
    await raw.query(`CREATE SCHEMA ${schema}`);
    const meta = `daprts_v2_shared_meta_${suffix}`;
    const v1Table = `daprts_v2_shared_v1_${suffix}`;
    created.push(meta, v1Table);
    const v2 = await openStore(`${schema}.app_`, meta);
    const v1 = new PostgresStateStoreV1(
      pgTestContext({ tableName: v1Table, metadataTableName: meta, cleanupInterval: '0' }),
    );
    await v1.init();
    await v2.set({ key: 'k', value: Buffer.from('"v2"'), ...base });
    await Promise.all([v1.close(), v2.close()]);
    const rows = await raw.query(`SELECT value FROM ${schema}.app_state WHERE key = 'k'`);
    expect(rows.rows[0].value).toEqual(Buffer.from('"v2"'));
    expect(await metadataRows(meta)).toEqual({
      lock: 'lock',
      migrations: '3',
      [`migrations-state-v2-${schema}.app_`]: '2',
    });
  });

  it('stores values byte for byte and returns them verbatim', async () => {
    const { prefix, meta, table } = names('values');
    const store = await openStore(prefix, meta);
    const json = Buffer.from('{"b":1,  "a":[1,2]}');
    const bytes = Buffer.from([0, 1, 2, 255, 0x7b]);
    await store.set({ key: 'json', value: json, ...base });
    await store.set({ key: 'bin', value: bytes, isBinary: true, ...base });
    expect((await store.get({ key: 'json', metadata: {} }))?.data).toEqual(json);
    expect((await store.get({ key: 'bin', metadata: {} }))?.data).toEqual(bytes);
    const row = await raw.query(`SELECT value FROM ${table} WHERE key = 'bin'`);
    expect(row.rows[0].value).toEqual(bytes);
    await store.close();
  });

  it("accepts the UUID spellings Go's uuid.Parse accepts", async () => {
    const { prefix, meta } = names('uuid');
    const store = await openStore(prefix, meta);
    const forms = [
      (u: string) => `{${u}}`,
      (u: string) => `urn:uuid:${u}`,
      (u: string) => u.toUpperCase(),
      (u: string) => u.replace(/-/g, ''),
    ];
    await store.set({ key: 'u', value: Buffer.from('0'), ...base });
    for (const [i, form] of forms.entries()) {
      const etag = (await store.get({ key: 'u', metadata: {} }))!.etag!;
      await store.set({ key: 'u', value: Buffer.from(String(i + 1)), etag: form(etag), ...base });
    }
    expect((await store.get({ key: 'u', metadata: {} }))?.data.toString()).toBe(String(forms.length));
    await store.close();
  });

  it('reads rows daprd wrote and daprd can update with the etags we hand out', async () => {
    const { prefix, meta, table } = names('interop');
    const store = await openStore(prefix, meta);
    const daprdUpsert = `INSERT INTO ${table} AS t (key, value, etag, expires_at) VALUES ($1, $2, gen_random_uuid(), NULL)
      ON CONFLICT (key) DO UPDATE SET value = $2, updated_at = now(), etag = gen_random_uuid(), expires_at = NULL`;
    await raw.query(daprdUpsert, ['app||k', Buffer.from('{"from":"daprd"}')]);
    await raw.query(
      `INSERT INTO ${table} (key, value, etag, expires_at) VALUES ($1, $2, gen_random_uuid(), now() + interval '60 seconds')`,
      ['app||ttl', Buffer.from('1')],
    );
    const got = await store.get({ key: 'app||k', metadata: {} });
    expect(got?.data.toString()).toBe('{"from":"daprd"}');
    const stored = await raw.query(`SELECT etag::text AS e FROM ${table} WHERE key = 'app||k'`);
    expect(got?.etag).toBe(stored.rows[0].e);
    expect((await store.get({ key: 'app||ttl', metadata: {} }))?.metadata?.ttlExpireTime).toMatch(/Z$/);

    await store.set({ key: 'app||k', value: Buffer.from('"ours"'), ...base });
    const ours = (await store.get({ key: 'app||k', metadata: {} }))!.etag!;
    const upd = await raw.query(
      `UPDATE ${table} SET value = $2, updated_at = now(), etag = gen_random_uuid() WHERE key = $1 AND etag = $3
        AND (expires_at IS NULL OR expires_at >= now())`,
      ['app||k', Buffer.from('"daprd again"'), ours],
    );
    expect(upd.rowCount).toBe(1);
    const row = await raw.query(`SELECT created_at, updated_at FROM ${table} WHERE key = 'app||k'`);
    expect(row.rows[0].updated_at).toBeInstanceOf(Date);
    await store.close();
  });

  it('garbage-collects expired rows under last-cleanup-state-v2-<prefix>', async () => {
    const { prefix, meta, table } = names('gc');
    // Through the alias daprd also accepts (the seeds use it).
    const store = new PostgresStateStoreV2(
      pgTestContext({ tablePrefix: prefix, metadataTableName: meta, cleanupIntervalInSeconds: '1' }, 'v2'),
    );
    await store.init();
    await store.set({ key: 'short', value: Buffer.from('1'), metadata: { ttlInSeconds: '1' }, options: {} });
    await store.set({ key: 'forever', value: Buffer.from('1'), ...base });
    const keys = async () =>
      (await raw.query(`SELECT key FROM ${table} ORDER BY key`)).rows.map((r) => r.key as string);
    const gone = await eventually(async () => !(await keys()).includes('short'), 8_000);
    await store.close();
    expect(gone).toBe(true);
    expect(await keys()).toEqual(['forever']);
    expect(Object.keys(await metadataRows(meta))).toContain(`last-cleanup-state-v2-${prefix}`);
  });
});
