// State GET of a 5 KB JSON value over daprts' gRPC API (GetState) against its HTTP API and the raw
// driver, in one run, interleaved and repeated. Same sidecar, same store, same keys for every path.
//
// Env knobs: REPS (3), DUR seconds per measurement (4), WARM seconds of warm-up per path (1),
// STORE (pg2; pg1 or redis also work), CONC (1,16), LOADGEN for the HTTP path (wrk|node; wrk when
// installed), OUT (results file; default bench/results/grpc-<date>.md).
//
// The gRPC client is grpc-js (bench/lib/grpcload.mjs: one HTTP/2 connection, `c` calls in flight);
// the HTTP client is wrk (or the Node generator). The clients differ, so the figure that compares
// the two APIs is the sidecar's own CPU per request, read from /proc for the daprts process.
// DAPRTS_CLI runs another build than dist/ (e.g. a private copy).

import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { componentYaml, STORE_LABEL, PG_POOL } from './lib/stores.mjs';
import { VALUE, VALUE_BYTES, NKEYS } from './lib/payload.mjs';
import { runLoad, loadTool } from './lib/load.mjs';
import {
  ROOT,
  CLI,
  freePort,
  stopChild,
  httpCall,
  cpuSeconds,
  memoryMb,
  median,
  today,
  machineInfo,
} from './lib/proc.mjs';

const REPS = Number(process.env.REPS ?? 3);
const DUR = Number(process.env.DUR ?? 4);
const WARM = Number(process.env.WARM ?? 1);
const STORE = process.env.STORE ?? 'pg2';
const CONC = (process.env.CONC ?? '1,16').split(',').map(Number);
const PATHS = ['raw', 'http', 'grpc'];
const LABEL = { raw: 'raw driver (pg)', http: 'daprts HTTP', grpc: 'daprts gRPC' };

const DAPRTS_CLI = process.env.DAPRTS_CLI ?? CLI;
if (!existsSync(DAPRTS_CLI)) {
  console.error(`bench: ${DAPRTS_CLI} is missing; build first (npm run build)`);
  process.exit(2);
}
const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'daprts-bench-grpc-'));
const resourcesDir = join(tmp, 'resources');
mkdirSync(resourcesDir);
writeFileSync(join(resourcesDir, `${STORE}.yaml`), componentYaml(STORE));
const valueFile = join(tmp, 'value.json');
writeFileSync(valueFile, VALUE);
const log = (...a) =>
  console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...a);

let sidecar, worker;
let msgId = 0;
const pending = new Map();
const ask = (cmd, args = {}) =>
  new Promise((res, rej) => {
    const id = ++msgId;
    pending.set(id, { res, rej });
    worker.send({ id, cmd, ...args });
  });

/** `daprts sidecar` on both ports; resolves the child once /v1.0/healthz answers 204. */
async function startDaprts(hPort, gPort) {
  const args = [DAPRTS_CLI, 'sidecar', '--app-id', 'bench', '--dapr-http-port', String(hPort)];
  args.push('--dapr-grpc-port', String(gPort), '--dapr-listen-addresses', '127.0.0.1');
  args.push('--resources-path', resourcesDir, '--data-dir', join(tmp, 'data'), '--log-level', 'warn');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  for (const end = Date.now() + 20_000; Date.now() < end; await sleep(20)) {
    if (child.exitCode !== null) throw new Error(`daprts exited during start-up:\n${output}`);
    const r = await httpCall(hPort, 'GET', '/v1.0/healthz').catch(() => undefined);
    if (r?.status === 204) return Object.assign(child, { output: () => output });
  }
  child.kill('SIGKILL');
  throw new Error(`daprts was not healthy after 20 s:\n${output}`);
}

/** Runs the gRPC load generator as a child and returns its figures. */
function grpcLoad(port, conc, durS) {
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'bench/lib/grpcload.mjs'), String(port), STORE, String(conc), String(durS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((res, rej) =>
    child.once('exit', (code) =>
      code === 0 ? res(JSON.parse(out.trim().split('\n').pop())) : rej(new Error(`grpcload exited ${code}`)),
    ),
  );
}

