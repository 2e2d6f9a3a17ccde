// Fallback HTTP load generator when wrk is not installed: `conc` keep-alive connections, each sending
// its next request as soon as the previous answer has been read. Costs more CPU than wrk (it shares
// the two cores with the server) and its timer is coarser, so prefer wrk.
// Usage: node nodeload.mjs <port> <get|set> <path> <conc> <seconds> <valueFile>

import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { NKEYS } from './payload.mjs';

const [port, op, path, concS, durS, valueFile] = process.argv.slice(2);
const conc = Number(concS);
const value = op === 'set' ? readFileSync(valueFile, 'utf8') : '';
const bodies =
  op === 'set'
    ? Array.from({ length: NKEYS }, (_, i) => Buffer.from(`[{"key":"k${i}","value":${value}}]`))
    : [];
const agent = new Agent({ keepAlive: true, maxSockets: conc });
let next = 0;
let errors = 0;
const lat = [];
let stop = false;

function once(i) {
  return new Promise((res) => {
    const t0 = performance.now();
    const opts = { host: '127.0.0.1', port: Number(port), agent, method: op === 'set' ? 'POST' : 'GET' };
    opts.path = op === 'set' ? path : path + 'k' + i;
    if (op === 'set')
      opts.headers = { 'content-type': 'application/json', 'content-length': bodies[i].length };
    const req = request(opts, (r) => {
      r.on('data', () => undefined);
      r.on('end', () => {
        if (r.statusCode >= 300) errors++;
        lat.push(performance.now() - t0);
        res();
      });
    });
    req.on('error', () => {
      errors++;
      res();
    });
    req.end(op === 'set' ? bodies[i] : undefined);
  });
}

async function worker() {
  while (!stop) await once((next = (next + 1) % NKEYS));
}

const t0 = performance.now();
setTimeout(() => (stop = true), Number(durS) * 1000);
await Promise.all(Array.from({ length: conc }, worker));
const seconds = (performance.now() - t0) / 1000;
const s = Float64Array.from(lat).sort();
const pct = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
agent.destroy();
console.log(
  JSON.stringify({
    requests: s.length,
    seconds,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: s[s.length - 1],
    errors,
  }),
);
