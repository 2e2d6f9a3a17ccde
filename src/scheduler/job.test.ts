import { describe, expect, it } from 'vitest';
import type { FailurePolicy, JobRecord, JobState } from '../components/scheduler/interface.js';
import {
  afterFailure,
  afterSuccess,
  buildJob,
  DEFAULT_FAILURE_POLICY,
  JobValidationError,
  type JobRequest,
} from './job.js';
import { jobNameProblem, jobTriggerPath } from './names.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

function build(req: Partial<JobRequest>): { record: JobRecord; dueMs: number | undefined } {
  return buildJob({ name: 'j', ...req }, NOW);
}

/**
 * Plays a job against an app whose answers come from `answer(call)`, advancing as the engine does,
 * and returns the times of every call until the job is finished or `maxCalls` is reached.
 */
function play(job: JobRecord, answer: (call: number) => boolean, maxCalls = 50): number[] {
  const calls: number[] = [];
  let current: JobRecord | undefined = job;
  while (current && calls.length < maxCalls) {
    calls.push(current.dueMs);
    const ok = answer(calls.length);
    const next: JobState | undefined = ok ? afterSuccess(current) : afterFailure(current);
    current = next ? { ...current, ...next } : undefined;
  }
  return calls;
}

const always = (v: boolean) => () => v;
const offsets = (calls: number[]) => calls.map((c) => c - NOW);

describe('buildJob (go-etcd-cron Builder.Parse)', () => {
  it('resolves dueTime, ttl and the default failure policy', () => {
    const { record, dueMs } = build({ schedule: '@every 1m', dueTime: '1000s', ttl: '123s', repeats: 123 });
    expect(dueMs).toBe(NOW + 1_000_000);
    expect(record.dueTimeMs).toBe(NOW + 1_000_000);
    // ttl counts from the due time when there is one.
    expect(record.expiresMs).toBe(NOW + 1_123_000);
    expect(record.failurePolicy).toEqual(DEFAULT_FAILURE_POLICY);
    expect(record.count).toBe(0);
  });

  it('starts a schedule without dueTime at its first time after creation', () => {
    expect(build({ schedule: '@every 10s' }).dueMs).toBe(NOW + 10_000);
    expect(build({ schedule: 'CRON_TZ=UTC 0 0 13 * * *' }).dueMs).toBe(NOW + 3_600_000);
  });

  it('rejects what the scheduler rejects', () => {
    const cases: [Partial<JobRequest>, RegExp][] = [
      [{ dueTime: '1s', repeats: 2 }, /must have a schedule to repeat/],
      [{ schedule: '@daily', repeats: 0 }, /repeats must be greater than 0/],
      [{ dueTime: '1s', ttl: '10s' }, /must have a schedule to have a ttl/],
      [
        { schedule: '@daily', dueTime: '10s', ttl: '2026-01-01T12:00:05Z' },
        /ttl must be greater than due time/,
      ],
      [{ schedule: 'not a cron' }, /expected exactly 6 fields/],
      [{ dueTime: 'soon' }, /due time format not recognized/],
      [{ schedule: '@daily', ttl: 'forever' }, /ttl format not recognized/],
      [{}, /either a due time or a schedule/],
    ];
    for (const [req, msg] of cases) {
      expect(() => build(req), JSON.stringify(req)).toThrow(JobValidationError);
      expect(() => build(req), JSON.stringify(req)).toThrow(msg);
    }
  });

  it('accepts a job that never fires (removed at once by the API)', () => {
    expect(build({ schedule: '@every 1h', ttl: '10s' }).dueMs).toBeUndefined();
  });
});

describe('ticks and repeats', () => {
  it('a one-shot fires once', () => {
    expect(offsets(play(build({ dueTime: '5s' }).record, always(true)))).toEqual([5000]);
  });

  it('repeats bounds the number of ticks', () => {
    expect(offsets(play(build({ schedule: '@every 1s', repeats: 2 }).record, always(true)))).toEqual([
      1000, 2000,
    ]);
    expect(
      offsets(play(build({ schedule: '@every 500ms', dueTime: '0s', repeats: 3 }).record, always(true))),
    ).toEqual([0, 500, 1000]);
  });

  it('ttl ends a recurring job (no tick after the expiry)', () => {
    expect(offsets(play(build({ schedule: '@every 1s', ttl: '3s' }).record, always(true)))).toEqual([
      1000, 2000, 3000,
    ]);
  });

  it("an RFC 3339 schedule equal to dueTime fires once (the seeds' reminder)", () => {
    const at = '2026-01-01T13:00:00Z';
    expect(offsets(play(build({ schedule: at, dueTime: at }).record, always(true)))).toEqual([3_600_000]);
  });
});

describe('failure policies (exact call counts)', () => {
  const oneShot = (failurePolicy?: FailurePolicy) => build({ dueTime: '0s', failurePolicy }).record;

  it('none given: constant 1s x 3 = 4 calls in all, never a 5th', () => {
    expect(offsets(play(oneShot(), always(false)))).toEqual([0, 1000, 2000, 3000]);
  });

  it('stops retrying once a retry succeeds', () => {
    expect(offsets(play(oneShot(), (n) => n >= 2))).toEqual([0, 1000]);
    expect(offsets(play(oneShot(), (n) => n >= 3))).toEqual([0, 1000, 2000]);
  });

  it('constant with maxRetries and interval', () => {
    const calls = play(oneShot({ kind: 'constant', intervalMs: 3000, maxRetries: 5 }), always(false));
    expect(offsets(calls)).toEqual([0, 3000, 6000, 9000, 12000, 15000]);
    expect(play(oneShot({ kind: 'constant', maxRetries: 4 }), always(false))).toHaveLength(5);
    expect(play(oneShot({ kind: 'constant', intervalMs: 10, maxRetries: 0 }), always(false))).toHaveLength(1);
  });

  it('constant without maxRetries retries forever', () => {
    expect(play(oneShot({ kind: 'constant', intervalMs: 1000 }), always(false), 40)).toHaveLength(40);
  });

  it('drop gives the tick up after one call', () => {
    expect(play(oneShot({ kind: 'drop' }), always(false))).toHaveLength(1);
  });

  it('a given-up tick counts toward repeats and the schedule keeps its cadence', () => {
    const job = build({
      schedule: '@every 10s',
      repeats: 2,
      failurePolicy: { kind: 'constant', intervalMs: 1000, maxRetries: 1 },
    });
    // Tick 1 at +10s fails twice (given up), tick 2 at +20s (not +21s) fails twice too: 4 calls.
    expect(offsets(play(job.record, always(false)))).toEqual([10_000, 11_000, 20_000, 21_000]);
  });
});

describe('job names', () => {
  it("accepts Dapr's special characters and rejects the forbidden ones", () => {
    for (const ok of ['my||job@name', 'a b', 'reminder-task-789', 'ü:ñ', 'x'.repeat(253)]) {
      expect(jobNameProblem(ok), ok).toBeUndefined();
    }
    for (const bad of [
      '',
      'bad/name',
      'bad\\name',
      'bad#name',
      'bad?name',
      'bad\0name',
      'bad\nname',
      'a'.repeat(600),
    ]) {
      expect(jobNameProblem(bad), JSON.stringify(bad)).toBeDefined();
    }
  });

  it('escapes the trigger path as Go does', () => {
    expect(jobTriggerPath('my||job@name')).toBe('/job/my%7C%7Cjob@name');
    expect(jobTriggerPath('a b')).toBe('/job/a%20b');
    expect(jobTriggerPath('reminder-task-789')).toBe('/job/reminder-task-789');
  });
});
