// The app side of bench/jobs.mjs, in its own process so its event loop does not share the
// sidecar's: answers POST /job/{name} with 200 and records how late each trigger arrived
// (receive time minus the due time carried in the job's data). GET /stats returns the lateness
// list and resets it. Prints its port on stdout.

import { createServer } from 'node:http';

let late = [];
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const body = JSON.stringify({ late });
    late = [];
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const now = Date.now();
    try {
      const { due } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      late.push(now - due);
    } catch {
      late.push(NaN);
    }
    res.writeHead(200).end();
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(String(server.address().port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
