// HTTP load: wrk (-t1, Lua scripts in ./wrk) when installed, else the lean Node keep-alive generator
// in ./nodeload.mjs. Both report {requests, seconds, p50, p90, p99, max (ms), errors}.

import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { NKEYS } from './payload.mjs';

const LUA_DIR = resolve(import.meta.dirname, 'wrk');

export const loadTool = (() => {
  if (process.env.LOADGEN === 'node') return 'node';
  const r = spawnSync('wrk', ['--version']);
  if (r.error) {
    if (process.env.LOADGEN === 'wrk') throw new Error('LOADGEN=wrk but wrk is not installed');
    return 'node';
  }
  const v = /wrk (\S+)/.exec(String(r.stdout) + String(r.stderr));
  return `wrk ${v ? v[1] : ''}`.trim();
})();

function collect(child) {
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', rej);
    child.once('exit', (code) =>
      code === 0 ? res(out) : rej(new Error(`load generator exited ${code}: ${err}${out}`)),
    );
  });
}

/**
 * Runs one load: `op` get|set against http://127.0.0.1:<port><path>; GET appends k<i> to `path`
 * (which ends with '/'), SET posts the Dapr save body for k<i> to `path`.
 */
export async function runLoad({ port, op, path, conc, durS, valueFile }) {
  if (loadTool === 'node') {
    const args = [
      resolve(import.meta.dirname, 'nodeload.mjs'),
      String(port),
      op,
      path,
      String(conc),
      String(durS),
      valueFile,
    ];
    const out = await collect(spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    return JSON.parse(out.trim().split('\n').pop());
  }
  const script = resolve(LUA_DIR, op === 'get' ? 'get.lua' : 'set.lua');
  const args = [
    '-t1',
    `-c${conc}`,
    `-d${Math.max(1, Math.round(durS))}s`,
    '--timeout',
    '5s',
    '-s',
    script,
    `http://127.0.0.1:${port}`,
  ];
  const env = {
    ...process.env,
    BENCH_LUA_DIR: LUA_DIR,
    BENCH_PATH: path,
    BENCH_VALUE_FILE: valueFile,
    NKEYS: String(NKEYS),
  };
  const out = await collect(spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`no WRKJSON line in wrk output:\n${out}`);
  const j = JSON.parse(line.slice(8));
  const nonOk = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    requests: j.requests,
    seconds: j.duration_us / 1e6,
    p50: j.p50 / 1000,
    p90: j.p90 / 1000,
    p99: j.p99 / 1000,
    max: j.max / 1000,
    errors: j.connect + j.read + j.write + j.timeout + (nonOk ? Number(nonOk[1]) : j.status),
  };
}
