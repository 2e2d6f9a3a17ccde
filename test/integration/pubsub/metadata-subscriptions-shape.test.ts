import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { componentYaml } from '../../helpers/resources.js';
import { SubscriberApp, waitAppReady } from '../../helpers/subscriber-app.js';

it('GET /v1.0/metadata lists subscriptions as the docs show them: deadLetterTopic always present ("" when none)', async () => {
  await using app = await SubscriberApp.start([
    { pubsubname: 'pubsub', topic: 'orders', route: 'orders', metadata: { ttlInSeconds: '30' } },
    {
      pubsubname: 'pubsub',
      topic: 'payments',
      routes: { rules: [{ match: 'event.type == "big"', path: '/big' }], default: '/payments' },
      deadLetterTopic: 'poison',
    },
  ]);
  await using p = await DaprtsProcess.start({
    resources: {
      'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }),
      'sub.yaml': `apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: declared
spec:
  pubsubname: pubsub
  topic: declared
  routes:
    default: /declared
`,
    },
    args: ['--app-port', String(app.port)],
  });
  await waitAppReady(p);

  const meta = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions: unknown[] };
  expect(meta.subscriptions).toEqual(
    expect.arrayContaining([
      {
        type: 'DECLARATIVE',
        pubsubname: 'pubsub',
        topic: 'declared',
        deadLetterTopic: '',
        rules: [{ path: '/declared' }],
      },
      {
        type: 'PROGRAMMATIC',
        pubsubname: 'pubsub',
        topic: 'orders',
        deadLetterTopic: '',
        metadata: { ttlInSeconds: '30' },
        rules: [{ path: 'orders' }],
      },
      {
        type: 'PROGRAMMATIC',
        pubsubname: 'pubsub',
        topic: 'payments',
        deadLetterTopic: 'poison',
        rules: [{ match: 'event.type == "big"', path: '/big' }, { path: '/payments' }],
      },
    ]),
  );
  expect(meta.subscriptions).toHaveLength(3);
});
