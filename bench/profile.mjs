// CPU profile of daprts' state hot path under load: starts `daprts sidecar` with --cpu-prof, seeds
// the keys through the sidecar, drives GET or SET with wrk for DUR seconds, stops it and prints where
// the sidecar's CPU went (self time by function and by module). Not part of `npm run bench`.
//
// Env: STORE (pg2|pg1|redis; pg2), OP (get|set; get), CONC (16), DUR (8), TOP (30), TARGET (daprts |
// baseline: profile bench/baseline/server.mjs under the same load instead, for comparison),
// PROF_DIR (keep the .cpuprofile there; default a temp folder that is removed).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { componentYaml } from './lib/stores.mjs';
import { VALUE, NKEYS, saveBody } from './lib/payload.mjs';
import { runLoad, loadTool } from './lib/load.mjs';
import { ROOT, requireBuild, freePort, startSidecar, stopChild, httpCall } from './lib/proc.mjs';

const TARGET = process.env.TARGET ?? 'daprts';

const STORE = process.env.STORE ?? 'pg2';
const OP = process.env.OP ?? 'get';
const CONC = Number(process.env.CONC ?? 16);
const DUR = Number(process.env.DUR ?? 8);
const TOP = Number(process.env.TOP ?? 30);

requireBuild();
const tmp = mkdtempSync(join(tmpdir(), 'daprts-prof-'));
const profDir = process.env.PROF_DIR ?? join(tmp, 'prof');
mkdirSync(join(tmp, 'resources'));
mkdirSync(profDir, { recursive: true });
writeFileSync(join(tmp, 'resources', `${STORE}.yaml`), componentYaml(STORE));
writeFileSync(join(tmp, 'value.json'), VALUE);

const before = new Set(readdirSync(profDir));
const tSpawn = performance.now();
const port = await freePort();
const profArgs = ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=250'];
const sidecar =
  TARGET === 'baseline'
    ? await new Promise((res, rej) => {
        const args = [...profArgs, join(ROOT, 'bench/baseline/server.mjs'), String(port), STORE];
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.on('data', (d) => String(d).includes('listening') && res(child));
        child.once('exit', (code) => rej(new Error(`baseline exited ${code}`)));
      })
    : await startSidecar({
        port,
        resourcesDir: join(tmp, 'resources'),
        dataDir: join(tmp, 'data'),
        nodeArgs: profArgs,
      });
for (let i = 0; i < NKEYS; i++) {
  const r = await httpCall(port, 'POST', `/v1.0/state/${STORE}`, saveBody(`k${i}`), {
    'content-type': 'application/json',
  });
  if (r.status !== 204) throw new Error(`seed failed: ${r.status} ${r.body}`);
}
const path = OP === 'get' ? `/v1.0/state/${STORE}/` : `/v1.0/state/${STORE}`;
const tLoad = performance.now() - tSpawn;
const r = await runLoad({ port, op: OP, path, conc: CONC, durS: DUR, valueFile: join(tmp, 'value.json') });
console.log(
  `${TARGET}: ${STORE} ${OP} c=${CONC} (${loadTool}): ${(r.requests / r.seconds).toFixed(0)} ops/s, p50 ${r.p50.toFixed(3)} ms, p99 ${r.p99.toFixed(3)} ms, errors ${r.errors}`,
);
await stopChild(sidecar, 10_000);
await sleep(100);

const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
// Only the load window counts (not start-up, not seeding); each sample weighs its time delta (µs).
// The profile starts a little after the spawn, so the window starts a little late: conservative.
const from = tLoad * 1000;
const to = from + r.seconds * 1e6;
const counts = new Map();
let clock = 0;
let total = 0;
prof.samples.forEach((id, i) => {
  clock += prof.timeDeltas[i] ?? 0;
  if (clock < from || clock > to) return;
  total += prof.timeDeltas[i] ?? 0;
  counts.set(id, (counts.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
});
const self = new Map();
const byModule = new Map();
const moduleOf = (url) => {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:'))
    return url
      .replace(/^node:internal\/(deps\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  const p = url.replace('file://', '');
  const nm = p.lastIndexOf('node_modules/');
  if (nm >= 0)
    return p
      .slice(nm + 13)
      .split('/')
      .slice(0, p.slice(nm + 13).startsWith('@') ? 2 : 1)
      .join('/');
  return relative(ROOT, p);
};
for (const [id, n] of counts) {
  const node = byId.get(id);
  const cf = node.callFrame;
  const name =
    `${cf.functionName || '(anonymous)'} ${cf.url ? `${moduleOf(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
  self.set(name, (self.get(name) ?? 0) + n);
  const mod = ['(idle)', '(program)', '(garbage collector)'].includes(cf.functionName)
    ? cf.functionName
    : moduleOf(cf.url);
  byModule.set(mod, (byModule.get(mod) ?? 0) + n);
}
const busy = total - (byModule.get('(idle)') ?? 0);
const served = r.requests;
const pct = (n) =>
  `${((100 * n) / busy).toFixed(1).padStart(5)}% ${(n / served).toFixed(2).padStart(6)} µs/req`;
console.log(
  `\nbusy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms wall: ${(busy / served).toFixed(1)} µs CPU ` +
    `per request (${served} requests in the load window); shares are of busy time\n`,
);
console.log('By module:');
for (const [m, n] of [...byModule]
  .filter(([m]) => m !== '(idle)')
  .sort((a, b) => b[1] - a[1])
  .slice(0, 20))
  console.log(`  ${pct(n)}  ${m}`);
console.log('\nBy function (self):');
for (const [f, n] of [...self]
  .filter(([f]) => !f.startsWith('(idle)'))
  .sort((a, b) => b[1] - a[1])
  .slice(0, TOP))
  console.log(`  ${pct(n)}  ${f}`);
if (!process.env.PROF_DIR) rmSync(tmp, { recursive: true, force: true });
else console.log(`\nprofile: ${join(profDir, file)}`);
