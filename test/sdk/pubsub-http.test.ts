import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaprClient, DaprServer } from '@dapr/dapr';
import type { Runtime } from '../../src/index.js';
import { emptyDeliveries, startSdkPubsub, until } from '../helpers/sdk.js';

/** The official SDK's DaprServer (HTTP) receiving events from daprts, and DaprClient publishing. */
describe('@dapr/dapr DaprServer + DaprClient (HTTP) pub/sub', () => {
  let rt: Runtime;
  let server: DaprServer;
  let client: DaprClient;
  const got = emptyDeliveries();

  beforeAll(async () => {
    ({ rt, server, client } = await startSdkPubsub({
      protocol: 'http',
      appId: 'sdk-pubsub',
      got,
      subscribeRaw: (s, onRaw) => s.pubsub.subscribe('pubsub', 'raw', onRaw, '/raw', { rawPayload: 'true' }),
      bulkMaxMessages: 10,
    }));
  });

  afterAll(async () => {
    await server?.stop();
    await rt?.close();
  });

  it('registers the subscriptions through GET /dapr/subscribe', () => {
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
    expect(JSON.stringify(got.raw[0])).toContain('raw');
  });

  it('routes by rules', async () => {
    await client.pubsub.publish('pubsub', 'routed', { size: 'big' });
    await client.pubsub.publish('pubsub', 'routed', { size: 'small' });
    await until(() => got.big.length === 1 && got.small.length === 1);
  });

  it('dead-letters what the handler cannot process', async () => {
    await client.pubsub.publish('pubsub', 'failing', { bad: 1 });
    await until(() => got.dlq.length === 1);
  });

  it('RETRY redelivers, DROP does not', async () => {
    await client.pubsub.publish('pubsub', 'retry', { r: 1 });
    await client.pubsub.publish('pubsub', 'drop', { d: 1 });
    await until(() => got.retry.length === 2 && got.drop.length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(got.retry).toHaveLength(2);
    expect(got.drop).toHaveLength(1);
  });

  it('bulk publishes over HTTP: objects, strings and CloudEvents, each with the content type the SDK infers', async () => {
    const before = got.plain.length;
    const res = await client.pubsub.publishBulk('pubsub', 'plain', [
      { n: 1 },
      'two',
      {
        specversion: '1.0',
        id: 'ce-3',
        source: 'sdk',
        type: 'com.example',
        datacontenttype: 'application/json',
        data: { n: 3 },
      },
    ]);
    expect(res.failedMessages).toEqual([]);
    await until(() => got.plain.length === before + 3);
    expect(got.plain.slice(before)).toEqual(expect.arrayContaining([{ n: 1 }, 'two', { n: 3 }]));
  });

  it('bulk subscribes over HTTP (DaprServer.subscribeBulk answers the statuses)', async () => {
    for (let i = 0; i < 3; i++) await client.pubsub.publish('pubsub', 'bulk', { i });
    await until(() => got.bulk.length === 3);
    expect(got.bulk).toEqual(expect.arrayContaining([{ i: 0 }, { i: 1 }, { i: 2 }]));
    await new Promise((r) => setTimeout(r, 200));
    // Every entry acknowledged: nothing redelivered.
    expect(got.bulk).toHaveLength(3);
  });
});
