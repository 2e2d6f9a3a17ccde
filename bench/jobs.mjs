// Jobs API: scheduling throughput (POST /v1.0/jobs/{name} over HTTP) and trigger lateness
// (app receive time minus due time) at 1,000 and 10,000 jobs, on scheduler.sqlite and
// scheduler.postgresql. The sidecar side (HTTP API + job store + trigger engine) runs in this
// process from the TypeScript sources; the app is a separate process. See docs/benchmarks.md.
//
// Run: node --import tsx bench/jobs.mjs
// Env knobs: SIZES (1000,10000), STORES (sqlite,pg), WINDOW_S seconds over which the due times are
// spread (10), CONC concurrent schedule calls (16), REPS runs per configuration, the median run
// reported (3), PG_URL (postgres://postgres@127.0.0.1:5432/test), OUT (results file; default
// bench/results/jobs-<date>.md).

import { fork } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Pool } from 'undici';
import { createLogger } from '../src/diagnostics/logger.ts';
import { SqliteJobStore } from '../src/components/scheduler/sqlite/index.ts';
import { PostgresJobStore } from '../src/components/scheduler/postgresql/index.ts';
import { JobsApi } from '../src/api/universal/jobs.ts';
import { HttpApiServer } from '../src/api/http/server.ts';
import { jobRoutes } from '../src/api/http/routes/jobs.ts';
import { JobEngine } from '../src/scheduler/engine.ts';
import { httpJobTrigger } from '../src/scheduler/trigger.ts';
import { noiseMeter, waitQuiet } from './lib/proc.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const SIZES = (process.env.SIZES ?? '1000,10000').split(',').map(Number);
const STORES = (process.env.STORES ?? 'sqlite,pg').split(',');
const WINDOW_S = Number(process.env.WINDOW_S ?? 10);
const CONC = Number(process.env.CONC ?? 16);
const REPS = Number(process.env.REPS ?? 3);
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const logger = createLogger({ appId: 'bench', level: 'silent' });
const tmp = mkdtempSync(join(tmpdir(), 'daprts-bench-jobs-'));

function startApp() {
  const child = fork(join(ROOT, 'bench/lib/job-app.mjs'), [], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((res) =>
    child.stdout.once('data', (d) => res({ child, port: Number(String(d).trim()) })),
  );
}

/** An app channel like the runtime's: a keep-alive undici pool to the app. */
function channelTo(port) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 128 });
  return {
    pool,
    async request(req) {
      const r = await pool.request({
        method: req.method,
        path: req.path,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      });
      return { status: r.statusCode, headers: r.headers, body: Buffer.from(await r.body.arrayBuffer()) };
    },
  };
}

async function openStore(kind, table) {
  const common = {
    name: 'scheduler',
    version: 'v1',
    appId: 'bench',
    namespace: '',
    logger,
    dataDir: tmp,
    now: Date.now,
  };
  const store =
    kind === 'pg'
      ? new PostgresJobStore({
          ...common,
          type: 'scheduler.postgresql',
          metadata: { connectionString: PG_URL, tableName: table, metadataTableName: `${table}_meta` },
        })
      : new SqliteJobStore({
          ...common,
          type: 'scheduler.sqlite',
          metadata: { connectionString: join(tmp, `${table}.db`) },
        });
  await store.init();
  return store;
}

