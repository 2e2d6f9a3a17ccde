import { randomUUID } from 'node:crypto';
import type {
  FailurePolicy,
  JobData,
  JobRecord,
  JobState,
  JobTiming,
} from '../components/scheduler/interface.js';
import { parsePointInTime } from './duration.js';
import { parseSchedule, ScheduleError, type Schedule } from './schedule.js';

/** Dapr's failure policy when a job has none: constant, 1 s apart, 3 retries (4 calls in all). */
export const DEFAULT_FAILURE_POLICY: FailurePolicy = { kind: 'constant', intervalMs: 1000, maxRetries: 3 };

/** A job as a caller (any transport) asks for it; `name` is validated separately. */
export interface JobRequest {
  name: string;
  schedule?: string;
  dueTime?: string;
  ttl?: string;
  repeats?: number;
  data?: JobData;
  failurePolicy?: FailurePolicy;
}

/** The scheduler refused a job (go-etcd-cron's validation); the message says why. */
export class JobValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobValidationError';
  }
}

/**
 * Validates a request and fixes its instants, as go-etcd-cron's `Builder.Parse` does: `dueTime` and
 * `ttl` resolve against `nowMs` (`ttl` against the due time when there is one), repeats need a
 * schedule, the default failure policy is filled in. `dueMs` is the first fire, or undefined when
 * the job would never fire (e.g. a ttl that ends before the first tick): such a job is accepted and
 * removed at once, as in Dapr.
 */
export function buildJob(req: JobRequest, nowMs: number): { record: JobRecord; dueMs: number | undefined } {
  if (req.dueTime === undefined && req.schedule === undefined)
    throw new JobValidationError('job failed validation: job must have either a due time or a schedule');
  if (req.schedule === undefined && (req.repeats ?? 0) > 1)
    throw new JobValidationError('job failed validation: job must have a schedule to repeat');
  if (req.repeats !== undefined && req.repeats < 1)
    throw new JobValidationError('job failed validation: defined repeats must be greater than 0');
  if (req.schedule === undefined && req.ttl !== undefined)
    throw new JobValidationError('job failed validation: job must have a schedule to have a ttl');
  if (req.schedule !== undefined) scheduleOrThrow(req.schedule);
  const timing: JobTiming = { startMs: nowMs };
  if (req.dueTime !== undefined) timing.dueTimeMs = point(req.dueTime, nowMs, undefined);
  if (req.ttl !== undefined) {
    const expires = point(req.ttl, timing.dueTimeMs ?? nowMs, 'ttl format not recognized');
    if (timing.dueTimeMs !== undefined && timing.dueTimeMs > expires)
      throw new JobValidationError('job failed validation: ttl must be greater than due time');
    timing.expiresMs = expires;
  }
  const record: JobRecord = {
    name: req.name,
    schedule: req.schedule,
    dueTime: req.dueTime,
    ttl: req.ttl,
    repeats: req.repeats,
    data: req.data,
    failurePolicy: req.failurePolicy ?? DEFAULT_FAILURE_POLICY,
    ...timing,
    count: 0,
    attempts: 0,
    dueMs: 0,
    revision: randomUUID(),
  };
  const first = nextTick(record, record);
  record.dueMs = first ?? nowMs;
  return { record, dueMs: first };
}

function point(text: string, baseMs: number, message: string | undefined): number {
  try {
    return parsePointInTime(text, baseMs);
  } catch (err) {
    throw new JobValidationError(`job failed validation: ${message ?? (err as Error).message}`);
  }
}

function scheduleOrThrow(spec: string): Schedule {
  try {
    return parseSchedule(spec);
  } catch (err) {
    if (err instanceof ScheduleError) throw new JobValidationError(`job failed validation: ${err.message}`);
    throw err;
  }
}

/**
 * go-etcd-cron's `Schedule.Next(count, last)`: the scheduled time of tick number `count` given the
 * last finished tick. A one-shot fires once at its due time; a schedule fires first at `dueTime`
 * (when given) or at its first time after creation, then after each last tick, until `repeats`.
 */
function scheduledTime(job: JobRecord, state: Pick<JobState, 'count' | 'lastTriggerMs'>): number | undefined {
  if (job.schedule === undefined) return state.count >= 1 ? undefined : job.dueTimeMs;
  if (job.repeats !== undefined && state.count >= job.repeats) return undefined;
  const schedule = parseSchedule(job.schedule);
  if (state.lastTriggerMs === undefined) return job.dueTimeMs ?? schedule.next(job.startMs);
  const next = schedule.next(state.lastTriggerMs);
  if (next === undefined || (job.expiresMs !== undefined && next > job.expiresMs)) return undefined;
  return next;
}

/** go-etcd-cron's `updateNext`: the next tick, or undefined when the job is finished (repeats, ttl). */
function nextTick(job: JobRecord, state: Pick<JobState, 'count' | 'lastTriggerMs'>): number | undefined {
  if (job.repeats !== undefined && state.count >= job.repeats) return undefined;
  const next = scheduledTime(job, state);
  if (next === undefined) return undefined;
  if (job.expiresMs !== undefined && next > job.expiresMs) return undefined;
  return next;
}

/**
 * After the app accepted a trigger (2xx or 404): the tick is done, the next one is computed from its
 * scheduled time (not from a retry's). Undefined: the job is finished and must be deleted.
 */
export function afterSuccess(job: JobRecord): JobState | undefined {
  const last = scheduledTime(job, job) ?? job.lastTriggerMs;
  const state = { count: job.count + 1, attempts: 0, lastTriggerMs: last };
  const due = nextTick(job, state);
  return due === undefined ? undefined : { ...state, dueMs: due };
}

/**
 * After a failed trigger, by the failure policy (go-etcd-cron's `TriggerFailed`): retry the same tick
 * `intervalMs` after the previous attempt's due time while retries remain, else give the tick up
 * (it counts toward `repeats`) and move on. Undefined: the job is finished and must be deleted.
 */
export function afterFailure(job: JobRecord): JobState | undefined {
  const attempts = job.attempts + 1;
  const p = job.failurePolicy;
  if (p.kind === 'constant' && (p.maxRetries === undefined || p.maxRetries >= attempts)) {
    return {
      count: job.count,
      attempts,
      lastTriggerMs: job.lastTriggerMs,
      dueMs: job.dueMs + (p.intervalMs ?? 0),
    };
  }
  // Given up: the last trigger is this tick's scheduled time (constant) or the attempt's (drop).
  const last = p.kind === 'constant' ? (scheduledTime(job, job) ?? job.lastTriggerMs) : job.dueMs;
  const state = { count: job.count + 1, attempts: 0, lastTriggerMs: last };
  const due = nextTick(job, state);
  return due === undefined ? undefined : { ...state, dueMs: due };
}
