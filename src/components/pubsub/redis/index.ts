import type { Redis } from 'ioredis';
import type { ComponentContext, Pinger } from '../../component.js';
import { closeRedis, connectRedis, corked } from '../../common/redis/client.js';
import type { RedisConnectionSettings } from '../../common/redis/settings.js';
import type { PubSubFeature } from '../features.js';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest, Subscription } from '../interface.js';
import { claimConsumerName } from './groups.js';
import { parseRedisPubSubMetadata, type RedisPubSubMetadata } from './metadata.js';
import { xaddArgs } from './streams.js';
import { BLOCK_MS, StreamSubscription } from './subscription.js';

/**
 * `pubsub.redis` v1: Redis Streams in daprd's layout (stream = topic, fields `data` and
 * `metadata`, consumer group = `consumerID`), so daprd and daprts can share one Redis.
 * At-least-once: an entry is XACKed only after the handler resolved; a rejected one stays pending
 * and is re-claimed after `processingTimeout`. See README.md for the differences from daprd.
 */
export class RedisStreamsPubSub implements PubSub, Pinger {
  private client?: Redis;
  private meta?: RedisPubSubMetadata;
  private consumer?: { name: string; release: () => void };
  private readonly subscriptions = new Set<StreamSubscription>();
  private readonly logger: ComponentContext['logger'];

  constructor(private readonly ctx: ComponentContext) {
    this.logger = ctx.logger.child({ scope: 'pubsub.redis', component: ctx.name });
  }

  async init(): Promise<void> {
    this.meta = parseRedisPubSubMetadata(this.ctx.name, this.ctx.metadata, this.ctx.appId);
    try {
      this.client = await connectRedis({
        settings: this.meta.connection,
        logger: this.logger,
        name: this.ctx.name,
      });
    } catch (err) {
      throw new Error(`redis streams: ${(err as Error).message}`, { cause: err });
    }
    if (this.meta.maxLenApprox > 0 && this.meta.streamTtlMs > 0) {
      this.logger.warn(
        'redis streams: maxLenApprox and streamTTL cannot be used together; maxLenApprox wins',
      );
    }
    this.consumer = claimConsumerName(this.meta.consumerGroup);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    if (this.client) await closeRedis(this.client);
    this.client = undefined;
    this.consumer?.release();
    this.consumer = undefined;
  }

  features(): readonly PubSubFeature[] {
    return [];
  }

  async ping(): Promise<void> {
    const { client } = this.ready();
    await client.ping();
  }

  /** XADD in one round trip; resolves once Redis appended the entry. */
  async publish(req: PublishRequest): Promise<void> {
    const { client, meta } = this.ready();
    const trim = { maxLenApprox: meta.maxLenApprox, streamTtlMs: meta.streamTtlMs, now: this.ctx.now() };
    try {
      await corked(client, () => client.call('XADD', ...xaddArgs(req.topic, req.data, req.metadata, trim)));
    } catch (err) {
      throw new Error(`redis streams: error from publish: ${(err as Error).message}`, { cause: err });
    }
  }

  /** `concurrency` handler calls at once, raised to the batch size of a bulk subscription. */
  handlerWindow(req: SubscribeRequest): number {
    return Math.max(this.ready().meta.concurrency, req.batchSize ?? 0);
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const { client, meta, consumer } = this.ready();
    const reader = await connectRedis({
      settings: readerSettings(meta.connection),
      logger: this.logger,
      name: `${this.ctx.name}-${req.topic}`,
    });
    const sub: StreamSubscription = new StreamSubscription({
      topic: req.topic,
      consumer,
      meta: { ...meta, concurrency: this.handlerWindow(req) },
      client,
      reader,
      handler,
      logger: this.logger,
      heldElsewhere: (id) =>
        [...this.subscriptions].some((s) => s !== sub && s.topic === req.topic && s.holds(id)),
    });
    try {
      await sub.start();
    } catch (err) {
      await sub.close();
      throw new Error(`redis streams: error subscribing to ${req.topic}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.subscriptions.add(sub);
    return {
      close: async () => {
        await sub.close();
        this.subscriptions.delete(sub);
      },
    };
  }

  private ready(): { client: Redis; meta: RedisPubSubMetadata; consumer: string } {
    if (!this.client || !this.meta || !this.consumer)
      throw new Error('redis streams: component is not initialised');
    return { client: this.client, meta: this.meta, consumer: this.consumer.name };
  }
}

/** The reader blocks for up to BLOCK_MS, so its reply deadline is the read timeout on top of that. */
function readerSettings(s: RedisConnectionSettings): RedisConnectionSettings {
  return {
    ...s,
    commandTimeoutMs: s.commandTimeoutMs === undefined ? undefined : s.commandTimeoutMs + BLOCK_MS,
  };
}
