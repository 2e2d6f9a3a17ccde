import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

// daprd's GET /v1.0/metadata lists the compstore's subscriptions (ListTypedSubscriptions): every
// one the app declared, including those whose pub/sub is not loaded, which never run.
it('GET /v1.0/metadata lists a subscription to a pub/sub that is not loaded (it does not run)', async () => {
  await using app = await SubscriberApp.start([
    { pubsubname: 'pubsub', topic: 'orders', route: '/orders' },
    { pubsubname: 'kafka-pubsub', topic: 'task-events', route: '/task-events' },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);
  const md = (await (await p.fetch('/v1.0/metadata')).json()) as {
    subscriptions: { pubsubname: string; topic: string; type: string }[];
  };
  expect(md.subscriptions.map((s) => [s.pubsubname, s.topic, s.type])).toEqual([
    ['pubsub', 'orders', 'PROGRAMMATIC'],
    ['kafka-pubsub', 'task-events', 'PROGRAMMATIC'],
  ]);
});
