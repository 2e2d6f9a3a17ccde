import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommunicationProtocolEnum, DaprClient, DaprPubSubStatusEnum, DaprServer } from '@dapr/dapr';
import { startRuntime, type Runtime } from '../../src/index.js';
import { parseFile } from '../../src/resources/loader.js';
import { freePort } from '../helpers/daprts-process.js';

/** The official SDK's DaprServer (HTTP) receiving events from daprts, and DaprClient publishing. */
describe('@dapr/dapr DaprServer + DaprClient (HTTP) pub/sub', () => {
  let rt: Runtime;
  let server: DaprServer;
  let client: DaprClient;
  const got: Record<string, unknown[]> = {
    plain: [],
    raw: [],
    big: [],
    small: [],
    dlq: [],
    retry: [],
    drop: [],
    bulk: [],
  };
  let retries = 0;

  beforeAll(async () => {
    const appPort = await freePort();
    const resiliency = parseFile(
      'r.yaml',
      `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: {name: r}
spec:
  policies: {retries: {fast: {policy: constant, duration: 10ms, maxRetries: 3}}}
  targets: {components: {pubsub: {inbound: {retry: fast}}}}
`,
    );
    rt = await startRuntime({
      appId: 'sdk-pubsub',
      appPort,
      components: [{ name: 'pubsub', type: 'pubsub.in-memory' }],
      resources: resiliency,
    });
    const clientOptions = {
      daprHost: '127.0.0.1',
      daprPort: String(rt.httpPort),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
    };
    server = new DaprServer({
      serverHost: '127.0.0.1',
      serverPort: String(appPort),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
      clientOptions,
    });
    await server.pubsub.subscribe('pubsub', 'plain', async (data) => void got.plain.push(data));
    await server.pubsub.subscribe('pubsub', 'raw', async (data) => void got.raw.push(data), '/raw', {
      rawPayload: 'true',
    });
    await server.pubsub.subscribeWithOptions('pubsub', 'routed', {
      route: { rules: [{ match: 'event.data.size == "big"', path: '/big' }], default: '/small' },
    });
    server.pubsub.subscribeToRoute('pubsub', 'routed', '/big', async (data) => void got.big.push(data));
    server.pubsub.subscribeToRoute('pubsub', 'routed', '/small', async (data) => void got.small.push(data));
    await server.pubsub.subscribeWithOptions('pubsub', 'failing', {
      deadLetterTopic: 'failing-dlq',
      // The SDK acks a handler that throws (js-sdk#333): asking for a retry is how a handler fails.
      callback: async () => DaprPubSubStatusEnum.RETRY,
    });
    // The SDK does not subscribe to the dead-letter topic by itself (with daprd either): the app does.
    await server.pubsub.subscribe('pubsub', 'failing-dlq', async (data) => void got.dlq.push(data));
    await server.pubsub.subscribe('pubsub', 'retry', async (data) => {
      got.retry.push(data);
      return ++retries === 1 ? DaprPubSubStatusEnum.RETRY : DaprPubSubStatusEnum.SUCCESS;
    });
    await server.pubsub.subscribe('pubsub', 'drop', async (data) => {
      got.drop.push(data);
      return DaprPubSubStatusEnum.DROP;
    });
    await server.pubsub.subscribeBulk('pubsub', 'bulk', async (data) => void got.bulk.push(data), {
      maxMessagesCount: 10,
      maxAwaitDurationMs: 100,
    });
    await server.start();
    client = new DaprClient(clientOptions);
    for (let i = 0; i < 200 && (await fetch(`${rt.httpUrl}/v1.0/healthz`)).status !== 204; i++)
      await new Promise((r) => setTimeout(r, 25));
  });

  afterAll(async () => {
    await server?.stop();
    await rt?.close();
  });

  const until = async (pred: () => boolean) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(pred()).toBe(true);
  };

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
