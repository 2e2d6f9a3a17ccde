// The raw driver path: pg.Pool / ioredis called in-process in a loop, no HTTP. Runs as a child of
// state.mjs (IPC) so that its heap, JIT and CPU are its own. Each message {id, cmd, ...} is answered
// with {id, result} or {id, error}.
//
//   open {stores}                    connect a driver per store
//   seed {store}                     write the value under every key
//   get {store, key}                 → value bytes as base64 (consistency check)
//   run {store, op, conc, durMs, warmMs}  → {requests, seconds, p50, p90, p99, max, errors, cpuUs}

import { performance } from 'node:perf_hooks';
import { openDriver, storedKey } from './stores.mjs';
import { NKEYS, keyName, VALUE_BYTES } from './payload.mjs';

const drivers = new Map();
const KEYS = Array.from({ length: NKEYS }, (_, i) => storedKey(keyName(i)));

async function run({ store, op, conc, durMs, warmMs }) {
  const d = drivers.get(store);
  const call = op === 'get' ? (k) => d.get(k) : (k) => d.set(k, VALUE_BYTES);
  let next = 0;
  let errors = 0;
  let lat = [];
  let recording = false;
  let stop = false;
  async function worker() {
    while (!stop) {
      const key = KEYS[(next = (next + 1) % NKEYS)];
      const t0 = performance.now();
      try {
        await call(key);
      } catch {
        errors++;
      }
      if (recording) lat.push(performance.now() - t0);
    }
  }
  const workers = Array.from({ length: conc }, worker);
  await new Promise((r) => setTimeout(r, warmMs));
  lat = [];
  errors = 0;
  recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durMs));
  recording = false;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const requests = lat.length;
  stop = true;
  await Promise.all(workers);
  const sorted = Float64Array.from(lat).sort();
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return {
    requests,
    seconds,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: sorted[sorted.length - 1] ?? NaN,
    errors,
    cpuUs: cpu.user + cpu.system,
  };
}

const handlers = {
  async open({ stores }) {
    for (const s of stores) if (!drivers.has(s)) drivers.set(s, await openDriver(s));
  },
  async seed({ store }) {
    const d = drivers.get(store);
    for (let i = 0; i < NKEYS; i += 50) {
      await Promise.all(KEYS.slice(i, i + 50).map((k) => d.set(k, VALUE_BYTES)));
    }
  },
  async get({ store, key }) {
    const item = await drivers.get(store).get(storedKey(key));
    return item ? item.data.toString('base64') : null;
  },
  run,
  async close() {
    for (const d of drivers.values()) await d.close().catch(() => undefined);
    drivers.clear();
  },
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, result });
  } catch (err) {
    process.send({ id: msg.id, error: err instanceof Error ? err.stack : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
