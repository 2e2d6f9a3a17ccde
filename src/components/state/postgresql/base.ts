import type pg from 'pg';
import type { ComponentContext, Pinger } from '../../component.js';
import { GarbageCollector } from '../../common/postgresql/gc.js';
import { runMigrations, type MigrationStep } from '../../common/postgresql/migrations.js';
import { usesNamedStatements, type PgSharedMetadata } from '../../common/postgresql/metadata.js';
import {
  createPool,
  pingPool,
  runQuery,
  withTransaction,
  type PgQuery,
  type Queryable,
} from '../../common/postgresql/pool.js';
import { applyEach } from '../bulk.js';
import { EtagMismatchError, StateRequestError } from '../errors.js';
import { StateFeature } from '../features.js';
import type {
  BulkGetItem,
  DeleteRequest,
  GetRequest,
  GetResponse,
  SetRequest,
  StateStore,
  TransactionalOperation,
  TransactionalStateStore,
} from '../interface.js';
import { formatExpireTime, parseTtlSeconds } from '../ttl.js';

/** Parsed metadata of either version: the shared fields plus the resolved state table name. */
export interface PgStateSettings extends PgSharedMetadata {
  /** State table as spliced into SQL (`state`, `schema.table`, `<prefix>state`). */
  table: string;
}

/**
 * The SQL of one table version. Parameters: get/delete `$1` key; bulkGet `$1` text[] of keys;
 * writes start with the version's `setParams` and, for `updateWithEtag`/`deleteWithEtag`, end with
 * the etag. Rows: get → the `decodeRow` columns; bulkGet → key first, then the same columns.
 */
export interface PgStateStatements {
  get: string;
  bulkGet: string;
  upsert: string;
  /** Insert, or overwrite only an expired row: `first-write` without an etag. */
  upsertFirstWrite: string;
  updateWithEtag: string;
  delete: string;
  deleteWithEtag: string;
}

/** What a table version decides: everything else (pool, migrations, GC, transactions) is shared. */
export interface PgStateVersion {
  /** Prefix of prepared statement names, e.g. `daprts_state_v1`. */
  statementPrefix: string;
  statements: PgStateStatements;
  migrationKey: string;
  migrationSteps: MigrationStep[];
  lastCleanupKey: string;
  deleteExpiredSql: string;
  /** Validates an etag and returns the statement parameter; throws the version's etag error. */
  etagParam(etag: string): string;
  /** Leading write parameters: key, value (and its encoding), ttl seconds or null. */
  setParams(req: SetRequest, ttlSeconds: number | null): unknown[];
  /** Data and etag from a row's value columns; the last column is the expiry (Date or null). */
  decodeRow(row: unknown[]): { data: Buffer; etag: string };
}

/**
 * `state.postgresql`, common to v1 and v2: single operations are one statement each (no
 * transaction), bulk writes are independent statements, `multi` runs in one transaction.
 * Expired rows are filtered by every statement, so they are invisible before the GC removes them.
 */
