// The todo app's event flow on Dapr pub/sub, with no broker code: it publishes "task created"
// events and receives them back through a subscription. Which broker carries them is decided by
// the component YAML alone (components/kafka or components/redis): swap the folder, not the code.
//
//   npx daprts run --app-id todo --app-port 7001 -d examples/todo-events/components/redis -- node examples/todo-events/app.mjs
import { createServer } from 'node:http';

const dapr = `http://127.0.0.1:${process.env.DAPR_HTTP_PORT ?? 3500}`;
const port = Number(process.env.APP_PORT ?? 7001);
const count = Number(process.env.PUBLISH_COUNT ?? 20);
const runId = process.env.RUN_ID ?? String(Date.now());
const received = new Set();

// Subscriptions as the seeds declare them: route plus a dead-letter topic.
const subscriptions = [
  {
    pubsubname: 'taskpubsub',
    topic: 'task-events',
    route: '/events/task-created',
    deadLetterTopic: 'task-events-dlq',
  },
];

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/dapr/subscribe') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(subscriptions));
    }
    if (req.method === 'POST' && req.url === '/events/task-created') {
      const event = JSON.parse(body);
      if (event.data?.run === runId) received.add(event.data.task_id);
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ status: 'SUCCESS' }));
    }
    res.writeHead(404);
    res.end();
  });
});
await new Promise((r) => server.listen(port, '127.0.0.1', r));

// Wait until the runtime has read our subscriptions (healthz is 204 once it has).
for (let i = 0; i < 400 && (await fetch(`${dapr}/v1.0/healthz`)).status !== 204; i++)
  await new Promise((r) => setTimeout(r, 25));
await new Promise((r) => setTimeout(r, Number(process.env.SETTLE_MS ?? 0)));

let published = 0;
for (let i = 0; i < count; i++) {
  const res = await fetch(`${dapr}/v1.0/publish/taskpubsub/task-events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ task_id: `task-${i}`, run: runId, title: `Task ${i}`, user_id: 'user-456' }),
  });
  if (res.status === 204) published++;
  else console.error(`publish ${i} failed: ${res.status} ${await res.text()}`);
}

const deadline = Date.now() + Number(process.env.WAIT_MS ?? 30_000);
while (received.size < published && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
console.log(`run ${runId}: published ${published}, received ${received.size}`);
server.close();
process.exit(received.size === published && published === count ? 0 : 1);
