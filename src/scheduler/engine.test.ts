import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../diagnostics/logger.js';
import { SqliteJobStore } from '../components/scheduler/sqlite/index.js';
import { PostgresJobStore } from '../components/scheduler/postgresql/index.js';
import {
  dropTables,
  rawTestPool,
  TEST_PG_URL,
  uniqueSuffix,
} from '../components/state/postgresql/testing.js';
import type { FailurePolicy, JobScope, JobStore } from '../components/scheduler/interface.js';
import { JobsApi, type ScheduleJobInput } from '../api/universal/jobs.js';
import { JobEngine, type JobTrigger, type TriggerOutcome } from './engine.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-engine-'));
const logger = createLogger({ appId: 'test', level: 'silent' });
const T0 = Date.UTC(2026, 0, 1, 12);
let fileNo = 0;

const pgTable = `daprts_jobs_engine_${uniqueSuffix()}`;

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const raw = rawTestPool();
  await dropTables(raw, [pgTable, `${pgTable}_meta`]);
  await raw.end();
});

/** A PostgreSQL store on this file's table (every instance sees the same jobs). */
async function openPgStore(): Promise<JobStore> {
  const store = new PostgresJobStore({
    name: 'jobs',
    type: 'scheduler.postgresql',
    version: 'v1',
    metadata: { connectionString: TEST_PG_URL, tableName: pgTable, metadataTableName: `${pgTable}_meta` },
    appId: 'app',
    namespace: '',
    logger,
    dataDir: '',
    now: Date.now,
  });
  await store.init();
  return store;
}

/** Both stores run the same engine cases; `open(key)` reopens the same data for the same key. */
const KINDS: { kind: string; open: (key: string) => Promise<JobStore> }[] = [
  { kind: 'scheduler.sqlite', open: (key) => openStore(`${key}.db`) },
  { kind: 'scheduler.postgresql', open: () => openPgStore() },
];
let appNo = 0;

async function openStore(file = `e${++fileNo}.db`, metadata: Record<string, string> = {}): Promise<JobStore> {
  const store = new SqliteJobStore({
    name: 'jobs',
    type: 'scheduler.sqlite',
    version: 'v1',
    metadata: { connectionString: join(dir, file), ...metadata },
    appId: 'app',
    namespace: '',
    logger,
    dataDir: dir,
    now: Date.now,
  });
  await store.init();
  return store;
}

/** A fake app: records each call's name and clock reading, answers from `answer`. */
function recorder(now: () => number, answer: (name: string, n: number) => TriggerOutcome = () => 'success') {
  const calls: { name: string; at: number }[] = [];
  const trigger: JobTrigger = async (job) => {
    calls.push({ name: job.name, at: now() });
    return answer(job.name, calls.filter((c) => c.name === job.name).length);
  };
  return { calls, trigger, count: (name: string) => calls.filter((c) => c.name === name).length };
}

