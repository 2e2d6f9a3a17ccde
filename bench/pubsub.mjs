// Pub/sub publish → delivery of 1 KB JSON messages, per broker, in one run: the raw client doing
// publish, consume and ack directly, against daprts (HTTP `POST /v1.0/publish/<pubsub>/<topic>`,
// delivered by daprts over HTTP to a subscriber app answering 200 {"status":"SUCCESS"}).
// See docs/benchmarks.md ("Pub/sub") for the method.
//
// Processes: this orchestrator; bench/lib/pubsub-worker.mjs (the load: the raw client publishing and
// consuming, or the HTTP publisher to daprts plus the subscriber app, bench/lib/pubsub-app.mjs,
// that daprts delivers to); `daprts sidecar` (one per broker, with only that broker's component);
// at the fixed rate, the floor sidecar (bench/baseline/pubsub-floor.mjs); the brokers. All share
// the machine's cores.
//
// Two scenarios, the fixed rate first, paths interleaved within each (raw, daprts, floor; the order
// flips every rep):
//   rate  RATE msg/s (1000) for DUR s, open loop (a message is sent when due, not when the previous
//         one was answered) over CONNS HTTP connections: publish latency and publish-to-delivery.
//   max   CONC publishes in flight (32), and at most BACKLOG (1000) messages published but not yet
//         delivered, for DUR s: delivered msg/s, from the first publish to the last delivery. The
//         backlog limit keeps the comparison about delivery: without it the publisher outruns the
//         consumer and brokers that cap a backlog drop messages (Mosquitto keeps 1000 per client,
//         the Kafka mock trims each partition's log beyond a fixed size).
// After each measurement the bench waits until every publish that was acknowledged (2xx / broker
// ack) has been delivered, or nothing arrived for STALL_S: what is still missing is lost.
//
// Env knobs: BROKERS (redis,rabbitmq,kafka,jetstream,mqtt; those not reachable are skipped),
// FLOOR (1; 0 leaves the floor path out), REPS (3), DUR seconds per measurement (3; with 3 reps, ~10 s per path and scenario), WARM seconds
// of warm-up per path (3: a fresh sidecar's hot path takes ~2 s to be compiled), RATE (1000), CONNS (16), CONC (32), BACKLOG (1000), PREFETCH (RabbitMQ
// basic.qos, 200), STALL_S (5), NICE, NOISE_MAX (0.3), MODES (rate,max), OUT (results file; default
// bench/results/pubsub-<date>.md), BENCH_CLI (another build of daprts, see lib/proc.mjs),
// PROFILE=1: each sidecar runs under --cpu-prof and the results end with where its CPU went over
// the whole run (profiling slows daprts down: do not compare throughput from a profiled run);
// PROF_DIR keeps the .cpuprofile files there, one folder per broker. About 4 minutes for all five
// brokers on 2 cores.

import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { BROKERS, BROKER_LABEL, BROKER_COMM, PREFETCH, componentYaml } from './lib/brokers.mjs';
import { MSG_BYTES, reconcile } from './lib/pubsub-common.mjs';
import { summarizeProfile } from './lib/cpuprofile.mjs';
import {
  ROOT,
  requireBuild,
  freePort,
  startSidecar,
  stopChild,
  cpuSeconds,
  memoryMb,
  CLI_NODE_FLAGS,
  noiseMeter,
  waitQuiet,
  median,
  today,
  machineInfo,
} from './lib/proc.mjs';

