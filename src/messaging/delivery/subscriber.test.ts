import { describe, expect, it } from 'vitest';
import type { PubSub, PubSubMessage, PublishRequest } from '../../components/pubsub/interface.js';
import { silentLogger } from '../../diagnostics/logger.js';
import { noResiliency } from '../../resiliency/provider.js';
import type { SubscriptionSpec } from '../subscriptions/types.js';
import type { AppDelivery } from './app-delivery.js';
import { createMessageHandler, type SubscriberDeps } from './subscriber.js';

const spec: SubscriptionSpec = {
  source: 'test',
  type: 'PROGRAMMATIC',
  pubsubName: 'ps',
  topic: 'orders',
  rules: [{ match: '', path: '/orders' }],
  deadLetterTopic: 'poison',
  metadata: {},
};

const message: PubSubMessage = {
  topic: 'orders',
  data: Buffer.from(JSON.stringify({ specversion: '1.0', id: 'm1', type: 'x', source: 's', data: 1 })),
  metadata: {},
};

/** An app that answers DROP, on a pub/sub whose publish (the dead-letter topic's) does `publish`. */
function dropping(publish: (req: PublishRequest) => Promise<void>): SubscriberDeps {
  const app: AppDelivery = {
    deliverEvent: () => Promise.resolve({ outcome: 'DROP', reason: 'app returned DROP', status: 200 }),
    deliverBulk: () => Promise.reject(new Error('not used')),
    listSubscriptions: () => Promise.resolve([]),
  };
  const pubsub = { publish } as unknown as PubSub;
  return {
    pubsub: { name: 'ps', type: 'pubsub.test', version: 'v1', pubsub, metadata: {} },
    app,
    inbound: noResiliency.componentInbound('ps', 'pubsub'),
    logger: silentLogger(),
    now: Date.now,
  };
}

describe('an event the app drops', () => {
  it('goes to the dead-letter topic and is acked', async () => {
    const sent: PublishRequest[] = [];
    const handler = createMessageHandler(
      spec,
      dropping((req) => (sent.push(req), Promise.resolve())),
    );
    await expect(handler(message)).resolves.toBeUndefined();
    expect(sent.map((r) => [r.topic, r.data.toString()])).toEqual([['poison', message.data.toString()]]);
  });

  it('is not acked when the dead-letter topic does not take it (daprd since dapr/dapr#8284)', async () => {
    const handler = createMessageHandler(
      spec,
      dropping(() => Promise.reject(new Error('broker down'))),
    );
    await expect(handler(message)).rejects.toThrow(/dead-letter topic poison/);
  });

  it('is acked without a dead-letter topic', async () => {
    const handler = createMessageHandler(
      { ...spec, deadLetterTopic: undefined },
      dropping(() => Promise.reject(new Error('not used'))),
    );
    await expect(handler(message)).resolves.toBeUndefined();
  });
});
