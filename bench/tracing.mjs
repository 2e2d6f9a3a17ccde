// Cost of tracing on the state GET path: two `daprts sidecar`s in one run, identical but for the
// Configuration — `samplingRate: "0"` (tracing off) and `samplingRate: "1"` (every request traced:
// an API span and a component span, exported over OTLP/HTTP to a sink in this process). Loads are
// interleaved and repeated; the table gives medians and the ratio traced / untraced.
//
// Env knobs: REPS (3), DUR seconds per measurement (3), WARM seconds of warm-up (1), CONC (1,16),
// STORES (memory,redis: in-memory shows the sidecar's own cost, Redis a real backend), NKEYS (1000),
// LOADGEN (wrk|node), WRITE_DOCS=1 to replace the "Tracing" section of docs/benchmarks.md,
// DAPRTS_CLI to bench another build than dist/.

import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, loadTool } from './lib/load.mjs';
import { VALUE, NKEYS, keyName } from './lib/payload.mjs';
import { CLI, ROOT, requireBuild, freePort, httpCall, stopChild, median, waitQuiet } from './lib/proc.mjs';

const REPS = Number(process.env.REPS ?? 3);
const DUR = Number(process.env.DUR ?? 3);
const WARM = Number(process.env.WARM ?? 1);
const CONC = (process.env.CONC ?? '1,16').split(',').map(Number);
const STORES = (process.env.STORES ?? 'memory,redis').split(',').filter(Boolean);
const STORE_NAME = { memory: 'state.in-memory', redis: 'state.redis' };
/** `0`: tracing off; `1`: every request traced and exported; `1-noexport`: traced, no exporter. */
const RATES = (process.env.RATES ?? '0,1-noexport,1').split(',');

requireBuild();
const tmp = mkdtempSync(join(tmpdir(), 'daprts-bench-tracing-'));
const log = (...a) => console.error('[tracing]', ...a);

