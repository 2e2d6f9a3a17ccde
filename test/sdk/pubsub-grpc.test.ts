import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaprClient, DaprServer } from '@dapr/dapr';
import type { Runtime } from '../../src/index.js';
import { emptyDeliveries, startSdkPubsub, until } from '../helpers/sdk.js';

/**
 * The official SDK's DaprServer in gRPC mode (the app serves AppCallback; daprts runs with
 * `appProtocol: 'grpc'`) receiving events, and DaprClient publishing over gRPC: the same cases as
 * pubsub-http.test.ts.
 */
describe('@dapr/dapr DaprServer + DaprClient (gRPC) pub/sub', () => {
  let rt: Runtime;
  let server: DaprServer;
  let client: DaprClient;
  const got = emptyDeliveries();

  beforeAll(async () => {
    ({ rt, server, client } = await startSdkPubsub({
      protocol: 'grpc',
      appId: 'sdk-pubsub-grpc',
      got,
      // The SDK JSON-encodes subscription metadata values: a boolean reaches daprts as "true".
      subscribeRaw: (s, onRaw) =>
        s.pubsub.subscribeWithOptions('pubsub', 'raw', {
          route: '/raw',
          metadata: { rawPayload: true },
          callback: onRaw,
        }),
      // The SDK implements only OnBulkTopicEventAlpha1: daprts falls back to it.
      bulkMaxMessages: 3,
    }));
  });

  afterAll(async () => {
    // The sidecar first: the SDK's app server waits for open connections (daprts's) to end.
    await rt?.close();
    await server?.stop();
  });

  it('registers the subscriptions through ListTopicSubscriptions', () => {
    const topics = rt.metadata().subscriptions.map((s) => (s as { topic: string }).topic);
    expect(topics).toEqual(
      expect.arrayContaining(['plain', 'raw', 'routed', 'failing', 'failing-dlq', 'retry', 'drop']),
    );
  });

  it('delivers a published JSON object to a plain subscription', async () => {
    const res = await client.pubsub.publish('pubsub', 'plain', { orderId: 7 });
    expect(res.error).toBeUndefined();
    await until(() => got.plain.length === 1);
    expect(got.plain[0]).toEqual({ orderId: 7 });
  });

  it('delivers raw payloads to a rawPayload subscription', async () => {
    await client.pubsub.publish('pubsub', 'raw', { raw: true }, { metadata: { rawPayload: 'true' } });
    await until(() => got.raw.length === 1);
    expect(got.raw[0]).toEqual({ raw: true });
  });

  it('routes by rules', async () => {
    await client.pubsub.publish('pubsub', 'routed', { size: 'big' });
    await client.pubsub.publish('pubsub', 'routed', { size: 'small' });
    await until(() => got.big.length === 1 && got.small.length === 1);
    expect(got.big[0]).toEqual({ size: 'big' });
  });

  it('dead-letters what the handler cannot process', async () => {
    await client.pubsub.publish('pubsub', 'failing', { bad: 1 });
    await until(() => got.dlq.length === 1);
    expect(got.dlq[0]).toEqual({ bad: 1 });
  });

  it('RETRY redelivers, DROP does not', async () => {
    await client.pubsub.publish('pubsub', 'retry', { r: 1 });
    await client.pubsub.publish('pubsub', 'drop', { d: 1 });
    await until(() => got.retry.length === 2 && got.drop.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.retry).toHaveLength(2);
    expect(got.drop).toHaveLength(1);
  });

  it('bulk publishes over gRPC', async () => {
    const before = got.plain.length;
    const res = await client.pubsub.publishBulk('pubsub', 'plain', [{ n: 1 }, { n: 2 }]);
    expect(res.failedMessages).toEqual([]);
    await until(() => got.plain.length === before + 2);
    expect(got.plain.slice(before)).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('bulk subscribes (through the OnBulkTopicEventAlpha1 fallback)', async () => {
    for (let i = 0; i < 3; i++) await client.pubsub.publish('pubsub', 'bulk', { i });
    await until(() => got.bulk.length === 3);
    expect(got.bulk).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
  });
});
