import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../../diagnostics/logger.js';
import type { MessageHandler, Subscription } from '../interface.js';
import { fromJsMsg } from './message.js';
import { CallWindow } from '../../common/call-window.js';

export interface SubscriptionOptions {
  topic: string;
  handler: MessageHandler;
  concurrency: 'single' | 'parallel';
  /** Bulk subscribe's batch size: `single` then runs up to this many calls at once, in order. */
  batchSize?: number;
  /** The consumer's ack wait (ms): held messages are kept alive well within it. */
  ackWaitMs: number;
  /** Delay before a rejected message is redelivered, from its delivery count (1 = first delivery); 0 = at once. */
  nakDelayMs: (deliveryCount: number) => number;
  /** Pull heartbeat (`heartbeat` metadata); the client's default when undefined. */
  idleHeartbeatMs?: number;
  log: Logger;
  /** Called before each ack: corks the connection so the acks of one poll phase share a write. */
  beforeAck?: () => void;
  /** Re-creates the stream and consumer after the server lost them. */
  recover: () => Promise<void>;
}

/** Messages requested per pull; the server's max_ack_pending bounds what is held in total. */
const PULL_BATCH = 256;

/**
 * One topic's delivery from a durable pull consumer.
 *
 * - `single`: one handler call at a time, in the order the server delivers (stream order for first
 *   deliveries). A rejected message is nak'd and comes back after the messages already delivered,
 *   as on daprd; set `maxAckPending: 1` to hold everything else back until it succeeded. For a
 *   bulk subscription, up to `batchSize` calls at once, started in that order (one batch).
 * - `parallel`: a handler call per message as it arrives (bounded by the consumer's max_ack_pending).
 *
 * Resolve → ack; reject → nak (with the backOff delay). Messages held here (waiting or in a
 * handler) get "in progress" acks every third of the ack wait, so a slow handler or a long queue
 * never triggers a second, concurrent delivery by the server.
 */
export class JetStreamSubscription implements Subscription {
  private messages?: ConsumerMessages;
  private readonly inflight = new Set<JsMsg>();
  private readonly calls: CallWindow<JsMsg>;
  private keepAlive?: NodeJS.Timeout;
  private recovering = false;
  private closed = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly o: SubscriptionOptions,
  ) {
    this.calls = new CallWindow({
      limit: o.concurrency === 'parallel' ? Infinity : Math.max(1, o.batchSize ?? 1),
      run: (m) => this.process(m),
      stopped: () => this.closed,
    });
  }

  async start(): Promise<void> {
    await this.consume();
    this.keepAlive = setInterval(() => this.touch(), Math.max(100, Math.floor(this.o.ackWaitMs / 3)));
    this.keepAlive.unref();
  }

  private async consume(): Promise<void> {
    const messages = await this.consumer.consume({
      callback: (m) => this.onMessage(m),
      max_messages: PULL_BATCH,
      // A pull request must outlive two heartbeats (the client clamps heartbeats to 0.5-30 s).
      ...(this.o.idleHeartbeatMs
        ? {
            idle_heartbeat: this.o.idleHeartbeatMs,
            expires: Math.max(30_000, 2 * Math.min(this.o.idleHeartbeatMs, 30_000) + 1_000),
          }
        : {}),
    });
    this.messages = messages;
    void this.watch(messages);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.messages?.close().catch(() => undefined);
    // Not started yet: back to the server now rather than after the ack wait.
    for (const m of this.calls.queue.splice(0)) m.nak();
    await this.calls.settled();
    clearInterval(this.keepAlive);
  }

  private onMessage(m: JsMsg): void {
    if (this.closed) {
      m.nak();
      return;
    }
    this.calls.push(m);
  }

  private async process(m: JsMsg): Promise<void> {
    this.inflight.add(m);
    try {
      await this.o.handler(fromJsMsg(m, this.o.topic));
      this.o.beforeAck?.();
      m.ack();
    } catch (err) {
      const delay = this.o.nakDelayMs(m.info.deliveryCount);
      this.o.log.warn(
        { err, topic: this.o.topic, seq: m.seq, deliveries: m.info.deliveryCount, redeliverInMs: delay },
        'jetstream: message not processed; nak for redelivery',
      );
      if (delay > 0) m.nak(delay);
      else m.nak();
    } finally {
      this.inflight.delete(m);
    }
  }

  private touch(): void {
    for (const m of this.inflight) m.working();
    for (const m of this.calls.queue) m.working();
  }

  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const s of messages.status()) {
      if (s.type === 'consumer_not_found' || s.type === 'consumer_deleted' || s.type === 'stream_not_found') {
        this.o.log.warn({ topic: this.o.topic, status: s.type }, 'jetstream: consumer lost; re-creating it');
        void this.recover();
      } else if (s.type === 'heartbeats_missed') {
        this.o.log.debug({ topic: this.o.topic, count: s.count }, 'jetstream: heartbeats missed');
      }
    }
  }

  private async recover(): Promise<void> {
    if (this.recovering || this.closed) return;
    this.recovering = true;
    try {
      await this.o.recover();
      // A pull waiting on the lost consumer would only be retried after two missed heartbeats.
      const old = this.messages;
      if (!this.closed) await this.consume();
      await old?.close().catch(() => undefined);
      this.o.log.info({ topic: this.o.topic }, 'jetstream: consumer re-created; consuming again');
    } catch (err) {
      this.o.log.warn({ err, topic: this.o.topic }, 'jetstream: could not re-create the consumer yet');
    } finally {
      this.recovering = false;
    }
  }
}
