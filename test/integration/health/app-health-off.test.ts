import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { postJson, sleep } from '../../helpers/dapr-http.js';
import { HealthApp, waitUntil } from '../../helpers/health-app.js';
import { waitAppReady } from '../../helpers/subscriber-app.js';

it('without --enable-app-health-check the app is never probed, a failing /healthz changes nothing and metadata has no health block', async () => {
  const topic = `daprts-it-apphealth-off-${randomUUID()}`;
  await using app = await HealthApp.start({
    healthy: false,
    subscriptions: [{ pubsubname: 'pubsub', topic, route: '/events' }],
  });
  // No resources: the embedded default pub/sub (`pubsub.sqlite`) in this process's own data dir.
  await using p = await DaprtsProcess.start({ args: ['--app-port', String(app.port)] });
  await waitAppReady(p);
  expect((await postJson(p, `/v1.0/publish/pubsub/${topic}`, { n: 1 })).status).toBe(204);
  await waitUntil(() => app.to('/events').length === 1, 'the delivery');
  await sleep(200);
  expect(app.probes).toBe(0);
  expect(p.output).not.toContain('App health probes');
  const md = (await (await p.fetch('/v1.0/metadata')).json()) as {
    appConnectionProperties: Record<string, unknown>;
  };
  expect(md.appConnectionProperties).toEqual({
    port: app.port,
    protocol: 'http',
    channelAddress: '127.0.0.1',
  });
});
