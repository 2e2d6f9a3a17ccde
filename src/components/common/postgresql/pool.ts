import pg from 'pg';
import type { Logger } from '../../../diagnostics/logger.js';
import { buildConnectionTarget, type PgConnectionFields } from './connection.js';
import { isQueryTimeout, translatePgError } from './errors.js';
import { QueryWatchdog } from './watchdog.js';

/** Anything that runs a query: the pool (one statement, no transaction) or a checked-out client. */
export type Queryable = pg.Pool | pg.PoolClient;

/** A query with a per-statement timeout and positional rows: what the components send. */
export interface PgQuery {
  /** Set to make node-postgres prepare the statement once per connection and reuse it. */
  name?: string;
  text: string;
  values?: unknown[];
  /** Milliseconds; overrides the pool's default (the component `timeout`). */
  query_timeout?: number;
}

const OID_JSON = 114;
const OID_JSONB = 3802;
const passThrough = (text: string) => text;

/**
 * Per-pool type parsers: JSON and JSONB columns come back as the server's text, never parsed, so a
 * stored value reaches the caller byte for byte as PostgreSQL renders it (as daprd returns it).
 * Everything else keeps node-postgres' defaults (bytea → Buffer, timestamptz → Date).
 */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === OID_JSON || oid === OID_JSONB
      ? passThrough
      : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PgPoolOptions {
  connection: PgConnectionFields;
  /** Per-query timeout and connect timeout, in ms (Dapr's `timeout`). */
  timeoutMs: number;
  /** `maxConns` metadata; values <= 1 keep the driver default (as Dapr does). */
  maxConns?: number;
  /** `connectionMaxIdleTime` metadata, in ms. */
  idleTimeoutMs?: number;
  logger: Logger;
}

/** Default pool size when neither `maxConns` nor `pool_max_conns` says otherwise (node-postgres' default). */
const DEFAULT_MAX_CONNS = 10;

/** Creates the pool (no connection is opened until the first query). */
export function createPool(opts: PgPoolOptions): pg.Pool {
  const target = buildConnectionTarget(opts.connection);
  const max =
    opts.maxConns !== undefined && opts.maxConns > 1
      ? opts.maxConns
      : (target.poolMaxConns ?? DEFAULT_MAX_CONNS);
  const pool = new pg.Pool({
    connectionString: target.url,
    max,
    idleTimeoutMillis: opts.idleTimeoutMs && opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : 10_000,
    connectionTimeoutMillis: opts.timeoutMs,
    keepAlive: true,
    types: typeParsers,
    application_name: 'daprts',
  });
  // An idle client that loses its connection (database restart) emits 'error' on the pool; without a
  // listener Node would crash the process. The pool drops that client and opens a new one on demand.
  pool.on('error', (err) => opts.logger.warn({ err }, 'idle PostgreSQL connection closed'));
  // The component `timeout` per statement (see watchdog.ts for why not node-postgres' query_timeout).
  if (opts.timeoutMs > 0) {
    const watchdog = new QueryWatchdog(opts.timeoutMs);
    pool.on('connect', (client) => watchdog.watch(client));
    pool.on('remove', (client) => watchdog.unwatch(client));
  }
  return pool;
}

/** Runs one statement, translating driver failures into an Error naming the action (cause kept). */
export async function runQuery(db: Queryable, q: PgQuery, action: string): Promise<pg.QueryArrayResult> {
  try {
    // A literal, not a spread of `q`: this runs once per state call.
    const config = { name: q.name, text: q.text, values: q.values, rowMode: 'array' as const };
    if (q.query_timeout !== undefined) (config as { query_timeout?: number }).query_timeout = q.query_timeout;
    return await db.query(config as pg.QueryArrayConfig);
  } catch (err) {
    throw translatePgError(err, action);
  }
}

/** Opens a connection and runs `SELECT 1`, for init and for the Pinger capability. */
export async function pingPool(pool: pg.Pool): Promise<void> {
  await runQuery(pool, { text: 'SELECT 1' }, 'ping the database');
}

/**
 * Runs `fn` inside BEGIN/COMMIT on one connection; rolls back and rethrows `fn`'s error on failure.
 * A client whose rollback failed is discarded rather than returned to the pool in an unknown state.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw translatePgError(err, 'begin transaction');
  }
  let broken: Error | undefined;
  try {
    await runQuery(client, { text: 'BEGIN' }, 'begin transaction');
    const result = await fn(client);
    await runQuery(client, { text: 'COMMIT' }, 'commit transaction');
    return result;
  } catch (err) {
    // A timed-out statement still occupies the connection: a ROLLBACK would wait behind it. Closing
    // the connection instead ends the transaction (the server rolls it back) at once.
    if (isQueryTimeout(err)) broken = err as Error;
    else
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      }
    throw err;
  } finally {
    client.release(broken);
  }
}
