import Database from 'better-sqlite3';
import * as z from 'zod';
import type { ComponentContext, Pinger } from '../../component.js';
import { ComponentMetadataError, md, parseComponentMetadata } from '../../common/metadata.js';
import { ensureParentDir, parseConnectionString } from '../../state/sqlite/metadata.js';
import { JobAlreadyExistsError } from '../errors.js';
import type {
  JobCompletion,
  JobEngineSettings,
  JobRecord,
  JobScope,
  JobStore,
  UpcomingJob,
} from '../interface.js';
import { engineSettings, engineSettingsShape } from '../metadata.js';
import { jobId, jobKey, jobValues, rowToJob, stateValues, type JobRow } from '../rows.js';
import { migrate, prepare, type JobStatements } from './schema.js';

const schema = z.object({
  connectionString: md.string().optional(),
  tableName: md.string().default('dapr_jobs'),
  metadataTableName: md.string().default('dapr_jobs_metadata'),
  busyTimeout: md.duration().default(2_000),
  ...engineSettingsShape,
});

export { embeddedJobStoreMetadata } from '../metadata.js';

/**
 * `scheduler.sqlite`: jobs in a local SQLite file (one machine; several processes may share the
 * file, each claim is one write transaction). Also the embedded default. Same table layout and
 * lease semantics as `scheduler.postgresql`.
 */
export class SqliteJobStore implements JobStore, Pinger {
  private db?: Database.Database;
  private stmts?: JobStatements;
  private settings: JobEngineSettings = { leaseMs: 30_000, pollIntervalMs: 1_000 };

  constructor(private readonly ctx: ComponentContext) {}

  async init(): Promise<void> {
    const m = parseComponentMetadata(this.ctx.name, schema, this.ctx.metadata, {
      url: 'connectionString',
    });
    if (!m.connectionString)
      throw new ComponentMetadataError(this.ctx.name, 'connectionString', 'missing connection string');
    for (const field of ['tableName', 'metadataTableName'] as const) {
      if (!/^\w+$/.test(m[field]))
        throw new ComponentMetadataError(this.ctx.name, field, `invalid identifier: ${m[field]}`);
    }
    this.settings = engineSettings(m);
    const file = parseConnectionString(this.ctx.name, m.connectionString);
    ensureParentDir(file);
    const db = new Database(file.filename, { timeout: Math.max(0, Math.trunc(m.busyTimeout)) });
    try {
      if (!file.memory) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      for (const p of file.pragmas) db.pragma(p);
      migrate(db, m.tableName, m.metadataTableName);
      this.stmts = prepare(db, m.tableName);
    } catch (err) {
      db.close();
      throw new Error(`scheduler.sqlite: failed to prepare the database: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.db = db;
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.stmts = undefined;
  }

  async ping(): Promise<void> {
    this.database().prepare('SELECT 1').get();
  }

  engineSettings(): JobEngineSettings {
    return this.settings;
  }

  async put(scope: JobScope, job: JobRecord, overwrite: boolean): Promise<void> {
    const s = this.statements();
    const values = jobValues(scope, job);
    if (overwrite) {
      s.upsert.run(...values);
    } else if (s.insert.run(...values).changes === 0) {
      throw new JobAlreadyExistsError(jobKey(scope, job.name));
    }
  }

  async get(scope: JobScope, name: string): Promise<JobRecord | undefined> {
    const row = this.statements().get.get(jobId(scope, name)) as JobRow | undefined;
    return row ? rowToJob(row) : undefined;
  }

  async delete(scope: JobScope, name: string): Promise<boolean> {
    return this.statements().delete.run(jobId(scope, name)).changes > 0;
  }

  async list(scope: JobScope): Promise<JobRecord[]> {
    return (this.statements().list.all(scope.namespace, scope.appId) as JobRow[]).map(rowToJob);
  }

  async deleteByPrefix(scope: JobScope, prefix: string): Promise<number> {
    return this.statements().deleteByPrefix.run(scope.namespace, scope.appId, prefix, prefix).changes;
  }

  async upcoming(
    scope: JobScope,
    opts: { beforeMs: number; owner: string; limit: number },
  ): Promise<UpcomingJob[]> {
    const before = Math.round(opts.beforeMs);
    const rows = this.statements().upcoming.all(scope.namespace, scope.appId, before, before, opts.limit) as {
      name: string;
      at_ms: number;
    }[];
    return rows.map((r) => ({ name: r.name, atMs: Number(r.at_ms) }));
  }

  async claim(
    scope: JobScope,
    opts: { nowMs: number; owner: string; leaseUntilMs: number; limit: number },
  ): Promise<JobRecord[]> {
    const now = Math.floor(opts.nowMs);
    const rows = this.statements().claim.all(
      opts.owner,
      Math.round(opts.leaseUntilMs),
      scope.namespace,
      scope.appId,
      now,
      now,
      opts.limit,
    ) as JobRow[];
    return rows.map(rowToJob).sort((a, b) => a.dueMs - b.dueMs);
  }

  async renew(scope: JobScope, owner: string, names: string[], leaseUntilMs: number): Promise<void> {
    if (names.length === 0) return;
    this.statements().renew.run(
      Math.round(leaseUntilMs),
      JSON.stringify(names.map((n) => jobId(scope, n))),
      owner,
    );
  }

  async complete(scope: JobScope, done: JobCompletion[]): Promise<boolean[]> {
    const s = this.statements();
    return this.database().transaction(() =>
      done.map(({ claim, next }) => {
        const where = [jobId(scope, claim.name), claim.revision, claim.owner];
        const res = next ? s.advance.run(...stateValues(next), ...where) : s.finish.run(...where);
        return res.changes > 0;
      }),
    )();
  }

  async release(scope: JobScope, owner: string): Promise<number> {
    return this.statements().release.run(scope.namespace, scope.appId, owner).changes;
  }

  private database(): Database.Database {
    if (!this.db) throw new Error('scheduler.sqlite: not initialised or already closed');
    return this.db;
  }

  private statements(): JobStatements {
    this.database();
    return this.stmts as JobStatements;
  }
}
