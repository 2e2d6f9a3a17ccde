import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryPubSub } from '../../../components/pubsub/in-memory/index.js';
import type { PubSubMessage } from '../../../components/pubsub/interface.js';
import { noResiliency } from '../../../resiliency/provider.js';
import { CompStore } from '../../../runtime/compstore.js';
import { PubSubApi } from '../../universal/pubsub.js';
import { pubsubRoutes } from './pubsub.js';
import { JobsHarness, logger } from './jobs-harness.js';

let h: JobsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('triggered jobs reach the app as daprd sends them', () => {
  it('POST /job/{name}, Content-Type application/json, the data JSON exactly (not wrapped)', async () => {
    h = await JobsHarness.start();
    const cases: Record<string, [string, string]> = {
      'simple-string': ['"someData"', '"someData"'],
      'quoted-string': ['"\\"xyz\\""', '"\\"xyz\\""'],
      number: ['123', '123'],
      object: ['{"expression":"val"}', '{"expression":"val"}'],
      'object-space': ['  {    "expression":   "val" } ', '{"expression":"val"}'],
      'proto-string': [
        '{"@type":"type.googleapis.com/google.protobuf.StringValue","value": "aproto"}',
        '{"@type":"type.googleapis.com/google.protobuf.StringValue","value":"aproto"}',
      ],
    };
    for (const [name, [data]] of Object.entries(cases)) {
      expect((await h.post(`/v1.0/jobs/${name}`, `{"dueTime":"0s","data":${data}}`)).status).toBe(204);
    }
    expect((await h.post('/v1.0/jobs/nodata-http', '{"due_time": "0s"}')).status).toBe(204);
    const app = h.app;
    expect(await app.until(() => app.calls.length >= 7, 5000)).toBe(true);
    for (const [name, [, expected]] of Object.entries(cases)) {
      const call = app.calls.find((c) => c.name === name);
      expect(call?.body, name).toBe(expected);
      expect(call?.contentType, name).toBe('application/json');
    }
    expect(app.calls.find((c) => c.name === 'nodata-http')?.body).toBe('');
    // One-shots are removed once delivered.
    expect(await h.api.listJobs()).toEqual([]);
  });

  it('escapes special characters in the trigger path', async () => {
    h = await JobsHarness.start();
    expect((await h.post('/v1.0/jobs/my%7C%7Cjob@name', '{"schedule":"@daily","dueTime":"0s"}')).status).toBe(
      204,
    );
    const app = h.app;
    expect(await app.until(() => app.count('my||job@name') === 1, 3000)).toBe(true);
  });

  it('404 from the app counts as delivered: one call, no retry', async () => {
    h = await JobsHarness.start({ appStatus: () => 404 });
    await h.post('/v1.0/jobs/missing-handler', '{"dueTime":"0s"}');
    const app = h.app;
    expect(await app.until(() => app.count('missing-handler') === 1, 3000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1300));
    expect(app.count('missing-handler')).toBe(1);
  });

  it('an always-failing app with no failure policy gets 4 calls in all, never a 5th (injected clock)', async () => {
    let t = Date.UTC(2026, 0, 1);
    h = await JobsHarness.start({ appStatus: () => 500, now: () => t });
    await h.post('/v1.0/jobs/test', '{"dueTime":"0s"}');
    await h.post(
      '/v1.0/jobs/constant',
      '{"dueTime":"0s","failurePolicy":{"constant":{"interval":"3s","maxRetries":5}}}',
    );
    await h.post('/v1.0/jobs/drop', '{"dueTime":"0s","failurePolicy":{"drop":{}}}');
    await h.post('/v1.0/jobs/unavailable', '{"dueTime":"0s"}');
    for (let i = 0; i <= 300; i++) {
      await h.engine.runDue();
      t += 100;
    }
    expect(h.app.count('test')).toBe(4);
    expect(h.app.count('constant')).toBe(6);
    expect(h.app.count('drop')).toBe(1);
    expect(h.app.count('unavailable')).toBe(4);
  });

  it('after a failed first call, a success ends the retries (failsecond)', async () => {
    let t = Date.UTC(2026, 0, 1);
    h = await JobsHarness.start({ appStatus: (_name, n) => (n < 2 ? 503 : 200), now: () => t });
    await h.post('/v1.0/jobs/test', '{"dueTime":"0s"}');
    for (let i = 0; i <= 100; i++) {
      await h.engine.runDue();
      t += 100;
    }
    expect(h.app.count('test')).toBe(2);
  });
});

