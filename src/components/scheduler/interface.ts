import type { Component } from '../component.js';

/** Jobs belong to one app id in one namespace; every store call is scoped by both. */
export interface JobScope {
  namespace: string;
  appId: string;
}

/** A job's payload: a protobuf `Any`. For `google.protobuf.Value` (the HTTP API), `value` is its JSON text. */
export interface JobData {
  typeUrl: string;
  value: Buffer;
}

/** The `google.protobuf.Value` type URL: data given as JSON. */
export const VALUE_TYPE_URL = 'type.googleapis.com/google.protobuf.Value';

/**
 * What happens when the app fails a trigger. `constant` retries the same tick every `intervalMs`
 * (0 when unset) up to `maxRetries` times (forever when unset); `drop` gives the tick up at once.
 */
export type FailurePolicy = { kind: 'drop' } | { kind: 'constant'; intervalMs?: number; maxRetries?: number };

/** What the user asked for, kept verbatim so GET and List render it as given. */
export interface JobDefinition {
  schedule?: string;
  dueTime?: string;
  ttl?: string;
  repeats?: number;
  data?: JobData;
  /** Always set: Dapr's default (constant 1s × 3) when the request had none. */
  failurePolicy: FailurePolicy;
}

/** Instants fixed when the job was created (ms since the epoch). */
export interface JobTiming {
  /** Creation time: a cron/`@every` schedule without `dueTime` counts from here (first fire after it). */
  startMs: number;
  /** Resolved `dueTime`: the first fire, when given. */
  dueTimeMs?: number;
  /** Resolved `ttl`: no fire after this instant. */
  expiresMs?: number;
}

/** Where a job is in its life; advanced atomically after each trigger. */
export interface JobState {
  /** Ticks done (delivered, or given up by the failure policy); `repeats` bounds it. */
  count: number;
  /** Failed attempts of the current tick. */
  attempts: number;
  /** Scheduled time of the last finished tick (not a retry's time). */
  lastTriggerMs?: number;
  /** When the job fires next: the tick's scheduled time, or a retry's. */
  dueMs: number;
}

/** A stored job. `revision` changes on every write of the definition (overwrite), never on a tick. */
export interface JobRecord extends JobDefinition, JobTiming, JobState {
  name: string;
  revision: string;
}

/** A due time the engine should wake up for. */
export interface UpcomingJob {
  name: string;
  /** The job's due time, or the end of another sidecar's lease when that is later. */
  atMs: number;
}

/** Identifies a claimed trigger when it is completed. */
export interface JobClaim {
  name: string;
  revision: string;
  owner: string;
}

/** One finished trigger: advance to `next`, or delete the job when undefined. */
export interface JobCompletion {
  claim: JobClaim;
  next: JobState | undefined;
}

/** Settings every sidecar sharing the store should agree on, from the component metadata. */
export interface JobEngineSettings {
  /** How long a claim holds before another sidecar may take the trigger over (`leaseDuration`). */
  leaseMs: number;
  /** How often the engine looks for due work it was not told about (`pollInterval`). */
  pollIntervalMs: number;
}

/**
 * A durable job store (a `scheduler.*` component). Several sidecars of one app id may share one;
 * each due trigger is claimed by exactly one of them through a lease, and a claim whose owner
 * vanished can be taken over once its lease has ended. Times are passed in by the caller (the
 * engine's injectable clock), never read from the database server.
 */
export interface JobStore extends Component {
  engineSettings(): JobEngineSettings;
  /** Writes a new job; replaces an existing one only when `overwrite` (else JobAlreadyExistsError). */
  put(scope: JobScope, job: JobRecord, overwrite: boolean): Promise<void>;
  get(scope: JobScope, name: string): Promise<JobRecord | undefined>;
  /** True when a job was deleted. */
  delete(scope: JobScope, name: string): Promise<boolean>;
  /** Every job of the scope, by name. */
  list(scope: JobScope): Promise<JobRecord[]>;
  /** Deletes the jobs whose names start with `prefix` ('' = all); returns how many. */
  deleteByPrefix(scope: JobScope, prefix: string): Promise<number>;
  /**
   * Due times before `beforeMs` that `owner` could claim, earliest first (index on due time: the
   * cost is the number of rows returned, not the number of jobs).
   */
  upcoming(scope: JobScope, opts: { beforeMs: number; owner: string; limit: number }): Promise<UpcomingJob[]>;
  /**
   * Claims up to `limit` jobs due at `nowMs` whose lease is free or ended, leasing them to `owner`
   * until `leaseUntilMs`. A job is returned to one caller only, however many claim at once.
   */
  claim(
    scope: JobScope,
    opts: { nowMs: number; owner: string; leaseUntilMs: number; limit: number },
  ): Promise<JobRecord[]>;
  /** Extends `owner`'s leases on `names` (triggers still in flight). */
  renew(scope: JobScope, owner: string, names: string[], leaseUntilMs: number): Promise<void>;
  /**
   * Finishes claimed triggers, each releasing its lease in the same write: `next` advances the job,
   * undefined deletes it. Per item, false when the job was overwritten, deleted or taken over
   * meanwhile (nothing written). Batched so that many triggers share one commit.
   */
  complete(scope: JobScope, done: JobCompletion[]): Promise<boolean[]>;
  /** Releases every lease `owner` holds (graceful stop); returns how many. */
  release(scope: JobScope, owner: string): Promise<number>;
}
