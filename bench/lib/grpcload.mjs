// gRPC load generator: `conc` GetState calls in flight on one HTTP/2 connection (as an SDK client
// holds one), each sending its next call as soon as the previous answer arrived. The messages come
// from the official .proto files in @dapr/dapr, loaded with @grpc/proto-loader.
// Usage: node grpcload.mjs <port> <store> <conc> <seconds>
// Prints {requests, seconds, p50, p90, p99, max (ms), errors}.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Metadata, credentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { NKEYS } from './payload.mjs';

const [port, store, concS, durS] = process.argv.slice(2);
const conc = Number(concS);
const require = createRequire(import.meta.url);
const protoDir = join(dirname(require.resolve('@dapr/dapr/package.json')), 'proto');
const def = loadSync('dapr/proto/runtime/v1/dapr.proto', {
  includeDirs: [protoDir],
  longs: Number,
  enums: String,
  defaults: true,
})['dapr.proto.runtime.v1.Dapr'].GetState;
const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
const md = new Metadata();

function getState(key) {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      { storeName: store, key },
      md,
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  );
}

let next = 0;
let errors = 0;
const lat = [];
let stop = false;

async function worker() {
  while (!stop) {
    const t0 = performance.now();
    try {
      const res = await getState(`k${(next = (next + 1) % NKEYS)}`);
      if (res.data.length === 0) errors++;
    } catch {
      errors++;
    }
    lat.push(performance.now() - t0);
  }
}

const t0 = performance.now();
setTimeout(() => (stop = true), Number(durS) * 1000);
await Promise.all(Array.from({ length: conc }, worker));
const seconds = (performance.now() - t0) / 1000;
const s = Float64Array.from(lat).sort();
const pct = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
client.close();
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
