import type { Database, Statement } from 'better-sqlite3';

/**
 * Timestamps are text in SQLite's `CURRENT_TIMESTAMP` shape (`YYYY-MM-DD HH:MM:SS`, UTC), which is
 * what daprd writes, so either runtime can compare the other's values as text. Milliseconds are
 * appended when present: such values still sort and parse correctly on both sides, and keep a TTL
 * exact instead of rounded down to the second. Times come from the injectable clock, not from SQL.
 */
export function sqliteTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace('Z', '')
    .replace(/\.000$/, '');
}

/** Parses a stored timestamp (UTC, with or without fraction) back to ms since epoch. */
export function parseSqliteTimestamp(text: string): number {
  return Date.parse(`${text.trim().replace(' ', 'T')}Z`);
}

/** A row as read back, before decoding. */
export interface StateRow {
  key: string;
  value: string | Buffer;
  is_binary: number;
  etag: string;
  expiration_time: string | null;
}

/** Prepared statements of the store, named after what they do. `@now` is always the current timestamp. */
export interface StateStatements {
  getLive: Statement<{ key: string; now: string }, StateRow>;
  /** `@keys` is a JSON array of keys. */
  bulkGetLive: Statement<{ keys: string; now: string }, StateRow>;
  upsert: Statement<WriteParams>;
  /** Inserts when the key is absent or expired; changes nothing otherwise. */
  insertIfAbsent: Statement<WriteParams>;
  /** Updates only a live row with this etag. */
  updateIfEtag: Statement<WriteParams & { expected: string }>;
  delete: Statement<{ key: string }>;
  deleteIfEtag: Statement<{ key: string; expected: string; now: string }>;
  /** Claims the periodic cleanup (one sidecar per interval) by moving `last-cleanup` forward. */
  claimCleanup: Statement<{ now: string; intervalMs: number }>;
  deleteExpired: Statement<{ now: string }>;
}

export interface WriteParams {
  key: string;
  value: string;
  isBinary: number;
  etag: string;
  now: string;
  expiration: string | null;
}

export function prepareStatements(db: Database, table: string, metadataTable: string): StateStatements {
  const live = '(expiration_time IS NULL OR expiration_time > @now)';
  const columns = 'key, value, is_binary, etag, expiration_time';
  const insert = `INSERT INTO ${table} (key, value, is_binary, etag, update_time, expiration_time)
    VALUES (@key, @value, @isBinary, @etag, @now, @expiration)`;
  const update = `value = excluded.value, is_binary = excluded.is_binary, etag = excluded.etag,
    update_time = excluded.update_time, expiration_time = excluded.expiration_time`;
  return {
    getLive: db.prepare(`SELECT ${columns} FROM ${table} WHERE key = @key AND ${live}`),
    bulkGetLive: db.prepare(
      `SELECT ${columns} FROM ${table} WHERE key IN (SELECT value FROM json_each(@keys)) AND ${live}`,
    ),
    upsert: db.prepare(`${insert} ON CONFLICT (key) DO UPDATE SET ${update}`),
    insertIfAbsent: db.prepare(
      `${insert} ON CONFLICT (key) DO UPDATE SET ${update}
       WHERE ${table}.expiration_time IS NOT NULL AND ${table}.expiration_time <= @now`,
    ),
    updateIfEtag: db.prepare(
      `UPDATE ${table} SET value = @value, is_binary = @isBinary, etag = @etag, update_time = @now, expiration_time = @expiration
       WHERE key = @key AND etag = @expected AND ${live}`,
    ),
    delete: db.prepare(`DELETE FROM ${table} WHERE key = @key`),
    deleteIfEtag: db.prepare(`DELETE FROM ${table} WHERE key = @key AND etag = @expected AND ${live}`),
    claimCleanup: db.prepare(
      `INSERT INTO ${metadataTable} (key, value) VALUES ('last-cleanup', @now)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value
       WHERE (unixepoch(excluded.value) - unixepoch(${metadataTable}.value)) * 1000 > @intervalMs`,
    ),
    deleteExpired: db.prepare(
      `DELETE FROM ${table} WHERE expiration_time IS NOT NULL AND expiration_time < @now`,
    ),
  };
}
