// The stores under test and the exact driver calls daprts' components issue for GET and SET, so the
// raw driver loop and the baseline server do the same work as the sidecar path. The Redis scripts are
// the component's own (from the build, which `npm run bench` runs first); the SQL is copied from
// src/components/state/postgresql/{v2,v1}/: keep it in sync when those statements change.
// `state.mjs` checks at start-up that all three paths read the same bytes for the same key.

import pg from 'pg';
import { Redis } from 'ioredis';
import { GET_WITH_EXPIRY, SET_WITH_ETAG } from '../../dist/components/state/redis/scripts.js';

export const APP_ID = 'bench';
/** daprts' default key prefix is the app id: `bench||<key>`. */
export const storedKey = (key) => `${APP_ID}||${key}`;

export const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_HOST = process.env.BENCH_REDIS_HOST ?? '127.0.0.1';
export const REDIS_PORT = Number(process.env.BENCH_REDIS_PORT ?? 6379);
/** Pool size for every PostgreSQL path (daprts gets it as `maxConns`; its default is 10). */
export const PG_POOL = 16;

// ---- state.postgresql v2 (bytea value, uuid etag) -------------------------------------------------
const V2_TABLE = 'bench_state';
const V2_LIVE = '(expires_at IS NULL OR expires_at >= now())';
const V2_EXPIRY = `now() + $3::bigint * interval '1 second'`;
const v2 = {
  get: `SELECT value, etag::text, expires_at FROM ${V2_TABLE} WHERE key = $1 AND ${V2_LIVE}`,
  upsert: `INSERT INTO ${V2_TABLE} AS t (key, value, etag, expires_at) VALUES ($1, $2, gen_random_uuid(), ${V2_EXPIRY})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now(), etag = gen_random_uuid(),
      expires_at = excluded.expires_at`,
};

// ---- state.postgresql v1 (jsonb value returned as text, xmin etag) --------------------------------
const V1_TABLE = 'bench_v1_state';
const V1_LIVE = '(expiredate IS NULL OR expiredate >= CURRENT_TIMESTAMP)';
const V1_EXPIRY = `CURRENT_TIMESTAMP + $4::bigint * interval '1 second'`;
const v1 = {
  get: `SELECT value, isbinary, xmin::text, expiredate FROM ${V1_TABLE} WHERE key = $1 AND ${V1_LIVE}`,
  upsert: `INSERT INTO ${V1_TABLE} AS t (key, value, isbinary, expiredate) VALUES ($1, $2, $3, ${V1_EXPIRY})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, isbinary = excluded.isbinary,
      updatedate = CURRENT_TIMESTAMP, expiredate = excluded.expiredate`,
};

// ---- state.redis (hash per key: data, version): the component's own Lua scripts -------------------
const REDIS_GET = GET_WITH_EXPIRY;
const REDIS_SET = SET_WITH_ETAG;

/** JSON and JSONB as text (never parsed), as daprts' pool does. */
const passThrough = (s) => s;
const pgTypes = {
  getTypeParser: (oid, format) =>
    oid === 114 || oid === 3802 ? passThrough : pg.types.getTypeParser(oid, format ?? 'text'),
};

function pgPool() {
  const pool = new pg.Pool({ connectionString: PG_URL, max: PG_POOL, keepAlive: true, types: pgTypes });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A driver for one store: `get(storedKey)` → {data: Buffer, etag} | undefined; `set(storedKey, Buffer)`.
 * Each is the one call daprts' component makes for a plain GET / a SET without etag or TTL.
 */
export async function openDriver(store) {
  if (store === 'pg2' || store === 'pg1') {
    const pool = pgPool();
    const s = store === 'pg2' ? v2 : v1;
    const prefix = store === 'pg2' ? 'daprts_state_v2' : 'daprts_state_v1';
    const getQ = (key) => ({ name: `${prefix}_get`, text: s.get, values: [key], rowMode: 'array' });
    const setQ =
      store === 'pg2'
        ? (key, value) => ({
            name: `${prefix}_upsert`,
            text: s.upsert,
            values: [key, value, null],
            rowMode: 'array',
          })
        : (key, value) => ({
            name: `${prefix}_upsert`,
            text: s.upsert,
            values: [key, value.toString('utf8'), false, null],
            rowMode: 'array',
          });
    const decode = store === 'pg2' ? (row) => row[0] : (row) => Buffer.from(row[0], 'utf8');
    const etagCol = store === 'pg2' ? 1 : 2;
    return {
      async get(key) {
        const res = await pool.query(getQ(key));
        if (res.rows.length === 0) return undefined;
        const row = res.rows[0];
        return { data: decode(row), etag: row[etagCol] };
      },
      async set(key, value) {
        const res = await pool.query(setQ(key, value));
        if (res.rowCount !== 1) throw new Error('upsert wrote no row');
      },
      close: () => pool.end(),
    };
  }
  if (store === 'redis') {
    const client = new Redis({
      host: REDIS_HOST,
      port: REDIS_PORT,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      scripts: {
        stateGet: { lua: REDIS_GET, numberOfKeys: 1, readOnly: true },
        stateSet: { lua: REDIS_SET, numberOfKeys: 1 },
      },
    });
    await client.connect();
    return {
      async get(key) {
        const reply = await client.stateGetBuffer(key);
        if (reply.length === 0) return undefined;
        return { data: reply[0] ?? Buffer.alloc(0), etag: reply[1] ? reply[1].toString() : undefined };
      },
      async set(key, value) {
        await client.stateSet(key, '', value, '0', '');
      },
      close: () => client.quit(),
    };
  }
  throw new Error(`unknown store ${store}`);
}

/** Component YAML for daprts, pointing at the same tables / database the raw paths use. */
export function componentYaml(store) {
  const head = (name, type, version) =>
    `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: ${type}\n  version: ${version}\n  metadata:\n`;
  const m = (k, v) => `  - name: ${k}\n    value: "${v}"\n`;
  if (store === 'pg2')
    return (
      head('pg2', 'state.postgresql', 'v2') +
      m('connectionString', PG_URL) +
      m('tablePrefix', 'bench_') +
      m('metadataTableName', 'bench_metadata') +
      m('maxConns', PG_POOL)
    );
  if (store === 'pg1')
    return (
      head('pg1', 'state.postgresql', 'v1') +
      m('connectionString', PG_URL) +
      m('tableName', V1_TABLE) +
      m('metadataTableName', 'bench_v1_metadata') +
      m('maxConns', PG_POOL)
    );
  if (store === 'redis')
    return head('redis', 'state.redis', 'v1') + m('redisHost', `${REDIS_HOST}:${REDIS_PORT}`);
  throw new Error(`unknown store ${store}`);
}

export const STORE_LABEL = { pg2: 'PostgreSQL v2', pg1: 'PostgreSQL v1', redis: 'Redis' };

/**
 * Vacuums a PostgreSQL store's table (no-op for others). Every SET leaves a dead row version, and
 * autovacuum may be off (it is on this machine's server): without this, GETs slow down over the run
 * as the table bloats, and whichever path runs later in a cell pays for it.
 */
export async function vacuumStore(store) {
  const table = { pg2: V2_TABLE, pg1: V1_TABLE }[store];
  if (!table) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`VACUUM ${table}`);
  } finally {
    await client.end();
  }
}
