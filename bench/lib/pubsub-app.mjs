// The subscriber app of the pub/sub bench: node:http; `GET /dapr/subscribe` lists the programmatic
// subscriptions it is given (route /events/<pubsub>, or /bulk/<pubsub> for a bulk subscription), and
// every delivery is answered 200 {"status":"SUCCESS"} (bulk: SUCCESS for every entry) after its
// receive time is read. The publish time travels in the message
// (pubsub-common.mjs). It runs inside the load process (pubsub-worker.mjs), as the raw client's
// consumer does, so both paths are received and timed the same way and the publisher can see how
// many of its messages are still on their way.

import { createServer } from 'node:http';
import { nowNs } from './pubsub-common.mjs';

const SUCCESS = Buffer.from('{"status":"SUCCESS"}');
const OK_HEADERS = { 'content-type': 'application/json', 'content-length': SUCCESS.length };

/** Starts the app on 127.0.0.1 (a free port); deliveries are recorded into `rx` (a Receiver). */
export function startApp(rx) {
  let subs = [];
  let subscribeCalls = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/dapr/subscribe') {
      subscribeCalls++;
      const body = JSON.stringify(
        subs.map((s) =>
          s.bulkSubscribe
            ? {
                pubsubname: s.pubsubname,
                topic: s.topic,
                route: `/bulk/${s.pubsubname}`,
                bulkSubscribe: s.bulkSubscribe,
              }
            : { pubsubname: s.pubsubname, topic: s.topic, route: `/events/${s.pubsubname}` },
        ),
      );
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const bulk = req.url.startsWith('/bulk/');
    if (req.method !== 'POST' || !(bulk || req.url.startsWith('/events/'))) {
      res.writeHead(404).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const recvNs = nowNs();
      if (bulk) {
        // Bulk subscribe: {entries: [{entryId, event}]} → {statuses: [{entryId, status}]}.
        const statuses = [];
        try {
          const { entries } = JSON.parse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
          for (const e of entries) {
            rx.record(e.event.data, recvNs);
            statuses.push({ entryId: e.entryId, status: 'SUCCESS' });
          }
        } catch {
          rx.foreign++;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ statuses }));
        return;
      }
      try {
        const ce = JSON.parse(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        rx.record(ce.data, recvNs);
      } catch {
        rx.foreign++;
      }
      res.writeHead(200, OK_HEADERS).end(SUCCESS);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        /** What /dapr/subscribe answers from now on: [{pubsubname, topic}]. */
        setSubs: (list) => (subs = list),
        subscribeCalls: () => subscribeCalls,
        close: () => new Promise((r) => server.close(r)),
      }),
    ),
  );
}
