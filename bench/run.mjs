// `npm run bench`: the state benchmark, the pub/sub benchmark, then the footprint benchmark, each in
// its own process (so none's heap or open connections affect the others). Results:
// bench/results/*-<date>.md. Env knobs are passed through (see the header of each script; REPS and
// DUR mean the same in each, so setting them changes every benchmark).

import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const here = import.meta.dirname;
const t0 = performance.now();
let failed = 0;
for (const script of ['state.mjs', 'pubsub.mjs', 'footprint.mjs']) {
  const code = await new Promise((res) => {
    const child = spawn(process.execPath, [resolve(here, script)], { stdio: 'inherit' });
    child.once('exit', (c) => res(c ?? 1));
  });
  if (code !== 0) {
    console.error(`bench: ${script} exited with ${code}`);
    failed++;
  }
}
console.error(`bench: done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exitCode = failed ? 1 : 0;
