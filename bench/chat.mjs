// The chat service (examples/chat) on daprts with the PostgreSQL state store, in one run:
//
//  1. History load of a 50-message conversation through the service (JWT check, SDK GET through
//     daprts, JSON out) against a bare daprts state GET of the same value, interleaved request by
//     request on keep-alive connections, one at a time. Target: the service adds < 1 ms at p99.
//  2. 1,000 concurrent sessions, each sending messages one after another to its own conversation:
//     throughput, p50/p99 per message, and a check that every message and answer was stored.
//
// Run: npm run build && node bench/chat.mjs            (prints the figures as markdown)
//      WRITE_DOCS=1 node bench/chat.mjs                (also replaces the "Chat service" section of
//                                                       docs/benchmarks.md, leaving the rest alone)
// Env knobs: PAIRS (3000) load pairs per round, ROUNDS (3), WARM (500), BLOCK (250) pairs per noise
// check, NOISE_MAX (0.5) cores used by other processes before a block is set aside, ROUND_MAX_S (60)
// to collect a round's quiet blocks, SESSIONS (1000),
// MESSAGES (5) per session, PG (postgres://postgres@127.0.0.1:5432/test), DAPRTS_CLI (dist/cli/main.js).

import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { SignJWT } from 'jose';
import { TextEncoder } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const CLI = process.env.DAPRTS_CLI ?? join(ROOT, 'dist/cli/main.js'); // DAPRTS_CLI: another build
const PAIRS = Number(process.env.PAIRS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WARM = Number(process.env.WARM ?? 500);
const BLOCK = Number(process.env.BLOCK ?? 250);
const NOISE_MAX = Number(process.env.NOISE_MAX ?? 0.5);
const ROUND_MAX_S = Number(process.env.ROUND_MAX_S ?? 60);
const SESSIONS = Number(process.env.SESSIONS ?? 1000);
const MESSAGES = Number(process.env.MESSAGES ?? 5);
const PG_URL = process.env.PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = 'bench-secret-0123456789abcdef-0123456789';
const TABLE = `bench_chat_${process.pid}`;

if (!existsSync(CLI)) {
  console.error(`bench: ${CLI} is missing; build first (npm run build)`);
  process.exit(2);
}

const log = (...a) => console.error('[chat bench]', ...a);

/** `n` distinct free ports (all held open until every one is chosen, so none repeats). */
async function freePorts(n) {
  const servers = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = createServer();
      await new Promise((res, rej) => {
        srv.once('error', rej);
        srv.listen(0, '127.0.0.1', res);
      });
      servers.push(srv);
    }
    return servers.map((srv) => srv.address().port);
  } finally {
    await Promise.all(servers.map((srv) => new Promise((res) => srv.close(res))));
  }
}