/** POSTs `n` jobs with `bodyOf(i)` over HTTP, CONC at a time; returns jobs per second. */
async function scheduleAll(api, n, nameOf, bodyOf) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONC }, async () => {
      while (next < n) {
        const i = next++;
        const r = await api.request({
          method: 'POST',
          path: `/v1.0/jobs/${nameOf(i)}`,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(bodyOf(i)),
        });
        await r.body.dump();
        if (r.statusCode !== 204) throw new Error(`schedule ${nameOf(i)}: ${r.statusCode}`);
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

let runNo = 0;
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function run(kind, n) {
  const table = `daprts_bench_jobs_${kind}_${n}_${process.pid}_${++runNo}`;
  const store = await openStore(kind, table);
  const { child, port: appPort } = await startApp();
  const channel = channelTo(appPort);
  const jobs = new JobsApi({ appId: 'bench', namespace: '', store, logger });
  const engine = new JobEngine({
    store,
    scope: jobs.scope,
    trigger: httpJobTrigger(channel, logger),
    logger,
  });
  jobs.attachEngine(engine);
  engine.start();
  const server = new HttpApiServer({ routes: jobRoutes(jobs), logger, maxBodyBytes: 4 << 20 });
  const apiPort = await server.listen(0, '127.0.0.1');
  const api = new Pool(`http://127.0.0.1:${apiPort}`, { connections: CONC });
  try {
    // 1. Scheduling throughput: n recurring jobs due in an hour (they stay in the table meanwhile).
    const rate = await scheduleAll(
      api,
      n,
      (i) => `far-${i}`,
      () => ({ schedule: '@every 1h', data: { due: 0 } }),
    );
    // 2. Lateness: n one-shots spread over the window, starting well after they are all scheduled.
    const t0 = Date.now() + Math.ceil((n / rate) * 2.5 * 1000) + 2000;
    const step = (WINDOW_S * 1000) / n;
    await scheduleAll(
      api,
      n,
      (i) => `due-${i}`,
      (i) => {
        const due = Math.round(t0 + i * step);
        return { dueTime: new Date(due).toISOString(), data: { due } };
      },
    );
    // CPU used by other processes on this shared machine while the jobs fire (ours: this process,
    // the app and the database server).
    const meter = noiseMeter(() => [child.pid]);
    meter.start();
    const late = [];
    const deadline = t0 + WINDOW_S * 1000 + 30_000;
    while (late.length < n && Date.now() < deadline) {
      await sleep(500);
      const r = await fetch(`http://127.0.0.1:${appPort}/stats`);
      late.push(...(await r.json()).late);
    }
    const noise = meter.stop();
    const sorted = late.filter(Number.isFinite).sort((a, b) => a - b);
    return {
      kind,
      n,
      rate,
      fired: late.length,
      p50: pct(sorted, 50),
      p99: pct(sorted, 99),
      max: sorted.at(-1),
      early: sorted.filter((x) => x < 0).length,
      noise,
    };
  } finally {
    await engine.stop();
    await server.close();
    await api.close();
    await channel.pool.close();
    child.kill('SIGTERM');
    await store.close();
    if (kind === 'pg') {
      const raw = new pg.Pool({ connectionString: PG_URL, max: 1 });
      await raw.query(`DROP TABLE IF EXISTS ${table}, ${table}_meta`);
      await raw.end();
    }
  }
}

const rows = [];
for (const kind of STORES) {
  for (const n of SIZES) {
    const reps = [];
    for (let i = 0; i < REPS; i++) {
      await waitQuiet(() => [], { cores: 0.5, maxMs: 30_000 });
      const r = await run(kind, n);
      console.log(JSON.stringify(r));
      reps.push(r);
    }
    // The run with the median p99 stands for the configuration; the spread of p99 is reported.
    reps.sort((a, b) => a.p99 - b.p99);
    rows.push({ ...reps[Math.floor(reps.length / 2)], p99s: reps.map((r) => r.p99) });
  }
}
rmSync(tmp, { recursive: true, force: true });
const label = { sqlite: 'scheduler.sqlite', pg: 'scheduler.postgresql' };
const table = [
  `| store | jobs | schedule (jobs/s, HTTP, ${CONC} concurrent) | fired | lateness p50 | p99 | max | early | p99 of the ${REPS} runs | others' CPU (cores) |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|',
  ...rows.map(
    (r) =>
      `| ${label[r.kind]} | ${r.n} | ${Math.round(r.rate)} | ${r.fired} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.early} | ${r.p99s.join(', ')} ms | ${r.noise.toFixed(2)} |`,
  ),
].join('\n');
const header = `Jobs bench ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), node ${process.version}, due times spread over ${WINDOW_S} s\n\n`;
console.log('\n' + header + table);
const out = process.env.OUT ?? join(ROOT, `bench/results/jobs-${new Date().toISOString().slice(0, 10)}.md`);
mkdirSync(resolve(out, '..'), { recursive: true });
writeFileSync(out, header + table + '\n');