describe("the seeds' reminder flow", () => {
  it('a reminder scheduled with RFC 3339 schedule+dueTime fires once and publishes through pub/sub', async () => {
    const compStore = new CompStore();
    const pubsub = new InMemoryPubSub({ logger });
    await pubsub.init();
    compStore.addPubSub({
      name: 'kafka-pubsub',
      type: 'pubsub.in-memory',
      version: 'v1',
      pubsub,
      metadata: {},
    });
    const received: PubSubMessage[] = [];
    await pubsub.subscribe({ topic: 'reminders', metadata: {} }, async (m) => {
      received.push(m);
    });
    const harness = await JobsHarness.start({
      routes: () =>
        pubsubRoutes(new PubSubApi({ appId: 'myapp', compStore, resiliency: noResiliency, logger })),
      // The app's /job/reminder-task-789 handler publishes "com.todo.reminder.due" via the sidecar.
      onCall: async (call) => {
        const job = JSON.parse(call.body) as { task_id: string; user_id: string };
        const res = await fetch(`${harness.url}/v1.0/publish/kafka-pubsub/reminders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'com.todo.reminder.due',
            data: { task_id: job.task_id, user_id: job.user_id },
          }),
        });
        if (res.status !== 204) throw new Error(`publish failed: ${res.status}`);
      },
    });
    h = harness;
    const at = new Date(Date.now() + 300).toISOString();
    const res = await harness.post(
      '/v1.0-alpha1/jobs/reminder-task-789',
      JSON.stringify({
        schedule: at,
        data: { task_id: 'task-789', user_id: 'user-456', reminder_message: 'Time to buy groceries!' },
        dueTime: at,
      }),
    );
    expect(res.status).toBe(204);
    const recurring = await harness.post(
      '/v1.0-alpha1/jobs/recurring-task-123',
      JSON.stringify({
        schedule: '@every 24h',
        data: { task_id: 'task-recurring-123', user_id: 'user-456' },
      }),
    );
    expect(recurring.status).toBe(204);
    expect(
      ((await (await harness.get('/v1.0-alpha1/jobs/recurring-task-123')).json()) as { schedule: string })
        .schedule,
    ).toBe('@every 24h');
    const app = harness.app;
    expect(await app.until(() => received.length === 1, 5000)).toBe(true);
    const fired = app.calls.find((c) => c.name === 'reminder-task-789')!;
    expect(fired.at).toBeGreaterThanOrEqual(Date.parse(at));
    expect(JSON.parse(fired.body)).toEqual({
      task_id: 'task-789',
      user_id: 'user-456',
      reminder_message: 'Time to buy groceries!',
    });
    const event = JSON.parse(received[0].data.toString('utf8')) as Record<string, unknown>;
    expect(event).toMatchObject({ topic: 'reminders', pubsubname: 'kafka-pubsub', source: 'myapp' });
    expect((event.data as Record<string, unknown>).type).toBe('com.todo.reminder.due');
    await new Promise((r) => setTimeout(r, 500));
    expect(app.count('reminder-task-789')).toBe(1);
    expect((await harness.delete('/v1.0-alpha1/jobs/reminder-task-789')).status).toBe(204);
    expect((await harness.delete('/v1.0-alpha1/jobs/recurring-task-123')).status).toBe(204);
    expect(await harness.api.listJobs()).toEqual([]);
  });
});
