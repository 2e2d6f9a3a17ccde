import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ComponentContext } from '../../component.js';
import { createLogger } from '../../../diagnostics/logger.js';

/** The shared test database (trust auth); override with DAPRTS_TEST_PG_URL. */
export const TEST_PG_URL = process.env.DAPRTS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A lower-case random suffix for table names, so test files never collide. */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** A component context for a PostgreSQL store under test. */
export function pgTestContext(
  metadata: Record<string, string>,
  version = 'v1',
  name = 'statestore',
): ComponentContext {
  return {
    name,
    type: 'state.postgresql',
    version,
    metadata: { connectionString: TEST_PG_URL, ...metadata },
    appId: 'test-app',
    namespace: '',
    logger: createLogger({ appId: 'test-app', level: 'silent' }),
    dataDir: '',
    now: () => Date.now(),
  };
}

/** A plain pool for tests that inspect or seed tables the way daprd would. */
export function rawTestPool(): pg.Pool {
  return new pg.Pool({ connectionString: TEST_PG_URL, max: 4 });
}

/** Drops the given tables if they exist. */
export async function dropTables(pool: pg.Pool, tables: string[]): Promise<void> {
  for (const t of tables) await pool.query(`DROP TABLE IF EXISTS ${t}`);
}

/** Column name → data type of a table, from information_schema. */
export async function columnTypes(pool: pg.Pool, table: string): Promise<Record<string, string>> {
  const res = await pool.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return Object.fromEntries(res.rows.map((r) => [r.column_name, r.data_type]));
}

/** Polls `check` until it returns true or `timeoutMs` passes. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  stepMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
