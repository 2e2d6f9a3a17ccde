import { describe, expect, it } from 'vitest';
import type { PubSub, PubSubMessage } from '../../components/pubsub/interface.js';
import { silentLogger } from '../../diagnostics/logger.js';
import { noResiliency } from '../../resiliency/provider.js';
import type { SubscriptionSpec } from '../subscriptions/types.js';
import type { AppDelivery, BulkEventDelivery } from './app-delivery.js';
import { createBulkHandler } from './bulk-subscriber.js';
import type { SubscriberDeps } from './subscriber.js';

const spec: SubscriptionSpec = {
  source: 'test',
  type: 'PROGRAMMATIC',
  pubsubName: 'ps',
  topic: 't',
  rules: [{ match: '', path: '/bulk' }],
  metadata: {},
  bulkSubscribe: { enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 60_000 },
};

/** An app that answers SUCCESS for every entry and records each batch's entry count. */
function recordingDeps(batches: number[]): SubscriberDeps {
  const app: AppDelivery = {
    deliverEvent: () => Promise.reject(new Error('not used')),
    deliverBulk: (req: BulkEventDelivery) => {
      batches.push(req.entries.length);
      return Promise.resolve(new Map(req.entries.map((e) => [e.entryId, 'SUCCESS'])));
    },
    listSubscriptions: () => Promise.resolve([]),
  };
  return {
    pubsub: { name: 'ps', type: 'pubsub.test', version: 'v1', pubsub: {} as PubSub, metadata: {} },
    app,
    inbound: noResiliency.componentInbound('ps', 'pubsub'),
    logger: silentLogger(),
    now: Date.now,
  };
}

const message = (i: number): PubSubMessage => ({
  topic: 't',
  data: Buffer.from(JSON.stringify({ specversion: '1.0', id: `m${i}`, type: 'x', source: 's', data: { i } })),
  metadata: {},
});

describe('bulk subscribe batches', () => {
  it('sends a batch as soon as it holds as many messages as the component runs at once', async () => {
    const batches: number[] = [];
    const handler = createBulkHandler(spec, spec.bulkSubscribe!, recordingDeps(batches), 3);
    // maxAwaitDurationMs is a minute: only the window can send these before the test times out.
    await Promise.all([0, 1, 2].map((i) => handler(message(i))));
    expect(batches).toEqual([3]);
  });

  it('a one-at-a-time component gets each message sent at once, not after the wait', async () => {
    const batches: number[] = [];
    const handler = createBulkHandler(spec, spec.bulkSubscribe!, recordingDeps(batches), 1);
    await handler(message(0));
    await handler(message(1));
    expect(batches).toEqual([1, 1]);
  });

  it('fills up to maxMessagesCount when the component allows more calls than that', async () => {
    const batches: number[] = [];
    const bulk = { enabled: true, maxMessagesCount: 4, maxAwaitDurationMs: 60_000 };
    const handler = createBulkHandler({ ...spec, bulkSubscribe: bulk }, bulk, recordingDeps(batches));
    await Promise.all(Array.from({ length: 8 }, (_, i) => handler(message(i))));
    expect(batches).toEqual([4, 4]);
  });

  it('sends a partial batch after maxAwaitDurationMs', async () => {
    const batches: number[] = [];
    const bulk = { enabled: true, maxMessagesCount: 100, maxAwaitDurationMs: 20 };
    const handler = createBulkHandler({ ...spec, bulkSubscribe: bulk }, bulk, recordingDeps(batches), 50);
    await Promise.all([0, 1].map((i) => handler(message(i))));
    expect(batches).toEqual([2]);
  });
});
