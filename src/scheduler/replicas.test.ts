import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../diagnostics/logger.js';
import { PostgresJobStore } from '../components/scheduler/postgresql/index.js';
import type { JobStore } from '../components/scheduler/interface.js';
import {
  dropTables,
  rawTestPool,
  TEST_PG_URL,
  uniqueSuffix,
} from '../components/state/postgresql/testing.js';
import { JobsApi } from '../api/universal/jobs.js';
import { JobEngine, type JobTrigger } from './engine.js';
import { httpJobTrigger } from './trigger.js';
import { fetchAppChannel, JobTestApp } from './testing.js';

/**
 * The seeds' scenario: three sidecars of one app id on one PostgreSQL table, 200 jobs (one-shots and
 * recurring). Each trigger reaches the app exactly once; one sidecar dies mid-run holding claims and
 * its share fires after the lease; then every sidecar restarts and the pending jobs still fire.
 */
const table = `daprts_jobs_replicas_${uniqueSuffix()}`;
const logger = createLogger({ appId: 'todo', level: 'silent' });
const LEASE_MS = 1500;

interface Sidecar {
  name: string;
  store: JobStore;
  api: JobsApi;
  engine: JobEngine;
  channel: ReturnType<typeof fetchAppChannel>;
  sent: number;
}

let app: JobTestApp;

async function sidecar(name: string, wrap?: (t: JobTrigger) => JobTrigger): Promise<Sidecar> {
  const store = new PostgresJobStore({
    name: 'scheduler',
    type: 'scheduler.postgresql',
    version: 'v1',
    metadata: {
      connectionString: TEST_PG_URL,
      tableName: table,
      metadataTableName: `${table}_meta`,
      leaseDuration: `${LEASE_MS}ms`,
      pollInterval: '100ms',
      maxConns: '4',
    },
    appId: 'todo',
    namespace: '',
    logger,
    dataDir: '',
    now: Date.now,
  });
  await store.init();
  const api = new JobsApi({ appId: 'todo', namespace: '', store, logger });
  const channel = fetchAppChannel(app.port);
  const s: Sidecar = { name, store, api, channel, sent: 0, engine: undefined as unknown as JobEngine };
  const base = httpJobTrigger(channel, logger);
  const counted: JobTrigger = async (job, signal) => {
    s.sent++;
    return base(job, signal);
  };
  s.engine = new JobEngine({ store, scope: api.scope, trigger: wrap ? wrap(counted) : counted, logger });
  api.attachEngine(s.engine);
  s.engine.start();
  return s;
}

async function shutdown(s: Sidecar, graceful: boolean): Promise<void> {
  if (graceful) await s.engine.stop();
  else s.engine.abandon();
  await s.channel.close();
  await s.store.close();
}

beforeAll(async () => {
  app = await new JobTestApp().listen();
});

afterAll(async () => {
  await app.close();
  const raw = rawTestPool();
  await dropTables(raw, [table, `${table}_meta`]);
  await raw.end();
});

describe('three sidecars of one app id on one PostgreSQL table', () => {
  it('fire each of 200 jobs exactly once per tick, through a crash and a full restart', async () => {
    // Sidecar C "freezes" on demand: triggers it claims from then on are never sent (a dead process).
    let frozen = false;
    let realInFlight = 0;
    const hung: string[] = [];
    const freezeable =
      (t: JobTrigger): JobTrigger =>
      async (job, signal) => {
        if (frozen) {
          hung.push(job.name);
          return new Promise(() => undefined);
        }
        realInFlight++;
        try {
          return await t(job, signal);
        } finally {
          realInFlight--;
        }
      };
    const a = await sidecar('a');
    const b = await sidecar('b');
    const c = await sidecar('c', freezeable);
    const sidecars = [a, b, c];

    const expected = new Map<string, number>();
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    for (let i = 0; i < 200; i++) {
      const api = sidecars[i % 3].api;
      if (i < 120) {
        await api.scheduleJob({ name: `once-${i}`, dueTime: at(300 + (i % 40) * 60), data: undefined });
        expected.set(`once-${i}`, 1);
      } else if (i < 170) {
        await api.scheduleJob({
          name: `every-${i}`,
          schedule: '@every 1s',
          dueTime: at(300 + (i % 25) * 70),
          repeats: 3,
        });
        expected.set(`every-${i}`, 3);
      } else {
        await api.scheduleJob({ name: `after-restart-${i}`, dueTime: at(7000 + (i % 10) * 50) });
        expected.set(`after-restart-${i}`, 1);
      }
    }

    // ~1 s in: C freezes, finishes what it had really sent, and dies holding its new claims.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1000 - Date.now())));
    frozen = true;
    // Triggers C really sent must be recorded before it dies: a sidecar that dies between the app's
    // answer and its own write fires that trigger again elsewhere (at-least-once, as in Dapr).
    await app.until(
      () => realInFlight === 0 && c.engine.inFlightNames().every((n) => hung.includes(n)),
      3000,
    );
    // C's next claim may take a while on a loaded machine; the ticks of the every-* jobs run to ~4 s.
    await app.until(() => hung.length > 0, 4000);
    await shutdown(c, false);
    expect(hung.length).toBeGreaterThan(0);

    // ~4 s in: A and B stop gracefully; after a pause, three fresh sidecars start on the same table.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + 4000 - Date.now())));
    const beforeRestart = app.calls.length;
    await shutdown(a, true);
    await shutdown(b, true);
    await new Promise((r) => setTimeout(r, 500));
    const restarted = [await sidecar('a2'), await sidecar('b2'), await sidecar('c2')];

    const total = [...expected.values()].reduce((x, y) => x + y, 0);
    await app.until(() => app.calls.length >= total, 15_000);
    await new Promise((r) => setTimeout(r, 1500)); // nothing more may arrive
    await Promise.all(restarted.map((s) => shutdown(s, true)));

    const counts = app.counts();
    const wrong = [...expected].filter(([name, n]) => counts.get(name) !== n);
    expect(wrong.map(([name, n]) => `${name}: expected ${n}, got ${counts.get(name) ?? 0}`)).toEqual([]);
    expect(app.calls).toHaveLength(total);
    // Every job C died holding fired anyway (taken over after the lease).
    for (const name of hung) expect(counts.get(name), name).toBeGreaterThan(0);
    // Work was shared before the restart, and the restarted sidecars fired the pending jobs.
    expect([a, b, c].filter((s) => s.sent > 0).length).toBeGreaterThanOrEqual(2);
    expect(app.calls.length - beforeRestart).toBeGreaterThan(0);
    expect(restarted.reduce((n, s) => n + s.sent, 0)).toBeGreaterThanOrEqual(30);
    expect(app.calls.every((call) => call.contentType === 'application/json' && call.body === '')).toBe(true);
  }, 40_000);
});
