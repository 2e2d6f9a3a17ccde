import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

// daprd's findMatchingRoute (pkg/runtime/subscription/subscription.go): a match expression that
// fails on the event (CEL "no such key", no overload) or yields no boolean is an error, not a
// miss: the message goes to the dead-letter topic (or back to the broker), never to `default`.
it('routes.rules: a rule that fails on an event dead-letters it instead of falling through to the default route', async () => {
  await using app = await SubscriberApp.start([
    {
      pubsubname: 'pubsub',
      topic: 'orders',
      routes: { rules: [{ match: 'event.data.priority == "high"', path: '/high' }], default: '/other' },
      deadLetterTopic: 'poison',
    },
    {
      pubsubname: 'pubsub',
      topic: 'items',
      routes: { rules: [{ match: 'event.data.n', path: '/n' }], default: '/items' },
      deadLetterTopic: 'poison',
    },
    { pubsubname: 'pubsub', topic: 'poison', route: '/poison' },
  ]);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }) },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);
  const publish = async (topic: string, data: unknown) =>
    expectNoContent(
      await p.fetch(`/v1.0/publish/pubsub/${topic}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(data),
      }),
    );

  await publish('orders', { priority: 'high' });
  await publish('orders', { priority: 'low' });
  await publish('orders', { id: 'no-priority' });
  await publish('items', { n: 1 });
  await app.waitFor('/high', 1);
  await app.waitFor('/other', 1);
  const poisoned = await app.waitFor('/poison', 2);
  await new Promise((r) => setTimeout(r, 300));
  expect(app.to('/other').map((r) => (JSON.parse(r.body) as { data: unknown }).data)).toEqual([
    { priority: 'low' },
  ]);
  expect(app.to('/items')).toHaveLength(0);
  expect(app.to('/n')).toHaveLength(0);
  expect(poisoned.map((r) => (JSON.parse(r.body) as { data: unknown }).data)).toEqual(
    expect.arrayContaining([{ id: 'no-priority' }, { n: 1 }]),
  );
});
