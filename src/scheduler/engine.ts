import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../diagnostics/logger.js';
import type {
  JobCompletion,
  JobData,
  JobRecord,
  JobScope,
  JobStore,
} from '../components/scheduler/interface.js';
import { DueQueue } from './due-queue.js';
import { afterFailure, afterSuccess } from './job.js';

/**
 * How the app answered a trigger: `success` (2xx); `not-found` (404: delivered, not retried, but
 * counted as a failure in daprd's job metrics); `failure` (anything else: the failure policy applies).
 */
export type TriggerOutcome = 'success' | 'not-found' | 'failure';

/** What is sent to the app when a job fires. */
export interface TriggeredJob {
  name: string;
  data?: JobData;
}

/** Delivers one trigger to the app (HTTP today, gRPC later); a thrown error counts as a failure. */
export type JobTrigger = (job: TriggeredJob, signal: AbortSignal) => Promise<TriggerOutcome>;

export interface JobEngineOptions {
  store: JobStore;
  scope: JobScope;
  trigger: JobTrigger;
  logger: Logger;
  /** Injectable clock, ms since the epoch (default Date.now). */
  now?: () => number;
  /** Lease of a claim; default from the store's metadata (`leaseDuration`, 30 s). */
  leaseMs?: number;
  /** How often to look for work this engine was not told about; default from the store (1 s). */
  pollIntervalMs?: number;
  /** Triggers in flight at once (default 256). */
  maxInFlight?: number;
  /** Jobs claimed per statement (default 100), so replicas interleave under bursts. */
  claimBatch?: number;
  /** Identity written as lease owner; unique per engine by default. */
  owner?: string;
  /** How long `stop()` waits for triggers in flight before aborting them (default 5 s). */
  stopGraceMs?: number;
}

interface InFlight {
  done: Promise<void>;
  abort: AbortController;
}

interface PendingCompletion {
  item: JobCompletion;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

/** Completions written per statement; triggers finishing together share one commit. */
const COMPLETE_BATCH = 500;

/**
 * Fires due jobs. Wake-up times live in a min-heap of jobs due soon, fed by this sidecar's own
 * schedule calls (`notify`) and by a periodic query of the store's due-time index over a short
 * horizon, so the work per tick is the due work, never a scan of every job. At a due time the
 * engine claims what is due (a lease in the store: one sidecar per trigger across replicas),
 * triggers the app, then advances or deletes each job in the same write that releases its claim.
 * A claim whose sidecar died is taken over by another once its lease has ended.
 */
export class JobEngine {
  readonly owner: string;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly maxInFlight: number;
  private readonly claimBatch: number;
  private readonly queue = new DueQueue();
  private readonly inFlight = new Map<string, InFlight>();
  private running = false;
  private dead = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeAt = Infinity;
  private pollTimer?: NodeJS.Timeout;
  private renewTimer?: NodeJS.Timeout;
  private dispatching?: Promise<void>;
  private dispatchAgain = false;
  private backlog = false;
  private readonly pendingDone: PendingCompletion[] = [];
  private flushing?: Promise<void>;

