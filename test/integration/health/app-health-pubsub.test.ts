import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { postJson, sleep } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { appHealthArgs, HealthApp, waitUntil } from '../../helpers/health-app.js';

const count = (text: string, needle: string) => text.split(needle).length - 1;

it('app health checks: nothing is delivered before the first healthy probe or while unhealthy; every message arrives once healthy', async () => {
  const topic = `daprts-it-apphealth-${randomUUID()}`;
  const appId = `apphealth-${randomUUID().slice(0, 8)}`;
  await using app = await HealthApp.start({
    healthy: false,
    subscriptions: [{ pubsubname: 'pubsub', topic, route: '/events' }],
  });
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  try {
    await using p = await DaprtsProcess.start({
      appId,
      resources: {
        'pubsub.yaml': componentYaml({
          name: 'pubsub',
          type: 'pubsub.redis',
          metadata: [{ name: 'redisHost', value: '127.0.0.1:6379' }],
        }),
      },
      args: appHealthArgs(app.port, 2),
    });
    const publish = async (id: string) =>
      expect((await postJson(p, `/v1.0/publish/pubsub/${topic}`, { id })).status).toBe(204);
    const delivered = () =>
      app.to('/events').map((r) => (JSON.parse(r.body) as { data: { id: string } }).data.id);

    // The app starts unhealthy: probes go on, nothing is subscribed or delivered.
    await publish('a');
    await waitUntil(() => app.probes >= 2, 'two failed probes');
    await sleep(300);
    expect(delivered()).toEqual([]);
    expect(p.output).not.toContain(`subscribed to pubsub/${topic}`);
    // As daprd, the sidecar itself is ready once the app port answers, healthy or not.
    expect((await p.fetch('/v1.0/healthz')).status).toBe(204);

    // First successful probe: subscriptions start and the waiting message arrives.
    app.healthy = true;
    await waitUntil(() => delivered().length === 1, 'delivery of a');
    expect(delivered()).toEqual(['a']);
    expect(p.output).toContain('App entered healthy status');

    // Metadata reports the health settings in daprd's formats.
    const md = (await (await p.fetch('/v1.0/metadata')).json()) as {
      appConnectionProperties: Record<string, unknown>;
      subscriptions: { topic: string }[];
    };
    expect(md.appConnectionProperties.health).toEqual({
      healthCheckPath: '/healthz',
      healthProbeInterval: '1s',
      healthProbeTimeout: '500ms',
      healthThreshold: 2,
    });

    // Unhealthy after two failed probes: the subscription is closed.
    app.healthy = false;
    await waitUntil(() => p.output.includes('app subscriptions stopped'), 'the subscriptions to stop');
    expect(p.output).toContain('App entered un-healthy status: Health check failed with status code: 500');
    expect(app.to('/healthz').filter((r) => !r.healthy).length).toBeGreaterThanOrEqual(2);
    // Still listed in the metadata while paused, as daprd keeps its subscription table.
    expect((await (await p.fetch('/v1.0/metadata')).json()) as typeof md).toMatchObject({
      subscriptions: [{ topic }],
    });
    await publish('b');
    await publish('c');
    await sleep(2500); // a few probe intervals: a live subscription would have delivered by now
    expect(delivered()).toEqual(['a']);
    // The messages wait in the stream, unacknowledged by this app's consumer group.
    expect(await redis.xlen(topic)).toBe(3);

    // Healthy again: re-subscribed, the messages published meanwhile arrive, nothing twice.
    app.healthy = true;
    await waitUntil(() => delivered().length === 3, 'delivery of b and c');
    await sleep(500);
    expect(delivered()).toEqual(['a', 'b', 'c']);
    expect(count(p.output, `subscribed to pubsub/${topic}`)).toBe(2);
    // No delivery reached the app while it reported itself unhealthy.
    expect(app.to('/events').every((r) => r.healthy)).toBe(true);
  } finally {
    await redis.del(topic);
    redis.disconnect();
  }
}, 40_000);
