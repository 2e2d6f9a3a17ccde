// The baseline: a minimal hand-written node:http server answering the same two Dapr state calls as
// daprts, with the same driver call behind each (bench/lib/stores.mjs). No router, no validation
// beyond what the call needs, no logging: the physical limit of a Node HTTP sidecar on this machine.
//
//   GET  /v1.0/state/<store>/<key>  → one driver get      → 200 + value bytes + etag (204 when absent)
//   POST /v1.0/state/<store>        → JSON.parse the body, JSON.stringify the item's value, one upsert → 204
//
// Usage: node bench/baseline/server.mjs <port> [stores, comma-separated; default pg2,redis]
// Prints "listening <port>" once every driver is connected.

import { createServer } from 'node:http';
import { openDriver, storedKey } from '../lib/stores.mjs';

const port = Number(process.argv[2] ?? 3601);
const stores = (process.argv[3] ?? 'pg2,redis').split(',');
const drivers = new Map();
for (const s of stores) drivers.set(s, await openDriver(s));

const PREFIX = '/v1.0/state/';

function fail(res, status, msg) {
  const body = JSON.stringify({ errorCode: 'ERR_BASELINE', message: String(msg) });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const url = req.url;
  if (!url.startsWith(PREFIX)) return fail(res, 404, 'not found');
  const slash = url.indexOf('/', PREFIX.length);
  if (req.method === 'GET' && slash > 0) {
    const driver = drivers.get(url.slice(PREFIX.length, slash));
    if (!driver) return fail(res, 400, 'unknown store');
    driver.get(storedKey(url.slice(slash + 1))).then(
      (item) => {
        if (!item) {
          res.writeHead(204);
          res.end();
          return;
        }
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': item.data.length,
          etag: item.etag,
        });
        res.end(item.data);
      },
      (err) => fail(res, 500, err.message),
    );
    return;
  }
  if (req.method === 'POST' && slash < 0) {
    const driver = drivers.get(url.slice(PREFIX.length));
    if (!driver) return fail(res, 400, 'unknown store');
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let item;
      try {
        item = JSON.parse(Buffer.concat(chunks).toString('utf8'))[0];
      } catch (err) {
        return fail(res, 400, err.message);
      }
      driver.set(storedKey(item.key), Buffer.from(JSON.stringify(item.value))).then(
        () => {
          res.writeHead(204);
          res.end();
        },
        (err) => fail(res, 500, err.message),
      );
    });
    return;
  }
  fail(res, 405, 'method not allowed');
});

server.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
const stop = async () => {
  server.close();
  server.closeAllConnections();
  for (const d of drivers.values()) await d.close().catch(() => undefined);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