export abstract class PostgresStateStore<S extends PgStateSettings = PgStateSettings>
  implements StateStore, TransactionalStateStore, Pinger
{
  /** How many migration steps this instance applied during init (0 when the schema was current). */
  migrationsApplied = 0;
  private version?: PgStateVersion;
  private pool?: pg.Pool;
  private gc?: GarbageCollector;
  private named = true;

  constructor(protected readonly ctx: ComponentContext) {}

  /** Validates the component metadata (throws ComponentMetadataError naming the field). */
  protected abstract parseSettings(raw: Record<string, string>): S;
  protected abstract describeVersion(settings: S): PgStateVersion;

  async init(): Promise<void> {
    const settings = this.parseSettings(this.ctx.metadata);
    const version = this.describeVersion(settings);
    this.pool = await this.connectAndMigrate(settings, version);
    this.version = version;
    this.named = usesNamedStatements(settings);
    if (settings.cleanupInterval !== null) {
      this.gc = new GarbageCollector({
        pool: this.pool,
        logger: this.ctx.logger,
        intervalMs: settings.cleanupInterval,
        metadataTable: settings.metadataTableName,
        lastCleanupKey: version.lastCleanupKey,
        deleteExpiredSql: version.deleteExpiredSql,
      });
      this.gc.start();
    }
  }

  /** Opens the pool, checks the database answers, brings the schema up to date; closes the pool on failure. */
  private async connectAndMigrate(settings: S, version: PgStateVersion): Promise<pg.Pool> {
    const logger = this.ctx.logger;
    const pool = createPool({
      connection: settings,
      timeoutMs: settings.timeout,
      maxConns: settings.maxConns,
      idleTimeoutMs: settings.connectionMaxIdleTime,
      logger,
    });
    try {
      await pingPool(pool);
      this.migrationsApplied = await runMigrations({
        pool,
        metadataTable: settings.metadataTableName,
        versionKey: version.migrationKey,
        steps: version.migrationSteps,
        schemaMissing: (client) => tableMissing(client, settings.table),
        logger,
      });
      return pool;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.gc?.close();
    this.gc = undefined;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  features(): readonly StateFeature[] {
    return [StateFeature.ETAG, StateFeature.TRANSACTIONAL, StateFeature.TTL];
  }

  async ping(): Promise<void> {
    await pingPool(this.db());
  }

  /** Runs one garbage collection now (for tests and tools); undefined when GC is disabled or not due. */
  async cleanupExpired(): Promise<number | undefined> {
    return this.gc?.cleanupExpired();
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const res = await runQuery(this.db(), this.prepared('get', [req.key]), 'get state');
    if (res.rows.length === 0) return undefined;
    return this.toResponse(res.rows[0]);
  }

  async set(req: SetRequest): Promise<void> {
    await this.doSet(this.db(), req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    await this.doDelete(this.db(), req);
  }

  /** One query for all keys (`key = ANY($1)`); `parallelism` has nothing to bound. */
  async bulkGet(reqs: GetRequest[], _parallelism: number): Promise<BulkGetItem[]> {
    if (reqs.length === 0) return [];
    const keys = reqs.map((r) => r.key);
    const res = await runQuery(this.db(), this.prepared('bulkGet', [keys]), 'bulk get state');
    const found = new Map<string, BulkGetItem>();
    for (const row of res.rows) {
      const key = row[0] as string;
      try {
        const r = this.toResponse(row.slice(1));
        found.set(key, { key, data: r.data, etag: r.etag, metadata: r.metadata });
      } catch (err) {
        found.set(key, { key, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return keys.map((key) => found.get(key) ?? { key });
  }

  bulkSet(reqs: SetRequest[]): Promise<void> {
    return applyEach(reqs, (r) => this.doSet(this.db(), r));
  }

  bulkDelete(reqs: DeleteRequest[]): Promise<void> {
    return applyEach(reqs, (r) => this.doDelete(this.db(), r));
  }

  async multi(ops: TransactionalOperation[], _metadata: Record<string, string> = {}): Promise<void> {
    if (ops.length === 0) return;
    // A single operation is atomic on its own: skip BEGIN/COMMIT (two round trips).
    if (ops.length === 1) return this.apply(this.db(), ops[0]);
    await withTransaction(this.db(), async (client) => {
      for (const op of ops) await this.apply(client, op);
    });
  }

  private apply(db: Queryable, op: TransactionalOperation): Promise<void> {
    return op.operation === 'upsert' ? this.doSet(db, op.request) : this.doDelete(db, op.request);
  }

  private async doSet(db: Queryable, req: SetRequest): Promise<void> {
    const v = this.describe();
    if (!req.key) throw new StateRequestError('missing key in set operation');
    const ttl = parseTtlSeconds(req.metadata);
    const params = v.setParams(req, ttl !== undefined && ttl > 0 ? ttl : null);
    let statement: keyof PgStateStatements = 'upsert';
    if (req.etag) {
      params.push(v.etagParam(req.etag));
      statement = 'updateWithEtag';
    } else if (req.options.concurrency === 'first-write') {
      statement = 'upsertFirstWrite';
    }
    const res = await runQuery(db, this.prepared(statement, params), 'save state');
    if (res.rowCount === 1) return;
    // Zero rows: the etag did not match a live row, or (first-write) a live row already exists.
    throw req.etag
      ? new EtagMismatchError()
      : new EtagMismatchError('key already exists and concurrency is first-write');
  }

  private async doDelete(db: Queryable, req: DeleteRequest): Promise<void> {
    if (!req.key) throw new StateRequestError('missing key in delete operation');
    if (!req.etag) {
      await runQuery(db, this.prepared('delete', [req.key]), 'delete state');
      return;
    }
    const etag = this.describe().etagParam(req.etag);
    const res = await runQuery(db, this.prepared('deleteWithEtag', [req.key, etag]), 'delete state');
    if (res.rowCount !== 1) throw new EtagMismatchError();
  }

  private toResponse(row: unknown[]): GetResponse {
    const { data, etag } = this.describe().decodeRow(row);
    const expires = row[row.length - 1] as Date | null;
    return {
      data,
      etag,
      metadata: expires ? { ttlExpireTime: formatExpireTime(expires.getTime()) } : undefined,
    };
  }

  private prepared(statement: keyof PgStateStatements, values: unknown[]): PgQuery {
    const v = this.describe();
    return {
      name: this.named ? `${v.statementPrefix}_${statement}` : undefined,
      text: v.statements[statement],
      values,
    };
  }

  private describe(): PgStateVersion {
    if (!this.version) throw new Error('state store is not initialised');
    return this.version;
  }

  /** Runs one ad hoc statement (not prepared: its text varies) on the pool. */
  protected async runStatement(
    text: string,
    values: unknown[],
    action: string,
  ): Promise<pg.QueryArrayResult> {
    return runQuery(this.db(), { text, values }, action);
  }

  private db(): pg.Pool {
    if (!this.pool) throw new Error('state store is not initialised (or closed)');
    return this.pool;
  }
}

/** True when `table` (as spliced into SQL, so resolved by the search path like the statements) does not exist. */
async function tableMissing(client: pg.PoolClient, table: string): Promise<boolean> {
  const res = await runQuery(
    client,
    { text: 'SELECT to_regclass($1) IS NULL', values: [table] },
    'look up the state table',
  );
  return res.rows[0][0] === true;
}
