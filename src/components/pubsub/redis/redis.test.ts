import { describe, expect, it } from 'vitest';
import { redisContext, redisPubsubSuite } from '../../../../test/helpers/redis-pubsub.js';
import { pubSubRegistry } from '../registry.js';
import { RedisStreamsPubSub } from './index.js';
import { Inbox, delay, gate } from './testing.js';

describe('pubsub.redis', () => {
  const { raw, topic, pubsub, subscribe, publish, pending } = redisPubsubSuite('pubsub');

  it('is registered as pubsub.redis v1 and claims no optional feature', async () => {
    const p = await pubSubRegistry.find('PubSub.Redis', '')(redisContext({}));
    expect(p).toBeInstanceOf(RedisStreamsPubSub);
    expect(p.features()).toEqual([]);
  });

  it('delivers a published message with its bytes and metadata', async () => {
    const p = await pubsub();
    const t = topic();
    const inbox = new Inbox();
    await subscribe(p, t, inbox);
    const data = Buffer.from([0, 1, 2, 255]);
    await p.publish({ topic: t, data, metadata: { traceparent: '00-abc-def-01', custom: 'x' } });
    await inbox.count(1);
    expect(inbox.deliveries[0].msg).toEqual({
      topic: t,
      data,
      metadata: { traceparent: '00-abc-def-01', custom: 'x' },
    });
    await expect.poll(() => pending(t, 'app')).toBe(0);
  });

  it("writes daprd's entry layout: data and metadata fields, no metadata field when there is none", async () => {
    const p = await pubsub();
    const t = topic();
    await publish(p, t, 'one', { a: '1' });
    await publish(p, t, 'two');
    const entries = await raw.xrange(t, '-', '+');
    expect(entries.map(([, f]) => f)).toEqual([
      ['data', 'one', 'metadata', '{"a":"1"}'],
      ['data', 'two'],
    ]);
  });

  it('delivers entries written by daprd (or by hand) in that layout', async () => {
    const p = await pubsub({ consumerID: 'daprd-interop' });
    const t = topic();
    await raw.xadd(t, '*', 'data', '{"specversion":"1.0"}', 'metadata', '{"ttlInSeconds":"10"}');
    await raw.xadd(t, '*', 'data', 'no metadata');
    await raw.xadd(t, '*', 'data', 'bad metadata', 'metadata', '{oops');
    const inbox = new Inbox();
    await subscribe(p, t, inbox);
    await inbox.count(3);
    expect(inbox.deliveries.map((d) => [d.text, d.msg.metadata])).toEqual([
      ['{"specversion":"1.0"}', { ttlInSeconds: '10' }],
      ['no metadata', {}],
      ['bad metadata', {}],
    ]);
    // The group daprd would use: consumerID, created at 0 with MKSTREAM.
    const groups = (await raw.call('XINFO', 'GROUPS', t)) as unknown[][];
    expect(groups.map((g) => g[1])).toEqual(['daprd-interop']);
  });

  it('uses the app id as the consumer group when consumerID is not set', async () => {
    const p = await pubsub({}, 'orders-app');
    const t = topic();
    await subscribe(p, t, new Inbox());
    const groups = (await raw.call('XINFO', 'GROUPS', t)) as unknown[][];
    expect(groups.map((g) => g[1])).toEqual(['orders-app']);
  });

  it('gives every message to each consumer group, and splits them between consumers of one group', async () => {
    const t = topic();
    const a1 = new Inbox(() => delay(5));
    const a2 = new Inbox(() => delay(5));
    const b = new Inbox();
    await subscribe(await pubsub({ consumerID: 'group-a' }), t, a1);
    await subscribe(await pubsub({ consumerID: 'group-a' }), t, a2);
    await subscribe(await pubsub({ consumerID: 'group-b' }), t, b);
    const p = await pubsub();
    const texts = Array.from({ length: 60 }, (_, i) => `m${i}`);
    for (const text of texts) await publish(p, t, text);
    await b.count(60);
    await expect.poll(() => a1.deliveries.length + a2.deliveries.length, { timeout: 10_000 }).toBe(60);
    await delay(100);
    expect(b.texts()).toEqual(texts);
    expect([...a1.texts(), ...a2.texts()].sort()).toEqual([...texts].sort());
    expect(a1.deliveries.length).toBeGreaterThan(0);
    expect(a2.deliveries.length).toBeGreaterThan(0);
  });

  it('keeps at most `concurrency` handler calls in flight', async () => {
    const p = await pubsub({ concurrency: '3' });
    const t = topic();
    const inbox = new Inbox(() => delay(30));
    for (let i = 0; i < 20; i++) await publish(p, t, `m${i}`);
    await subscribe(p, t, inbox);
    await inbox.until((i) => i.deliveries.length === 20 && i.inFlight === 0);
    expect(inbox.maxInFlight).toBe(3);
  });

  it('delivers strictly in stream order with concurrency 1', async () => {
    const p = await pubsub({ concurrency: '1' });
    const t = topic();
    const inbox = new Inbox(() => (Math.random() < 0.3 ? delay(2) : undefined));
    await subscribe(p, t, inbox);
    const texts = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await Promise.all(texts.map((text) => publish(p, t, text)));
    await inbox.count(100);
    expect(inbox.texts()).toEqual(texts);
    expect(inbox.maxInFlight).toBe(1);
  });

  it('acks on resolve: nothing is redelivered to a restarted subscriber', async () => {
    const md = { consumerID: 'acks', processingTimeout: '200ms', redeliverInterval: '50ms' };
    const t = topic();
    let p = await pubsub(md);
    const first = new Inbox();
    await subscribe(p, t, first);
    for (let i = 0; i < 5; i++) await publish(p, t, `m${i}`);
    await first.until((i) => i.deliveries.length === 5 && i.inFlight === 0);
    await expect.poll(() => pending(t, 'acks')).toBe(0);
    await p.close();
    p = await pubsub(md);
    const second = new Inbox();
    await subscribe(p, t, second);
    await delay(500);
    expect(second.deliveries).toHaveLength(0);
  });

  it('close() stops delivery, lets the running handler finish, and leaves the rest to the next subscriber', async () => {
    const md = {
      consumerID: 'handover',
      concurrency: '1',
      processingTimeout: '300ms',
      redeliverInterval: '50ms',
    };
    const t = topic();
    const p = await pubsub(md);
    const hold = gate();
    const first = new Inbox(() => hold.promise);
    const sub = await subscribe(p, t, first);
    for (let i = 0; i < 5; i++) await publish(p, t, `m${i}`);
    await first.count(1);
    const closing = sub.close();
    await delay(50);
    hold.open();
    await closing;
    expect(first.texts()).toEqual(['m0']);
    expect(first.deliveries[0].endedAt).toBeDefined();

    // Another process of the same group (a different consumer name) takes over the unacked ones.
    const next = new Inbox();
    await subscribe(await pubsub(md), t, next);
    await next.count(4);
    await delay(100);
    expect(next.texts().sort()).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(first.deliveries).toHaveLength(1);
    await expect.poll(() => pending(t, 'handover')).toBe(0);
  });

  it('a restarted component picks up its own pending entries at once, before new ones', async () => {
    // Redelivery disabled: only the "own pending entries first" read brings them back.
    const md = { consumerID: 'own-pending', concurrency: '1', processingTimeout: '0' };
    const t = topic();
    let p = await pubsub(md);
    const first = new Inbox(() => Promise.reject(new Error('not now')));
    await subscribe(p, t, first);
    for (let i = 0; i < 3; i++) await publish(p, t, `m${i}`);
    await first.until((i) => i.deliveries.length === 3 && i.inFlight === 0);
    await p.close();
    expect(await pending(t, 'own-pending')).toBe(3);

    p = await pubsub(md);
    await publish(p, t, 'm3');
    const second = new Inbox();
    await subscribe(p, t, second);
    await second.count(4);
    expect(second.texts()).toEqual(['m0', 'm1', 'm2', 'm3']);
  });

  it('rejects publish and subscribe before init, and fails init when Redis is unreachable', async () => {
    const p = new RedisStreamsPubSub(redisContext({}));
    await expect(publish(p, topic(), 'x')).rejects.toThrow(/not initialised/);
    const bad = new RedisStreamsPubSub(redisContext({ redisHost: '127.0.0.1:1', dialTimeout: '200ms' }));
    await expect(bad.init()).rejects.toThrow(/redis streams: error connecting to redis at 127.0.0.1:1/);
  });

  it('names the field when metadata is invalid', async () => {
    const p = new RedisStreamsPubSub(redisContext({ concurrency: '0' }));
    await expect(p.init()).rejects.toThrow(/invalid metadata field 'concurrency'/);
  });
});