const WANT = (process.env.BROKERS ?? BROKERS.join(',')).split(',').filter(Boolean);
const REPS = Number(process.env.REPS ?? 3);
const DUR = Number(process.env.DUR ?? 3);
const WARM = Number(process.env.WARM ?? 3);
const RATE = Number(process.env.RATE ?? 1000);
const CONNS = Number(process.env.CONNS ?? 16);
const CONC = Number(process.env.CONC ?? 32);
const BACKLOG = Number(process.env.BACKLOG ?? 1000);
const STALL_S = Number(process.env.STALL_S ?? 5);
const NOISE_MAX = Number(process.env.NOISE_MAX ?? 0.3);
const PROFILE = process.env.PROFILE === '1';
const TARGET_DP50 = 0.5; // ms added to the raw p50 publish-to-delivery at RATE
const TARGET_RATIO = 0.4; // of the raw client's delivered msg/s at full speed
const PATHS = ['raw', 'daprts'];
// The floor (bench/baseline/pubsub-floor.mjs): a minimal Node sidecar doing only the two HTTP hops
// and the raw client's publish/consume, run at the fixed rate beside the other two paths, so the
// latency daprts adds can be read against what the hops alone cost on this machine in the same
// run. Not on Kafka (its mock's fetch wait hides the hops). FLOOR=0 leaves it out.
const FLOOR = process.env.FLOOR !== '0';
const ratePaths = (broker) => (FLOOR && broker !== 'kafka' ? [...PATHS, 'floor'] : PATHS);
// Full speed also runs daprts' batching APIs: bulk publish of BULK messages per request (BULK_CONC
// requests in flight) to a topic the app bulk-subscribes (maxMessagesCount BULK_SUB,
// maxAwaitDurationMs BULK_WAIT). BULK=0 leaves it out.
const BULK = Number(process.env.BULK ?? 50);
const BULK_CONC = Number(process.env.BULK_CONC ?? 2);
const BULK_SUB = Number(process.env.BULK_SUB ?? 100);
const BULK_WAIT = Number(process.env.BULK_WAIT ?? 20);
// MAX_PATHS=raw,bulk leaves the one-message-per-request path out of the full-speed scenario.
const MAX_PATHS = (process.env.MAX_PATHS?.split(',') ?? (BULK > 0 ? [...PATHS, 'bulk'] : PATHS)).filter(
  (p) => p !== 'bulk' || BULK > 0,
);
// MODES=rate or MODES=max runs one scenario only (quicker A/B runs while working on one path).
const MODES = (process.env.MODES ?? 'rate,max').split(',');
const RATE_ON = MODES.includes('rate');
// Node flags for the sidecar (the bench runs `node dist/cli/main.js`, so the bin's shebang flags do
// not apply): e.g. SIDECAR_NODE_ARGS='--max-semi-space-size=4'.
const SIDECAR_NODE_ARGS = (process.env.SIDECAR_NODE_ARGS ?? '').split(' ').filter(Boolean);
const MAX_ON = MODES.includes('max');
const TARGET = { raw: 'raw', daprts: 'dapr', floor: 'floor', bulk: 'dapr-bulk' };

