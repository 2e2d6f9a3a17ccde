import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Inbox, delay, gate } from '../redis/testing.js';
import type { RabbitMQPubSub } from './index.js';
import { RabbitFixture, canUseRabbitmqctl, closeConnectionsNamed } from './testing.js';

// The broker closes our connection (`rabbitmqctl close_connection`), as it does on a node restart
// or a network cut; only the connection of the component under test is touched.
const ctl = await canUseRabbitmqctl();

describe.runIf(ctl)('pubsub.rabbitmq reconnect', () => {
  const fx = new RabbitFixture();
  afterEach(() => fx.closeAll());
  afterAll(() => fx.cleanup());

  const publish = (p: RabbitMQPubSub, t: string, text: string) =>
    p.publish({ topic: t, data: Buffer.from(text), metadata: {} });
  const publishes = (p: RabbitMQPubSub, t: string, text: string) =>
    publish(p, t, text).then(
      () => true,
      () => false,
    );

  it('reconnects, subscribes again and redelivers what was in flight when the connection dropped', async () => {
    const clientName = `daprts-reconnect-${randomUUID()}`;
    const md = {
      clientName,
      reconnectWaitSeconds: '200ms',
      deletedWhenUnused: 'false',
      concurrencyMode: 'single',
    };
    const p = await fx.pubsub(md);
    const t = fx.topic();
    const hold = gate();
    const inbox = new Inbox((d, calls) => (d.text === 'in-flight' && calls === 1 ? hold.promise : undefined));
    await fx.subscribe(p, t, inbox.handler);

    await publish(p, t, 'before');
    await publish(p, t, 'in-flight');
    await inbox.count(2);
    expect(await closeConnectionsNamed(clientName)).toBe(1);
    // The handler finishes after the drop: its ack cannot reach the broker, which requeued the message.
    hold.open();

    await expect.poll(() => publishes(p, t, 'after'), { timeout: 10_000, interval: 100 }).toBe(true);
    await inbox.until((i) => i.texts().includes('after'), 10_000);
    await delay(200);
    expect(inbox.texts()).toEqual(['before', 'in-flight', 'in-flight', 'after']);
  });

  it('fails publishes at once while the connection is down, then recovers', async () => {
    const clientName = `daprts-reconnect-${randomUUID()}`;
    const p = await fx.pubsub({ clientName, reconnectWaitSeconds: '2s' });
    const t = fx.topic();
    const inbox = new Inbox();
    await fx.subscribe(p, t, inbox.handler);
    await publish(p, t, 'one');
    await closeConnectionsNamed(clientName);
    await delay(100);
    const started = Date.now();
    await expect(publish(p, t, 'lost')).rejects.toThrow(/rabbitmq pub\/sub error: publishing to .* failed/);
    expect(Date.now() - started).toBeLessThan(200);
    await expect.poll(() => publishes(p, t, 'two'), { timeout: 10_000, interval: 100 }).toBe(true);
    await inbox.until((i) => i.texts().includes('two'), 10_000);
    expect(inbox.texts()).toEqual(['one', 'two']);
  });
});
