import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { ComponentContext, Pinger } from '../../component.js';
import { applyEach } from '../bulk.js';
import { EtagMismatchError } from '../errors.js';
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
import { ensureParentDir, parseSqliteMetadata, type SqliteStateMetadata } from './metadata.js';
import { migrate } from './migrations.js';
import {
  parseSqliteTimestamp,
  prepareStatements,
  sqliteTimestamp,
  type StateRow,
  type StateStatements,
  type WriteParams,
} from './statements.js';

export { embeddedStateStoreMetadata } from './metadata.js';

/**
 * `state.sqlite` v1 with daprd's schema (table `state`: key, value, is_binary, etag, expiration_time,
 * update_time; table `metadata` for the migration level and the last cleanup), so a database file
 * moves between daprd and daprts. ETags are random UUIDs; values are JSON text, or base64 with
 * `is_binary` for bytes. Also the embedded default store (see embeddedStateStoreMetadata).
 *
 * better-sqlite3 is synchronous: each call completes before the promise is returned, which is
 * faster than a worker round trip for the small statements a state store runs.
 */
export class SqliteStateStore implements StateStore, TransactionalStateStore, Pinger {
  private db?: Database.Database;
  private stmts?: StateStatements;
  private meta?: SqliteStateMetadata;
  private cleanupTimer?: NodeJS.Timeout;

  constructor(private readonly ctx: ComponentContext) {}

