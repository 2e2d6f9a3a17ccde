import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { pubSubRegistry } from '../registry.js';
import { Inbox, delay, gate, testContext } from '../redis/testing.js';
import { RabbitMQPubSub } from './index.js';
import { AMQP_URL, RabbitFixture } from './testing.js';

describe('pubsub.rabbitmq', () => {
  const fx = new RabbitFixture();
  const publish = (p: RabbitMQPubSub, t: string, text: string, metadata: Record<string, string> = {}) =>
    p.publish({ topic: t, data: Buffer.from(text), metadata });
  // Queues that outlive their consumer, so a "restart" finds its messages.
  const keep = { deletedWhenUnused: 'false' };

  afterEach(() => fx.closeAll());
  afterAll(() => fx.cleanup());

  it('is registered as pubsub.rabbitmq v1 and claims MESSAGE_TTL', async () => {
    const p = await pubSubRegistry.find(
      'pubsub.RabbitMQ',
      'v1',
    )(testContext('pubsub.rabbitmq', { connectionString: AMQP_URL }));
    expect(p).toBeInstanceOf(RabbitMQPubSub);
    expect(p.features()).toEqual(['MESSAGE_TTL']);
  });

  it('delivers a published message with its bytes, metadata and content type', async () => {
    const p = await fx.pubsub();
    const t = fx.topic();
    const inbox = new Inbox();
    await fx.subscribe(p, t, inbox.handler);
    const data = Buffer.from([0, 1, 2, 255]);
    await p.publish({
      topic: t,
      data,
      contentType: 'application/cloudevents+json',
      metadata: { traceparent: 'tp', custom: 'x' },
    });
    await inbox.count(1);
    expect(inbox.deliveries[0].msg).toEqual({
      topic: t,
      data,
      metadata: { traceparent: 'tp', custom: 'x' },
      contentType: 'application/cloudevents+json',
    });
  });

  it("declares daprd's topology: queue <consumerID>-<topic> that daprd's own declaration matches", async () => {
    const p = await fx.pubsub();
    const t = fx.topic();
    await fx.subscribe(p, t, new Inbox().handler);
    const ch = await fx.channel();
    // daprd's QueueDeclare for the same queue (durable, auto-delete, classic): equivalent, so no 406.
    const q = await ch.assertQueue(`${fx.app('app')}-${t}`, {
      durable: true,
      autoDelete: true,
      arguments: { 'x-queue-type': 'classic' },
    });
    expect(q.consumerCount).toBe(1);
    await ch.assertExchange(t, 'fanout', { durable: true, autoDelete: true });
    await ch.close();
  });

  it('routes by routingKey with a direct exchange, on a queue named by queueName', async () => {
    const p = await fx.pubsub({ exchangeKind: 'direct' });
    const t = fx.topic();
    const inbox = new Inbox();
    const queueName = `${fx.prefix}-named`;
    await fx.subscribe(p, t, inbox.handler, undefined, { routingKey: 'red,green', queueName });
    for (const key of ['red', 'blue', 'green']) await publish(p, t, key, { routingKey: key });
    await inbox.count(2);
    await delay(100);
    expect(inbox.texts()).toEqual(['red', 'green']);
    const ch = await fx.channel();
    expect((await ch.checkQueue(queueName)).consumerCount).toBe(1);
    await ch.close();
  });

  it('acks on resolve: nothing comes back to a restarted subscriber', async () => {
    const t = fx.topic();
    let p = await fx.pubsub(keep);
    const first = new Inbox();
    await fx.subscribe(p, t, first.handler);
    for (let i = 0; i < 5; i++) await publish(p, t, `m${i}`);
    await first.until((i) => i.deliveries.length === 5 && i.inFlight === 0);
    await fx.closeAll();
    expect(await fx.depth(`${fx.app('app')}-${t}`)).toBe(0);
    p = await fx.pubsub(keep);
    const second = new Inbox();
    await fx.subscribe(p, t, second.handler);
    await delay(300);
    expect(second.deliveries).toHaveLength(0);
  });

  it('requeues a rejected message and delivers it again; nothing is lost', async () => {
    const p = await fx.pubsub({ requeueDelay: '50ms' });
    const t = fx.topic();
    const inbox = new Inbox((_d, calls) => (calls === 1 ? Promise.reject(new Error('RETRY')) : undefined));
    await fx.subscribe(p, t, inbox.handler);
    for (const text of ['a', 'b', 'c']) await publish(p, t, text);
    await inbox.until((i) => i.deliveries.length === 6 && i.inFlight === 0);
    await delay(200);
    expect([...inbox.counts().entries()].sort()).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 2],
    ]);
  });

  it('with enableDeadLetter (and requeueInFailure off) a rejected message moves to dlq-<queue>', async () => {
    const p = await fx.pubsub({ enableDeadLetter: 'true', ...keep });
    const t = fx.topic();
    const inbox = new Inbox(() => Promise.reject(new Error('poison')));
    await fx.subscribe(p, t, inbox.handler);
    await publish(p, t, 'poison');
    await inbox.until((i) => i.deliveries.length === 1 && i.inFlight === 0);
    await expect.poll(() => fx.depth(`dlq-${fx.app('app')}-${t}`)).toBe(1);
    await delay(200);
    expect(inbox.deliveries).toHaveLength(1);
  });

  it('keeps at most `concurrency` handler calls in flight', async () => {
    const p = await fx.pubsub({ concurrency: '3' });
    const t = fx.topic();
    const inbox = new Inbox(() => delay(30));
    await fx.subscribe(p, t, inbox.handler);
    for (let i = 0; i < 20; i++) await publish(p, t, `m${i}`);
    await inbox.until((i) => i.deliveries.length === 20 && i.inFlight === 0);
    expect(inbox.maxInFlight).toBe(3);
  });

  it('delivers strictly in order with concurrencyMode single', async () => {
    const p = await fx.pubsub({ concurrencyMode: 'single' });
    const t = fx.topic();
    const inbox = new Inbox(() => (Math.random() < 0.3 ? delay(2) : undefined));
    await fx.subscribe(p, t, inbox.handler);
    const texts = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await Promise.all(texts.map((text) => publish(p, t, text)));
    await inbox.count(100);
    expect(inbox.texts()).toEqual(texts);
    expect(inbox.maxInFlight).toBe(1);
  });

  it('gives every message to each app, and splits them between two replicas of one app', async () => {
    const t = fx.topic();
    const [a1, a2, b] = [new Inbox(() => delay(5)), new Inbox(() => delay(5)), new Inbox()];
    await fx.subscribe(await fx.pubsub({ prefetchCount: '1' }, fx.app('a')), t, a1.handler, fx.app('a'));
    await fx.subscribe(await fx.pubsub({ prefetchCount: '1' }, fx.app('a')), t, a2.handler, fx.app('a'));
    await fx.subscribe(await fx.pubsub({}, fx.app('b')), t, b.handler, fx.app('b'));
    const p = await fx.pubsub();
    const texts = Array.from({ length: 40 }, (_, i) => `m${i}`);
    for (const text of texts) await publish(p, t, text);
    await b.count(40);
    await expect.poll(() => a1.deliveries.length + a2.deliveries.length, { timeout: 10_000 }).toBe(40);
    await delay(100);
    expect(b.texts()).toEqual(texts);
    expect([...a1.texts(), ...a2.texts()].sort()).toEqual([...texts].sort());
    expect(a1.deliveries.length).toBeGreaterThan(0);
    expect(a2.deliveries.length).toBeGreaterThan(0);
  });

  it('close() stops delivery, lets the running handler finish, and leaves the rest to the next subscriber', async () => {
    const t = fx.topic();
    const p = await fx.pubsub({ concurrencyMode: 'single', ...keep });
    const hold = gate();
    const first = new Inbox(() => hold.promise);
    const sub = await fx.subscribe(p, t, first.handler);
    for (let i = 0; i < 5; i++) await publish(p, t, `m${i}`);
    await first.count(1);
    const closing = sub.close();
    await delay(50);
    hold.open();
    await closing;
    expect(first.texts()).toEqual(['m0']);

    const next = new Inbox();
    await fx.subscribe(await fx.pubsub({ concurrencyMode: 'single', ...keep }), t, next.handler);
    await next.count(4);
    await delay(100);
    expect(next.texts()).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('expires messages by TTL (MESSAGE_TTL): per publish, or the component default', async () => {
    const t = fx.topic();
    const p = await fx.pubsub(keep);
    // Create the queue, then leave it without a consumer.
    const sub = await fx.subscribe(p, t, new Inbox().handler);
    await sub.close();
    await publish(p, t, 'short', { ttlInSeconds: '1' });
    await publish(p, t, 'kept');
    const withDefault = await fx.pubsub({ ...keep, ttlInSeconds: '1' });
    await publish(withDefault, t, 'default-ttl');
    await delay(1300);
    const inbox = new Inbox();
    await fx.subscribe(p, t, inbox.handler);
    await inbox.count(1);
    await delay(200);
    expect(inbox.texts()).toEqual(['kept']);
  });

  it('publishes ≥ 1,000 confirmed msg/s one at a time, and round-trips ≥ 300 msg/s one at a time (Nagle guard: ~22/s)', async () => {
    const p = await fx.pubsub();
    const t = fx.topic();
    // The machine is shared: each figure is the best of four batches, which a transient load spike
    // does not drag down but Nagle's algorithm (slow in every batch) still fails.
    const bestRate = async (batch: number, send: (i: number) => Promise<void>) => {
      let best = 0;
      for (let b = 0, i = 0; b < 4; b++) {
        const started = performance.now();
        for (const end = i + batch; i < end; i++) await send(i);
        best = Math.max(best, batch / ((performance.now() - started) / 1000));
      }
      return best;
    };
    // Publishing alone (no queue bound yet: the broker confirms and drops), so no consumer competes.
    const publishRate = await bestRate(500, (i) => publish(p, t, `m${i}`));
    // One at a time end to end: publish, wait for the delivery (and its ack), next. This is what
    // Nagle's algorithm breaks (small ack and confirm frames wait for delayed ACKs); publishing alone
    // barely notices it.
    const inbox = new Inbox();
    await fx.subscribe(p, t, inbox.handler);
    const e2eRate = await bestRate(100, async (i) => {
      await publish(p, t, `e${i}`);
      await inbox.count(i + 1);
    });
    if (process.env.DAPRTS_PRINT_RATES) console.log({ publishRate, e2eRate });
    expect(publishRate).toBeGreaterThan(1000);
    expect(e2eRate).toBeGreaterThan(300);
  });

  it('fails init when the broker cannot be reached, without showing the password', async () => {
    const p = new RabbitMQPubSub(
      testContext('pubsub.rabbitmq', { connectionString: 'amqp://guest:secret@127.0.0.1:1' }),
    );
    const err = (await p.init().catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/cannot connect to amqp:\/\/127.0.0.1:1/);
    expect(err.message).not.toContain('secret');
  });

  it('names the field when metadata is invalid', async () => {
    const p = new RabbitMQPubSub(
      testContext('pubsub.rabbitmq', { connectionString: AMQP_URL, deliveryMode: '7' }),
    );
    await expect(p.init()).rejects.toThrow(/invalid metadata field 'deliveryMode'/);
  });
});
