import { EtagInvalidError } from '../../errors.js';
import { StateFeature } from '../../features.js';
import type { QueryableStateStore, QueryResponse, SetRequest } from '../../interface.js';
import type { StateQuery } from '../../query.js';
import {
  PostgresStateStore,
  type PgStateSettings,
  type PgStateStatements,
  type PgStateVersion,
} from '../base.js';
import { parseV1Metadata } from './metadata.js';
import { V1_MIGRATION_KEY, v1MigrationSteps } from './migrations.js';
import { buildV1Query } from './query.js';

/** Live rows only: an expired row is invisible even before the GC deletes it. */
const LIVE = '(expiredate IS NULL OR expiredate >= CURRENT_TIMESTAMP)';
/** `$4` is the TTL in seconds or NULL (no expiry: NULL * interval is NULL). */
const EXPIRY = `CURRENT_TIMESTAMP + $4::bigint * interval '1 second'`;

/**
 * v1 SQL. Write parameters: `$1` key, `$2` value (jsonb text), `$3` isbinary, `$4` ttl, `$5` etag.
 * The etag is the row's `xmin` (the id of the transaction that last wrote it) as decimal text.
 */
function v1Statements(t: string): PgStateStatements {
  const upsert = `INSERT INTO ${t} AS t (key, value, isbinary, expiredate) VALUES ($1, $2, $3, ${EXPIRY})
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, isbinary = excluded.isbinary,
      updatedate = CURRENT_TIMESTAMP, expiredate = excluded.expiredate`;
  return {
    get: `SELECT value, isbinary, xmin::text, expiredate FROM ${t} WHERE key = $1 AND ${LIVE}`,
    bulkGet: `SELECT key, value, isbinary, xmin::text, expiredate FROM ${t} WHERE key = ANY($1::text[]) AND ${LIVE}`,
    upsert,
    upsertFirstWrite: `${upsert} WHERE t.expiredate IS NOT NULL AND t.expiredate < CURRENT_TIMESTAMP`,
    updateWithEtag: `UPDATE ${t} SET value = $2, isbinary = $3, updatedate = CURRENT_TIMESTAMP, expiredate = ${EXPIRY}
      WHERE key = $1 AND xmin = $5::xid AND (expiredate IS NULL OR expiredate > CURRENT_TIMESTAMP)`,
    delete: `DELETE FROM ${t} WHERE key = $1`,
    deleteWithEtag: `DELETE FROM ${t} WHERE key = $1 AND xmin = $2::xid AND ${LIVE}`,
  };
}

/** An xmin etag is a uint32 in decimal, as Dapr parses it; anything else is an invalid etag (400). */
function v1EtagParam(etag: string): string {
  if (!/^\d{1,10}$/.test(etag) || Number(etag) > 0xffffffff) {
    throw new EtagInvalidError(`invalid etag value: '${etag}' is not a transaction id`);
  }
  return etag;
}

/**
 * JSON values go into jsonb as their text; binary values (gRPC bytes) are stored as a base64 JSON
 * string with isbinary=true, exactly as daprd stores them.
 */
function v1SetParams(req: SetRequest, ttl: number | null): unknown[] {
  if (req.isBinary) return [req.key, `"${req.value.toString('base64')}"`, true, ttl];
  return [req.key, req.value.toString('utf8'), false, ttl];
}

/** Row: value (jsonb text, unparsed), isbinary, etag text, expiredate. */
function v1DecodeRow(row: unknown[]): { data: Buffer; etag: string } {
  const [value, isBinary, etag] = row as [string, boolean, string];
  if (!isBinary) return { data: Buffer.from(value, 'utf8'), etag };
  // jsonb renders a base64 string as "…" with nothing to unescape; anything else is not daprd's encoding.
  if (!/^"[A-Za-z0-9+/=\s]*"$/.test(value))
    throw new Error('failed to decode binary value: not a base64 JSON string');
  return { data: Buffer.from(value.slice(1, -1), 'base64'), etag };
}

/**
 * `state.postgresql` v1: Dapr's original layout (jsonb value, xmin etag). A table written by daprd is
 * read as daprd reads it, and rows written here have daprd's shape.
 */
export class PostgresStateStoreV1 extends PostgresStateStore implements QueryableStateStore {
  private table = '';

  protected parseSettings(raw: Record<string, string>): PgStateSettings {
    return parseV1Metadata(this.ctx.name, raw);
  }

  override features(): readonly StateFeature[] {
    return [...super.features(), StateFeature.QUERY_API];
  }

  /** The Query API over the jsonb values (daprd's v1 has it; v2 stores bytes and has not). */
  async query(q: StateQuery, opts: { keyPrefix: string }): Promise<QueryResponse> {
    const plan = buildV1Query(this.table, q, opts.keyPrefix);
    const res = await this.runStatement(plan.text, plan.values, 'query state');
    const results = res.rows.map((row) => {
      const [key, value, etag] = row as [string, string, string];
      return { key, data: Buffer.from(value, 'utf8'), etag };
    });
    return { results, token: plan.limit > 0 ? String(plan.offset + results.length) : undefined };
  }

  protected describeVersion(s: PgStateSettings): PgStateVersion {
    this.table = s.table;
    return {
      statementPrefix: 'daprts_state_v1',
      statements: v1Statements(s.table),
      migrationKey: V1_MIGRATION_KEY,
      migrationSteps: v1MigrationSteps(s.table),
      lastCleanupKey: 'last-cleanup',
      deleteExpiredSql: `DELETE FROM ${s.table} WHERE expiredate IS NOT NULL AND expiredate < now()`,
      etagParam: v1EtagParam,
      setParams: v1SetParams,
      decodeRow: v1DecodeRow,
    };
  }
}
