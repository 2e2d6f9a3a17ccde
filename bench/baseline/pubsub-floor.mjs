// The pub/sub floor: the least a Node sidecar can do between an HTTP publisher, a broker and an HTTP
// subscriber app, run in the same bench as daprts to show what the two extra process hops cost on
// this machine at that moment, whatever the code behind them.
//
//   POST /v1.0/publish/<pubsub>/<topic>  → the body wrapped in a CloudEvent by string concatenation,
//                                          published with the raw client (bench/lib/brokers.mjs) → 204
//   each consumed message                → POST <route> to the app over a keep-alive node:http agent
//
// It does less than any sidecar may: the raw client acks a message when it is read, before the app
// answered (so a crash loses it); no CloudEvent parsing, routing, retries, tracing or metrics. A lower
// bound for daprts' latency, not a competitor.
//
// Usage: node bench/baseline/pubsub-floor.mjs <port> <appPort> <broker> <topic> <route> [optsJSON]
// Prints "listening <port>" once the broker client is connected.

import { createServer, request, Agent } from 'node:http';
import { openRaw } from '../lib/brokers.mjs';

const [port, appPort, broker, topic, route, optsJson] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const CE_HEADERS = { 'content-type': 'application/cloudevents+json' };

function deliver(data) {
  const body = typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const req = request(
    { host: '127.0.0.1', port: Number(appPort), path: route, method: 'POST', agent, headers: CE_HEADERS },
    (res) => res.resume(),
  );
  req.on('error', (err) => console.error(`delivery failed: ${err.message}`));
  req.end(body);
}

const raw = await openRaw(broker, topic, deliver, JSON.parse(optsJson ?? '{}'));

let seq = 0;
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method !== 'POST' || !req.url.startsWith('/v1.0/publish/')) return res.writeHead(404).end();
  const [pubsub, name] = req.url.slice('/v1.0/publish/'.length).split('/');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const ce =
      `{"id":"${++seq}","source":"floor","type":"com.dapr.event.sent","specversion":"1.0",` +
      `"datacontenttype":"application/json","topic":"${name}","pubsubname":"${pubsub}","data":${data}}`;
    raw.publish(ce).then(
      () => res.writeHead(204).end(),
      (err) => res.writeHead(500).end(String(err?.message ?? err)),
    );
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${port}`));

const stop = async () => {
  server.close();
  await raw.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
