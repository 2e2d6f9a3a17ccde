import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as Code, type ClientDuplexStream } from '@grpc/grpc-js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../index.js';
import { parseFile } from '../../resources/loader.js';
import type { TopicEventRequestPb } from '../../messaging/delivery/grpc-envelope.js';
import { TestGrpcClient } from './testing.js';

type Req = Record<string, unknown>;
interface Res {
  initialResponse?: object | null;
  eventMessage?: TopicEventRequestPb | null;
}
type Answer = 'SUCCESS' | 'RETRY' | 'DROP' | 'NONE';

/** An app's side of `SubscribeTopicEventsAlpha1`: answers each event with `answer(event)`. */
class StreamApp {
  readonly events: TopicEventRequestPb[] = [];
  readonly stream: ClientDuplexStream<Req, Res>;
  readonly ready: Promise<void>;
  readonly ended: Promise<unknown>;

  constructor(
    client: TestGrpcClient,
    init: { pubsubName: string; topic: string; deadLetterTopic?: string },
    private readonly answer: (e: TopicEventRequestPb, n: number) => Answer = () => 'SUCCESS',
  ) {
    this.stream = client.stream<Req, Res>('SubscribeTopicEventsAlpha1');
    this.ended = new Promise((resolve) => {
      this.stream.on('error', resolve);
      this.stream.on('end', () => resolve('end'));
    });
    this.ready = new Promise((resolve) =>
      this.stream.on('data', (msg: Res) => {
        if (msg.initialResponse) return resolve();
        const e = msg.eventMessage!;
        this.events.push(e);
        const a = this.answer(e, this.events.length);
        if (a !== 'NONE') this.stream.write({ eventProcessed: { id: e.id, status: { status: a } } });
      }),
    );
    this.stream.write({ initialRequest: { metadata: {}, ...init } });
  }

  data(): unknown[] {
    return this.events.map((e) => JSON.parse(e.data.toString('utf8')));
  }
}

const until = async (pred: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  expect(pred()).toBe(true);
};

