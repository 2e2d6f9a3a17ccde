import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { StateComponentConfig } from './harness.js';

/**
 * The state conformance config (components-contrib `tests/config/state/tests.yml`): every state
 * store, the optional operations it claims, its overrides and how to clean up after it. Table names
 * and key prefixes carry a random run id so that parallel runs never collide.
 *
 * `CONFORMANCE_STATE=name,name` runs only the listed entries (e.g. while a component is being written).
 */

/** Random per process: all tables, files and keys of this run carry it. */
export const runId = randomBytes(4).toString('hex');

export const POSTGRES_URL = process.env.CONFORMANCE_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_HOST = process.env.CONFORMANCE_REDIS_HOST ?? '127.0.0.1:6379';

const uuidBadEtag = (): string => randomUUID();

async function dropPostgresTables(...tables: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const t of tables) await client.query(`DROP TABLE IF EXISTS "${t}"`);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const [host, port] = REDIS_HOST.split(':');
  const redis = new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

function inMemory(): StateComponentConfig {
  return {
    name: 'in-memory',
    type: 'state.in-memory',
    version: 'v1',
    metadata: {},
    keyPrefix: `conf-${runId}-mem`,
    operations: ['transaction', 'etag', 'first-write', 'ttl'],
    badEtag: uuidBadEtag,
    malformedEtag: { etag: 'not-a-uuid', set: 'mismatch', delete: 'mismatch' },
  };
}

function sqlite(): StateComponentConfig {
  const dir = mkdtempSync(join(tmpdir(), `daprts-conf-state-${runId}-`));
  return {
    name: 'sqlite',
    type: 'state.sqlite',
    version: 'v1',
    metadata: {
      connectionString: join(dir, 'state.db'),
      tableName: `conf_state_${runId}`,
      metadataTableName: `conf_meta_${runId}`,
    },
    keyPrefix: `conf-${runId}-sqlite`,
    operations: ['transaction', 'etag', 'first-write', 'ttl'],
    badEtag: uuidBadEtag,
    malformedEtag: { etag: 'not-a-uuid', set: 'mismatch', delete: 'mismatch' },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresV1(): StateComponentConfig {
  const table = `conf_state_v1_${runId}`;
  const meta = `conf_meta_v1_${runId}`;
  return {
    name: 'postgresql-v1',
    type: 'state.postgresql',
    version: 'v1',
    metadata: { connectionString: POSTGRES_URL, tableName: table, metadataTableName: meta },
    keyPrefix: `conf-${runId}-pg1`,
    operations: ['transaction', 'etag', 'first-write', 'ttl', 'query'],
    // ETags are xmin: a well-formed uint32 that does not match is a mismatch; non-numeric is invalid.
    badEtag: (current) => (current === '1' ? '2' : '1'),
    malformedEtag: { etag: 'not-a-number', set: 'invalid', delete: 'invalid' },
    cleanup: () => dropPostgresTables(table, meta),
  };
}

function postgresV2(): StateComponentConfig {
  const prefix = `conf_${runId}_`;
  const meta = `conf_meta_v2_${runId}`;
  return {
    name: 'postgresql-v2',
    type: 'state.postgresql',
    version: 'v2',
    metadata: { connectionString: POSTGRES_URL, tablePrefix: prefix, metadataTableName: meta },
    keyPrefix: `conf-${runId}-pg2`,
    operations: ['transaction', 'etag', 'first-write', 'ttl'],
    // ETags are UUIDs; one that cannot be parsed is a mismatch too (daprd: 409, not 400).
    badEtag: uuidBadEtag,
    malformedEtag: { etag: 'not-a-uuid', set: 'mismatch', delete: 'mismatch' },
    cleanup: () => dropPostgresTables(`${prefix}state`, meta),
  };
}

function redis(): StateComponentConfig {
  const keyPrefix = `conf-${runId}-redis`;
  return {
    name: 'redis',
    type: 'state.redis',
    version: 'v1',
    metadata: { redisHost: REDIS_HOST },
    keyPrefix,
    operations: ['transaction', 'etag', 'first-write', 'ttl'],
    // ETags are the hash's integer `version`. daprd parses a write's etag as an integer (invalid
    // when it is not one) but hands a delete's etag to Lua as a string (mismatch).
    badEtag: (current) => String(Number(current ?? '0') + 1000),
    malformedEtag: { etag: 'not-an-integer', set: 'invalid', delete: 'mismatch' },
    // daprd's Redis store only touches expiry when a TTL applies (EXPIRE, or PERSIST for -1), so a
    // write without ttlInSeconds keeps the key's TTL; contrib's conformance exempts redis from the
    // "omitting ttlInSeconds removes the TTL" check. The case still runs and asserts this behaviour.
    ttlOnWriteWithoutTtl: 'kept',
    cleanup: () => deleteRedisKeys(keyPrefix),
  };
}

const all: Record<string, () => StateComponentConfig> = {
  'in-memory': inMemory,
  sqlite,
  'postgresql-v1': postgresV1,
  'postgresql-v2': postgresV2,
  redis,
};

/** The components this run covers: all of them unless `CONFORMANCE_STATE` names a subset. */
export function stateComponents(): StateComponentConfig[] {
  const only = process.env.CONFORMANCE_STATE?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = only && only.length > 0 ? only : Object.keys(all);
  const unknown = names.filter((n) => !(n in all));
  if (unknown.length > 0) {
    throw new Error(`CONFORMANCE_STATE names unknown components: ${unknown.join(', ')}`);
  }
  return names.map((n) => all[n]());
}
