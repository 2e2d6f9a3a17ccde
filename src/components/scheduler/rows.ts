import type { FailurePolicy, JobRecord, JobScope, JobState } from './interface.js';

/**
 * The row layout both SQL stores share (column → value), so that a job reads back exactly as written.
 * Times are whole milliseconds since the epoch; the failure policy is JSON.
 */
export interface JobRow {
  name: string;
  schedule: string | null;
  due_time: string | null;
  ttl: string | null;
  repeats: number | string | null;
  data_type: string | null;
  data: Buffer | null;
  failure_policy: string;
  start_ms: number | string;
  due_time_ms: number | string | null;
  expires_ms: number | string | null;
  trigger_count: number | string;
  attempts: number | string;
  last_trigger_ms: number | string | null;
  due_ms: number | string;
  revision: string;
}

/** Column names in insert order (the stores splice them into their SQL). */
export const JOB_COLUMNS = [
  'id',
  'namespace',
  'app_id',
  'name',
  'schedule',
  'due_time',
  'ttl',
  'repeats',
  'data_type',
  'data',
  'failure_policy',
  'start_ms',
  'due_time_ms',
  'expires_ms',
  'trigger_count',
  'attempts',
  'last_trigger_ms',
  'due_ms',
  'revision',
] as const;

/** Values for JOB_COLUMNS, in order. */
export function jobValues(scope: JobScope, job: JobRecord): unknown[] {
  return [
    jobId(scope, job.name),
    scope.namespace,
    scope.appId,
    job.name,
    job.schedule ?? null,
    job.dueTime ?? null,
    job.ttl ?? null,
    job.repeats ?? null,
    job.data?.typeUrl ?? null,
    job.data?.value ?? null,
    encodePolicy(job.failurePolicy),
    ms(job.startMs),
    msOrNull(job.dueTimeMs),
    msOrNull(job.expiresMs),
    job.count,
    job.attempts,
    msOrNull(job.lastTriggerMs),
    ms(job.dueMs),
    job.revision,
  ];
}

/** The state columns a completed trigger writes: trigger_count, attempts, last_trigger_ms, due_ms. */
export function stateValues(s: JobState): [number, number, number | null, number] {
  return [s.count, s.attempts, msOrNull(s.lastTriggerMs), ms(s.dueMs)];
}

export function rowToJob(row: JobRow): JobRecord {
  return {
    name: row.name,
    schedule: row.schedule ?? undefined,
    dueTime: row.due_time ?? undefined,
    ttl: row.ttl ?? undefined,
    repeats: numOrUndefined(row.repeats),
    data:
      row.data_type !== null && row.data !== null
        ? { typeUrl: row.data_type, value: Buffer.from(row.data) }
        : undefined,
    failurePolicy: decodePolicy(row.failure_policy),
    startMs: Number(row.start_ms),
    dueTimeMs: numOrUndefined(row.due_time_ms),
    expiresMs: numOrUndefined(row.expires_ms),
    count: Number(row.trigger_count),
    attempts: Number(row.attempts),
    lastTriggerMs: numOrUndefined(row.last_trigger_ms),
    dueMs: Number(row.due_ms),
    revision: row.revision,
  };
}

/**
 * The primary key: namespace, app id and name as a JSON array (unambiguous whatever the parts
 * contain). One-row statements look jobs up by it alone, so no other index can compete for them.
 */
export function jobId(scope: JobScope, name: string): string {
  return JSON.stringify([scope.namespace, scope.appId, name]);
}

/** The key Dapr's scheduler names a job by (used in "already exists" messages). */
export function jobKey(scope: JobScope, name: string): string {
  return `app||${scope.namespace}||${scope.appId}||${name}`;
}

function encodePolicy(p: FailurePolicy): string {
  return JSON.stringify(p);
}

function decodePolicy(text: string): FailurePolicy {
  const p = JSON.parse(text) as FailurePolicy;
  return p.kind === 'drop'
    ? { kind: 'drop' }
    : { kind: 'constant', intervalMs: p.intervalMs ?? undefined, maxRetries: p.maxRetries ?? undefined };
}

function ms(v: number): number {
  return Math.round(v);
}

function msOrNull(v: number | undefined): number | null {
  return v === undefined ? null : Math.round(v);
}

function numOrUndefined(v: number | string | null): number | undefined {
  return v === null ? undefined : Number(v);
}