  constructor(private readonly opts: JobEngineOptions) {
    const settings = opts.store.engineSettings();
    this.now = opts.now ?? Date.now;
    this.leaseMs = opts.leaseMs ?? settings.leaseMs;
    this.pollIntervalMs = opts.pollIntervalMs ?? settings.pollIntervalMs;
    this.maxInFlight = opts.maxInFlight ?? 256;
    this.claimBatch = opts.claimBatch ?? 100;
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:${randomUUID()}`;
  }

  /** Looks ahead this far when polling; jobs due later are found by a later poll. */
  private get horizonMs(): number {
    return this.pollIntervalMs * 2 + 100;
  }

  /** Starts firing jobs in real time (timers on the injected clock's readings). */
  start(): void {
    if (this.running || this.dead) return;
    this.running = true;
    this.poll();
    const renewEvery = Math.max(50, Math.floor(this.leaseMs / 3));
    this.renewTimer = setInterval(() => this.renewLeases(), renewEvery);
    this.renewTimer.unref();
  }

  /** Tells the engine that `name` is due at `dueMs` (a job this sidecar just scheduled). */
  notify(name: string, dueMs: number): void {
    if (!this.running || dueMs > this.now() + this.horizonMs) return;
    this.queue.set(name, dueMs);
    this.arm();
  }

  /** Forgets a job this sidecar deleted. */
  forget(name: string): void {
    this.queue.delete(name);
  }

  /** Names whose trigger is in flight on this engine. */
  inFlightNames(): string[] {
    return [...this.inFlight.keys()];
  }

  /**
   * One pass at the clock's current reading: claims and fires everything due, waiting for each
   * trigger to finish (retries due later are left for a later pass). Returns how many triggers
   * were sent. For tests with an injected clock, and usable without `start()`.
   */
  async runDue(maxRounds = 1000): Promise<number> {
    let sent = 0;
    for (let round = 0; round < maxRounds; round++) {
      const claimed = await this.claim(this.claimBatch);
      if (claimed.length === 0) break;
      sent += claimed.length;
      await Promise.all(claimed.map((job) => this.launch(job)));
    }
    return sent;
  }

  /** Stops firing, lets triggers in flight finish (aborting them after the grace), releases leases. */
  async stop(): Promise<void> {
    if (this.dead) return;
    this.halt();
    // A claim still running launches nothing once halted; its jobs are released below.
    await this.dispatching;
    const pending = [...this.inFlight.values()];
    const grace = setTimeout(() => pending.forEach((f) => f.abort.abort()), this.opts.stopGraceMs ?? 5000);
    await Promise.allSettled(pending.map((f) => f.done));
    clearTimeout(grace);
    this.dead = true;
    try {
      await this.opts.store.release(this.opts.scope, this.owner);
    } catch (err) {
      this.opts.logger.warn({ err }, 'could not release job leases on stop; they end on their own');
    }
  }

  /** Stops at once as a crashed sidecar would: in-flight calls are cut, nothing is written, leases stay. */
  abandon(): void {
    this.halt();
    this.dead = true;
    for (const f of this.inFlight.values()) f.abort.abort();
  }

  private halt(): void {
    this.running = false;
    clearTimeout(this.wakeTimer);
    clearTimeout(this.pollTimer);
    clearInterval(this.renewTimer);
    this.wakeAt = Infinity;
    this.queue.clear();
  }

  /** Reads the due times in the coming horizon into the heap, then re-arms itself. */
  private poll(): void {
    if (!this.running) return;
    const { store, scope } = this.opts;
    store
      .upcoming(scope, { beforeMs: this.now() + this.horizonMs, owner: this.owner, limit: 5000 })
      .then((rows) => {
        if (!this.running) return;
        for (const r of rows) if (!this.inFlight.has(r.name)) this.queue.set(r.name, r.atMs);
        this.arm();
      })
      .catch((err: unknown) => this.opts.logger.error({ err }, 'failed to read due jobs'))
      .finally(() => {
        if (!this.running) return;
        this.pollTimer = setTimeout(() => this.poll(), this.pollIntervalMs);
        this.pollTimer.unref();
      });
  }

  /** Sets the wake-up timer for the earliest due time in the heap. */
  private arm(): void {
    if (!this.running) return;
    const next = this.queue.peek();
    if (next === undefined || next >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = next;
    const delay = Math.min(Math.max(0, next - this.now()), this.pollIntervalMs);
    this.wakeTimer = setTimeout(() => {
      this.wakeAt = Infinity;
      this.dispatch();
    }, delay);
    this.wakeTimer.unref();
  }

  /** Claims and launches what is due; a single pass at a time, repeated while work remains. */
  private dispatch(): void {
    if (!this.running) return;
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = this.dispatchLoop()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'failed to claim due jobs'))
      .finally(() => {
        this.dispatching = undefined;
        if (this.dispatchAgain) {
          this.dispatchAgain = false;
          this.dispatch();
        } else {
          this.arm();
        }
      });
  }

  private async dispatchLoop(): Promise<void> {
    let due = this.queue.popDue(this.now()).length > 0 || this.backlog;
    while (due && this.running) {
      const free = this.maxInFlight - this.inFlight.size;
      this.backlog = free <= 0;
      if (this.backlog) return;
      const limit = Math.min(this.claimBatch, free);
      const claimed = await this.claim(limit);
      if (!this.running) return;
      for (const job of claimed) void this.launch(job);
      due = claimed.length === limit || this.queue.popDue(this.now()).length > 0;
    }
  }

  private async claim(limit: number): Promise<JobRecord[]> {
    const now = this.now();
    return this.opts.store.claim(this.opts.scope, {
      nowMs: now,
      owner: this.owner,
      leaseUntilMs: now + this.leaseMs,
      limit,
    });
  }

  /** Triggers one claimed job, then advances (or deletes) it and releases the claim. */
  private launch(job: JobRecord): Promise<void> {
    const abort = new AbortController();
    const done = this.execute(job, abort.signal).finally(() => {
      this.inFlight.delete(job.name);
      if (this.backlog && this.running) this.dispatch();
    });
    this.inFlight.set(job.name, { done, abort });
    return done;
  }

  private async execute(job: JobRecord, signal: AbortSignal): Promise<void> {
    const log = this.opts.logger;
    let outcome: TriggerOutcome;
    try {
      outcome = await this.opts.trigger({ name: job.name, data: job.data }, signal);
    } catch (err) {
      if (this.dead || signal.aborted) return;
      log.error({ err, job: job.name }, `failed to trigger job ${job.name}: ${(err as Error).message}`);
      outcome = 'failure';
    }
    // A stopped engine writes nothing: the claim is released (stop) or ends with its lease (crash).
    if (this.dead || signal.aborted) return;
    const next = outcome === 'failure' ? afterFailure(job) : afterSuccess(job);
    try {
      const claim = { name: job.name, revision: job.revision, owner: this.owner };
      const written = await this.completeSoon({ claim, next });
      if (written && next && this.running && next.dueMs <= this.now() + this.horizonMs) {
        this.queue.set(job.name, next.dueMs);
        this.arm();
      }
    } catch (err) {
      log.error({ err, job: job.name }, 'failed to record a job trigger; it fires again after its lease');
    }
  }

  /** Queues a completion; queued ones are written together once this turn of the event loop ends. */
  private completeSoon(item: JobCompletion): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pendingDone.push({ item, resolve, reject });
      this.flushing ??= this.flushCompletions();
    });
  }

  private async flushCompletions(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.pendingDone.length > 0) {
      const batch = this.pendingDone.splice(0, COMPLETE_BATCH);
      try {
        const written = await this.opts.store.complete(
          this.opts.scope,
          batch.map((p) => p.item),
        );
        batch.forEach((p, i) => p.resolve(written[i]));
      } catch (err) {
        batch.forEach((p) => p.reject(err));
      }
    }
    this.flushing = undefined;
  }

  private renewLeases(): void {
    if (!this.running || this.inFlight.size === 0) return;
    const names = [...this.inFlight.keys()];
    this.opts.store
      .renew(this.opts.scope, this.owner, names, this.now() + this.leaseMs)
      .catch((err: unknown) => this.opts.logger.warn({ err }, 'failed to renew job leases'));
  }
}