describe.each(KINDS)('JobEngine with an injected clock on $kind', ({ open }) => {
  let t = T0;
  const now = () => t;
  let store: JobStore;
  let api: JobsApi;
  const schedule = (name: string, req: Omit<ScheduleJobInput, 'name'>) => api.scheduleJob({ name, ...req });
  const engineFor = (trigger: JobTrigger) =>
    new JobEngine({ store, scope: api.scope, trigger, logger, now, owner: 'test-engine' });
  /** Moves the clock in steps, running the engine at each. */
  async function advance(engine: JobEngine, ms: number, step = 100): Promise<void> {
    for (let left = ms; left > 0; left -= step) {
      t += Math.min(step, left);
      await engine.runDue();
    }
  }

  let appId = '';
  beforeEach(async () => {
    t = T0;
    await store?.close();
    appId = `app-${++appNo}`;
    store = await open(appId);
    api = new JobsApi({ appId, namespace: '', store, logger, now });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('no failure policy and an always-failing app: 4 calls in all, 1 s apart, never a 5th', async () => {
    const app = recorder(now, () => 'failure');
    const engine = engineFor(app.trigger);
    await schedule('test', { dueTime: '0s' });
    await engine.runDue();
    await advance(engine, 10_000);
    expect(app.calls.map((c) => c.at - T0)).toEqual([0, 1000, 2000, 3000]);
    expect(await store.get(api.scope, 'test')).toBeUndefined();
  });

  it('stops retrying when the app recovers', async () => {
    const app = recorder(now, (_n, count) => (count >= 3 ? 'success' : 'failure'));
    const engine = engineFor(app.trigger);
    await schedule('test', { dueTime: '0s' });
    await engine.runDue();
    await advance(engine, 10_000);
    expect(app.count('test')).toBe(3);
  });

  const policies: [string, FailurePolicy, number[]][] = [
    [
      'constant 3s x 5',
      { kind: 'constant', intervalMs: 3000, maxRetries: 5 },
      [0, 3000, 6000, 9000, 12000, 15000],
    ],
    ['constant x 4 without interval', { kind: 'constant', maxRetries: 4 }, [0, 0, 0, 0, 0]],
    ['drop', { kind: 'drop' }, [0]],
  ];
  for (const [label, failurePolicy, expected] of policies) {
    it(`failure policy ${label}: exact calls`, async () => {
      const app = recorder(now, () => 'failure');
      const engine = engineFor(app.trigger);
      await schedule('test', { dueTime: '0s', failurePolicy });
      await engine.runDue();
      await advance(engine, 30_000, 500);
      expect(app.calls.map((c) => c.at - T0)).toEqual(expected);
    });
  }

  it('repeats: @every 1s with repeats 2 fires twice; ttl 3s fires three times', async () => {
    const app = recorder(now);
    const engine = engineFor(app.trigger);
    await schedule('rep', { schedule: '@every 1s', repeats: 2 });
    await schedule('ttl', { schedule: '@every 1s', ttl: '3s' });
    await advance(engine, 10_000);
    expect(app.count('rep')).toBe(2);
    expect(app.count('ttl')).toBe(3);
    expect(await api.listJobs()).toEqual([]);
  });

  it('dueTime with a schedule fires at the due time, then on the schedule', async () => {
    const app = recorder(now);
    const engine = engineFor(app.trigger);
    await schedule('d', { schedule: '@every 1m', dueTime: '0s', repeats: 3 });
    await engine.runDue();
    await advance(engine, 200_000, 1000);
    expect(app.calls.map((c) => c.at - T0)).toEqual([0, 60_000, 120_000]);
  });

  it('cron with a time zone fires at the wall clock of that zone', async () => {
    const app = recorder(now);
    const engine = engineFor(app.trigger);
    // 13:30 in Kolkata is 08:00 UTC: 20 h after T0 (12:00 UTC).
    await schedule('tz', { schedule: 'CRON_TZ=Asia/Kolkata 0 30 13 * * *', repeats: 1 });
    await advance(engine, 24 * 3_600_000, 60_000);
    expect(app.calls.map((c) => c.at - T0)).toEqual([20 * 3_600_000]);
  });

  it('sub-second schedules keep their precision', async () => {
    const app = recorder(now);
    const engine = engineFor(app.trigger);
    await schedule('fast', { schedule: '@every 250ms', repeats: 4 });
    await advance(engine, 2000, 50);
    expect(app.calls.map((c) => c.at - T0)).toEqual([250, 500, 750, 1000]);
  });

  it("an RFC 3339 dueTime fires at that instant (the seeds' reminder), once", async () => {
    const app = recorder(now);
    const engine = engineFor(app.trigger);
    const at = new Date(T0 + 3_600_000).toISOString();
    await schedule('reminder-task-789', { schedule: at, dueTime: at });
    await advance(engine, 2 * 3_600_000, 60_000);
    expect(app.calls.map((c) => c.at - T0)).toEqual([3_600_000]);
  });

  it('a job overwritten while its trigger is in flight keeps the new definition', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const engine = engineFor(async () => {
      await gate;
      return 'success';
    });
    await schedule('ow', { dueTime: '0s' });
    const run = engine.runDue();
    await new Promise((r) => setTimeout(r, 10));
    await schedule('ow', { schedule: '@daily', overwrite: true });
    release();
    await run;
    expect((await api.getJob('ow')).schedule).toBe('@daily');
  });

  it("takes over a dead engine's claims once their lease has ended", async () => {
    const dead = new JobEngine({
      store,
      scope: api.scope,
      logger,
      now,
      leaseMs: 5000,
      owner: 'dead',
      trigger: () => new Promise<TriggerOutcome>(() => undefined),
    });
    const app = recorder(now);
    const alive = engineFor(app.trigger);
    await schedule('orphan', { dueTime: '0s' });
    void dead.runDue();
    await new Promise((r) => setTimeout(r, 10));
    dead.abandon();
    await alive.runDue();
    expect(app.count('orphan')).toBe(0);
    await advance(alive, 5000);
    expect(app.count('orphan')).toBe(1);
  });

  it('keeps pending jobs across a restart of store and engine', async () => {
    const key = `restart-${++fileNo}`;
    const first = await open(key);
    const api1 = new JobsApi({ appId, namespace: '', store: first, logger, now });
    await api1.scheduleJob({ name: 'later', dueTime: '1h' });
    await api1.scheduleJob({ name: 'daily', schedule: '@every 24h' });
    await first.close();
    const second = await open(key);
    const app = recorder(now);
    const engine = new JobEngine({ store: second, scope: api1.scope, trigger: app.trigger, logger, now });
    t += 24 * 3_600_000;
    await engine.runDue();
    expect(app.calls.map((c) => c.name).sort()).toEqual(['daily', 'later']);
    await second.close();
  });
});

describe('JobEngine in real time', () => {
  it('fires a job due now at once, and @every 100ms five times about 100 ms apart', async () => {
    const store = await openStore(undefined, { pollInterval: '200ms' });
    const api = new JobsApi({ appId: 'rt', namespace: '', store, logger });
    const app = recorder(Date.now);
    const engine = new JobEngine({ store, scope: api.scope, trigger: app.trigger, logger });
    api.attachEngine(engine);
    engine.start();
    const started = Date.now();
    await api.scheduleJob({ name: 'now', dueTime: '0s' });
    await api.scheduleJob({ name: 'tick', schedule: '@every 100ms', repeats: 5 });
    const deadline = Date.now() + 5000;
    while (app.calls.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    await store.close();
    expect(app.count('now')).toBe(1);
    expect(app.calls.find((c) => c.name === 'now')!.at - started).toBeLessThan(100);
    const ticks = app.calls.filter((c) => c.name === 'tick').map((c) => c.at);
    expect(ticks).toHaveLength(5);
    for (let i = 1; i < ticks.length; i++) expect(Math.abs(ticks[i] - ticks[i - 1] - 100)).toBeLessThan(60);
  });

  it('finds jobs it was not told about by polling (another sidecar scheduled them)', async () => {
    const store = await openStore(undefined, { pollInterval: '100ms' });
    const scope: JobScope = { namespace: 'default', appId: 'poll' };
    const other = new JobsApi({ appId: 'poll', namespace: '', store, logger });
    const app = recorder(Date.now);
    const engine = new JobEngine({ store, scope, trigger: app.trigger, logger });
    engine.start();
    await other.scheduleJob({ name: 'peer-job', dueTime: '300ms' });
    const deadline = Date.now() + 3000;
    while (app.calls.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await engine.stop();
    await store.close();
    expect(app.count('peer-job')).toBe(1);
  });
});
