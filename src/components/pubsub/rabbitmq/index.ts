import type { ComponentContext } from '../../component.js';
import { getMetadataValue } from '../../common/metadata.js';
import { PubSubFeature } from '../features.js';
import type { MessageHandler, PubSub, PublishRequest, SubscribeRequest, Subscription } from '../interface.js';
import { AmqpConnection } from './connection.js';
import { parseRabbitMQMetadata, type RabbitMQMetadata } from './metadata.js';
import { AmqpSubscription } from './subscription.js';
import { publishOptions, topicExchange } from './topology.js';

/**
 * `pubsub.rabbitmq` v1 on amqplib: daprd's topology (an exchange per topic, a queue
 * `<consumerID>-<topic>` per app), so daprd and daprts apps can share a broker. Publishes are
 * confirmed by the broker before they resolve; deliveries are acked only after the handler
 * resolved. See README.md for where this deliberately differs from daprd.
 */
export class RabbitMQPubSub implements PubSub {
  private conn?: AmqpConnection;
  private meta?: RabbitMQMetadata;
  private readonly subscriptions = new Set<AmqpSubscription>();
  private readonly logger: ComponentContext['logger'];

  constructor(private readonly ctx: ComponentContext) {
    this.logger = ctx.logger.child({ scope: 'pubsub.rabbitmq', component: ctx.name });
  }

  async init(): Promise<void> {
    this.meta = parseRabbitMQMetadata(this.ctx.name, this.ctx.metadata, this.ctx.appId);
    const conn = new AmqpConnection({
      meta: this.meta,
      logger: this.logger,
      connectionName: this.meta.clientName || `daprts-${this.ctx.appId}-${this.ctx.name}`,
    });
    try {
      await conn.connect();
    } catch (err) {
      throw new Error(
        `rabbitmq pub/sub error: cannot connect to ${redactedAddress(this.meta.url)}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.conn = conn;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    await this.conn?.close();
    this.conn = undefined;
  }

  features(): readonly PubSubFeature[] {
    return [PubSubFeature.MESSAGE_TTL];
  }

  /** Resolves once the broker confirmed the message (a confirm channel, always). */
  async publish(req: PublishRequest): Promise<void> {
    const { conn, meta } = this.ready();
    const routingKey = getMetadataValue(req.metadata, 'routingKey') ?? '';
    try {
      await conn.publish(
        topicExchange(meta, req.topic),
        routingKey,
        req.data,
        publishOptions(req, meta, this.logger),
      );
    } catch (err) {
      throw new Error(
        `rabbitmq pub/sub error: publishing to ${req.topic} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /**
   * The concurrency setting, raised to the batch size of a bulk subscription; a prefetch count
   * bounds what the broker hands out before acks.
   */
  handlerWindow(req: SubscribeRequest): number {
    const { meta } = this.ready();
    const calls = Math.max(meta.concurrency, req.batchSize ?? 0);
    return meta.prefetchCount > 0 ? Math.min(calls, meta.prefetchCount) : calls;
  }

  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const { conn, meta } = this.ready();
    const sub = new AmqpSubscription({
      conn,
      meta: { ...meta, concurrency: Math.max(meta.concurrency, req.batchSize ?? 0) },
      topic: req.topic,
      metadata: req.metadata,
      handler,
      logger: this.logger,
    });
    try {
      await sub.start();
    } catch (err) {
      await sub.close();
      throw new Error(
        `rabbitmq pub/sub error: subscribing to ${req.topic} failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    this.subscriptions.add(sub);
    return {
      close: async () => {
        await sub.close();
        this.subscriptions.delete(sub);
      },
    };
  }

  private ready(): { conn: AmqpConnection; meta: RabbitMQMetadata } {
    if (!this.conn || !this.meta) throw new Error('rabbitmq pub/sub error: component is not initialised');
    return { conn: this.conn, meta: this.meta };
  }
}

/** `host:port` of an AMQP URL, never its credentials. */
function redactedAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid url)';
  }
}
