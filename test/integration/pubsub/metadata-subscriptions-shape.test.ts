import { expect, it } from 'vitest';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';

it('GET /v1.0/metadata lists subscriptions as the docs show them: deadLetterTopic always present ("" when none)', async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'orders', route: 'orders', metadata: { ttlInSeconds: '30' } },
      {
        pubsubname: 'pubsub',
        topic: 'payments',
        routes: { rules: [{ match: 'event.type == "big"', path: '/big' }], default: '/payments' },
        deadLetterTopic: 'poison',
      },
    ],
    resources: {
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
  });

  const meta = (await (await s.sidecar.fetch('/v1.0/metadata')).json()) as { subscriptions: unknown[] };
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
