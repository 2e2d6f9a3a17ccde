// Processes and /proc readings: spawning daprts and the baseline, CPU ticks, RSS, and the noise gate
// (CPU that other processes on this shared machine used while a measurement ran).

import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The built CLI; BENCH_CLI points at another build (e.g. to compare before/after a change). */
export const CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : resolve(ROOT, 'dist/cli/main.js');
const HZ = Number(safe(() => execFileSync('getconf', ['CLK_TCK']).toString().trim(), '100')) || 100;

function safe(fn, fallback) {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

export function requireBuild() {
  if (!existsSync(CLI)) {
    console.error(`bench: ${CLI} is missing; build first (npm run build, or npm run bench)`);
    process.exit(2);
  }
}

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** CPU seconds a process has used (user + system), or 0 when it is gone. */
export function cpuSeconds(pid) {
  const stat = safe(() => readFileSync(`/proc/${pid}/stat`, 'utf8'), '');
  if (!stat) return 0;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / HZ; // fields 14, 15 (utime, stime)
}

/** This process plus its reaped children (wrk runs end before we could read their /proc entry). */
function selfWithChildrenSeconds() {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const r = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(r[11]) + Number(r[12]) + Number(r[13]) + Number(r[14])) / HZ;
}

/**
 * The node flags of the CLI's shebang (`#!/usr/bin/env -S node --max-semi-space-size=8 ...`): the
 * sidecar is measured as the `daprts` command runs it, not as a bare `node dist/cli/main.js`.
 */
export const CLI_NODE_FLAGS = (() => {
  const first = safe(() => readFileSync(CLI, 'utf8').split('\n', 1)[0], '');
  const m = /^#!.*\bnode((?:\s+--\S+)*)\s*$/.exec(first);
  return m ? m[1].trim().split(/\s+/).filter(Boolean) : [];
})();

/** {rss, hwm} in MB from /proc/<pid>/status. */
export function memoryMb(pid) {
  const s = safe(() => readFileSync(`/proc/${pid}/status`, 'utf8'), '');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

function machineBusySeconds() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = v[3] + (v[4] || 0);
  return (v.reduce((a, b) => a + b, 0) - idle) / HZ;
}

/** PostgreSQL and Redis server processes: the load we cause there is ours, not noise. */
function serverPids() {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const comm = safe(() => readFileSync(`/proc/${d}/comm`, 'utf8').trim(), '');
    if (comm === 'postgres' || comm === 'redis-server') out.push(Number(d));
  }
  return out;
}

/**
 * Measures the CPU (in cores) that processes other than ours (this process and its children, the
 * given pids, PostgreSQL and Redis) used between start() and stop().
 */
export function noiseMeter(ourPids) {
  let t0, busy0, ours0, servers;
  const ours = () =>
    selfWithChildrenSeconds() + [...ourPids(), ...servers].reduce((a, p) => a + cpuSeconds(p), 0);
  return {
    start() {
      servers = serverPids();
      t0 = performance.now();
      busy0 = machineBusySeconds();
      ours0 = ours();
    },
    stop() {
      const dt = (performance.now() - t0) / 1000;
      // Backends that started during the window: all of their CPU is ours (it began after start()).
      const fresh = serverPids().filter((p) => !servers.includes(p));
      const others =
        machineBusySeconds() - busy0 - (ours() - ours0) - fresh.reduce((a, p) => a + cpuSeconds(p), 0);
      return Math.max(0, others / dt);
    },
  };
}

/** Waits (up to maxMs) until the machine is quiet: < `cores` used by others over a 250 ms window. */
export async function waitQuiet(ourPids, { cores = 0.25, maxMs = 3000 } = {}) {
  const end = Date.now() + maxMs;
  for (;;) {
    const m = noiseMeter(ourPids);
    m.start();
    await sleep(250);
    const noise = m.stop();
    if (noise < cores || Date.now() >= end) return noise;
  }
}

/** One HTTP request; resolves {status, body, headers}; rejects on a connection error. */
export function httpCall(port, method, path, body, headers = {}) {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (r) => {
      const chunks = [];
      r.on('data', (c) => chunks.push(c));
      r.on('end', () => res({ status: r.statusCode, headers: r.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

/** `node` arguments of a `daprts sidecar` for the benches: the given HTTP port, free gRPC and metrics ports. */
export async function sidecarArgs({ port, resourcesDir, dataDir }) {
  return [
    CLI,
    'sidecar',
    '--app-id',
    'bench',
    '--dapr-http-port',
    String(port),
    '--dapr-grpc-port',
    String(await freePort()),
    '--metrics-port',
    String(await freePort()),
    '--dapr-listen-addresses',
    '127.0.0.1',
    '--resources-path',
    resourcesDir,
    '--data-dir',
    dataDir,
    '--log-level',
    'warn',
  ];
}

/**
 * Spawns `daprts sidecar` on `port`; resolves the child once /v1.0/healthz answers 204.
 * `extraArgs`: more sidecar flags (e.g. `--app-port`), appended after the defaults.
 */
export async function startSidecar({
  port,
  resourcesDir,
  dataDir,
  nodeArgs = [],
  extraArgs = [],
  timeoutMs = 20_000,
}) {
  const args = [
    ...CLI_NODE_FLAGS,
    ...nodeArgs,
    ...(await sidecarArgs({ port, resourcesDir, dataDir })),
    ...extraArgs,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`daprts exited during start-up:\n${output}`);
    const r = await httpCall(port, 'GET', '/v1.0/healthz').catch(() => undefined);
    if (r?.status === 204) return Object.assign(child, { output: () => output });
    await sleep(20);
  }
  child.kill('SIGKILL');
  throw new Error(`daprts was not healthy after ${timeoutMs} ms:\n${output}`);
}

/** Spawns the baseline server; resolves once it prints "listening". */
export function startBaseline(port, stores) {
  const child = spawn(
    process.execPath,
    [resolve(ROOT, 'bench/baseline/server.mjs'), String(port), stores.join(',')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((res, rej) => {
    child.stdout.on('data', (d) => {
      if (String(d).includes('listening')) res(child);
    });
    child.once('exit', (code) => rej(new Error(`baseline server exited with ${code}`)));
  });
}

/** SIGTERM, then SIGKILL after `ms`; resolves when the child has exited. */
export function stopChild(child, ms = 3000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    child.kill('SIGTERM');
  });
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const today = () => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

export function machineInfo() {
  const cpu = safe(
    () => /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1],
    'unknown CPU',
  );
  const ncpu = safe(() => readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm).length, '?');
  return `${ncpu} vCPU ${cpu}, Node ${process.version}`;
}
