import type { Logger } from '../../../diagnostics/logger.js';
import {
  REBALANCE_ASSIGN,
  REBALANCE_REVOKE,
  type ConsumedMessage,
  type EachMessagePayload,
  type KafkaClientFactory,
  type KafkaConsumer,
  type KafkaJsLogger,
  type TopicPartitionOffset,
} from '../../common/kafka/client.js';
import type { RdKafkaConfig } from '../../common/kafka/metadata.js';
import type { MessageHandler, PubSubMessage } from '../interface.js';

export interface GroupConsumerOptions {
  client: KafkaClientFactory;
  /** Consumer properties, `group.id` included. */
  config: RdKafkaConfig;
  kafkaLogger: KafkaJsLogger;
  logger: Logger;
  /** Pause before the first redelivery of a rejected message; doubles per further reject. */
  retryIntervalMs: number;
  /** Go's url.QueryEscape on the key and header values (daprd's `escapeHeaders`). */
  escapeHeaders: boolean;
}

/** Cap of the redelivery backoff (unless `consumeRetryInterval` itself is longer). */
export const MAX_RETRY_INTERVAL_MS = 10_000;
/** Messages fetched ahead per partition before fetching pauses, and the level where it resumes. */
const QUEUE_HIGH = 500;
const QUEUE_LOW = 100;
/** How long a revocation waits for in-flight handlers before letting the rebalance go on. */
const REVOKE_WAIT_MS = 30_000;

/**
 * A topic's handler and how many of a partition's messages it takes at once: 1 (one after the
 * other), or a bulk subscription's batch size (started in order, committed as an in-order prefix).
 */
export interface TopicHandler {
  handle: MessageHandler;
  window: number;
}

/** One assigned partition: its queue of fetched messages and the handler calls in flight. */
interface PartitionState {
  topic: string;
  partition: number;
  key: string;
  handler: TopicHandler;
  queue: ConsumedMessage[];
  /** False once revoked or stopped: nothing more is started for it. */
  alive: boolean;
  inflight: Set<Promise<void>>;
  /** Offsets started since the last failure, in order, not yet part of the committed prefix. */
  started: string[];
  /** Of `started`, those whose handler resolved. */
  done: Set<string>;
  /** Bumped by a failure: calls started before it no longer count (they come again after the seek). */
  generation: number;
  /** Fetching is paused (backpressure or backoff); deliveries until `resume` are stale and dropped. */
  paused: boolean;
  backpressure: boolean;
  /** After a seek: the only offset accepted next (anything else predates the seek). */
  expect?: string;
  /** Offset after the last message taken into the queue. */
  next?: string;
  failedOffset?: string;
  failures: number;
  timer?: NodeJS.Timeout;
}

const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const plusOne = (offset: string) => (BigInt(offset) + 1n).toString();

/**
 * One Kafka consumer (one group member) for a set of topics. The library hands messages over
 * (`eachMessage` only queues them); each partition has its own queue drained one message at a time
 * (a bulk subscription: up to its batch size at once, started in order), so partitions run in parallel and a slow handler on one never holds up another. An offset is
 * committed only after its handler resolved. A rejected message empties its partition's queue,
 * pauses the partition, seeks back to that message and resumes after a backoff: it is delivered
 * again before anything after it. A full queue pauses fetching for that partition (backpressure).
 */
export class GroupConsumer {
  /** topic → handler; grows with `addTopics`, never shrinks (removing a topic means a new consumer). */
  readonly topics = new Map<string, TopicHandler>();
  private consumer?: KafkaConsumer;
  private stopping?: Promise<void>;
  /** Between a revocation and the next assignment: take nothing (the partitions may move). */
  private revoking = false;
  private partitions = new Map<string, PartitionState>();
  /** Partitions this member paused that librdkafka may still hold paused after a rebalance. */
  private readonly stalePauses = new Map<string, { topic: string; partition: number }>();
  private pendingCommits = new Map<string, TopicPartitionOffset>();
  private committing?: Promise<void>;
  private assigned!: () => void;
  /** Resolves at the first partition assignment (for tests and diagnostics). */
  readonly firstAssignment = new Promise<void>((resolve) => (this.assigned = resolve));

  constructor(private readonly opts: GroupConsumerOptions) {}

  get group(): string {
    return String(this.opts.config['group.id']);
  }

