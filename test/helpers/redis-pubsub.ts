import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';
import type { Subscription } from '../../src/components/pubsub/interface.js';
import { RedisStreamsPubSub } from '../../src/components/pubsub/redis/index.js';
import { testContext, type Inbox } from '../../src/components/pubsub/redis/testing.js';

/** A `pubsub.redis` component context on the shared Redis (127.0.0.1:6379). */
export const redisContext = (metadata: Record<string, string>, appId = 'app') =>
  testContext('pubsub.redis', { redisHost: '127.0.0.1:6379', ...metadata }, appId);

/**
 * The shared set-up of the `pubsub.redis` broker tests; call it inside `describe`. Topics are
 * `daprts-test-redis-<label>-<uuid>-<n>`; after each case the subscriptions, then the components,
 * are closed; after all, every key under the prefix is deleted and `raw` disconnected.
 */
export function redisPubsubSuite(label: string) {
  const prefix = `daprts-test-redis-${label}-${randomUUID()}`;
  /** A plain client on the same Redis, for looking at the streams (connects on first use). */
  const raw = new Redis(6379, '127.0.0.1', { lazyConnect: true });
  const open: RedisStreamsPubSub[] = [];
  const subs: Subscription[] = [];
  let n = 0;

  afterEach(async () => {
    await Promise.allSettled(subs.splice(0).map((s) => s.close()));
    await Promise.allSettled(open.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length > 0) await raw.del(...keys);
    raw.disconnect();
  });

  return {
    raw,
    /** A fresh topic name. */
    topic: () => `${prefix}-${++n}`,
    /** An initialised component, closed after the case. */
    async pubsub(metadata: Record<string, string> = {}, appId = 'app') {
      const p = new RedisStreamsPubSub(redisContext(metadata, appId));
      await p.init();
      open.push(p);
      return p;
    },
    /** Subscribes `inbox` to `t`; closed after the case. */
    async subscribe(p: RedisStreamsPubSub, t: string, inbox: Inbox) {
      const s = await p.subscribe({ topic: t, metadata: {} }, inbox.handler);
      subs.push(s);
      return s;
    },
    publish: (p: RedisStreamsPubSub, t: string, text: string, metadata: Record<string, string> = {}) =>
      p.publish({ topic: t, data: Buffer.from(text), metadata }),
    /** How many messages of `t` are pending for consumer group `group`. */
    pending: async (t: string, group: string) => Number(((await raw.xpending(t, group)) as [number])[0]),
  };
}
