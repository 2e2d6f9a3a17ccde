import { EtagMismatchError } from '../../errors.js';
import type { SetRequest } from '../../interface.js';
import { PostgresStateStore, type PgStateStatements, type PgStateVersion } from '../base.js';
import { parseV2Metadata, type V2Settings } from './metadata.js';
import { v2MigrationKey, v2MigrationSteps } from './migrations.js';

/** Live rows only: an expired row is invisible even before the GC deletes it. */
const LIVE = '(expires_at IS NULL OR expires_at >= now())';
/** `$3` is the TTL in seconds or NULL (no expiry: NULL * interval is NULL). */
const EXPIRY = `now() + $3::bigint * interval '1 second'`;

/**
 * v2 SQL. Write parameters: `$1` key, `$2` value (bytea, sent as binary), `$3` ttl, `$4` etag.
 * Every write draws a new random UUID etag.
 */
function v2Statements(t: string): PgStateStatements {
  const upsert = `INSERT INTO ${t} AS t (key, value, etag, expires_at) VALUES ($1, $2, gen_random_uuid(), ${EXPIRY})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now(), etag = gen_random_uuid(),
      expires_at = excluded.expires_at`;
  return {
    get: `SELECT value, etag::text, expires_at FROM ${t} WHERE key = $1 AND ${LIVE}`,
    bulkGet: `SELECT key, value, etag::text, expires_at FROM ${t} WHERE key = ANY($1::text[]) AND ${LIVE}`,
    upsert,
    upsertFirstWrite: `${upsert} WHERE t.expires_at IS NOT NULL AND t.expires_at < now()`,
    updateWithEtag: `UPDATE ${t} SET value = $2, updated_at = now(), etag = gen_random_uuid(), expires_at = ${EXPIRY}
      WHERE key = $1 AND etag = $4::uuid AND ${LIVE}`,
    delete: `DELETE FROM ${t} WHERE key = $1`,
    deleteWithEtag: `DELETE FROM ${t} WHERE key = $1 AND etag = $2::uuid AND ${LIVE}`,
  };
}

const HEX32 = /^[0-9a-f]{32}$/i;

/**
 * Normalises the UUID spellings Go's uuid.Parse accepts (canonical, `urn:uuid:`, `{…}`, 32 hex digits).
 * Anything else can never match a stored etag, so it is a mismatch (409), as in Dapr, not a 400.
 */
function v2EtagParam(etag: string): string {
  let s = etag;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === 'urn:uuid:') s = s.slice(9);
  else if (s.length === 38 && s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  if (s.length === 36 && s[8] === '-' && s[13] === '-' && s[18] === '-' && s[23] === '-') {
    s = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  }
  if (!HEX32.test(s)) throw new EtagMismatchError(`invalid etag value: '${etag}' is not a UUID`);
  return s.toLowerCase();
}

/** The value is stored as-is: JSON text for HTTP values, raw bytes for gRPC bytes. */
function v2SetParams(req: SetRequest, ttl: number | null): unknown[] {
  return [req.key, req.value, ttl];
}

/** Row: value (Buffer), etag text, expires_at. */
function v2DecodeRow(row: unknown[]): { data: Buffer; etag: string } {
  return { data: row[0] as Buffer, etag: row[1] as string };
}

/**
 * `state.postgresql` v2: bytea values and random UUID etags in `<tablePrefix>state`; the layout daprd
 * v2 uses, so either can read the other's rows.
 */
export class PostgresStateStoreV2 extends PostgresStateStore<V2Settings> {
  protected parseSettings(raw: Record<string, string>): V2Settings {
    return parseV2Metadata(this.ctx.name, raw);
  }

  protected describeVersion(s: V2Settings): PgStateVersion {
    const prefix = s.tablePrefix;
    return {
      statementPrefix: 'daprts_state_v2',
      statements: v2Statements(s.table),
      migrationKey: v2MigrationKey(prefix),
      migrationSteps: v2MigrationSteps(s.table),
      lastCleanupKey: `last-cleanup-state-v2-${prefix}`,
      deleteExpiredSql: `DELETE FROM ${s.table} WHERE expires_at IS NOT NULL AND expires_at < now()`,
      etagParam: v2EtagParam,
      setParams: v2SetParams,
      decodeRow: v2DecodeRow,
    };
  }
}