  /** Connects, subscribes and starts fetching; the group join then happens in the background. */
  async start(topics: ReadonlyMap<string, TopicHandler>): Promise<void> {
    for (const [topic, handler] of topics) this.topics.set(topic, handler);
    const consumer = this.opts.client.consumer({
      ...this.opts.config,
      kafkaJS: { logger: this.opts.kafkaLogger },
      rebalance_cb: (err, assignment) => this.onRebalance(err.code, assignment),
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.topics.keys()] });
    // One library worker is enough: `eachMessage` only queues, the handlers run per partition.
    await consumer.run({ partitionsConsumedConcurrently: 1, eachMessage: async (p) => this.take(p) });
    this.opts.logger.debug({ group: this.group, topics: [...this.topics.keys()] }, 'kafka: consumer started');
  }

  /** Adds topics to the running member (librdkafka rejoins the group with the new subscription). */
  async addTopics(topics: ReadonlyMap<string, TopicHandler>): Promise<void> {
    for (const [topic, handler] of topics) this.topics.set(topic, handler);
    await this.consumer!.subscribe({ topics: [...this.topics.keys()], replace: true });
  }

  /**
   * Stops fetching, lets in-flight handlers settle, commits what resolved and leaves the group.
   * Messages not yet resolved stay uncommitted: the next member of the group gets them.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    try {
      consumer.pause([...this.topics.keys()].map((topic) => ({ topic })));
    } catch {
      // Not connected (start failed): nothing is being fetched anyway.
    }
    await this.release([...this.partitions.values()], Infinity);
    await this.flushCommits();
    try {
      await consumer.disconnect();
    } catch (err) {
      this.opts.logger.warn({ err, group: this.group }, 'kafka: consumer did not disconnect cleanly');
    }
    this.opts.logger.debug({ group: this.group }, 'kafka: consumer stopped');
  }

  private async onRebalance(code: number, assignment: { topic: string; partition: number }[]): Promise<void> {
    if (code === REBALANCE_REVOKE) {
      // Before the partitions move: finish what is in flight and commit it, so the next owner
      // neither re-runs a resolved message nor runs one while this member still does.
      this.revoking = true;
      const states = [...this.partitions.values()];
      this.partitions = new Map();
      await this.release(states, REVOKE_WAIT_MS);
      await this.flushCommits();
    } else if (code === REBALANCE_ASSIGN) {
      this.revoking = false;
      // librdkafka keeps a partition's pause flag across unassign/assign: clear the ones we set.
      const stale = assignment.filter((tp) => this.stalePauses.delete(partitionKey(tp.topic, tp.partition)));
      const toResume = stale.map((tp) => ({ topic: tp.topic, partitions: [tp.partition] }));
      if (toResume.length > 0) this.call(() => this.consumer?.resume(toResume));
      this.opts.logger.debug(
        { group: this.group, partitions: assignment.length },
        'kafka: partitions assigned',
      );
      if (assignment.length > 0) this.assigned();
    }
  }

  /** Drops the states' queues and timers, then waits (up to `waitMs`) for their in-flight handlers. */
  private async release(states: PartitionState[], waitMs: number): Promise<void> {
    for (const st of states) {
      st.alive = false;
      st.queue = [];
      clearTimeout(st.timer);
      if (st.paused) this.stalePauses.set(st.key, { topic: st.topic, partition: st.partition });
    }
    const inflight = Promise.all(states.flatMap((st) => [...st.inflight]));
    let timer: NodeJS.Timeout | undefined;
    const timeout =
      waitMs === Infinity ? inflight : new Promise<void>((r) => (timer = setTimeout(r, waitMs)));
    await Promise.race([inflight, timeout]);
    clearTimeout(timer);
  }

  /** `eachMessage`: takes the message into its partition's queue; never waits for the handler. */
  private take({ topic, partition, message }: EachMessagePayload): void {
    const handler = this.topics.get(topic);
    if (this.stopping || this.revoking || !handler) return; // not committed: it comes again later
    const key = partitionKey(topic, partition);
    let st = this.partitions.get(key);
    if (!st) {
      st = {
        topic,
        partition,
        key,
        handler,
        queue: [],
        alive: true,
        inflight: new Set(),
        started: [],
        done: new Set(),
        generation: 0,
        paused: false,
        backpressure: false,
        failures: 0,
      };
      this.partitions.set(key, st);
    }
    if (st.paused) return;
    if (st.expect !== undefined) {
      if (message.offset !== st.expect) return;
      st.expect = undefined;
    }
    st.queue.push(message);
    st.next = plusOne(message.offset);
    if (st.queue.length >= QUEUE_HIGH) {
      st.backpressure = true;
      this.block(st, st.next);
    }
    this.drain(st);
  }

  /** Starts queued messages of the partition, in order, while fewer than its window are in flight. */
  private drain(st: PartitionState): void {
    while (st.alive && st.inflight.size < st.handler.window) {
      const message = st.queue.shift();
      if (!message) return;
      st.started.push(message.offset);
      const p: Promise<void> = this.deliver(st, message, st.generation).then((ok) => {
        st.inflight.delete(p);
        if (st.backpressure && st.queue.length <= QUEUE_LOW && st.alive) {
          st.backpressure = false;
          this.unblock(st);
        }
        if (ok) this.drain(st);
      });
      st.inflight.add(p);
    }
  }

  /**
   * Runs the handler; false when it rejected (the partition then waits for the redelivery) or when
   * an earlier message of the partition failed meanwhile (this one comes again after it).
   */
  private async deliver(st: PartitionState, message: ConsumedMessage, generation: number): Promise<boolean> {
    try {
      await st.handler.handle(this.toPubSubMessage(st, message));
    } catch (err) {
      if (st.alive && generation === st.generation) this.redeliverLater(st, message.offset, err);
      return false;
    }
    if (generation !== st.generation) return false;
    st.failures = 0;
    st.failedOffset = undefined;
    this.settle(st, message.offset);
    return true;
  }

  /** Marks `offset` done and commits past the longest in-order prefix of done messages. */
  private settle(st: PartitionState, offset: string): void {
    st.done.add(offset);
    let last: string | undefined;
    while (st.started.length > 0 && st.done.delete(st.started[0])) last = st.started.shift();
    if (last !== undefined) this.markResolved(st, last);
  }

  private redeliverLater(st: PartitionState, offset: string, err: unknown): void {
    st.failures = st.failedOffset === offset ? st.failures + 1 : 1;
    st.failedOffset = offset;
    const cap = Math.max(MAX_RETRY_INTERVAL_MS, this.opts.retryIntervalMs);
    const delayMs = Math.min(this.opts.retryIntervalMs * 2 ** Math.min(st.failures - 1, 20), cap);
    const fields = { err, topic: st.topic, partition: st.partition, offset, attempt: st.failures, delayMs };
    if (st.failures === 1 || st.failures % 10 === 0) {
      this.opts.logger.warn(fields, 'kafka: message not processed; redelivering it before later ones');
    } else {
      this.opts.logger.debug(fields, 'kafka: message not processed again');
    }
    st.queue = [];
    st.generation++;
    st.started = [];
    st.done.clear();
    st.backpressure = false;
    this.block(st, offset);
    clearTimeout(st.timer);
    st.timer = setTimeout(() => {
      st.timer = undefined;
      if (st.alive && !this.stopping) this.unblock(st);
    }, delayMs);
  }

  /** Pauses fetching for the partition and moves its position to `offset` (applied in call order). */
  private block(st: PartitionState, offset: string): void {
    st.paused = true;
    st.expect = offset;
    this.call(() => this.consumer?.pause([{ topic: st.topic, partitions: [st.partition] }]));
    this.call(() => this.consumer?.seek({ topic: st.topic, partition: st.partition, offset }));
  }

  private unblock(st: PartitionState): void {
    st.paused = false;
    this.call(() => this.consumer?.resume([{ topic: st.topic, partitions: [st.partition] }]));
  }

  private call(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.logger.debug({ err, group: this.group }, 'kafka: consumer call failed');
    }
  }

  private toPubSubMessage(st: PartitionState, message: ConsumedMessage): PubSubMessage {
    const escape = this.opts.escapeHeaders ? goQueryEscape : (s: string) => s;
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      const last = Array.isArray(value) ? value[value.length - 1] : value;
      if (last === undefined) continue;
      metadata[name] = escape(typeof last === 'string' ? last : last.toString('utf8'));
    }
    // Broker fields win over headers of the same name.
    if (message.key) metadata.__key = escape(message.key.toString('utf8'));
    metadata.__topic = st.topic;
    metadata.__partition = String(st.partition);
    metadata.__offset = message.offset;
    if (message.timestamp) metadata.__timestamp = message.timestamp;
    return { topic: st.topic, data: message.value ?? Buffer.alloc(0), metadata };
  }

  private markResolved(st: PartitionState, offset: string): void {
    this.pendingCommits.set(st.key, { topic: st.topic, partition: st.partition, offset: plusOne(offset) });
    void this.kickCommits();
  }

  /** Commits every resolved offset not committed yet; resolves when none is pending. */
  private async flushCommits(): Promise<void> {
    while (this.committing || this.pendingCommits.size > 0) await this.kickCommits();
  }

  private kickCommits(): Promise<void> {
    this.committing ??= this.commitLoop().finally(() => {
      this.committing = undefined;
      if (this.pendingCommits.size > 0) void this.kickCommits();
    });
    return this.committing;
  }

  /** One commit at a time; offsets resolved meanwhile go out together in the next one. */
  private async commitLoop(): Promise<void> {
    while (this.pendingCommits.size > 0) {
      const batch = [...this.pendingCommits.values()];
      this.pendingCommits = new Map();
      if (!this.consumer) return;
      try {
        await this.consumer.commitOffsets(batch);
      } catch (err) {
        this.opts.logger.warn(
          { err, group: this.group },
          'kafka: offset commit failed; these messages may be delivered again',
        );
      }
    }
  }
}

/** Go's url.QueryEscape (daprd's `escapeHeaders`): form encoding, space as '+'. */
export function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}
