import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { ComponentContext, Pinger } from '../../component.js';
import { translatePgError } from '../../common/postgresql/errors.js';
import { parsePgMetadata, tableName, usesNamedStatements } from '../../common/postgresql/metadata.js';
import { createPool, pingPool } from '../../common/postgresql/pool.js';
import { JobAlreadyExistsError } from '../errors.js';
import type {
  JobCompletion,
  JobEngineSettings,
  JobRecord,
  JobScope,
  JobState,
  JobStore,
  UpcomingJob,
} from '../interface.js';
import { engineSettings, engineSettingsShape } from '../metadata.js';
import { jobId, jobKey, jobValues, rowToJob, stateValues, type JobRow } from '../rows.js';
import { jobSql, migrateJobTable } from './schema.js';

type Sql = ReturnType<typeof jobSql>;

/**
 * `scheduler.postgresql`: jobs in one PostgreSQL table shared by every sidecar of the app (and of
 * other apps: rows are keyed by namespace, app id and name). Metadata as `state.postgresql`
 * (`connectionString` or `host`/`user`/… , `timeout`, `maxConns`, `queryExecMode`,
 * `metadataTableName`, `secretKeyRef` through the usual resolution) plus `tableName` (default
 * `dapr_jobs`), `leaseDuration` and `pollInterval`. Each due trigger is claimed with
 * `FOR UPDATE SKIP LOCKED` and a lease, so exactly one sidecar fires it; an expired lease is
 * claimable again, which is how a dead sidecar's work is taken over.
 */
export class PostgresJobStore implements JobStore, Pinger {
  private pool?: pg.Pool;
  private sql?: Sql;
  private named = true;
  private prefix = '';
  private settings: JobEngineSettings = { leaseMs: 30_000, pollIntervalMs: 1_000 };

  constructor(private readonly ctx: ComponentContext) {}

