// Start-up and idle memory of `daprts sidecar` with one PostgreSQL (v2) and one Redis state component:
// time from exec to the first 204 from /v1.0/healthz (median of RUNS), the CPU the process used by
// then (user + system: what other load on a shared machine moves least), and VmRSS after 3 s idle.
// A bare node:http server answering 204 is timed the same way, as the floor.
//
// V8 only gives back the young generation it grew during start-up after ~10-20 s of idleness (its
// memory reducer), so the last RSS run also waits until SETTLE_S and reads RSS again.
//
// A variant with capped V8 young generation (FLAGS, default the bin's shebang flags) is measured too
// (VARIANT_RUNS starts, each read for RSS): how much of the RSS is start-up garbage.
//
// Env knobs: RUNS (10), RSS_RUNS (3: runs that also wait IDLE_S and read RSS), IDLE_S (3), SETTLE_S (20),
// FLAGS, VARIANT_RUNS (2; 0 skips the variant),
// NICE, OUT (results file; default bench/results/footprint-<date>.md).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { componentYaml } from './lib/stores.mjs';
import {
  ROOT,
  sidecarArgs,
  requireBuild,
  freePort,
  httpCall,
  memoryMb,
  cpuSeconds,
  stopChild,
  median,
  today,
  machineInfo,
} from './lib/proc.mjs';

const RUNS = Number(process.env.RUNS ?? 10);
const RSS_RUNS = Number(process.env.RSS_RUNS ?? 3);
const IDLE_S = Number(process.env.IDLE_S ?? 3);
const SETTLE_S = Number(process.env.SETTLE_S ?? 20);
const FLAGS = (
  process.env.FLAGS ?? '--max-semi-space-size=8 --heap-growing-percent=30 --initial-old-space-size=16'
)
  .split(' ')
  .filter(Boolean);
const VARIANT_RUNS = Number(process.env.VARIANT_RUNS ?? 2);
const TARGET_RSS = 80;
const LIMIT_RSS = 128;
const TARGET_READY = 300;

requireBuild();
// NICE=-10 (root) raises this process and the sidecars it starts over
// other work on a shared machine; PostgreSQL and Redis keep their priority. Off by default.
if (process.env.NICE) setPriority(Number(process.env.NICE));
const tmp = mkdtempSync(join(tmpdir(), 'daprts-footprint-'));
const resourcesDir = join(tmp, 'resources');
mkdirSync(resourcesDir);
for (const s of ['pg2', 'redis']) writeFileSync(join(resourcesDir, `${s}.yaml`), componentYaml(s));

const BARE = `require('node:http').createServer((q, s) => { s.statusCode = 204; s.end(); }).listen(Number(process.argv[1]), '127.0.0.1')`;

/** exec → first 204 on `path`, polling every 5 ms; returns {ms, cpuMs, child}. */
async function timeToReady(args, port, path) {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`process exited during start-up: ${err}`);
    const r = await httpCall(port, 'GET', path).catch(() => undefined);
    if (r?.status === 204) return { ms: performance.now() - t0, cpuMs: cpuSeconds(child.pid) * 1000, child };
    if (performance.now() - t0 > 20_000) throw new Error(`not ready after 20 s: ${err}`);
    await sleep(5);
  }
}

const daprtsArgs = (port) => sidecarArgs({ port, resourcesDir, dataDir: join(tmp, 'data') });

try {
  // One unmeasured start: migrations and the OS file cache.
  {
    const port = await freePort();
    const { child } = await timeToReady(await daprtsArgs(port), port, '/v1.0/healthz');
    await stopChild(child);
  }
  const ready = [];
  const cpu = [];
  const rss = [];
  let settled = NaN;
  for (let i = 0; i < RUNS; i++) {
    const port = await freePort();
    const { ms, cpuMs, child } = await timeToReady(await daprtsArgs(port), port, '/v1.0/healthz');
    ready.push(ms);
    cpu.push(cpuMs);
    if (i < RSS_RUNS) {
      await sleep(IDLE_S * 1000);
      rss.push(memoryMb(child.pid).rss);
      if (i === RSS_RUNS - 1 && SETTLE_S > IDLE_S) {
        await sleep((SETTLE_S - IDLE_S) * 1000);
        settled = memoryMb(child.pid).rss;
      }
    }
    await stopChild(child);
  }
  const vReady = [];
  const vRss = [];
  for (let i = 0; i < VARIANT_RUNS; i++) {
    const port = await freePort();
    const { ms, child } = await timeToReady([...FLAGS, ...(await daprtsArgs(port))], port, '/v1.0/healthz');
    vReady.push(ms);
    await sleep(IDLE_S * 1000);
    vRss.push(memoryMb(child.pid).rss);
    await stopChild(child);
  }
  const bare = [];
  const bareCpu = [];
  const bareRss = [];
  for (let i = 0; i < 5; i++) {
    const port = await freePort();
    const { ms, cpuMs, child } = await timeToReady(['-e', BARE, String(port)], port, '/');
    bare.push(ms);
    bareCpu.push(cpuMs);
    if (i === 0) {
      await sleep(IDLE_S * 1000);
      bareRss.push(memoryMb(child.pid).rss);
    }
    await stopChild(child);
  }

  const r = median(ready);
  const m = median(rss);
  const lines = [
    `# daprts footprint, ${today()}`,
    '',
    `${machineInfo()}; \`daprts sidecar\` with state.postgresql v2 + state.redis (both connected at start-up), default Node flags.`,
    '',
    '| what | daprts sidecar | bare node:http (floor) | target |',
    '|---|---|---|---|',
    `| exec → first 204 from /v1.0/healthz, median of ${ready.length} (min–max) | **${r.toFixed(0)} ms** (${Math.min(...ready).toFixed(0)}–${Math.max(...ready).toFixed(0)}) | ${median(bare).toFixed(0)} ms | < ${TARGET_READY} ms ${r < TARGET_READY ? '✅' : '❌'} |`,
    `| CPU used by then (user + system), median of ${cpu.length} (min–max) | ${median(cpu).toFixed(0)} ms (${Math.min(...cpu).toFixed(0)}–${Math.max(...cpu).toFixed(0)}) | ${median(bareCpu).toFixed(0)} ms | |`,
    `| idle VmRSS after ${IDLE_S} s, median of ${rss.length} | **${m.toFixed(1)} MB** | ${median(bareRss).toFixed(1)} MB | < ${TARGET_RSS} MB ${m < TARGET_RSS ? '✅' : '❌'} (must be < ${LIMIT_RSS}: ${m < LIMIT_RSS ? '✅' : '❌'}) |`,
    ...(Number.isFinite(settled)
      ? [
          `| idle VmRSS after ${SETTLE_S} s (V8 may have shrunk the young generation by then), one run | ${settled.toFixed(1)} MB | | |`,
        ]
      : []),
    ...(VARIANT_RUNS > 0
      ? [
          `| with \`node ${FLAGS.join(' ')}\`: ready, median of ${vReady.length} / idle VmRSS after ${IDLE_S} s | ` +
            `${median(vReady).toFixed(0)} ms / ${median(vRss).toFixed(1)} MB | | |`,
        ]
      : []),
    '',
  ];
  const md = lines.join('\n');
  console.log(md);
  const file = process.env.OUT ?? resolve(ROOT, `bench/results/footprint-${today()}.md`);
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, md);
  console.error(
    `[footprint] ready ms: ${ready.map((x) => x.toFixed(0)).join(' ')}; cpu ms: ${cpu.map((x) => x.toFixed(0)).join(' ')}; rss MB: ${rss.map((x) => x.toFixed(1)).join(' ')}`,
  );
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
