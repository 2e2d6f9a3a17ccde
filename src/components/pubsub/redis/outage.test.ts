import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRedisServer } from '../../common/redis/testing.js';
import type { Subscription } from '../interface.js';
import { RedisStreamsPubSub } from './index.js';
import { Inbox, delay, gate, testContext } from './testing.js';

// A private redis-server on its own port: stopping it never disturbs the shared one on 6379.
describe('pubsub.redis outages', () => {
  let server: PrivateRedisServer;
  let pubsub: RedisStreamsPubSub;

  beforeAll(async () => {
    server = await PrivateRedisServer.start();
    pubsub = new RedisStreamsPubSub(
      testContext('pubsub.redis', {
        redisHost: `127.0.0.1:${server.port}`,
        processingTimeout: '500ms',
        redeliverInterval: '100ms',
      }),
    );
    await pubsub.init();
  });
  afterAll(async () => {
    await pubsub.close();
    await server.stop();
  });

  const publish = (t: string, text: string) =>
    pubsub.publish({ topic: t, data: Buffer.from(text), metadata: {} });

  it('fails publishes fast while Redis is down, and resumes delivery after a restart that lost the data', async () => {
    const inbox = new Inbox();
    const sub: Subscription = await pubsub.subscribe({ topic: 'restart', metadata: {} }, inbox.handler);
    try {
      for (let i = 0; i < 5; i++) await publish('restart', `before${i}`);
      await inbox.count(5);

      await server.stop();
      const started = Date.now();
      await expect(publish('restart', 'during')).rejects.toThrow(/redis streams: error from publish/);
      expect(Date.now() - started).toBeLessThan(500);

      // Restarted without persistence: the stream and the group are gone; NOGROUP makes the
      // subscriber create the group again, from the start of the (new) stream.
      await server.start();
      await expect
        .poll(
          () =>
            publish('restart', 'after0').then(
              () => true,
              () => false,
            ),
          { timeout: 5000 },
        )
        .toBe(true);
      for (let i = 1; i < 5; i++) await publish('restart', `after${i}`);
      await inbox.count(10);
      expect(inbox.texts()).toEqual([
        ...[0, 1, 2, 3, 4].map((i) => `before${i}`),
        ...[0, 1, 2, 3, 4].map((i) => `after${i}`),
      ]);
    } finally {
      await sub.close();
    }
  });

  it('rides out dropped connections: the ack of a running handler lands after the reconnect, no redelivery', async () => {
    const hold = gate();
    const inbox = new Inbox((d) => (d.text === 'slow' ? hold.promise : undefined));
    const sub = await pubsub.subscribe({ topic: 'drop', metadata: {} }, inbox.handler);
    const admin = new Redis(server.port, '127.0.0.1');
    try {
      await publish('drop', 'slow');
      await inbox.count(1);
      // Kill every client connection (ours and the reader); the server keeps its data.
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      hold.open();
      await delay(50);
      await expect
        .poll(
          () =>
            publish('drop', 'next').then(
              () => true,
              () => false,
            ),
          { timeout: 5000 },
        )
        .toBe(true);
      await inbox.count(2);
      await expect
        .poll(async () => ((await admin.xpending('drop', 'app')) as [number])[0], { timeout: 5000 })
        .toBe(0);
      await delay(700);
      expect(inbox.texts()).toEqual(['slow', 'next']);
    } finally {
      admin.disconnect();
      await sub.close();
    }
  });
});