requireBuild();
if (process.env.NICE) setPriority(Number(process.env.NICE));
const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'daprts-bench-pubsub-'));
const runId = randomBytes(3).toString('hex');
const log = (...a) =>
  console.error(`[pubsub ${((performance.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...a);

// ---- children over IPC --------------------------------------------------------------------------
function child(script) {
  const proc = fork(resolve(ROOT, script), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let msgId = 0;
  let readyValue;
  const ready = new Promise((res, rej) => {
    proc.once('exit', (code) => rej(new Error(`${script} exited with ${code}`)));
    proc.on('message', (m) => {
      if (m.ready !== undefined) {
        readyValue = m.ready;
        res(m.ready);
        return;
      }
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) p.rej(new Error(m.error));
      else p.res(m.result);
    });
  });
  return {
    proc,
    ready,
    get value() {
      return readyValue;
    },
    ask(cmd, args = {}) {
      const id = ++msgId;
      return new Promise((res, rej) => {
        pending.set(id, { res, rej });
        proc.send({ id, cmd, ...args });
      });
    },
  };
}

function reachable(port) {
  return new Promise((res) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.setTimeout(500);
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
    s.once('timeout', () => (s.destroy(), res(false)));
  });
}

const BROKER_PORT = { redis: 6379, rabbitmq: 5672, jetstream: 4222, mqtt: 1883 };

function pidsOf(comms) {
  const out = [];
  if (comms.length === 0) return out;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (comms.includes(readFileSync(`/proc/${d}/comm`, 'utf8').trim())) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

/** librdkafka's mock cluster hosted in this process (brokers-and-libs.md recipe C). */
async function startKafkaMock() {
  process.env.CKJS_LINKING ??= 'dynamic';
  const lib = await import('@confluentinc/kafka-javascript');
  const Producer = lib.Producer ?? lib.default?.Producer;
  const host = new Producer({
    'bootstrap.servers': 'unused:1',
    'test.mock.num.brokers': 1,
    event_cb: true,
    log_level: 5,
  });
  const bootstrap = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error('kafka mock did not start')), 10_000);
    host.on('event.log', (l) => {
      const m = /replaced with ([0-9.:,]+)/.exec(l.message);
      if (m) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    host.connect({}, (err) => err && (clearTimeout(timer), rej(err)));
  });
  const poller = setInterval(() => host.poll(), 200);
  return {
    bootstrap,
    stop: () => new Promise((res) => (clearInterval(poller), host.disconnect(() => res()))),
  };
}

let worker, sidecar, floorProc, kafka;
const cleanup = async () => {
  await stopChild(sidecar);
  await stopChild(floorProc);
  await worker?.ask('raw-close').catch(() => undefined);
  await stopChild(worker?.proc);
  await kafka?.stop().catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

/** Waits until `progress()` shows `want` messages received, or nothing new for STALL_S. */
async function drain(progress, want, stallS) {
  let last = -1;
  let lastChange = performance.now();
  for (;;) {
    const p = await progress();
    if (p.received >= want) return p;
    if (p.received !== last) {
      last = p.received;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > stallS * 1000) return p;
    await sleep(50);
  }
}

const results = []; // one per measurement
let measureNo = 0;

/**
 * One measurement: `path` raw|daprts, `mode` rate|max, for `durS`. Returns the row (not recorded
 * when `warm`).
 */
async function measure(broker, path, mode, durS, ourPids, { warm = false, stallS = STALL_S } = {}) {
  const run = `${runId}-${++measureNo}`;
  await worker.ask('reset', { run });
  if (!warm) await waitQuiet(ourPids, { cores: 0.25, maxMs: 750 });
  const meter = noiseMeter(ourPids);
  meter.start();
  let rssMaxMb = 0;
  // The process between publisher and app: daprts, or the floor sidecar.
  const hop = path === 'raw' ? undefined : path === 'floor' ? floorProc : sidecar;
  const rssTimer = hop
    ? setInterval(() => (rssMaxMb = Math.max(rssMaxMb, memoryMb(hop.pid).rss || 0)), 100)
    : undefined;
  const cpu0 = hop ? cpuSeconds(hop.pid) : 0;
  const loadCpu0 = cpuSeconds(worker.proc.pid);
  const r = await worker.ask('run', {
    target: TARGET[path],
    run,
    mode,
    rate: RATE,
    conc: path === 'bulk' ? BULK_CONC : CONC,
    batch: path === 'bulk' ? BULK : 1,
    backlog: BACKLOG,
    durMs: durS * 1000,
  });
  await drain(() => worker.ask('progress'), r.okCount, stallS);
  const got = await worker.ask('collect');
  const noise = meter.stop();
  clearInterval(rssTimer);
  const sidecarCpu = hop ? cpuSeconds(hop.pid) - cpu0 : NaN;
  const loadCpu = cpuSeconds(worker.proc.pid) - loadCpu0;
  const { lost, deliveredOfFailed } = reconcile(r.ok, got.counts);
  const pubSeconds = (r.endNs - r.startNs) / 1e9;
  const e2eSeconds = (got.lastNs - r.startNs) / 1e9;
  const row = {
    broker,
    path,
    mode,
    sent: r.sent,
    acked: r.okCount,
    pubErrors: r.errors,
    firstError: r.firstError,
    received: got.received,
    dups: got.dups,
    foreign: got.foreign,
    lost,
    deliveredOfFailed,
    pub: r.pub,
    e2e: got.e2e,
    publishRate: r.okCount / pubSeconds,
    deliveredRate: got.received / e2eSeconds,
    maxLagMs: r.maxLagMs,
    backlogWaits: r.backlogWaits,
    sidecarCpuUsPerMsg: (sidecarCpu * 1e6) / Math.max(1, got.received),
    loadCpuUsPerMsg: (loadCpu * 1e6) / Math.max(1, got.received),
    rssMaxMb,
    noise,
  };
  if (warm) return row;
  results.push(row);
  const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  log(
    `${broker.padEnd(9)} ${path.padEnd(6)} ${mode.padEnd(4)} sent ${r.sent} acked ${r.okCount} recv ${got.received}` +
      ` lost ${lost} dups ${got.dups} | pub p50 ${f(r.pub.p50)} p99 ${f(r.pub.p99)} | e2e p50 ${f(got.e2e.p50)}` +
      ` p99 ${f(got.e2e.p99)} ms | ${row.publishRate.toFixed(0)} pub/s ${row.deliveredRate.toFixed(0)} dlv/s` +
      (hop ? ` | ${path === 'floor' ? 'floor' : 'sidecar'} ${f(row.sidecarCpuUsPerMsg, 0)} µs/msg` : '') +
      `${r.errors ? ` | ${r.errors} publish errors (${r.firstError})` : ''} | noise ${noise.toFixed(2)}`,
  );
  return row;
}

async function benchBroker(broker) {
  const topicRaw = `bench-raw-${runId}-${broker}`;
  const topic = `bench-${runId}-${broker}`;
  const bulkTopic = `${topic}-bulk`;
  const resDir = join(tmp, broker, 'resources');
  mkdirSync(resDir, { recursive: true });
  writeFileSync(
    join(resDir, `${broker}.yaml`),
    componentYaml(broker, { runId, kafkaBootstrap: kafka?.bootstrap }),
  );
  const bulkSubscribe = { enabled: true, maxMessagesCount: BULK_SUB, maxAwaitDurationMs: BULK_WAIT };
  await worker.ask('subs', {
    list: [
      { pubsubname: broker, topic },
      ...(BULK > 0 ? [{ pubsubname: broker, topic: bulkTopic, bulkSubscribe }] : []),
    ],
  });

  const profDir = process.env.PROF_DIR ? resolve(process.env.PROF_DIR, broker) : join(tmp, broker, 'prof');
  mkdirSync(profDir, { recursive: true });
  const port = await freePort();
  sidecar = await startSidecar({
    port,
    resourcesDir: resDir,
    dataDir: join(tmp, broker, 'data'),
    extraArgs: ['--app-port', String(worker.value.appPort)],
    nodeArgs: [
      ...SIDECAR_NODE_ARGS,
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=250'] : []),
    ],
  });
  const paths = ratePaths(broker);
  const floorTopic = `bench-floor-${runId}-${broker}`;
  if (RATE_ON && paths.includes('floor')) {
    const floorPort = await freePort();
    floorProc = await startFloor(floorPort, broker, floorTopic, worker.value.appPort, {
      runId: `${runId}-floor`, // its own MQTT client id
      kafkaBootstrap: kafka?.bootstrap,
    });
    await worker.ask('floor-open', {
      port: floorPort,
      pubsub: broker,
      topic: floorTopic,
      connections: CONNS,
    });
  }
  const brokerPids = pidsOf(BROKER_COMM[broker]);
  const ourPids = () => [sidecar.pid, worker.proc.pid, ...(floorProc ? [floorProc.pid] : []), ...brokerPids];
  await worker.ask('dapr-open', {
    port,
    pubsub: broker,
    topic,
    bulkTopic,
    connections: Math.max(CONNS, CONC),
  });
  await worker.ask('raw-open', {
    broker,
    topic: topicRaw,
    opts: { runId, kafkaBootstrap: kafka?.bootstrap },
  });
  log(`${broker}: daprts pid ${sidecar.pid} :${port}, app :${worker.value.appPort}, raw topic ${topicRaw}`);

  // A path is live once a message published through it comes back (a Kafka group join takes
  // seconds); then warm up. The fixed-rate scenario runs first, all of it, so the sidecar's memory
  // at that rate is not what a full-speed run before it left behind (V8 keeps a grown heap).
  const live = async (path, mode) => {
    for (let i = 0; ; i++) {
      const w = await measure(broker, path, mode, 0.1, ourPids, { warm: true, stallS: 1 });
      if (w.received > 0) return;
      if (i >= 30) throw new Error(`${broker}: no delivery through ${path} after ${i} tries`);
    }
  };
  const flip = (paths, rep) => (rep % 2 ? paths : [...paths].reverse());
  if (RATE_ON) {
    for (const path of paths) await live(path, 'rate');
    for (const path of paths) await measure(broker, path, 'rate', WARM, ourPids, { warm: true });
    for (let rep = 1; rep <= REPS; rep++)
      for (const path of flip(paths, rep)) await measure(broker, path, 'rate', DUR, ourPids);
    await worker.ask('floor-close');
    await stopChild(floorProc, 10_000);
    floorProc = undefined;
  }
  if (MAX_ON) {
    for (const path of MAX_PATHS) await live(path, path === 'bulk' ? 'max' : 'rate');
    for (const path of MAX_PATHS)
      await measure(broker, path, 'max', Math.max(1, WARM / 2), ourPids, { warm: true });
    for (let rep = 1; rep <= REPS; rep++)
      for (const path of flip(MAX_PATHS, rep)) await measure(broker, path, 'max', DUR, ourPids);
  }
  log(`${broker}: done`);
  const mem = memoryMb(sidecar.pid);
  await worker.ask('raw-close');
  await worker.ask('dapr-close');
  await stopChild(sidecar, 10_000);
  sidecar = undefined;
  for (const t of BULK > 0 ? [topic, bulkTopic] : [topic])
    await worker
      .ask('cleanup', { broker, topic: t, opts: { runId } })
      .catch((err) => log(`${broker}: cleanup of ${t} failed: ${err.message}`));
  let profile;
  if (PROFILE) {
    await sleep(200);
    const file = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .sort()
      .pop();
    if (file) profile = { ...summarizeProfile(join(profDir, file), ROOT, 20), file: join(profDir, file) };
  }
  return { mem, profile };
}

/** The floor sidecar (bench/baseline/pubsub-floor.mjs), with daprts' V8 flags; once it listens. */
function startFloor(port, broker, topic, appPort, opts) {
  const child = spawn(
    process.execPath,
    [
      ...CLI_NODE_FLAGS,
      resolve(ROOT, 'bench/baseline/pubsub-floor.mjs'),
      String(port),
      String(appPort),
      broker,
      topic,
      `/events/${broker}`,
      JSON.stringify(opts),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((res, rej) => {
    child.stdout.on('data', (d) => String(d).includes('listening') && res(child));
    child.once('exit', (code) => rej(new Error(`the floor sidecar exited with ${code}`)));
  });
}

// ---- main ---------------------------------------------------------------------------------------
const perBroker = {};
const skipped = [];
try {
  worker = child('bench/lib/pubsub-worker.mjs');
  await worker.ready;
  for (const broker of WANT) {
    if (!BROKERS.includes(broker)) throw new Error(`unknown broker ${broker}; known: ${BROKERS.join(', ')}`);
    if (broker === 'kafka') {
      try {
        kafka ??= await startKafkaMock();
      } catch (err) {
        skipped.push(`${broker} (${err.message})`);
        continue;
      }
    } else if (!(await reachable(BROKER_PORT[broker]))) {
      skipped.push(`${broker} (nothing listens on 127.0.0.1:${BROKER_PORT[broker]})`);
      continue;
    }
    try {
      perBroker[broker] = await benchBroker(broker);
    } catch (err) {
      log(`${broker} failed: ${err.stack ?? err}`);
      if (sidecar?.output) console.error(sidecar.output());
      skipped.push(`${broker} (failed: ${String(err.message).split('\n')[0]})`);
      await worker.ask('raw-close').catch(() => undefined);
      await worker.ask('dapr-close').catch(() => undefined);
      await worker.ask('floor-close').catch(() => undefined);
      await stopChild(sidecar);
      await stopChild(floorProc);
      sidecar = floorProc = undefined;
    }
  }
  writeReport(perBroker, skipped);
} catch (err) {
  console.error(err);
  if (sidecar?.output) console.error(sidecar.output());
  process.exitCode = 1;
} finally {
  await cleanup();
  await sleep(10);
}

// ---- report ---------------------------------------------------------------------------------------
function writeReport(perBroker, skipped) {
  const cell = (broker, path, mode) => {
    const rs = results.filter((r) => r.broker === broker && r.path === path && r.mode === mode);
    const med = (f) => median(rs.map(f));
    const sum = (f) => rs.reduce((a, r) => a + f(r), 0);
    return {
      n: rs.length,
      pubP50: med((r) => r.pub.p50),
      pubP99: med((r) => r.pub.p99),
      e2eP50: med((r) => r.e2e.p50),
      e2eP90: med((r) => r.e2e.p90),
      e2eP99: med((r) => r.e2e.p99),
      publishRate: med((r) => r.publishRate),
      deliveredRate: med((r) => r.deliveredRate),
      sidecarCpu: med((r) => r.sidecarCpuUsPerMsg),
      loadCpu: med((r) => r.loadCpuUsPerMsg),
      acked: sum((r) => r.acked),
      lost: sum((r) => r.lost),
      dups: sum((r) => r.dups),
      pubErrors: sum((r) => r.pubErrors),
      noisy: rs.filter((r) => r.noise > NOISE_MAX).length,
      noise: med((r) => r.noise),
    };
  };
  const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '—');
  const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
  const lines = [];
  const out = (s = '') => lines.push(s);
  const brokers = Object.keys(perBroker);
  out(`# daprts pub/sub benchmark, ${today()}`);
  out();
  out(
    `${machineInfo()}; ${MSG_BYTES} B JSON messages; ${REPS} rep(s) × ${DUR} s per measurement, the paths ` +
      `interleaved, median of reps; fixed rate ${RATE} msg/s over ${CONNS} HTTP connections (open loop); ` +
      `full speed = ${CONC} publishes in flight, at most ${BACKLOG} messages published and not yet delivered; ` +
      (BULK > 0
        ? `daprts bulk = ${BULK_CONC} bulk publishes of ${BULK} messages in flight, delivered by bulk subscribe ` +
          `(maxMessagesCount ${BULK_SUB}, maxAwaitDurationMs ${BULK_WAIT}), same backlog limit; `
        : '') +
      `RabbitMQ prefetch ${PREFETCH} on both paths. ` +
      `daprts: HTTP publish, HTTP delivery to a node:http app answering 200 {"status":"SUCCESS"}; ` +
      `component defaults otherwise.${PROFILE ? ' **Profiled run (--cpu-prof): throughput is not representative.**' : ''}`,
  );
  out();
  out(`## 1. Fixed rate, ${RATE} msg/s: latency (ms)`);
  out();
  out(
    '| broker | path | publish p50 | publish p99 | publish→delivery p50 | p90 | p99 | acked | lost | dups |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|');
  for (const b of brokers)
    for (const p of ratePaths(b)) {
      const c = cell(b, p, 'rate');
      out(
        `| ${BROKER_LABEL[b]} | ${p}${c.noisy ? ` (${c.noisy} noisy)` : ''} | ${f3(c.pubP50)} | ${f3(c.pubP99)} | ${f3(c.e2eP50)} | ` +
          `${f3(c.e2eP90)} | ${f3(c.e2eP99)} | ${f0(c.acked)} | ${c.lost} | ${c.dups} |`,
      );
    }
  out();
  out(`## 2. Full speed, ${CONC} publishes in flight (backlog ≤ ${BACKLOG}): delivered msg/s`);
  out();
  out(
    '| broker | path | published msg/s | delivered msg/s | publish→delivery p50 | p99 | acked | lost | dups | daprts CPU µs/msg | load+app CPU µs/msg |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const b of brokers)
    for (const p of MAX_PATHS) {
      const c = cell(b, p, 'max');
      out(
        `| ${BROKER_LABEL[b]} | ${p}${c.noisy ? ` (${c.noisy} noisy)` : ''} | ${f0(c.publishRate)} | **${f0(c.deliveredRate)}** | ` +
          `${f3(c.e2eP50)} | ${f3(c.e2eP99)} | ${f0(c.acked)} | ${c.lost} | ${c.dups} | ` +
          `${p !== 'raw' ? f0(c.sidecarCpu) : '—'} | ${f0(c.loadCpu)} |`,
      );
    }
  out();
  out(
    `## 3. Targets: daprts adds ≤ ${TARGET_DP50} ms to the raw p50 publish→delivery at ${RATE} msg/s; ` +
      `delivers ≥ ${TARGET_RATIO * 100}% of the raw msg/s at full speed; nothing lost`,
  );
  out();
  out(
    '| broker | added p50 (ms) | added p99 (ms) | floor: the hops alone add p50 (ms) | daprts over the floor p50 (ms) | delivered daprts/raw, one message per request | delivered daprts bulk/raw | lost (all runs) | dups | targets |',
  );
  out('|---|---|---|---|---|---|---|---|---|---|');
  const summary = [];
  for (const b of brokers) {
    const rr = cell(b, 'raw', 'rate');
    const dr = cell(b, 'daprts', 'rate');
    const rm = cell(b, 'raw', 'max');
    const dm = cell(b, 'daprts', 'max');
    const bm = BULK > 0 ? cell(b, 'bulk', 'max') : undefined;
    const fr = cell(b, 'floor', 'rate');
    const dp50 = dr.e2eP50 - rr.e2eP50;
    const floorDp50 = fr.e2eP50 - rr.e2eP50;
    const overFloorP50 = dr.e2eP50 - fr.e2eP50;
    const dp99 = dr.e2eP99 - rr.e2eP99;
    const ratio = dm.deliveredRate / rm.deliveredRate;
    const bulkRatio = bm ? bm.deliveredRate / rm.deliveredRate : NaN;
    const lost = dr.lost + dm.lost + rr.lost + rm.lost + (bm?.lost ?? 0);
    const dups = dr.dups + dm.dups + (bm?.dups ?? 0);
    const ok1 = dp50 <= TARGET_DP50;
    const ok2 = ratio >= TARGET_RATIO;
    const ok2b = bulkRatio >= TARGET_RATIO;
    const ok3 = dr.lost + dm.lost + (bm?.lost ?? 0) === 0;
    summary.push({
      broker: b,
      dp50,
      dp99,
      floorDp50,
      overFloorP50,
      ratio,
      bulkRatio,
      lost,
      dups,
      ok1,
      ok2,
      ok2b,
      ok3,
    });
    out(
      `| ${BROKER_LABEL[b]} | **${dp50 >= 0 ? '+' : ''}${f3(dp50)}** ${ok1 ? '✅' : '❌'} | ${dp99 >= 0 ? '+' : ''}${f3(dp99)} | ` +
        `${fr.n ? `${floorDp50 >= 0 ? '+' : ''}${f3(floorDp50)} | ${overFloorP50 >= 0 ? '+' : ''}${f3(overFloorP50)}` : '— | —'} | ` +
        `**${ratio.toFixed(2)}** ${ok2 ? '✅' : '❌'} | ${bm ? `**${bulkRatio.toFixed(2)}** ${ok2b ? '✅' : '❌'}` : '—'} | ` +
        `${lost} ${ok3 ? '✅' : '❌'} | ${dups} | ` +
        `latency ${ok1 ? 'met' : 'not met'}; full speed ${ok2 ? 'met' : ok2b ? 'met with the bulk APIs' : 'not met'}; loss ${ok3 ? 'met' : 'not met'} |`,
    );
  }
  out();
  const rssMax = (b, path, mode) =>
    Math.max(
      0,
      ...results.filter((r) => r.broker === b && r.path === path && r.mode === mode).map((r) => r.rssMaxMb),
    );
  const mems = brokers
    .map(
      (b) =>
        `${b} ${perBroker[b].mem.hwm.toFixed(0)} MB (at ${RATE} msg/s ${rssMax(b, 'daprts', 'rate').toFixed(0)}, ` +
        `full speed ${rssMax(b, 'daprts', 'max').toFixed(0)}${BULK > 0 ? `, bulk ${rssMax(b, 'bulk', 'max').toFixed(0)}` : ''})`,
    )
    .join(', ');
  const noises = results.map((r) => r.noise);
  out(
    `daprts peak RSS (sidecar run with node ${CLI_NODE_FLAGS.join(' ') || 'defaults'}${SIDECAR_NODE_ARGS.length ? ` ${SIDECAR_NODE_ARGS.join(' ')}` : ''}): ${mems}. Other processes used a median ${median(noises).toFixed(2)} cores ` +
      `(max ${Math.max(...noises).toFixed(2)}) during the measurements (a measurement above ${NOISE_MAX} is marked noisy).` +
      `${skipped.length ? ` Skipped: ${skipped.join('; ')}.` : ''} Total bench time ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  for (const b of brokers) {
    const prof = perBroker[b].profile;
    if (!prof) continue;
    out();
    out(`### CPU profile of daprts, ${BROKER_LABEL[b]} (whole run; ${prof.busyPct.toFixed(0)}% busy)`);
    out();
    out('| self time, by module | % of busy |');
    out('|---|---|');
    for (const m of prof.byModule.slice(0, 12)) out(`| ${m.name} | ${m.pct.toFixed(1)} |`);
    out();
    out('| self time, by function | % of busy |');
    out('|---|---|');
    for (const m of prof.bySelf.slice(0, 20)) out(`| \`${m.name}\` | ${m.pct.toFixed(1)} |`);
    out();
    out('| inclusive time, daprts functions | % of busy |');
    out('|---|---|');
    for (const m of prof.byInclusive.slice(0, 20)) out(`| \`${m.name}\` | ${m.pct.toFixed(1)} |`);
  }
  const md = lines.join('\n') + '\n';
  console.log('\n' + md);
  const file = process.env.OUT ?? resolve(ROOT, `bench/results/pubsub-${today()}.md`);
  mkdirSync(resolve(file, '..'), { recursive: true });
  writeFileSync(file, md);
  writeFileSync(
    file.replace(/\.md$/, '.json'),
    JSON.stringify(
      {
        date: today(),
        machine: machineInfo(),
        REPS,
        DUR,
        RATE,
        CONNS,
        CONC,
        PREFETCH,
        BULK,
        BULK_CONC,
        BULK_SUB,
        BULK_WAIT,
        summary,
        results,
        perBroker,
      },
      null,
      1,
    ),
  );
  log(`wrote ${file}`);
}
