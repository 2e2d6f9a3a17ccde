import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import { dropTables, rawTestPool, uniqueSuffix } from '../../state/postgresql/testing.js';
import { GarbageCollector } from './gc.js';

const logger = createLogger({ appId: 'test', level: 'silent' });
const suffix = uniqueSuffix();
const table = `daprts_gc_data_${suffix}`;
const meta = `daprts_gc_meta_${suffix}`;
let raw: pg.Pool;

function collector(intervalMs: number): GarbageCollector {
  return new GarbageCollector({
    pool: raw,
    logger,
    intervalMs,
    metadataTable: meta,
    lastCleanupKey: 'last-cleanup',
    deleteExpiredSql: `DELETE FROM ${table} WHERE expiredate IS NOT NULL AND expiredate < now()`,
  });
}

beforeAll(async () => {
  raw = rawTestPool();
  await raw.query(`CREATE TABLE ${meta} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`);
  await raw.query(`CREATE TABLE ${table} (key text PRIMARY KEY, expiredate timestamptz)`);
});

afterAll(async () => {
  await dropTables(raw, [table, meta]);
  await raw.end();
});

describe('GarbageCollector', () => {
  it('deletes expired rows only, and claims the run so a second sidecar skips it', async () => {
    await raw.query(
      `INSERT INTO ${table} VALUES ('old', now() - interval '1 minute'), ('live', now() + interval '1 hour'), ('none', NULL)`,
    );
    const a = collector(60_000);
    const b = collector(60_000);
    expect(await a.cleanupExpired()).toBe(1);
    expect(await b.cleanupExpired()).toBeUndefined();
    const keys = await raw.query(`SELECT key FROM ${table} ORDER BY key`);
    expect(keys.rows.map((r) => r.key)).toEqual(['live', 'none']);
  });

  it('honours a last-cleanup stamp written by daprd (now()::text) and runs again once it is old enough', async () => {
    await raw.query(`UPDATE ${meta} SET value = now()::text WHERE key = 'last-cleanup'`);
    await raw.query(`INSERT INTO ${table} VALUES ('old2', now() - interval '1 minute')`);
    expect(await collector(60_000).cleanupExpired()).toBeUndefined();
    await raw.query(
      `UPDATE ${meta} SET value = (now() - interval '2 minutes')::text WHERE key = 'last-cleanup'`,
    );
    expect(await collector(60_000).cleanupExpired()).toBe(1);
  });

  it('runs on its timer and stops on close', async () => {
    await raw.query(
      `UPDATE ${meta} SET value = (now() - interval '1 hour')::text WHERE key = 'last-cleanup'`,
    );
    await raw.query(`INSERT INTO ${table} VALUES ('old3', now() - interval '1 minute')`);
    const gc = collector(200);
    gc.start();
    const deadline = Date.now() + 5_000;
    let left = 1;
    while (left > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = (await raw.query(`SELECT count(*)::int AS n FROM ${table} WHERE key = 'old3'`)).rows[0].n;
    }
    await gc.close();
    expect(left).toBe(0);
  });
});
