import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

const subscriptionYaml = (name: string, topic: string, route: string) => `apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: ${name}
spec:
  pubsubname: pubsub
  topic: ${topic}
  routes:
    default: ${route}
`;

// daprd's compstore keeps one subscription per pubsub/topic (ListSubscriptionsAppByPubSub,
// ListTypedSubscriptions): the first declarative one, unless the app's GET /dapr/subscribe lists
// the topic too: a programmatic entry replaces what came before it, so the last one wins.
it('same pubsub/topic twice: GET /dapr/subscribe overrides a Subscription resource, its last entry wins', async () => {
  await using app = await SubscriberApp.start([
    { pubsubname: 'pubsub', topic: 'orders', route: '/programmatic' },
    { pubsubname: 'pubsub', topic: 'dup', route: '/first' },
    { pubsubname: 'pubsub', topic: 'dup', route: '/second' },
  ]);
  await using p = await DaprtsProcess.start({
    resources: {
      'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }),
      'a.yaml': subscriptionYaml('a', 'orders', '/declarative'),
      'b.yaml': subscriptionYaml('b', 'items', '/items-a'),
      'c.yaml': subscriptionYaml('c', 'items', '/items-b'),
    },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);

  for (const topic of ['orders', 'dup', 'items'])
    await expectNoContent(
      await p.fetch(`/v1.0/publish/pubsub/${topic}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
  await app.waitFor('/programmatic', 1);
  await app.waitFor('/second', 1);
  const items = await app.waitFor('/items-a', 1);
  expect(items).toHaveLength(1);
  await new Promise((r) => setTimeout(r, 200));
  for (const path of ['/declarative', '/first', '/items-b']) expect(app.to(path)).toHaveLength(0);

  const meta = (await (await p.fetch('/v1.0/metadata')).json()) as {
    subscriptions: { topic: string; type: string; rules: { path: string }[] }[];
  };
  const byTopic = meta.subscriptions.map((s) => [s.topic, s.type, s.rules[0]?.path]);
  expect(byTopic).toHaveLength(3);
  expect(byTopic).toEqual(
    expect.arrayContaining([
      ['orders', 'PROGRAMMATIC', '/programmatic'],
      ['items', 'DECLARATIVE', '/items-a'],
      ['dup', 'PROGRAMMATIC', '/second'],
    ]),
  );
});
