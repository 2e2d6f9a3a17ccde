import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import type { Logger } from '../../../diagnostics/logger.js';
import type { RabbitMQMetadata } from './metadata.js';

export interface AmqpConnectionOptions {
  meta: RabbitMQMetadata;
  logger: Logger;
  /** `connection_name` shown by the management UI and `rabbitmqctl list_connections`. */
  connectionName: string;
}

/** An exchange as declared by daprd for a topic. */
export interface ExchangeSpec {
  name: string;
  kind: string;
  durable: boolean;
  autoDelete: boolean;
}

/**
 * One AMQP connection for a component, dialled with `noDelay: true` (with Nagle's algorithm on,
 * one-at-a-time confirmed publishes crawl at ~25 msg/s), reconnected every `reconnectWaitSeconds`
 * after it drops. Publishes go through one confirm channel and resolve when the broker confirmed;
 * while the connection is down they fail at once (retrying is the resiliency policy's job).
 * Subscriptions open their own channels and re-attach through `onReconnect`.
 */
export class AmqpConnection {
  private model?: ChannelModel;
  private confirmChannel?: Promise<ConfirmChannel>;
  private readonly declared = new Set<string>();
  private readonly listeners = new Set<(model: ChannelModel) => void>();
  private readonly abort = new AbortController();
  private reconnecting?: Promise<void>;
  private closed = false;

  constructor(private readonly opts: AmqpConnectionOptions) {}

  /** Dials once; fails when the broker cannot be reached, so a wrong address shows at start-up. */
  async connect(): Promise<void> {
    this.model = await this.open();
  }

  /** The live connection, or an error at once while reconnecting. */
  current(): ChannelModel {
    if (!this.model) throw new Error('rabbitmq: not connected to the broker (reconnecting)');
    return this.model;
  }

  get connected(): boolean {
    return this.model !== undefined;
  }

  /** Calls `listener` after every reconnect; returns the function that removes it. */
  onReconnect(listener: (model: ChannelModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Declares the exchange (once per channel) and publishes; resolves on the broker's confirm. */
  async publish(
    exchange: ExchangeSpec,
    routingKey: string,
    content: Buffer,
    options: Options.Publish,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const pending = this.channel();
      try {
        const ch = await pending;
        if (!this.declared.has(exchange.name)) {
          await ch.assertExchange(exchange.name, exchange.kind, {
            durable: exchange.durable,
            autoDelete: exchange.autoDelete,
          });
          this.declared.add(exchange.name);
        }
        await new Promise<void>((resolve, reject) =>
          ch.publish(exchange.name, routingKey, content, options, (err: unknown) =>
            err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
          ),
        );
        return;
      } catch (err) {
        // A channel-level error (the exchange was auto-deleted after we declared it: 404) closes only
        // the channel; one more try on a fresh channel declares it again.
        if (this.confirmChannel === pending) this.resetChannel();
        if (attempt >= 2 || !this.model || this.closed) throw err;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abort.abort();
    await this.reconnecting;
    const model = this.model;
    this.model = undefined;
    this.resetChannel();
    await model?.close().catch(() => undefined);
  }

  private channel(): Promise<ConfirmChannel> {
    if (!this.confirmChannel) {
      const model = this.current();
      const p = model.createConfirmChannel().then((ch) => {
        ch.on('error', (err: Error) =>
          this.opts.logger.debug({ err: { message: err.message } }, 'rabbitmq: channel error'),
        );
        ch.on('close', () => {
          if (this.confirmChannel === p) this.resetChannel();
        });
        return ch;
      });
      p.catch(() => {
        if (this.confirmChannel === p) this.resetChannel();
      });
      this.confirmChannel = p;
    }
    return this.confirmChannel;
  }

  private resetChannel(): void {
    this.confirmChannel = undefined;
    this.declared.clear();
  }

  private async open(): Promise<ChannelModel> {
    const { meta, connectionName } = this.opts;
    const url = new URL(meta.url);
    if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', String(meta.heartbeatSeconds));
    const socketOptions: Record<string, unknown> = {
      noDelay: true,
      keepAlive: true,
      timeout: 10_000,
      clientProperties: { connection_name: connectionName },
    };
    if (meta.protocol === 'amqps') {
      if (meta.tls.caCert) socketOptions.ca = [meta.tls.caCert];
      if (meta.tls.clientCert) socketOptions.cert = meta.tls.clientCert;
      if (meta.tls.clientKey) socketOptions.key = meta.tls.clientKey;
      if (meta.saslExternal) socketOptions.credentials = amqp.credentials.external();
    }
    const model = await amqp.connect(url.toString(), socketOptions);
    model.on('error', (err: Error) =>
      this.opts.logger.debug({ err: { message: err.message } }, 'rabbitmq: connection error'),
    );
    model.on('blocked', (reason: string) =>
      this.opts.logger.warn({ reason }, 'rabbitmq: the broker blocked publishing'),
    );
    model.on('unblocked', () => this.opts.logger.info('rabbitmq: the broker unblocked publishing'));
    model.on('close', (err?: Error) => this.onClose(model, err));
    return model;
  }

  private onClose(model: ChannelModel, err?: Error): void {
    if (model !== this.model) return;
    this.model = undefined;
    this.resetChannel();
    if (this.closed) return;
    this.opts.logger.warn(
      { err: err ? { message: err.message } : undefined, retryInMs: this.opts.meta.reconnectWaitMs },
      'rabbitmq: connection lost; reconnecting',
    );
    this.reconnecting ??= this.reconnect().finally(() => (this.reconnecting = undefined));
  }

  private async reconnect(): Promise<void> {
    while (!this.closed) {
      try {
        await sleep(this.opts.meta.reconnectWaitMs, undefined, { signal: this.abort.signal });
      } catch {
        return;
      }
      try {
        const model = await this.open();
        if (this.closed) {
          await model.close().catch(() => undefined);
          return;
        }
        this.model = model;
        this.opts.logger.info('rabbitmq: connection restored');
        for (const listener of this.listeners) listener(model);
        return;
      } catch (err) {
        this.opts.logger.debug({ err: { message: (err as Error).message } }, 'rabbitmq: reconnect failed');
      }
    }
  }
}