/** Spawns a child; resolves it once GET `url` answers `okStatus`. */
async function startChild(name, args, env, url, okStatus) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${output}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === okStatus) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output}`);
}

function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => (clearTimeout(t), res()));
    child.kill('SIGTERM');
  });
}

/** One request on a keep-alive agent; resolves {status, body}. */
function call(agent, port, method, path, headers = {}, body) {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** CPU seconds (user + system) a process has used so far. */
const HZ = 100;
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / HZ;
  } catch {
    return NaN;
  }
}
const cpuOf = () => ({
  daprts: cpuSeconds(daprts.pid),
  chat: cpuSeconds(chat.pid),
  self: process.cpuUsage(),
});
const cpuSince = (c0) => {
  const self = process.cpuUsage(c0.self);
  return {
    daprts: cpuSeconds(daprts.pid) - c0.daprts,
    chat: cpuSeconds(chat.pid) - c0.chat,
    load: (self.user + self.system) / 1e6,
  };
};
/** Busy CPU seconds of the whole machine, from /proc/stat. */
function machineBusySeconds() {
  const v = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  return (v.reduce((a, b) => a + b, 0) - v[3] - (v[4] || 0)) / HZ;
}
/** PostgreSQL server processes: the load we cause there is ours, not noise. */
function postgresPids() {
  return readdirSync('/proc').filter((d) => {
    if (!/^\d+$/.test(d)) return false;
    try {
      return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
    } catch {
      return false;
    }
  });
}
/** CPU (in cores) used by everything but us (this process, daprts, the service, PostgreSQL) meanwhile. */
function noiseMeter() {
  const pgs = postgresPids();
  const ours = () => {
    const self = process.cpuUsage();
    return (
      (self.user + self.system) / 1e6 +
      cpuSeconds(daprts.pid) +
      cpuSeconds(chat.pid) +
      pgs.reduce((a, p) => a + (cpuSeconds(p) || 0), 0)
    );
  };
  const t0 = performance.now();
  const busy0 = machineBusySeconds();
  const ours0 = ours();
  return {
    stop: () =>
      Math.max(0, (machineBusySeconds() - busy0 - (ours() - ours0)) / ((performance.now() - t0) / 1000)),
  };
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
};
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x) => x.toFixed(3);
const token = (sub) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(SECRET));

const tmp = mkdtempSync(join(tmpdir(), 'daprts-chat-bench-'));
mkdirSync(join(tmp, 'resources'));
// The service's shipped component file, on a table of this run's own.
writeFileSync(
  join(tmp, 'resources', 'statestore.yaml'),
  readFileSync(join(ROOT, 'examples/chat/components/statestore.yaml'), 'utf8')
    .replace(/value: dapr_state_metadata$/m, `value: ${TABLE}_metadata`)
    .replace(/value: dapr_state$/m, `value: ${TABLE}`),
);

let daprts, chat;
const cleanup = async () => {
  await stop(chat);
  await stop(daprts);
  rmSync(tmp, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS ${TABLE}, ${TABLE}_metadata`);
  await c.end();
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