describe('streaming subscriptions (SubscribeTopicEventsAlpha1)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-grpc-stream-'));
  let rt: Runtime | undefined;
  let client: TestGrpcClient | undefined;

  afterEach(async () => {
    client?.close();
    await rt?.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = async (pubsub: { type: string; metadata?: Record<string, string> }, retries = 0) => {
    rt = await startRuntime({
      appId: 'streamer',
      components: [{ name: 'pubsub', ...pubsub }],
      resources:
        retries > 0
          ? parseFile(
              'r.yaml',
              `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata: {name: r}
spec:
  policies: {retries: {fast: {policy: constant, duration: 5ms, maxRetries: ${retries}}}}
  targets: {components: {pubsub: {inbound: {retry: fast}}}}
`,
            )
          : [],
    });
    client = new TestGrpcClient(rt.grpcPort);
    return client;
  };
  const publish = (c: TestGrpcClient, topic: string, data: unknown) =>
    c.call('PublishEvent', {
      pubsubName: 'pubsub',
      topic,
      data: Buffer.from(JSON.stringify(data)),
      dataContentType: 'application/json',
    });

  it('1,000 events arrive in publish order over one stream', async () => {
    const c = await start({ type: 'pubsub.in-memory' });
    const app = new StreamApp(c, { pubsubName: 'pubsub', topic: 'orders' });
    await app.ready;
    const md = rt!.metadata().subscriptions as { topic: string; type: string }[];
    expect(md).toContainEqual(expect.objectContaining({ topic: 'orders', type: 'STREAMING' }));
    for (let i = 0; i < 1000; i++) await publish(c, 'orders', { seq: i });
    await until(() => app.events.length === 1000, 30_000);
    expect(app.data()).toEqual(Array.from({ length: 1000 }, (_, i) => ({ seq: i })));
    const e = app.events[0];
    expect(e).toMatchObject({
      topic: 'orders',
      pubsubName: 'pubsub',
      path: '/',
      dataContentType: 'application/json',
      source: 'streamer',
      type: 'com.dapr.event.sent',
      specVersion: '1.0',
    });
    app.stream.end();
    await app.ended;
    await until(() => (rt!.metadata().subscriptions as unknown[]).length === 0);
  }, 60_000);

  it('RETRY redelivers the same event id; nothing is acked before SUCCESS', async () => {
    const c = await start({ type: 'pubsub.in-memory' }, 3);
    const app = new StreamApp(c, { pubsubName: 'pubsub', topic: 'retry' }, (_e, n) =>
      n < 3 ? 'RETRY' : 'SUCCESS',
    );
    await app.ready;
    await publish(c, 'retry', { x: 1 });
    await until(() => app.events.length === 3);
    expect(new Set(app.events.map((e) => e.id)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(app.events).toHaveLength(3);
  });

  it('DROP and exhausted retries go to the dead-letter topic', async () => {
    const c = await start({ type: 'pubsub.in-memory' }, 1);
    const dlq = new StreamApp(c, { pubsubName: 'pubsub', topic: 'poison' });
    const app = new StreamApp(c, { pubsubName: 'pubsub', topic: 'work', deadLetterTopic: 'poison' }, (e) =>
      JSON.parse(e.data.toString()).drop ? 'DROP' : 'RETRY',
    );
    await Promise.all([dlq.ready, app.ready]);
    await publish(c, 'work', { drop: true });
    await publish(c, 'work', { drop: false });
    await until(() => dlq.events.length === 2);
    expect(dlq.data()).toEqual([{ drop: true }, { drop: false }]);
    expect(app.events).toHaveLength(3);
  });

  it('a dropped stream reconnects (a new stream) without loss on a durable broker', async () => {
    const c = await start({
      type: 'pubsub.sqlite',
      metadata: { connectionString: join(dir, 'pubsub.db'), pollInterval: '20ms', retryInterval: '20ms' },
    });
    const first = new StreamApp(c, { pubsubName: 'pubsub', topic: 'durable' }, (_e, n) =>
      n <= 10 ? 'SUCCESS' : 'NONE',
    );
    await first.ready;
    for (let i = 0; i < 50; i++) await publish(c, 'durable', { seq: i });
    await until(() => first.events.length === 11);
    // The 11th event is in flight, never answered: the app goes away.
    first.stream.cancel();
    expect(await first.ended).toMatchObject({ code: Code.CANCELLED });
    const second = new StreamApp(c, { pubsubName: 'pubsub', topic: 'durable' });
    await second.ready;
    await until(() => second.events.length === 40);
    const acked = [...first.data().slice(0, 10), ...second.data()];
    expect(acked).toEqual(Array.from({ length: 50 }, (_, i) => ({ seq: i })));
  });

  it('several streams on one topic (daprd 1.16+): each has its own subscription; unknown pub/sub fails', async () => {
    const c = await start({ type: 'pubsub.in-memory' });
    const apps = [0, 1, 2].map(() => new StreamApp(c, { pubsubName: 'pubsub', topic: 'shared' }));
    await Promise.all(apps.map((a) => a.ready));
    const md = await c.call<{ subscriptions: { topic: string; type: string }[] }>('GetMetadata', {});
    expect(md.subscriptions.filter((s) => s.topic === 'shared' && s.type === 'STREAMING')).toHaveLength(3);
    for (let i = 0; i < 5; i++) await publish(c, 'shared', { i });
    // The in-memory broker gives every subscription every event.
    await until(() => apps.every((a) => a.events.length === 5));
    for (const a of apps) expect(a.data()).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    apps[0].stream.end();
    await apps[0].ended;
    await publish(c, 'shared', { i: 5 });
    await until(() => apps[1].events.length === 6 && apps[2].events.length === 6);
    const unknown = new StreamApp(c, { pubsubName: 'nope', topic: 'solo' });
    expect(await unknown.ended).toMatchObject({
      code: Code.INVALID_ARGUMENT,
      details: 'pubsub nope is not found',
    });
  });

  it("a bad first or later message ends the stream with UNKNOWN and daprd's text", async () => {
    const c = await start({ type: 'pubsub.in-memory' });
    const noTopic = new StreamApp(c, { pubsubName: 'pubsub', topic: '' });
    expect(await noTopic.ended).toMatchObject({ code: Code.UNKNOWN, details: 'topic is required' });
    const noPubsub = new StreamApp(c, { pubsubName: '', topic: 't' });
    expect(await noPubsub.ended).toMatchObject({ code: Code.UNKNOWN, details: 'pubsubName is required' });
    const twice = new StreamApp(c, { pubsubName: 'pubsub', topic: 't' });
    await twice.ready;
    twice.stream.write({ initialRequest: { pubsubName: 'pubsub', topic: 't' } });
    expect(await twice.ended).toMatchObject({
      code: Code.UNKNOWN,
      details: 'duplicate initial request received',
    });
  });

  it('closing the runtime ends open streams', async () => {
    const c = await start({ type: 'pubsub.in-memory' });
    const app = new StreamApp(c, { pubsubName: 'pubsub', topic: 'bye' });
    await app.ready;
    await rt!.close();
    rt = undefined;
    await expect(app.ended).resolves.toBeDefined();
  });
});