// ---- OTLP sink: accepts every export, counts the bytes ----------------------------------------
let exportedBytes = 0;
let exports = 0;
const sink = createServer((req, res) => {
  req.on('data', (c) => (exportedBytes += c.length));
  req.on('end', () => {
    exports++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkPort = sink.address().port;

function storeYaml(store) {
  const spec =
    store === 'redis'
      ? 'type: state.redis\n  version: v1\n  metadata:\n  - name: redisHost\n    value: "127.0.0.1:6379"'
      : 'type: state.in-memory\n  version: v1\n  metadata: []';
  return `apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  ${spec}\n`;
}

async function startSidecar(store, rate) {
  const dir = join(tmp, `${store}-rate-${rate}`);
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'resources', 'statestore.yaml'), storeYaml(store));
  const sampling = rate.split('-')[0];
  const tracing =
    rate === '0' || rate.endsWith('-noexport')
      ? `  tracing:\n    samplingRate: "${sampling}"\n`
      : `  tracing:\n    samplingRate: "${sampling}"\n    otel:\n      endpointAddress: 127.0.0.1:${sinkPort}\n      protocol: http\n      isSecure: false\n`;
  writeFileSync(
    join(dir, 'config.yaml'),
    `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: bench\nspec:\n${tracing}`,
  );
  const port = await freePort();
  const args = [
    process.env.DAPRTS_CLI ?? CLI,
    'sidecar',
    '--app-id',
    'bench',
    '--dapr-http-port',
    String(port),
    '--dapr-grpc-port',
    String(await freePort()),
    '--dapr-listen-addresses',
    '127.0.0.1',
    '--resources-path',
    join(dir, 'resources'),
    '--config',
    join(dir, 'config.yaml'),
    '--data-dir',
    join(dir, 'data'),
    '--enable-metrics',
    'false',
    '--log-level',
    'warn',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  for (let i = 0; i < 500; i++) {
    if (child.exitCode !== null) throw new Error(`daprts exited:\n${output}`);
    const r = await httpCall(port, 'GET', '/v1.0/healthz').catch(() => undefined);
    if (r?.status === 204) return { child, port };
    await sleep(20);
  }
  throw new Error(`daprts did not start:\n${output}`);
}

const LABEL = { 0: 'rate 0 (off)', '1-noexport': 'rate 1, no exporter', 1: 'rate 1, OTLP/HTTP export' };
const rows = [];
let sidecars = {};
const valueFile = join(tmp, 'value.json');
writeFileSync(valueFile, VALUE);

/** One store: three sidecars (one per tracing variant), loads interleaved, medians into `rows`. */
async function benchStore(store) {
  sidecars = {};
  for (const rate of RATES) sidecars[rate] = await startSidecar(store, rate);
  for (const rate of RATES) {
    for (let i = 0; i < NKEYS; i++) {
      const body = `[{"key":"${keyName(i)}","value":${VALUE}}]`;
      const r = await httpCall(sidecars[rate].port, 'POST', '/v1.0/state/statestore', body, {
        'content-type': 'application/json',
      });
      if (r.status !== 204) throw new Error(`preload failed: ${r.status} ${r.body}`);
    }
  }
  const runs = {};
  const load = (rate, conc, durS) =>
    runLoad({ port: sidecars[rate].port, op: 'get', path: '/v1.0/state/statestore/', conc, durS, valueFile });
  for (const conc of CONC) {
    for (const rate of RATES) await load(rate, conc, WARM);
    for (let rep = 0; rep < REPS; rep++) {
      // Alternate the order, so drift on a shared machine hits every variant alike.
      const order = rep % 2 === 0 ? RATES : [...RATES].reverse();
      for (const rate of order) {
        await waitQuiet(() => Object.values(sidecars).map((s) => s.child.pid));
        const r = await load(rate, conc, DUR);
        if (r.errors) throw new Error(`${r.errors} errors at rate ${rate}`);
        (runs[`${conc}/${rate}`] ??= []).push(r);
        log(
          `${store} conc ${conc} rate ${rate} rep ${rep}: ${(r.requests / r.seconds).toFixed(0)} req/s p50 ${r.p50.toFixed(3)} p99 ${r.p99.toFixed(3)}`,
        );
      }
    }
  }
  await sleep(1500); // let the last batch of spans export
  for (const conc of CONC) {
    const m = (rate, f) => median(runs[`${conc}/${rate}`].map(f));
    const rps = (rate) => m(rate, (r) => r.requests / r.seconds);
    for (const rate of RATES)
      rows.push(
        `| ${STORE_NAME[store]} | ${conc} | ${LABEL[rate] ?? rate} | ${rps(rate).toFixed(0)} | ${rate === '0' ? '1.00' : `**${(rps(rate) / rps('0')).toFixed(2)}**`} | ` +
          `${m(rate, (r) => r.p50).toFixed(3)} | ${m(rate, (r) => r.p99).toFixed(3)} |`,
      );
  }
  await Promise.all(Object.values(sidecars).map((s) => stopChild(s.child)));
  sidecars = {};
}

try {
  for (const store of STORES) await benchStore(store);
  const date = new Date().toISOString().slice(0, 10);
  const section = `## Tracing

\`bench/tracing.mjs\` (${date}; Node ${process.version}, ${loadTool}, Redis on the same machine,
5 KB values, ${NKEYS} keys). Per state store (\`state.in-memory\`: the sidecar's own cost; \`state.redis\`: a real backend), three
\`daprts sidecar\`s side by side, identical but for the Configuration:
\`samplingRate: "0"\` (tracing off: no span objects, no async context), \`samplingRate: "1"\` with no
exporter (every GET gets an API span and a component span, then dropped), and \`samplingRate: "1"\`
exporting in batches over OTLP/HTTP JSON to a sink in the bench process (${exports} exports,
${(exportedBytes / 1e6).toFixed(1)} MB). \`GET
/v1.0/state/statestore/{key}\` on keep-alive connections; loads interleaved (order alternating),
${REPS} × ${DUR} s each after ${WARM} s warm-up; medians. The machine is shared with other work, so
absolute figures move between runs; the ratio compares runs taken side by side.

| store | connections | tracing | req/s | ratio to off | p50 ms | p99 ms |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Where the cost goes (a CPU profile of the traced sidecar): creating, timing and ending the two
spans in the OpenTelemetry SDK and carrying the current span across awaits (\`AsyncLocalStorage\`,
entered only for recorded spans) make the "no exporter" row; turning the spans into OTLP JSON and
sending them makes the rest. At sampling 0 — and for every request a lower rate does not sample —
none of it happens: no span object is created, no async context is entered, the SDK is not even
loaded when no \`tracing\` section asks for it.
`;
  console.log(section);
  if (process.env.WRITE_DOCS === '1') {
    const file = resolve(ROOT, 'docs/benchmarks.md');
    const doc = readFileSync(file, 'utf8');
    const start = doc.indexOf('\n## Tracing\n');
    let next;
    if (start >= 0) {
      const after = doc.indexOf('\n## ', start + 1);
      next = doc.slice(0, start + 1) + section + (after >= 0 ? doc.slice(after) : '');
    } else next = doc.trimEnd() + '\n\n' + section;
    writeFileSync(file, next);
    log('docs/benchmarks.md updated');
  }
} finally {
  await Promise.all(Object.values(sidecars).map((s) => stopChild(s.child)));
  sink.close();
  rmSync(tmp, { recursive: true, force: true });
}
