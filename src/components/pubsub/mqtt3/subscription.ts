import type { Logger } from '../../../diagnostics/logger.js';
import type { MessageHandler, PubSubMessage } from '../interface.js';
import { deliveredFilter, topicMatches } from './topics.js';

/** A PUBLISH received from the broker, waiting for its handler; QoS 1 ones are not PUBACKed yet. */
export interface Delivery {
  topic: string;
  payload: Buffer;
  retained: boolean;
  qos: number;
  messageId?: number;
  /** The connection it arrived on: a PUBACK is only valid on that one. */
  connection: number;
}

/**
 * What became of a delivery's connection:
 * - `live`: it is the current connection (the PUBACK can be sent);
 * - `waiting`: it dropped and no new connection is up yet, so it is not known whether the broker
 *   kept the session;
 * - `resent`: the next connection resumed the session, so the broker sends the message again;
 * - `orphan`: the session was not resumed (or QoS 0): nobody will send it again, deliver it without ack.
 */
export type DeliveryFate = 'live' | 'waiting' | 'resent' | 'orphan';

/** What a subscription needs from the component's connection. */
export interface DeliveryHost {
  /** Sends the PUBACK if the delivery's connection is still the live one. */
  ack(d: Delivery): void;
  fate(d: Delivery): DeliveryFate;
  log: Logger;
}

/** How long a subscription waits, at most, before it looks again at a `waiting` delivery. */
const RECHECK_MS = 1_000;

/** In-process redelivery of a rejected message: 100 ms, doubling, at most 5 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt - 1, 10));
}

/**
 * One topic filter's deliveries: strictly in arrival order, one handler call at a time. The PUBACK
 * goes out only after the handler resolved. MQTT 3 has no negative ack and a broker redelivers
 * unacknowledged messages only when the session reconnects, so a rejected message is retried here
 * (with {@link retryDelayMs}) and holds back the ones behind it, until it succeeds, the subscription
 * closes (the message is parked, still unacked) or the connection drops. After a drop, what the
 * broker will send again on the resumed session is dropped here (no duplicate); when the session was
 * not resumed (clean session, broker lost its state) the messages held here are still delivered.
 */
export class Mqtt3Subscription {
  readonly match: string;
  private readonly queue: Delivery[] = [];
  private loop?: Promise<void>;
  private wake?: () => void;
  private closed = false;

  constructor(
    readonly filter: string,
    private readonly handler: MessageHandler,
    private readonly host: DeliveryHost,
  ) {
    this.match = deliveredFilter(filter);
  }

  /** Exact topic (or shared-subscription topic) match; wildcard matches are checked separately. */
  matchesExactly(topic: string): boolean {
    return this.filter === topic || this.match === topic;
  }

  matches(topic: string): boolean {
    return topicMatches(this.match, topic);
  }

  push(d: Delivery): void {
    this.queue.push(d);
    this.loop ??= this.drain();
  }

  /** The connection dropped or came back: stop waiting, and look at the head delivery's fate again. */
  connectionChanged(): void {
    this.wake?.();
  }

  /** Stops delivery after the current handler call; returns the deliveries not yet acked, in order. */
  async close(): Promise<Delivery[]> {
    this.closed = true;
    this.wake?.();
    await this.loop;
    return this.queue.splice(0);
  }

  private async drain(): Promise<void> {
    try {
      let attempt = 0;
      while (!this.closed && this.queue.length > 0) {
        const d = this.queue[0];
        const fate = this.host.fate(d);
        if (fate === 'resent') {
          this.queue.shift();
          attempt = 0;
          continue;
        }
        if (fate === 'waiting') {
          await this.sleep(RECHECK_MS);
          continue;
        }
        try {
          await this.handler(toMessage(d));
          this.queue.shift();
          attempt = 0;
          this.host.ack(d);
        } catch (err) {
          attempt++;
          const delay = retryDelayMs(attempt);
          this.host.log.warn(
            { err, topic: d.topic, attempt, retryInMs: delay },
            'mqtt3: message not processed; retrying it (MQTT 3 has no nack)',
          );
          await this.sleep(delay);
        }
      }
    } finally {
      this.loop = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** MQTT 3 carries no metadata: only daprd's `retained` flag is handed back. */
export function toMessage(d: Delivery): PubSubMessage {
  return { topic: d.topic, data: d.payload, metadata: { retained: String(d.retained) } };
}
