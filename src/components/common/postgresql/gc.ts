import type pg from 'pg';
import type { Logger } from '../../../diagnostics/logger.js';
import { runQuery } from './pool.js';

export interface GarbageCollectorOptions {
  pool: pg.Pool;
  logger: Logger;
  /** How often to collect, in ms; must be > 0 (callers skip the collector when GC is disabled). */
  intervalMs: number;
  metadataTable: string;
  /** Metadata row holding the last run's time: `last-cleanup` (state v1), `last-cleanup-state-v2-<prefix>` (v2). */
  lastCleanupKey: string;
  /** Deletes the expired rows, e.g. `DELETE FROM state WHERE expiredate IS NOT NULL AND expiredate < now()`. */
  deleteExpiredSql: string;
}

/** Deleting a large backlog can take long; Dapr allows ten minutes. */
const DELETE_TIMEOUT_MS = 10 * 60_000;

/**
 * Periodically deletes expired rows. Every sidecar sharing the table runs one, so each run first
 * "claims" the work: it stamps the last-cleanup row with now() only if the previous stamp is older
 * than the interval (less 100 ms of slack); a run that claims nothing deletes nothing. The row's value
 * is `now()::text`, exactly as daprd writes it, so daprd and daprts share the schedule.
 */
export class GarbageCollector {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly opts: GarbageCollectorOptions) {}

  /** Starts the timer; the first run is one interval from now (as in Dapr). */
  start(): void {
    this.opts.logger.info(`cleaning up expired rows every ${this.opts.intervalMs} ms`);
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
    this.timer.unref();
  }

  /**
   * One collection: claims the run, then deletes. Returns the number of rows deleted, or undefined
   * when another sidecar (or an earlier run) collected less than an interval ago.
   */
  async cleanupExpired(): Promise<number | undefined> {
    if (!(await this.claim())) {
      this.opts.logger.debug('last cleanup was performed too recently');
      return undefined;
    }
    const res = await runQuery(
      this.opts.pool,
      { text: this.opts.deleteExpiredSql, query_timeout: DELETE_TIMEOUT_MS },
      'delete expired rows',
    );
    const deleted = res.rowCount ?? 0;
    this.opts.logger.info(`removed ${deleted} expired rows`);
    return deleted;
  }

  /** Stops the timer and waits for a run in progress. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return; // the previous run is still deleting
    this.running = this.cleanupExpired()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'error removing expired data'))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async claim(): Promise<boolean> {
    const table = this.opts.metadataTable;
    const res = await runQuery(
      this.opts.pool,
      {
        text: `INSERT INTO ${table} AS m (key, value) VALUES ($1, now()::text)
          ON CONFLICT (key) DO UPDATE SET value = now()::text
          WHERE (EXTRACT('epoch' FROM now() - m.value::timestamp with time zone) * 1000)::bigint > $2`,
        values: [this.opts.lastCleanupKey, Math.max(0, Math.floor(this.opts.intervalMs) - 100)],
      },
      'update the last cleanup time',
    );
    return (res.rowCount ?? 0) > 0;
  }
}
