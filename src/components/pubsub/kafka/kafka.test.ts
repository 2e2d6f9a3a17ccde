import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import { loadKafkaLibrary } from '../../common/kafka/client.js';
import type { PubSubMessage } from '../interface.js';
import { pubSubRegistry } from '../registry.js';
import { KafkaPubSub, toRecord } from './index.js';
import { kafkaAvailable, startKafkaMock, type KafkaMock } from './testing.js';

const logger = createLogger({
  appId: 'kafka-test',
  level: (process.env.KAFKA_TEST_LOG as 'debug' | undefined) ?? 'silent',
});
const uniq = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function waitFor(cond: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const text = (m: PubSubMessage) => m.data.toString();

describe('pubsub.kafka without a broker', () => {
  it('is registered (creating it does not load the native client; init does)', async () => {
    const ctx = {
      name: 'k',
      type: 'pubsub.kafka',
      version: 'v1',
      metadata: {},
      appId: 'a',
      namespace: 'default',
    };
    const c = await pubSubRegistry.find('pubsub.kafka', 'v1')({ ...ctx, logger, dataDir: '', now: Date.now });
    expect(c).toBeInstanceOf(KafkaPubSub);
  });

  it('fails init with a clear error when brokers is missing', async () => {
    const c = new KafkaPubSub({ name: 'events', appId: 'a', logger, metadata: { authType: 'none' } });
    await expect(c.init()).rejects.toThrow("component events: invalid metadata field 'brokers': is required");
  });

  it('fails init (not the runtime) when the native client cannot be loaded', async () => {
    const c = new KafkaPubSub(
      { name: 'events', appId: 'a', logger, metadata: { brokers: 'x:1', authType: 'none' } },
      () => loadKafkaLibrary('@confluentinc/kafka-javascript-not-installed'),
    );
    await expect(c.init()).rejects.toThrow(
      /component events \(pubsub\.kafka\).*CKJS_LINKING=dynamic npm install/,
    );
  });

  it('maps publish metadata to the record: key, partition, the rest as headers', () => {
    const data = Buffer.from('x');
    expect(toRecord(data, { partitionKey: 'k', partitionNumber: '2', traceparent: 't' })).toEqual({
      key: 'k',
      value: data,
      partition: 2,
      headers: { partitionNumber: '2', traceparent: 't' },
    });
    expect(toRecord(data, { __key: 'k2' })).toEqual({ key: 'k2', value: data });
    expect(toRecord(data, {})).toEqual({ key: null, value: data });
    expect(() => toRecord(data, { partitionNumber: 'one' })).toThrow(/partitionNumber 'one'/);
  });
});

const available = await kafkaAvailable();

// Tests run concurrently (unique topics and groups each): the mock's group joins take seconds.
describe.skipIf(!available)('pubsub.kafka against the librdkafka mock cluster', () => {
  let mock: KafkaMock;

  beforeAll(async () => {
    mock = await startKafkaMock(3);
  });
  afterAll(async () => {
    await mock?.stop();
  });

  /** A component on the mock, closed when the test ends. */
  async function component(
    ctx: TestContext,
    metadata: Record<string, string> = {},
    appId = uniq('app'),
  ): Promise<KafkaPubSub> {
    const c = new KafkaPubSub({
      name: 'kafka',
      appId,
      logger,
      metadata: {
        brokers: mock.bootstrap,
        authType: 'none',
        initialOffset: 'oldest',
        sessionTimeout: '6s',
        heartbeatInterval: '500ms',
        consumeRetryInterval: '50',
        ...metadata,
      },
    });
    ctx.onTestFinished(() => c.close());
    await c.init();
    return c;
  }

  it.concurrent('round trip through an idempotent snappy producer, with key and headers', async (ctx) => {
    const { expect } = ctx;
    const c = await component(ctx, { enableIdempotence: 'true', compressionType: 'snappy' });
    const topic = uniq('rt');
    const got: PubSubMessage[] = [];
    await c.subscribe({ topic, metadata: {} }, async (m) => void got.push(m));
    await c.publish({
      topic,
      data: Buffer.from('{"hello":"kafka"}'),
      metadata: { partitionKey: 'order-1', traceparent: '00-abc-def-01', custom: 'x y' },
    });
    await waitFor(() => got.length === 1, 20_000, 'the message');
    expect(text(got[0])).toBe('{"hello":"kafka"}');
    expect(got[0].topic).toBe(topic);
    expect(got[0].metadata).toMatchObject({
      __key: 'order-1',
      __topic: topic,
      __offset: '0',
      traceparent: '00-abc-def-01',
      custom: 'x y',
    });
    expect(got[0].metadata.__partition).toMatch(/^[0-3]$/);
    expect(got[0].metadata.__timestamp).toMatch(/^\d+$/);
    expect(got[0].metadata).not.toHaveProperty('partitionKey');
  });

  it.concurrent('keeps the order within a partition (1,000 messages with one key)', async (ctx) => {
    const { expect } = ctx;
    const c = await component(ctx);
    const topic = uniq('order');
    const got: number[] = [];
    const partitions = new Set<string>();
    await c.subscribe({ topic, metadata: {} }, async (m) => {
      got.push(Number(text(m)));
      partitions.add(m.metadata.__partition);
      // A slower consumer than fetcher: the partition's queue fills up and fetching pauses.
      if (got.length % 100 === 0) await new Promise((r) => setTimeout(r, 50));
    });
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        c.publish({ topic, data: Buffer.from(String(i)), metadata: { partitionKey: 'same' } }),
      ),
    );
    await waitFor(() => got.length >= 1000, 30_000, '1,000 messages');
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(partitions.size).toBe(1);
  });

  it.concurrent(
    'processes partitions in parallel: a stuck or failing partition holds up no other',
    async (ctx) => {
      const { expect } = ctx;
      const c = await component(ctx);
      const topic = uniq('par');
      const got = new Map<string, number[]>();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let rejected = false;
      await c.subscribe({ topic, metadata: {} }, async (m) => {
        const [p, n] = [m.metadata.__partition, Number(text(m))];
        if (p === '0' && n === 0) await gate; // partition 0 is stuck on its first message
        if (p === '1' && n === 2 && !rejected) {
          rejected = true; // partition 1 fails once: paused, sought back, resumed
          throw new Error('retry');
        }
        got.set(p, [...(got.get(p) ?? []), n]);
      });
      try {
        for (let i = 0; i < 5; i++) {
          await Promise.all(
            [0, 1, 2, 3].map((p) =>
              c.publish({ topic, data: Buffer.from(String(i)), metadata: { partitionNumber: String(p) } }),
            ),
          );
        }
        await waitFor(() => ['1', '2', '3'].every((p) => got.get(p)?.length === 5), 20_000, 'partitions 1-3');
        expect(got.get('0')).toBeUndefined();
      } finally {
        release();
      }
      await waitFor(() => got.get('0')?.length === 5, 10_000, 'partition 0');
      for (const p of ['0', '1', '2', '3']) expect(got.get(p)).toEqual([0, 1, 2, 3, 4]);
    },
  );

  it.concurrent('redelivers a rejected message before any later one of its partition', async (ctx) => {
    const { expect } = ctx;
    const c = await component(ctx);
    const topic = uniq('retry');
    const log: string[] = [];
    let failures = 0;
    await c.subscribe({ topic, metadata: {} }, async (m) => {
      log.push(`${text(m)}@${m.metadata.__offset}`);
      if (text(m) === '3' && failures < 2) {
        failures++;
        throw new Error('app said RETRY');
      }
    });
    for (let i = 0; i < 8; i++)
      await c.publish({ topic, data: Buffer.from(String(i)), metadata: { __key: 'k' } });
    await waitFor(() => log.includes('7@7'), 20_000, 'message 7');
    await new Promise((r) => setTimeout(r, 200)); // nothing else (no skipped or extra delivery) arrives
    expect(log).toEqual(['0@0', '1@1', '2@2', '3@3', '3@3', '3@3', '4@4', '5@5', '6@6', '7@7']);
  });

  it.concurrent(
    'commits only what resolved: the next member of the group resumes at the first unresolved message',
    async (ctx) => {
      const { expect } = ctx;
      const group = uniq('grp');
      const topic = uniq('commit');
      const first = await component(ctx, { consumerGroup: group });
      const seen: number[] = [];
      let reached5!: () => void;
      const atFive = new Promise<void>((r) => (reached5 = r));
      let fail5!: (e: Error) => void;
      const sub = await first.subscribe({ topic, metadata: {} }, (m) => {
        const n = Number(text(m));
        seen.push(n);
        if (n < 5) return Promise.resolve();
        reached5();
        return new Promise<void>((_, reject) => (fail5 = reject)); // in flight while close() runs
      });
      for (let i = 0; i < 10; i++)
        await first.publish({ topic, data: Buffer.from(String(i)), metadata: { __key: 'k' } });
      await atFive;
      let closed = false;
      const closing = sub.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 200));
      expect(closed).toBe(false); // close() waits for the in-flight handler
      fail5(new Error('app crashed'));
      await closing;
      expect(seen).toEqual([0, 1, 2, 3, 4, 5]);

      const second = await component(ctx, { consumerGroup: group });
      const resumed: number[] = [];
      await second.subscribe({ topic, metadata: {} }, async (m) => void resumed.push(Number(text(m))));
      await waitFor(() => resumed.length >= 5, 20_000, 'the rest of the messages');
      await new Promise((r) => setTimeout(r, 200));
      expect(resumed).toEqual([5, 6, 7, 8, 9]);
    },
  );

  it.concurrent(
    'a bulk subscription takes up to its batch size of a partition at once, in order, and commits only the in-order prefix that resolved',
    async (ctx) => {
      const { expect } = ctx;
      const group = uniq('grp');
      const topic = uniq('window');
      const first = await component(ctx, { consumerGroup: group });
      expect(first.handlerWindow({ topic, metadata: {}, batchSize: 4 })).toBe(4);
      expect(first.handlerWindow({ topic, metadata: {} })).toBe(1);
      const started: number[] = [];
      const settle = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
      const sub = await first.subscribe(
        { topic, metadata: {}, batchSize: 4 },
        (m) =>
          new Promise<void>((resolve, reject) => {
            const n = Number(text(m));
            started.push(n);
            settle.set(n, { resolve, reject });
          }),
      );
      for (let i = 0; i < 8; i++)
        await first.publish({ topic, data: Buffer.from(String(i)), metadata: { __key: 'k' } });
      // Four of the partition's messages run at once, and no fifth before one of them settles.
      await waitFor(() => started.length >= 4, 20_000, 'four messages in flight');
      await new Promise((r) => setTimeout(r, 200));
      expect(started).toEqual([0, 1, 2, 3]);
      // 0 resolves, 1 fails, 2 and 3 resolve: only 0 may be committed; 1 comes again before the rest.
      settle.get(0)!.resolve();
      settle.get(2)!.resolve();
      settle.get(3)!.resolve();
      await waitFor(() => started.length >= 5, 20_000, 'the next message');
      settle.get(1)!.reject(new Error('app said RETRY'));
      const closing = sub.close();
      for (const [n, s] of settle) if (n > 3) s.resolve();
      await closing;

      const second = await component(ctx, { consumerGroup: group });
      const resumed: number[] = [];
      await second.subscribe({ topic, metadata: {} }, async (m) => void resumed.push(Number(text(m))));
      await waitFor(() => resumed.length >= 7, 20_000, 'the uncommitted messages');
      await new Promise((r) => setTimeout(r, 200));
      expect(resumed).toEqual([1, 2, 3, 4, 5, 6, 7]);
    },
  );

  it.concurrent('delivers everything to each of two consumer groups', async (ctx) => {
    const { expect } = ctx;
    const topic = uniq('fanout');
    const [a, b] = await Promise.all([component(ctx, {}, 'app-a'), component(ctx, {}, 'app-b')]);
    const gotA: string[] = [];
    const gotB: string[] = [];
    await a.subscribe(
      { topic, metadata: { consumerGroup: uniq('ga') } },
      async (m) => void gotA.push(text(m)),
    );
    await b.subscribe(
      { topic, metadata: { consumerGroup: uniq('gb') } },
      async (m) => void gotB.push(text(m)),
    );
    const sent = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await Promise.all(sent.map((s) => a.publish({ topic, data: Buffer.from(s), metadata: {} })));
    await waitFor(() => gotA.length >= 20 && gotB.length >= 20, 20_000, 'both groups');
    expect(new Set(gotA)).toEqual(new Set(sent));
    expect(new Set(gotB)).toEqual(new Set(sent));
  });

  it.concurrent(
    'serves topics subscribed together from one consumer, and keeps the rest when one closes',
    async (ctx) => {
      const { expect } = ctx;
      const c = await component(ctx);
      const [t1, t2] = [uniq('multi1'), uniq('multi2')];
      const got: string[] = [];
      const [s1] = await Promise.all([
        c.subscribe({ topic: t1, metadata: {} }, async (m) => void got.push(`${m.topic}:${text(m)}`)),
        c.subscribe({ topic: t2, metadata: {} }, async (m) => void got.push(`${m.topic}:${text(m)}`)),
      ]);
      await c.publish({ topic: t1, data: Buffer.from('a'), metadata: {} });
      await c.publish({ topic: t2, data: Buffer.from('b'), metadata: {} });
      await waitFor(() => got.length === 2, 20_000, 'both topics');
      await s1.close();
      await c.publish({ topic: t1, data: Buffer.from('c'), metadata: {} });
      await c.publish({ topic: t2, data: Buffer.from('d'), metadata: {} });
      await waitFor(() => got.includes(`${t2}:d`), 20_000, 'the remaining topic');
      expect(got).not.toContain(`${t1}:c`);
      await expect(
        c.bulkPublish(t2, [{ entryId: '1', data: Buffer.from('e'), metadata: {} }], {}),
      ).resolves.toEqual([]);
      await waitFor(() => got.includes(`${t2}:e`), 10_000, 'the bulk-published entry');
    },
  );
  it.concurrent('adds a topic subscribed later to the running consumer', async (ctx) => {
    const { expect } = ctx;
    const c = await component(ctx);
    const [t1, t2] = [uniq('late1'), uniq('late2')];
    const got: string[] = [];
    await c.subscribe({ topic: t1, metadata: {} }, async (m) => void got.push(`${m.topic}:${text(m)}`));
    await c.waitForAssignment();
    await c.subscribe({ topic: t2, metadata: {} }, async (m) => void got.push(`${m.topic}:${text(m)}`));
    await c.publish({ topic: t1, data: Buffer.from('a'), metadata: {} });
    await c.publish({ topic: t2, data: Buffer.from('b'), metadata: {} });
    await waitFor(() => got.length === 2, 30_000, 'both topics');
    expect(new Set(got)).toEqual(new Set([`${t1}:a`, `${t2}:b`]));
  });
});
