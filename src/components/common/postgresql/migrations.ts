import type pg from 'pg';
import type { Logger } from '../../../diagnostics/logger.js';
import { SqlState, sqlState } from './errors.js';
import { runQuery, withTransaction } from './pool.js';

/** One schema step; runs inside the migration transaction on the client it is given. */
export type MigrationStep = (client: pg.PoolClient) => Promise<void>;

export interface MigrateOptions {
  pool: pg.Pool;
  /** Metadata table (`dapr_metadata` by default); created if missing. */
  metadataTable: string;
  /** Row holding the migration level, e.g. `migrations` (state v1) or `migrations-state-v2-<prefix>`. */
  versionKey: string;
  /** Steps in order; level N means steps 1..N are applied. */
  steps: MigrationStep[];
  /**
   * True when the objects the steps create are missing although the level says they exist. Dapr keys
   * the level by metadata table, not by state table, so a second table sharing a metadata table would
   * never be created; when this says so, all steps run again for this table (level unchanged).
   */
  schemaMissing?: (client: pg.PoolClient) => Promise<boolean>;
  logger: Logger;
}

/** Row daprd locks (`SELECT … FOR UPDATE`) while it migrates; we lock the same row so both interoperate. */
const LOCK_ROW = 'lock';
/** Waiting for another sidecar's migration may take long; Dapr allows a minute. */
const LOCK_WAIT_MS = 60_000;
/** Schema changes on a large table (row_id backfill) can take minutes. */
export const MIGRATION_STATEMENT_MS = 10 * 60_000;

/**
 * Brings the schema to the latest level. Safe when several runtimes (daprts or daprd) start at once on
 * an empty database: exactly one applies each step, the others wait and find the work done.
 * Returns how many steps this call applied.
 *
 * Two locks: a transaction-scoped advisory lock serialises daprts instances, including the creation
 * of the metadata table itself (which would otherwise race on the catalog); the `lock` row locked
 * `FOR UPDATE` serialises with daprd, which knows only that protocol. Unlike daprd we apply the steps
 * inside the lock transaction, so a failed step leaves neither half a schema nor a wrong level.
 */
export async function runMigrations(opts: MigrateOptions): Promise<number> {
  await ensureMetadataTable(opts);
  return withTransaction(opts.pool, async (client) => {
    await lockMigrations(client, opts.metadataTable);
    const level = await readLevel(client, opts);
    if (level >= opts.steps.length && (await opts.schemaMissing?.(client))) {
      opts.logger.warn(
        `${opts.versionKey} in ${opts.metadataTable} is current but the table is missing: creating it`,
      );
      for (const step of opts.steps) await step(client);
      return opts.steps.length;
    }
    let applied = 0;
    for (let i = level; i < opts.steps.length; i++) {
      opts.logger.info(`performing migration ${i + 1} (${opts.versionKey} in ${opts.metadataTable})`);
      await opts.steps[i](client);
      await runQuery(
        client,
        {
          text: `INSERT INTO ${opts.metadataTable} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`,
          values: [opts.versionKey, String(i + 1)],
        },
        'update the migration level',
      );
      applied++;
    }
    return applied;
  });
}

/** The advisory lock key: one per metadata table, so unrelated components don't wait for each other. */
function advisoryLock(client: pg.PoolClient, metadataTable: string): Promise<unknown> {
  return runQuery(
    client,
    {
      text: 'SELECT pg_advisory_xact_lock(hashtext($1))',
      values: [`daprts-migrations:${metadataTable}`],
      query_timeout: LOCK_WAIT_MS,
    },
    'acquire the migration lock',
  );
}

async function lockMigrations(client: pg.PoolClient, metadataTable: string): Promise<void> {
  await advisoryLock(client, metadataTable);
  await runQuery(
    client,
    {
      text: `SELECT value FROM ${metadataTable} WHERE key = $1 FOR UPDATE`,
      values: [LOCK_ROW],
      query_timeout: LOCK_WAIT_MS,
    },
    `acquire the migration lock (row '${LOCK_ROW}')`,
  );
}

async function readLevel(client: pg.PoolClient, opts: MigrateOptions): Promise<number> {
  const res = await runQuery(
    client,
    { text: `SELECT value FROM ${opts.metadataTable} WHERE key = $1`, values: [opts.versionKey] },
    'read the migration level',
  );
  if (res.rows.length === 0) return 0;
  const raw = String(res.rows[0][0]);
  if (!/^\d+$/.test(raw)) throw new Error(`invalid migration level found in metadata table: ${raw}`);
  return Number(raw);
}

/**
 * Creates the metadata table and the lock row, committed on their own so that daprd (which does the
 * same without a transaction) never waits behind our migration. A daprd creating the table at the
 * same instant can make CREATE TABLE IF NOT EXISTS fail with a unique violation on the catalog; as
 * daprd does, retry a few times.
 */
async function ensureMetadataTable(opts: MigrateOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withTransaction(opts.pool, async (client) => {
        await advisoryLock(client, opts.metadataTable);
        await runQuery(
          client,
          {
            text: `CREATE TABLE IF NOT EXISTS ${opts.metadataTable} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`,
          },
          `create the metadata table '${opts.metadataTable}'`,
        );
        await runQuery(
          client,
          {
            text: `INSERT INTO ${opts.metadataTable} (key, value) VALUES ($1, 'lock') ON CONFLICT (key) DO NOTHING`,
            values: [LOCK_ROW],
          },
          'create the migration lock row',
        );
      });
      return;
    } catch (err) {
      if (attempt >= 3 || sqlState(err) !== SqlState.UNIQUE_VIOLATION) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Runs one statement of a migration step, with the long migration timeout. */
export function migrationStatement(
  client: pg.PoolClient,
  text: string,
  values?: unknown[],
): Promise<pg.QueryArrayResult> {
  return runQuery(client, { text, values, query_timeout: MIGRATION_STATEMENT_MS }, 'run a migration');
}