try {
  const [dPort, cPort, gPort, mPort] = await freePorts(4);
  const daprtsArgs = [CLI, 'sidecar', '--app-id', 'chat', '--dapr-http-port', String(dPort)];
  daprtsArgs.push('--dapr-listen-addresses', '127.0.0.1', '--resources-path', join(tmp, 'resources'));
  daprtsArgs.push('--data-dir', join(tmp, 'data'), '--log-level', 'warn');
  // Free ports for the gRPC API and metrics too: other runtimes on this machine may hold the defaults.
  daprtsArgs.push('--dapr-grpc-port', String(gPort), '--metrics-port', String(mPort));
  daprts = await startChild(
    'daprts',
    daprtsArgs,
    { PG_CONNECTION_STRING: PG_URL },
    `http://127.0.0.1:${dPort}/v1.0/healthz`,
    204,
  );
  chat = await startChild(
    'chat service',
    ['--import', 'tsx', 'examples/chat/src/main.ts'],
    { JWT_SECRET: SECRET, PORT: String(cPort), DAPR_HTTP_PORT: String(dPort), LOG_LEVEL: 'warn' },
    `http://127.0.0.1:${cPort}/healthz`,
    200,
  );
  log(`daprts :${dPort}, chat service :${cPort}, state.postgresql v1 table ${TABLE}`);

  // ---- 1. history load: service vs bare GET --------------------------------------------------------
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const tok = await token('bench');
  const auth = { authorization: `Bearer ${tok}` };
  const json = { ...auth, 'content-type': 'application/json' };
  let conv;
  for (let i = 0; i < 25; i++) {
    const msg = `Message ${i}: ${'lorem ipsum dolor sit amet '.repeat(8)}`;
    const body = JSON.stringify(conv ? { message: msg, conversation_id: conv } : { message: msg });
    const r = await call(agent, cPort, 'POST', '/api/bench/chat', json, body);
    if (r.status !== 200) throw new Error(`seed failed: ${r.status} ${r.body}`);
    conv = JSON.parse(r.body).conversation_id;
  }
  const servicePath = `/api/bench/conversations/${conv}`;
  const barePath = `/v1.0/state/statestore/chat:bench:${conv}`;
  const bare0 = await call(agent, dPort, 'GET', barePath);
  const svc0 = await call(agent, cPort, 'GET', servicePath, auth);
  const messages = JSON.parse(svc0.body).messages.length;
  if (messages !== 50 || bare0.status !== 200)
    throw new Error(`seeded conversation has ${messages} messages`);
  log(`history: ${messages} messages, ${bare0.body.length} bytes stored, ${svc0.body.length} bytes served`);

  const timed = async (port, path, headers) => {
    const t0 = performance.now();
    const r = await call(agent, port, 'GET', path, headers);
    const dt = performance.now() - t0;
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status}`);
    return dt;
  };
  for (let i = 0; i < WARM; i++) {
    await timed(dPort, barePath);
    await timed(cPort, servicePath, auth);
  }
  const rounds = [];
  const loadBefore = loadavg();
  let blocksKept = 0;
  let blocksDropped = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const bare = [];
    const svc = [];
    const noisy = { bare: [], svc: [] };
    const deadline = performance.now() + ROUND_MAX_S * 1000;
    // Blocks of pairs; a block during which other processes used more than NOISE_MAX cores is set
    // aside (a shared machine) unless the round runs out of time before it has PAIRS clean pairs.
    while (bare.length < PAIRS && performance.now() < deadline) {
      const meter = noiseMeter();
      const b = [];
      const v = [];
      for (let i = 0; i < BLOCK; i++) {
        // Alternate which goes first so neither always follows the other.
        if (i % 2) {
          b.push(await timed(dPort, barePath));
          v.push(await timed(cPort, servicePath, auth));
        } else {
          v.push(await timed(cPort, servicePath, auth));
          b.push(await timed(dPort, barePath));
        }
      }
      const noise = meter.stop();
      const into = noise <= NOISE_MAX ? { bare, svc } : noisy;
      into.bare.push(...b);
      into.svc.push(...v);
      if (noise <= NOISE_MAX) blocksKept++;
      else blocksDropped++;
    }
    const clean = bare.length >= PAIRS;
    if (!clean) {
      // Out of time: complete the round with the most recent noisy pairs.
      const need = PAIRS - bare.length;
      bare.push(...noisy.bare.slice(-need));
      svc.push(...noisy.svc.slice(-need));
    }
    const b = stats(bare);
    const s = stats(svc);
    rounds.push({ bare: b, svc: s, clean });
    log(
      `round ${round + 1}: bare p50 ${ms(b.p50)} p99 ${ms(b.p99)} | service p50 ${ms(s.p50)} p99 ${ms(s.p99)} ms` +
        ` (${b.n} pairs, ${clean ? 'quiet blocks only' : 'NOISY: not enough quiet blocks'}; load average ${loadavg()})`,
    );
  }
  agent.destroy();
  const loadAfter = loadavg();
  const load = {
    bareP50: median(rounds.map((r) => r.bare.p50)),
    bareP99: median(rounds.map((r) => r.bare.p99)),
    svcP50: median(rounds.map((r) => r.svc.p50)),
    svcP99: median(rounds.map((r) => r.svc.p99)),
    addedP99: median(rounds.map((r) => r.svc.p99 - r.bare.p99)),
    addedP50: median(rounds.map((r) => r.svc.p50 - r.bare.p50)),
    maxAddedP99: Math.max(...rounds.map((r) => r.svc.p99 - r.bare.p99)),
  };

  // ---- 2. 1,000 concurrent sessions ---------------------------------------------------------------
  const sessionsAgent = new Agent({ keepAlive: true, maxSockets: SESSIONS });
  const tokens = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => token(`user${i}`)));
  const latencies = [];
  let errors = 0;
  let warnings = 0;
  /** Per session, the messages the service confirmed as stored (200 without a warning). */
  const confirmed = Array.from({ length: SESSIONS }, () => new Set());
  const session = async (i) => {
    const headers = { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' };
    const id = `session-${i}`;
    for (let m = 0; m < MESSAGES; m++) {
      const body = JSON.stringify({ message: `user${i} message ${m}`, conversation_id: id });
      const t0 = performance.now();
      const r = await call(sessionsAgent, cPort, 'POST', `/api/user${i}/chat`, headers, body).catch(() => ({
        status: 0,
      }));
      latencies.push(performance.now() - t0);
      if (r.status !== 200) errors++;
      else if (JSON.parse(r.body).warning) warnings++;
      else confirmed[i].add(`user${i} message ${m}`);
    }
  };
  const load0 = loadavg();
  const cpu0 = cpuOf();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: SESSIONS }, (_, i) => session(i)));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSince(cpu0);
  log(
    `CPU s during the sessions: daprts ${cpu.daprts.toFixed(1)}, chat ${cpu.chat.toFixed(1)}, ` +
      `load generator ${cpu.load.toFixed(1)}; load average ${load0} → ${loadavg()}`,
  );
  const lat = stats(latencies);

  // Nothing lost: every message the service confirmed is stored, with its answer right after it, and
  // the stored messages are in the order they were sent.
  let lost = 0;
  let broken = 0;
  let stored = 0;
  const verifyAgent = new Agent({ keepAlive: true, maxSockets: 16 });
  for (let i = 0; i < SESSIONS; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, SESSIONS - i) }, async (_, k) => {
        const u = i + k;
        const r = await call(verifyAgent, dPort, 'GET', `/v1.0/state/statestore/chat:user${u}:session-${u}`);
        const msgs = r.status === 200 ? JSON.parse(r.body).messages : [];
        const expected = Array.from({ length: MESSAGES }, (_, m) => `user${u} message ${m}`);
        const users = msgs.filter((x) => x.role === 'user').map((x) => x.content);
        stored += users.length;
        lost += [...confirmed[u]].filter((e) => !users.includes(e)).length;
        const inOrder = users.every(
          (c, j) => j === 0 || expected.indexOf(c) > expected.indexOf(users[j - 1]),
        );
        const paired =
          msgs.length % 2 === 0 &&
          msgs.every((x, j) =>
            j % 2 ? x.role === 'assistant' && x.content.includes(msgs[j - 1].content) : x.role === 'user',
          );
        if (!inOrder || !paired) broken++;
      }),
    );
  }
  verifyAgent.destroy();
  sessionsAgent.destroy();
  const conc = {
    turns: latencies.length,
    elapsed,
    tput: latencies.length / elapsed,
    ...lat,
    errors,
    warnings,
    lost,
    broken,
    stored,
    cpu,
    load0,
    load1: loadavg(),
  };
  log(
    `sessions: ${SESSIONS} × ${MESSAGES} messages in ${elapsed.toFixed(1)} s = ${conc.tput.toFixed(0)} msg/s, ` +
      `p50 ${ms(lat.p50)} p99 ${ms(lat.p99)} ms, errors ${errors}, warnings ${warnings}, stored ${stored}, ` +
      `lost ${lost}, broken ${broken}`,
  );

  // ---- report --------------------------------------------------------------------------------------
  const date = new Date().toISOString().slice(0, 10);
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, PostgreSQL on the same machine`;
  const quiet = rounds.every((r) => r.clean);
  const perRound = rounds.map((r) => ms(r.svc.p99 - r.bare.p99)).join(', ');
  const verdict = quiet
    ? `**${load.addedP99 < 1 ? 'met' : 'NOT met'}** (rounds: ${perRound} ms).`
    : [
        '**not established by this run**: the machine was busy',
        `(${blocksDropped} of ${blocksKept + blocksDropped} blocks had other processes using more than ${NOISE_MAX} cores;`,
        `load average ${loadBefore} before, ${loadAfter} after), and a p99 on a shared 2-core machine then`,
        `measures the neighbours as much as the service. Added at p99 per round: ${perRound} ms; at p50,`,
        `which noise moves much less: ${ms(load.addedP50)} ms.`,
      ].join('\n');
  const section = `## Chat service

\`bench/chat.mjs\` (${date}; ${machine}).
The reference application in \`examples/chat\` (Fastify, the official \`@dapr/dapr\` SDK
over HTTP) runs in its own process on \`daprts sidecar\` with \`state.postgresql\` v1 (the
service's component file); the load generator is a third process. All of them, and PostgreSQL,
share the machine's cores.

### History load

A ${messages}-message conversation (${bare0.body.length} bytes stored), read through the service
(\`GET /api/{user}/conversations/{id}\`: JWT check, SDK GET through daprts, response written) and
with a bare daprts \`GET /v1.0/state/statestore/{key}\` of the same value: one request at a time on
keep-alive connections, the two interleaved request by request (which goes first alternates);
${ROUNDS} rounds of ${PAIRS} pairs after ${WARM} warm-up pairs, medians of the rounds. Pairs are timed
in blocks of ${BLOCK}; a block during which other processes used more than ${NOISE_MAX} cores is set
aside unless a round cannot find enough quiet ones within ${ROUND_MAX_S} s (${blocksDropped} of
${blocksKept + blocksDropped} blocks were set aside this run${quiet ? '' : '; some rounds include noisy blocks'}).

| path | p50 ms | p99 ms |
| --- | ---: | ---: |
| bare daprts state GET | ${ms(load.bareP50)} | ${ms(load.bareP99)} |
| through the chat service | ${ms(load.svcP50)} | ${ms(load.svcP99)} |
| **added by the service** | ${ms(load.addedP50)} | **${ms(load.addedP99)}** |

Target (the service adds < 1 ms at p99 to the bare GET):
${verdict}
The seed's requirement (50 messages retrieved in under 500 ms) is met with a wide margin.

### ${SESSIONS.toLocaleString('en')} concurrent sessions

Each session is its own user with its own conversation and sends ${MESSAGES} messages one after
another; all sessions run at once. Every message is a JWT check, a bulk read of the conversation and
the user's index, the local agent, and an ETag-guarded transaction writing both. CPU used
meanwhile: daprts ${conc.cpu.daprts.toFixed(1)} s, chat service ${conc.cpu.chat.toFixed(1)} s, load generator ${conc.cpu.load.toFixed(1)} s;
load average ${conc.load0} → ${conc.load1}.

| messages | time s | msg/s | p50 ms | p99 ms | errors | answered with a warning | stored | lost | out of order / unpaired |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| ${conc.turns} | ${elapsed.toFixed(1)} | ${conc.tput.toFixed(0)} | ${ms(lat.p50)} | ${ms(lat.p99)} | ${errors} | ${warnings} | ${stored} | ${lost} | ${broken} |

Read back from daprts afterwards: "stored" counts the user messages in the conversations; "lost"
counts messages the service confirmed (200 without a \`warning\`) that are missing (must be 0);
"answered with a warning" were answered in degraded mode and not stored, as the response said;
"out of order / unpaired" counts conversations whose messages are not in the order sent, each
followed by its answer. At this concurrency the latency is queueing: the service lets at most
\`MAX_INFLIGHT_STATE_CALLS\` (32) state calls run at once and the rest wait their turn, rather
than piling up in the runtime until they time out and pass for an outage.
`;
  console.log(section);
  if (process.env.WRITE_DOCS) {
    const file = join(ROOT, 'docs/benchmarks.md');
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    // Replace only our section: from "## Chat service" to the next "## " heading (or the end).
    const start = current.search(/^## Chat service\s*$/m);
    let next;
    if (start < 0) next = `${current.trimEnd()}\n\n${section}`;
    else {
      const rest = current.slice(start + 1);
      const end = rest.search(/^## /m);
      next = current.slice(0, start) + section + (end < 0 ? '' : `\n${rest.slice(end)}`);
    }
    writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
    log(`wrote the "Chat service" section of ${file}`);
  }
  if (lost || broken || errors || warnings) process.exitCode = 1;
} finally {
  await cleanup();
}