  async init(): Promise<void> {
    const m = parsePgMetadata(
      this.ctx.name,
      { tableName: tableName('dapr_jobs'), ...engineSettingsShape },
      this.ctx.metadata,
    );
    this.settings = engineSettings(m);
    this.named = usesNamedStatements(m);
    // Prepared statement names stay short (PostgreSQL truncates names past 63 bytes).
    this.prefix = `daprts-jobs-${createHash('sha1').update(m.tableName).digest('hex').slice(0, 10)}-`;
    this.pool = createPool({
      connection: m,
      timeoutMs: m.timeout,
      maxConns: m.maxConns,
      idleTimeoutMs: m.connectionMaxIdleTime,
      logger: this.ctx.logger,
    });
    await pingPool(this.pool);
    await migrateJobTable({
      pool: this.pool,
      table: m.tableName,
      metadataTable: m.metadataTableName,
      logger: this.ctx.logger,
    });
    this.sql = jobSql(m.tableName);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async ping(): Promise<void> {
    await pingPool(this.db());
  }

  engineSettings(): JobEngineSettings {
    return this.settings;
  }

  async put(scope: JobScope, job: JobRecord, overwrite: boolean): Promise<void> {
    const values = jobValues(scope, job);
    if (overwrite) {
      await this.run('upsert', values, 'save the job');
      return;
    }
    const res = await this.run('insert', values, 'save the job');
    if (res.rowCount === 0) throw new JobAlreadyExistsError(jobKey(scope, job.name));
  }

  async get(scope: JobScope, name: string): Promise<JobRecord | undefined> {
    const res = await this.run('get', [jobId(scope, name)], 'get the job');
    return res.rows[0] ? rowToJob(res.rows[0] as JobRow) : undefined;
  }

  async delete(scope: JobScope, name: string): Promise<boolean> {
    const res = await this.run('delete', [jobId(scope, name)], 'delete the job');
    return (res.rowCount ?? 0) > 0;
  }

  async list(scope: JobScope): Promise<JobRecord[]> {
    const res = await this.run('list', [scope.namespace, scope.appId], 'list the jobs');
    return (res.rows as JobRow[]).map(rowToJob);
  }

  async deleteByPrefix(scope: JobScope, prefix: string): Promise<number> {
    const res = await this.run('deleteByPrefix', [scope.namespace, scope.appId, prefix], 'delete the jobs');
    return res.rowCount ?? 0;
  }

  async upcoming(
    scope: JobScope,
    opts: { beforeMs: number; owner: string; limit: number },
  ): Promise<UpcomingJob[]> {
    const res = await this.run(
      'upcoming',
      [scope.namespace, scope.appId, Math.round(opts.beforeMs), opts.limit],
      'read due jobs',
    );
    return (res.rows as { name: string; at_ms: string }[]).map((r) => ({
      name: r.name,
      atMs: Number(r.at_ms),
    }));
  }

  async claim(
    scope: JobScope,
    opts: { nowMs: number; owner: string; leaseUntilMs: number; limit: number },
  ): Promise<JobRecord[]> {
    const res = await this.run(
      'claim',
      [
        scope.namespace,
        scope.appId,
        Math.floor(opts.nowMs),
        opts.limit,
        opts.owner,
        Math.round(opts.leaseUntilMs),
      ],
      'claim due jobs',
    );
    return (res.rows as JobRow[]).map(rowToJob).sort((a, b) => a.dueMs - b.dueMs);
  }

  async renew(scope: JobScope, owner: string, names: string[], leaseUntilMs: number): Promise<void> {
    if (names.length === 0) return;
    await this.run(
      'renew',
      [names.map((n) => jobId(scope, n)), owner, Math.round(leaseUntilMs)],
      'renew job leases',
    );
  }

  /** Two statements for the whole batch (advances, deletions), each one commit. */
  async complete(scope: JobScope, done: JobCompletion[]): Promise<boolean[]> {
    const ids = done.map((d) => jobId(scope, d.claim.name));
    const advances = done.filter((d) => d.next !== undefined);
    const finishes = done.filter((d) => d.next === undefined);
    const column = <T>(items: JobCompletion[], f: (d: JobCompletion) => T) => items.map(f);
    const written = new Set<string>();
    const [adv, fin] = await Promise.all([
      advances.length === 0
        ? undefined
        : this.run(
            'advance',
            [
              column(advances, (d) => jobId(scope, d.claim.name)),
              column(advances, (d) => d.claim.revision),
              column(advances, (d) => d.claim.owner),
              ...[0, 1, 2, 3].map((i) => column(advances, (d) => stateValues(d.next as JobState)[i])),
            ],
            'record job triggers',
          ),
      finishes.length === 0
        ? undefined
        : this.run(
            'finish',
            [
              column(finishes, (d) => jobId(scope, d.claim.name)),
              column(finishes, (d) => d.claim.revision),
              column(finishes, (d) => d.claim.owner),
            ],
            'delete finished jobs',
          ),
    ]);
    for (const r of [adv, fin]) for (const row of (r?.rows ?? []) as { id: string }[]) written.add(row.id);
    return ids.map((id) => written.has(id));
  }

  async release(scope: JobScope, owner: string): Promise<number> {
    const res = await this.run('release', [scope.namespace, scope.appId, owner], 'release job leases');
    return res.rowCount ?? 0;
  }

  /** Runs one statement (prepared once per connection unless behind PgBouncer-style exec modes). */
  private async run(key: keyof Sql, values: unknown[], action: string): Promise<pg.QueryResult> {
    const pool = this.db();
    try {
      return await pool.query({
        name: this.named ? this.prefix + key : undefined,
        text: (this.sql as Sql)[key],
        values,
      });
    } catch (err) {
      throw translatePgError(err, action);
    }
  }

  private db(): pg.Pool {
    if (!this.pool) throw new Error('scheduler.postgresql: not initialised or already closed');
    return this.pool;
  }
}
