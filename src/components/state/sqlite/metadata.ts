import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import * as z from 'zod';
import { ComponentMetadataError, md, parseComponentMetadata } from '../../common/metadata.js';

/** daprd's `state.sqlite` metadata (state/sqlite and common/authentication/sqlite). */
const schema = z.object({
  connectionString: md.string().optional(),
  tableName: md.string().default('state'),
  metadataTableName: md.string().default('metadata'),
  timeout: md.duration().default(20_000),
  busyTimeout: md.duration().default(2_000),
  disableWAL: md.bool().default(false),
  /** 0 (daprd's default) disables the periodic deletion of expired rows; reads hide them anyway. */
  cleanupInterval: md.duration().default(0),
});

export interface SqliteDatabaseOptions {
  /** A file path (absolute), or `:memory:`. */
  filename: string;
  memory: boolean;
  readonly: boolean;
  fileMustExist: boolean;
  /** `_pragma=name(value)` entries of a `file:` URI, as `name = value`. */
  pragmas: string[];
}

export interface SqliteStateMetadata {
  database: SqliteDatabaseOptions;
  tableName: string;
  metadataTableName: string;
  /** Validated like daprd (>= 1 s); better-sqlite3 runs statements synchronously, so `busyTimeoutMs` is what bounds a wait. */
  timeoutMs: number;
  busyTimeoutMs: number;
  disableWAL: boolean;
  cleanupIntervalMs: number;
}

export function parseSqliteMetadata(component: string, raw: Record<string, string>): SqliteStateMetadata {
  const m = parseComponentMetadata(component, schema, raw, {
    url: 'connectionString',
    timeoutInSeconds: 'timeout',
    cleanupIntervalInSeconds: 'cleanupInterval',
  });
  if (!m.connectionString)
    throw new ComponentMetadataError(component, 'connectionString', 'missing connection string');
  if (m.timeout < 1000) throw new ComponentMetadataError(component, 'timeout', 'must be at least 1s');
  for (const field of ['tableName', 'metadataTableName'] as const) {
    if (!/^\w+$/.test(m[field]))
      throw new ComponentMetadataError(component, field, `invalid identifier: ${m[field]}`);
  }
  return {
    database: parseConnectionString(component, m.connectionString),
    tableName: m.tableName,
    metadataTableName: m.metadataTableName,
    timeoutMs: m.timeout,
    busyTimeoutMs: Math.max(0, Math.trunc(m.busyTimeout)),
    disableWAL: m.disableWAL,
    cleanupIntervalMs: m.cleanupInterval,
  };
}

// Options daprd owns through metadata fields; a connection string may not set them.
const FORBIDDEN_PRAGMAS = ['busy_timeout', 'journal_mode', 'foreign_keys'];

/**
 * Reads daprd's connection string: a path, `:memory:`, or a `file:` URI with `mode=ro|rw|rwc|memory`,
 * `immutable=1` and `_pragma=name(value)` parameters (`cache` and `_txlock` are accepted; writes
 * always take the lock up front). A relative path resolves against the working directory, as in daprd.
 */
export function parseConnectionString(component: string, connectionString: string): SqliteDatabaseOptions {
  const isUri = /^file:/i.test(connectionString);
  const body = isUri ? connectionString.slice(5) : connectionString;
  const q = body.indexOf('?');
  let path = q >= 0 ? body.slice(0, q) : body;
  const params = new URLSearchParams(q >= 0 ? body.slice(q + 1) : '');
  if (isUri) path = decodeURIComponent(path.replace(/^\/\/(localhost)?(?=\/)/i, ''));
  const mode = params.get('mode');
  const memory = path.toLowerCase() === ':memory:' || mode === 'memory';
  const pragmas = params.getAll('_pragma').map((p) => {
    const m = /^(\w+)\((.*)\)$/.exec(p.trim());
    if (!m)
      throw new ComponentMetadataError(
        component,
        'connectionString',
        `invalid _pragma '${p}': expected name(value)`,
      );
    if (FORBIDDEN_PRAGMAS.includes(m[1].toLowerCase())) {
      throw new ComponentMetadataError(
        component,
        'connectionString',
        `found forbidden option '_pragma=${m[1]}'; use the metadata fields`,
      );
    }
    return `${m[1]} = ${m[2]}`;
  });
  return {
    filename: memory ? ':memory:' : isAbsolute(path) ? path : resolve(process.cwd(), path),
    memory,
    readonly: mode === 'ro' || params.get('immutable') === '1',
    fileMustExist: mode === 'ro' || mode === 'rw',
    pragmas,
  };
}

/** Creates the database file's folder when it is missing (a new data dir on first start). */
export function ensureParentDir(db: SqliteDatabaseOptions): void {
  if (!db.memory && !db.readonly) mkdirSync(dirname(db.filename), { recursive: true });
}

/**
 * Metadata of the embedded default state store: a durable `state.db` in the runtime's data dir,
 * with expired rows collected hourly.
 */
export function embeddedStateStoreMetadata(dataDir: string): Record<string, string> {
  return { connectionString: join(dataDir, 'state.db'), cleanupInterval: '1h' };
}