  async init(): Promise<void> {
    const meta = parseSqliteMetadata(this.ctx.name, this.ctx.metadata);
    this.meta = meta;
    this.db = openDatabase(meta);
    try {
      if (!meta.database.readonly) migrate(this.db, meta.tableName, meta.metadataTableName);
      this.stmts = prepareStatements(this.db, meta.tableName, meta.metadataTableName);
    } catch (err) {
      this.db.close();
      this.db = undefined;
      throw new Error(`sqlite store: failed to prepare the database: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (meta.cleanupIntervalMs > 0) {
      this.cleanupTimer = setInterval(() => this.collectInBackground(), meta.cleanupIntervalMs);
      this.cleanupTimer.unref();
    }
  }

  async close(): Promise<void> {
    if (this.cleanupTimer) clearInterval(this.cleanupTimer);
    this.cleanupTimer = undefined;
    this.db?.close();
    this.db = undefined;
    this.stmts = undefined;
  }

  async ping(): Promise<void> {
    this.database().prepare('SELECT 1').get();
  }

  features() {
    return [StateFeature.ETAG, StateFeature.TRANSACTIONAL, StateFeature.TTL] as const;
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const row = this.statements().getLive.get({ key: req.key, now: this.nowText() });
    return row ? toResponse(row) : undefined;
  }

  async set(req: SetRequest): Promise<void> {
    this.applySet(req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    this.applyDelete(req);
  }

  /** One query for all keys; missing keys come back with no data, in request order. */
  async bulkGet(reqs: GetRequest[]): Promise<BulkGetItem[]> {
    if (reqs.length === 0) return [];
    const rows = this.statements().bulkGetLive.all({
      keys: JSON.stringify(reqs.map((r) => r.key)),
      now: this.nowText(),
    });
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return reqs.map((r) => {
      const row = byKey.get(r.key);
      return row ? { key: r.key, ...toResponse(row) } : { key: r.key };
    });
  }

  bulkSet(reqs: SetRequest[]): Promise<void> {
    return applyEach(reqs, (r) => this.set(r));
  }

  bulkDelete(reqs: DeleteRequest[]): Promise<void> {
    return applyEach(reqs, (r) => this.delete(r));
  }

  /** One IMMEDIATE transaction (the write lock is taken up front); any failure rolls everything back. */
  async multi(ops: TransactionalOperation[]): Promise<void> {
    if (ops.length === 0) return;
    const run = this.database().transaction(() => {
      for (const op of ops) {
        if (op.operation === 'upsert') this.applySet(op.request);
        else this.applyDelete(op.request);
      }
    });
    run.immediate();
  }

  /**
   * Deletes expired rows unless another process sharing the file did so less than an interval ago.
   * Returns the number of rows deleted. Runs every `cleanupInterval`; public for tests.
   */
  cleanupExpired(): number {
    const now = this.nowText();
    const intervalMs = (this.meta?.cleanupIntervalMs ?? 0) - 100;
    const stmts = this.statements();
    return this.database().transaction(() => {
      if (stmts.claimCleanup.run({ now, intervalMs }).changes === 0) return 0;
      return stmts.deleteExpired.run({ now }).changes;
    })();
  }

  private applySet(req: SetRequest): void {
    const stmts = this.statements();
    const params = this.writeParams(req);
    if (req.etag) {
      if (stmts.updateIfEtag.run({ ...params, expected: req.etag }).changes === 0)
        throw new EtagMismatchError();
    } else if (req.options.concurrency === 'first-write') {
      if (stmts.insertIfAbsent.run(params).changes === 0) {
        throw new EtagMismatchError(`key ${req.key} already exists and concurrency is first-write`);
      }
    } else {
      stmts.upsert.run(params);
    }
  }

  private applyDelete(req: DeleteRequest): void {
    const stmts = this.statements();
    if (!req.etag) {
      stmts.delete.run({ key: req.key });
    } else if (
      stmts.deleteIfEtag.run({ key: req.key, expected: req.etag, now: this.nowText() }).changes === 0
    ) {
      throw new EtagMismatchError();
    }
  }

  /** Any write without a positive TTL clears the expiry, as daprd's store does. */
  private writeParams(req: SetRequest): WriteParams {
    const ttl = parseTtlSeconds(req.metadata);
    const now = this.ctx.now();
    return {
      key: req.key,
      value: req.isBinary ? req.value.toString('base64') : req.value.toString('utf8'),
      isBinary: req.isBinary ? 1 : 0,
      etag: randomUUID(),
      now: sqliteTimestamp(now),
      expiration: ttl !== undefined && ttl > 0 ? sqliteTimestamp(now + ttl * 1000) : null,
    };
  }

  private collectInBackground(): void {
    try {
      const n = this.cleanupExpired();
      if (n > 0) this.ctx.logger.info({ component: this.ctx.name, rows: n }, 'removed expired state rows');
    } catch (err) {
      this.ctx.logger.error({ component: this.ctx.name, err }, 'failed to remove expired state rows');
    }
  }

  private nowText(): string {
    return sqliteTimestamp(this.ctx.now());
  }

  private database(): Database.Database {
    if (!this.db) throw new Error('sqlite store: not initialised or already closed');
    return this.db;
  }

  private statements(): StateStatements {
    this.database();
    return this.stmts as StateStatements;
  }
}

function toResponse(row: StateRow): GetResponse {
  const text = row.value;
  const data = typeof text === 'string' ? Buffer.from(text, row.is_binary ? 'base64' : 'utf8') : text;
  return {
    data,
    etag: row.etag,
    metadata: row.expiration_time
      ? { ttlExpireTime: formatExpireTime(parseSqliteTimestamp(row.expiration_time)) }
      : undefined,
  };
}

/**
 * Opens the file (creating its folder) with daprd's journal choice: WAL unless disabled or
 * read-only, MEMORY for an in-memory database. `synchronous = NORMAL` is SQLite's advice for WAL:
 * commits survive a crash of this process; only a power loss may drop the last few.
 */
function openDatabase(meta: SqliteStateMetadata): Database.Database {
  const opts = meta.database;
  ensureParentDir(opts);
  const db = new Database(opts.filename, {
    readonly: opts.readonly,
    fileMustExist: opts.fileMustExist,
    timeout: meta.busyTimeoutMs,
  });
  try {
    const journal = opts.memory ? 'MEMORY' : meta.disableWAL || opts.readonly ? 'DELETE' : 'WAL';
    if (!opts.readonly) db.pragma(`journal_mode = ${journal}`);
    if (journal === 'WAL') db.pragma('synchronous = NORMAL');
    for (const p of opts.pragmas) db.pragma(p);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