try {
  const hPort = await freePort();
  const gPort = await freePort();
  sidecar = await startDaprts(hPort, gPort);
  worker = fork(resolve(ROOT, 'bench/lib/raw-worker.mjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  worker.on('message', (m) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p.rej(new Error(m.error));
    else p.res(m.result);
  });
  await ask('open', { stores: [STORE] });
  await ask('seed', { store: STORE });
  const r = await httpCall(hPort, 'GET', `/v1.0/state/${STORE}/k1`);
  if (r.status !== 200 || !r.body.equals(VALUE_BYTES))
    throw new Error(`HTTP GET k1: ${r.status}, wrong bytes`);
  const g = await grpcLoad(gPort, 1, 0.2);
  if (g.errors > 0 || g.requests === 0) throw new Error(`gRPC GetState failed (${g.errors} errors)`);
  log(
    `daprts pid ${sidecar.pid} HTTP :${hPort} gRPC :${gPort}; ${NKEYS} keys of ${VALUE_BYTES.length} B in ${STORE}`,
  );

  async function measure(path, conc, durS) {
    if (path === 'raw') {
      const x = await ask('run', { store: STORE, op: 'get', conc, durMs: durS * 1000, warmMs: 0 });
      return { ...x, cpuUsPerReq: NaN };
    }
    const cpu0 = cpuSeconds(sidecar.pid);
    const x =
      path === 'http'
        ? await runLoad({ port: hPort, op: 'get', path: `/v1.0/state/${STORE}/`, conc, durS, valueFile })
        : await grpcLoad(gPort, conc, durS);
    return { ...x, cpuUsPerReq: ((cpuSeconds(sidecar.pid) - cpu0) * 1e6) / x.requests };
  }

  for (const p of PATHS) await measure(p, Math.max(...CONC), WARM);
  const results = [];
  let cell = 0;
  for (let rep = 1; rep <= REPS; rep++) {
    for (const conc of CONC) {
      const order = PATHS.map((_, i) => PATHS[(i + cell) % PATHS.length]);
      cell++;
      for (const path of order) {
        const x = await measure(path, conc, DUR);
        const ops = x.requests / x.seconds;
        results.push({ rep, conc, path, ...x, ops });
        log(
          `rep ${rep} c=${String(conc).padEnd(2)} ${path.padEnd(4)} ${ops.toFixed(0).padStart(7)} ops/s  p50 ${x.p50.toFixed(3)}` +
            `  p99 ${x.p99.toFixed(3)} ms  sidecar cpu ${Number.isFinite(x.cpuUsPerReq) ? x.cpuUsPerReq.toFixed(0) : '—'} µs/req` +
            `${x.errors ? `  ERRORS ${x.errors}` : ''}`,
        );
      }
    }
  }
  const mem = memoryMb(sidecar.pid);
  const cellOf = (conc, path) => {
    const rs = results.filter((x) => x.conc === conc && x.path === path);
    const m = (k) => median(rs.map((x) => x[k]));
    return {
      ops: m('ops'),
      p50: m('p50'),
      p90: m('p90'),
      p99: m('p99'),
      cpu: m('cpuUsPerReq'),
      errors: rs.reduce((a, x) => a + x.errors, 0),
    };
  };
  const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
  const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '—');
  const lines = [];
  const out = (s = '') => lines.push(s);
  out(`### State GET over gRPC, ${today()}`);
  out();
  out(
    `${machineInfo()}; ${STORE_LABEL[STORE]} (pool ${PG_POOL}); value ${VALUE_BYTES.length} B over ${NKEYS} keys; ` +
      `${REPS} reps × ${DUR} s, interleaved, median of reps. HTTP load: ${loadTool} (-t1); gRPC load: grpc-js, one ` +
      `connection. daprts RSS after the run ${mem.rss.toFixed(0)} MB (peak ${mem.hwm.toFixed(0)} MB).`,
  );
  out();
  out('| c | path | ops/s | p50 ms | p90 ms | p99 ms | sidecar CPU µs/req |');
  out('|---|---|---|---|---|---|---|');
  for (const conc of CONC)
    for (const path of PATHS) {
      const c = cellOf(conc, path);
      out(
        `| ${conc} | ${LABEL[path]}${c.errors ? ` ⚠ ${c.errors} errors` : ''} | ${f0(c.ops)} | ${f3(c.p50)} | ${f3(c.p90)} | ${f3(c.p99)} | ${f0(c.cpu)} |`,
      );
    }
  out();
  const lo = Math.min(...CONC);
  const hi = Math.max(...CONC);
  out(
    `gRPC − raw p50 at c=${lo}: ${f3(cellOf(lo, 'grpc').p50 - cellOf(lo, 'raw').p50)} ms (HTTP − raw: ` +
      `${f3(cellOf(lo, 'http').p50 - cellOf(lo, 'raw').p50)} ms). gRPC/HTTP ops at c=${hi}: ` +
      `${(cellOf(hi, 'grpc').ops / cellOf(hi, 'http').ops).toFixed(2)}; sidecar CPU per GET, gRPC/HTTP at c=${hi}: ` +
      `${(cellOf(hi, 'grpc').cpu / cellOf(hi, 'http').cpu).toFixed(2)}. Total ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  const md = lines.join('\n') + '\n';
  console.log('\n' + md);
  const file = process.env.OUT ?? resolve(ROOT, `bench/results/grpc-${today()}.md`);
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, md);
  log(`wrote ${file}`);
  await ask('close');
} catch (err) {
  console.error(err);
  if (sidecar?.output) console.error(sidecar.output());
  process.exitCode = 1;
} finally {
  await Promise.all([stopChild(sidecar), stopChild(worker)]);
  rmSync(tmp, { recursive: true, force: true });
  await sleep(10);
}
