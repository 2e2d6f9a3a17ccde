import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../../../diagnostics/logger.js';
import { getMetadataValue } from '../../common/metadata.js';
import type { MessageHandler, Subscription } from '../interface.js';
import type { AmqpConnection } from './connection.js';
import type { RabbitMQMetadata } from './metadata.js';
import { declareTopology, toPubSubMessage } from './topology.js';
import { CallWindow } from '../../common/call-window.js';

export interface AmqpSubscriptionOptions {
  conn: AmqpConnection;
  meta: RabbitMQMetadata;
  topic: string;
  /** Subscription metadata (`queueName`, `routingKey`, `queueType`, `maxPriority`...). */
  metadata: Record<string, string>;
  handler: MessageHandler;
  logger: Logger;
}

interface Delivery {
  ch: Channel;
  msg: ConsumeMessage;
}

/**
 * One consumer on the queue `<consumerID>-<topic>` (or `queueName`), on its own channel.
 * Manual acks: resolve → ack; reject → nack. The nack requeues (after `requeueDelay`) unless
 * `enableDeadLetter` is on and `requeueInFailure` off, in which case the broker moves the message
 * to the dead-letter queue: in both cases nothing is lost. After the channel or the connection
 * drops, the broker requeues every unacked message and the subscription attaches again.
 */
export class AmqpSubscription implements Subscription {
  private channel?: Channel;
  private consumerTag?: string;
  private readonly calls: CallWindow<Delivery>;
  private readonly abort = new AbortController();
  private closed = false;
  private closing?: Promise<void>;
  private attaching?: Promise<void>;
  private unlisten?: () => void;
  readonly queueName: string;

  constructor(private readonly opts: AmqpSubscriptionOptions) {
    this.queueName = getMetadataValue(opts.metadata, 'queueName') || `${opts.meta.consumerID}-${opts.topic}`;
    this.calls = new CallWindow({
      limit: opts.meta.concurrency,
      run: (d) => this.process(d),
      stopped: () => this.closed,
    });
  }

  /** Declares the topology and starts consuming; throws when that fails. */
  async start(): Promise<void> {
    await this.attach();
    this.unlisten = this.opts.conn.onReconnect((model) => {
      // A channel of the connection that dropped is dead even if its close event has not arrived yet.
      if (this.channel && this.channel.connection !== model.connection) this.channel = undefined;
      void this.reattach();
    });
  }

  /** Stops consuming, lets in-flight handlers settle, and gives every other message back to the broker. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    this.unlisten?.();
    await this.cancelConsumer();
    this.abort.abort(); // ends requeue delays (they nack at once) and re-attach waits
    await this.attaching?.catch(() => undefined);
    await this.cancelConsumer(); // a re-attach that completed meanwhile
    for (const d of this.calls.queue.splice(0)) this.settle(d, 'requeue');
    await this.calls.settled();
    const ch = this.channel;
    this.channel = undefined;
    await ch?.close().catch(() => undefined);
  }

  /** Stops deliveries to this consumer; unacked messages stay with the channel until it closes. */
  private async cancelConsumer(): Promise<void> {
    const { channel, consumerTag } = this;
    this.consumerTag = undefined;
    if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
  }

  private async attach(): Promise<void> {
    const { conn, meta, topic, metadata, logger } = this.opts;
    const ch = await conn.current().createChannel();
    ch.on('error', (err: Error) =>
      logger.debug({ err: { message: err.message }, topic }, 'rabbitmq: channel error'),
    );
    ch.on('close', () => this.onChannelClosed(ch));
    try {
      await declareTopology(ch, meta, topic, this.queueName, metadata);
      if (meta.prefetchCount > 0) await ch.prefetch(meta.prefetchCount);
      const consumerTag = `${this.queueName}-${randomUUID()}`.slice(-255);
      this.channel = ch;
      this.consumerTag = consumerTag;
      await ch.consume(this.queueName, (msg) => this.onMessage(ch, msg), {
        noAck: meta.autoAck,
        consumerTag,
      });
    } catch (err) {
      if (this.channel === ch) this.channel = undefined;
      await ch.close().catch(() => undefined);
      throw err;
    }
  }

  /** Attaches again after a dropped channel or connection, every reconnectWait until it works. */
  private reattach(): Promise<void> {
    this.attaching ??= (async () => {
      while (!this.closed && !this.channel) {
        try {
          await this.attach();
          this.opts.logger.info(
            { topic: this.opts.topic, queue: this.queueName },
            'rabbitmq: subscription restored',
          );
          return;
        } catch (err) {
          this.opts.logger.debug(
            { err: { message: (err as Error).message } },
            'rabbitmq: re-subscribe failed',
          );
          // While the connection is down its reconnect calls reattach again.
          if (!this.opts.conn.connected) return;
          await sleep(this.opts.meta.reconnectWaitMs, undefined, { signal: this.abort.signal }).catch(
            () => undefined,
          );
        }
      }
    })().finally(() => (this.attaching = undefined));
    return this.attaching;
  }

  private onChannelClosed(ch: Channel): void {
    // Messages of that channel not yet handed to the handler were requeued by the broker.
    const queue = this.calls.queue;
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i].ch === ch) queue.splice(i, 1);
    if (ch !== this.channel) return;
    this.channel = undefined;
    if (this.closed) return;
    this.opts.logger.warn(
      { topic: this.opts.topic, queue: this.queueName },
      'rabbitmq: subscription channel closed',
    );
    if (this.opts.conn.connected) {
      void sleep(this.opts.meta.reconnectWaitMs, undefined, { signal: this.abort.signal }).then(
        () => this.reattach(),
        () => undefined,
      );
    }
  }

  private onMessage(ch: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // The broker cancelled the consumer (the queue was deleted): start over on a new channel.
      void ch.close().catch(() => undefined);
      return;
    }
    this.calls.push({ ch, msg });
  }

  private async process(d: Delivery): Promise<void> {
    const { handler, meta, topic, logger } = this.opts;
    try {
      await handler(toPubSubMessage(topic, d.msg, meta));
    } catch (err) {
      logger.debug({ err, topic }, 'rabbitmq: message not processed');
      const requeue = meta.requeueInFailure || !meta.enableDeadLetter;
      if (requeue && meta.requeueDelayMs > 0 && !meta.autoAck) {
        await sleep(meta.requeueDelayMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
      this.settle(d, requeue ? 'requeue' : 'dead-letter');
      return;
    }
    this.settle(d, 'ack');
  }

  /** Acks or nacks on the channel the message came from; a closed channel already requeued it. */
  private settle(d: Delivery, outcome: 'ack' | 'requeue' | 'dead-letter'): void {
    if (this.opts.meta.autoAck) return;
    try {
      if (outcome === 'ack') d.ch.ack(d.msg);
      else d.ch.nack(d.msg, false, outcome === 'requeue');
    } catch (err) {
      this.opts.logger.debug(
        { err: { message: (err as Error).message }, topic: this.opts.topic },
        'rabbitmq: channel closed before the ack; the broker requeued the message',
      );
    }
  }
}
