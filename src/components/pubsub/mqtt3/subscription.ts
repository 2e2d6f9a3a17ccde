import type { Logger } from '../../../diagnostics/logger.js';
import type { MessageHandler, PubSubMessage } from '../interface.js';
import { CallWindow } from '../../common/call-window.js';
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
 * One topic filter's deliveries, in arrival order. The PUBACK of a QoS 1 message goes out only after
 * its handler resolved, and PUBACKs go out in arrival order (MQTT 3.1.1 §4.6).
 *
 * `window` handler calls at most are held at once: 1 for a normal subscription (strictly one after
 * the other), a bulk subscription's batch size so that a batch can fill. The window counts the
 * deliveries from the head of the unacked queue, so a delivery that resolved behind one that has
 * not stays in the window until its turn to be acked: never more than `window` are unacked here.
 *
 * MQTT 3 has no negative ack and a broker redelivers unacknowledged messages only when the session
 * reconnects, so a rejected message is retried here (with {@link retryDelayMs}) and holds back the
 * acks behind it, until it succeeds, the subscription closes (the message is parked, still unacked)
 * or the connection drops. After a drop, what the broker will send again on the resumed session is
 * dropped here (no duplicate); when the session was not resumed (clean session, broker lost its
 * state) the messages held here are still delivered.
 */
export class Mqtt3Subscription {
  readonly match: string;
  /** A call here is one delivery's whole stay: handler (with retries), then its turn to be acked. */
  private readonly calls: CallWindow<Delivery>;
  /** Settles once the last started delivery had its turn: the next one acks after it. */
  private lastTurn: Promise<void> = Promise.resolve();
  /** Started but not processed when the subscription closed, in arrival order: handed back. */
  private readonly left: Delivery[] = [];
  /** Wakes the sleeping calls (retry delays, `waiting` rechecks). */
  private readonly wakers = new Set<() => void>();
  private closed = false;

  constructor(
    readonly filter: string,
    private readonly handler: MessageHandler,
    private readonly host: DeliveryHost,
    window = 1,
  ) {
    this.match = deliveredFilter(filter);
    this.calls = new CallWindow({
      limit: Math.max(1, window),
      run: (d) => this.start(d),
      stopped: () => this.closed,
    });
  }

  /** Exact topic (or shared-subscription topic) match; wildcard matches are checked separately. */
  matchesExactly(topic: string): boolean {
    return this.filter === topic || this.match === topic;
  }

  matches(topic: string): boolean {
    return topicMatches(this.match, topic);
  }

  push(d: Delivery): void {
    this.calls.push(d);
  }

  /** The connection dropped or came back: stop waiting, and look at the deliveries' fate again. */
  connectionChanged(): void {
    this.wakeAll();
  }

  /**
   * Starts nothing more, lets the running handler calls finish and returns the deliveries not
   * processed, in order. A delivery that was processed behind one that was not (a rejected head
   * being retried) is acked even though its head stays unacked: the head is handed back, so no
   * in-order ack is possible any more, and handing the processed one back too would have the app
   * process it twice. Brokers match a PUBACK by packet id, whatever its order.
   */
  async close(): Promise<Delivery[]> {
    this.closed = true;
    this.wakeAll();
    await this.calls.settled();
    return [...this.left.splice(0), ...this.calls.queue.splice(0)];
  }

  /** Runs `d`'s handler at once and acks it after every delivery started before it had its turn. */
  private start(d: Delivery): Promise<void> {
    const outcome = this.process(d);
    const turn = Promise.all([outcome, this.lastTurn])
      .then(([o]) => {
        if (o === 'done') this.host.ack(d);
        else if (o === 'left') this.left.push(d);
      })
      // Never rejects: a broken chain would hold every later ack.
      .catch((err: unknown) => this.host.log.warn({ err, topic: d.topic }, 'mqtt3: cannot send the PUBACK'));
    this.lastTurn = turn;
    return turn;
  }

  /** `done`: the handler resolved; `dropped`: the broker sends it again; `left`: closed before. */
  private async process(d: Delivery): Promise<'done' | 'dropped' | 'left'> {
    let attempt = 0;
    while (!this.closed) {
      const fate = this.host.fate(d);
      if (fate === 'resent') return 'dropped';
      if (fate === 'waiting') {
        await this.sleep(RECHECK_MS);
        continue;
      }
      try {
        await this.handler(toMessage(d));
        return 'done';
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
    return 'left';
  }

  private wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Ends at once when the subscription is closed: a retry or recheck would not run anyway. */
  private sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

/** MQTT 3 carries no metadata: only daprd's `retained` flag is handed back. */
export function toMessage(d: Delivery): PubSubMessage {
  return { topic: d.topic, data: d.payload, metadata: { retained: String(d.retained) } };
}
