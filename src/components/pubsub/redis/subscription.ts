import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../../../diagnostics/logger.js';
import { closeRedis, corked, reconnectDelayMs } from '../../common/redis/client.js';
import type { MessageHandler, Subscription } from '../interface.js';
import { redeliveryEnabled, type RedisPubSubMetadata } from './metadata.js';
import {
  entriesOfReadReply,
  isNoGroupError,
  parseAutoClaimReply,
  toMessage,
  type StreamEntry,
} from './streams.js';
import { ensureGroup, pruneStaleConsumers } from './groups.js';
import { CallWindow } from '../../common/call-window.js';

/** How long one XREADGROUP blocks; close() interrupts it at once with CLIENT UNBLOCK. */
export const BLOCK_MS = 2000;
/** Ack retries run this often when the keep-alive is disabled. */
const ACK_RETRY_MS = 1000;
/** At most this many ids per XCLAIM / XACK command. */
const CHUNK = 500;

export interface StreamSubscriptionOptions {
  topic: string;
  consumer: string;
  meta: RedisPubSubMetadata;
  /** The component's command connection (XACK, XCLAIM, XAUTOCLAIM, CLIENT UNBLOCK). */
  client: Redis;
  /** A dedicated connection for the blocking XREADGROUP; closed with the subscription. */
  reader: Redis;
  handler: MessageHandler;
  logger: Logger;
  /** True when another live subscription of the same component and topic holds the entry. */
  heldElsewhere: (id: string) => boolean;
}

/** Where an entry held by this process is: waiting for a handler, in one, or acked but not yet confirmed. */
type HeldState = 'queued' | 'running' | 'acking';

/**
 * One subscription to one stream with the component's consumer group and consumer name.
 *
 * - Reads this consumer's own pending entries first (left by a previous run), then new ones
 *   (`>`), never holding more than `queueDepth + concurrency` entries.
 * - Calls the handler with at most `concurrency` entries in flight, in stream order; with
 *   concurrency 1 strictly one after the other.
 * - Resolve → XACK (retried until it lands, so a short outage does not cause a redelivery);
 *   reject → left pending, re-claimed after `processingTimeout`.
 * - Keep-alive: every `entryKeepAliveInterval` the idle time of every entry held here is reset
 *   (XCLAIM to ourselves, JUSTID: no delivery-count bump), so neither this process nor another
 *   consumer re-claims a message whose handler still runs (components-contrib#4599).
 * - Reclaim: every `redeliverInterval`, XAUTOCLAIM entries of the group idle for
 *   `processingTimeout`, skipping those this process still holds.
 */
export class StreamSubscription implements Subscription {
  private readonly held = new Map<string, HeldState>();
  /** Ids handled since the last XACK was sent (see ackSoon). */
  private readonly toAck: string[] = [];
  private readonly calls: CallWindow<StreamEntry>;
  private readonly abort = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly capacity: number;
  private closed = false;
  private closing?: Promise<void>;
  private readLoop?: Promise<void>;
  private readerId?: string;
  private slotFreed?: () => void;
  private reclaiming = false;
  private maintaining = false;

  constructor(private readonly opts: StreamSubscriptionOptions) {
    this.capacity = opts.meta.queueDepth + opts.meta.concurrency;
    this.calls = new CallWindow({
      limit: opts.meta.concurrency,
      run: (entry) => this.process(entry),
      stopped: () => this.closed,
    });
    opts.reader.on('close', () => (this.readerId = undefined));
  }

  get topic(): string {
    return this.opts.topic;
  }

  /** Whether this subscription holds the entry (queued, in a handler, or being acked). */
  holds(id: string): boolean {
    return this.held.has(id);
  }

  /** Creates the group if needed and starts reading, reclaiming and keeping entries alive. */
  async start(): Promise<void> {
    const { client, topic, meta } = this.opts;
    await ensureGroup(client, topic, meta.consumerGroup);
    void pruneStaleConsumers(client, topic, meta.consumerGroup, this.opts.consumer);
    this.readLoop = this.read();
    if (redeliveryEnabled(meta)) {
      void this.reclaim();
      this.timers.push(setInterval(() => void this.reclaim(), meta.redeliverIntervalMs));
    }
    const tick = meta.keepAliveIntervalMs > 0 ? meta.keepAliveIntervalMs : ACK_RETRY_MS;
    this.timers.push(setInterval(() => void this.maintain(), tick));
  }

  /** Stops reading, lets in-flight handlers settle; unprocessed entries stay pending in Redis. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.abort.abort();
    this.slotFreed?.();
    await this.interruptReader();
    for (const entry of this.calls.queue.splice(0)) this.held.delete(entry.id);
    await this.calls.settled();
    await this.retryAcks();
    await closeRedis(this.opts.reader);
  }

  /** Ends a blocked XREADGROUP: CLIENT UNBLOCK, or dropping the connection if that does not work. */
  private async interruptReader(): Promise<void> {
    if (!this.readLoop) return;
    if (this.readerId) {
      await this.opts.client.call('CLIENT', 'UNBLOCK', this.readerId).catch(() => undefined);
    }
    const done = await Promise.race([this.readLoop.then(() => true), sleep(250).then(() => false)]);
    if (!done) this.opts.reader.disconnect();
    await this.readLoop;
  }

  private async read(): Promise<void> {
    // '0' = this consumer's own pending entries (left by a previous run with the same name), paged
    // by the last id seen; once they are exhausted, '>' = entries never delivered to the group.
    let cursor = '0';
    let failures = 0;
    while (!this.closed) {
      const free = this.capacity - this.held.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      try {
        const entries = await this.xreadgroup(cursor, free);
        if (failures > 0) this.opts.logger.info({ topic: this.opts.topic }, 'redis streams: reading again');
        failures = 0;
        if (cursor !== '>') cursor = entries.length > 0 ? entries[entries.length - 1].id : '>';
        for (const entry of entries) this.accept(entry);
      } catch (err) {
        if (this.closed) break;
        failures++;
        await this.onReadError(err, failures);
      }
    }
  }

  private async xreadgroup(cursor: string, count: number): Promise<StreamEntry[]> {
    const { reader, meta, consumer, topic } = this.opts;
    this.readerId ??= String(await reader.call('CLIENT', 'ID'));
    const args: (string | number)[] = ['GROUP', meta.consumerGroup, consumer, 'COUNT', count];
    if (cursor === '>') args.push('BLOCK', BLOCK_MS);
    args.push('STREAMS', topic, cursor);
    return entriesOfReadReply(await reader.callBuffer('XREADGROUP', ...args));
  }

  private async onReadError(err: unknown, failures: number): Promise<void> {
    const { logger, topic, client, meta } = this.opts;
    const log = failures === 1 ? logger.warn.bind(logger) : logger.debug.bind(logger);
    log({ err: { message: (err as Error).message }, topic }, 'redis streams: error reading; retrying');
    if (isNoGroupError(err)) {
      // The server lost the stream or the group (restarted without persistence, or deleted by hand).
      await ensureGroup(client, topic, meta.consumerGroup).catch(() => undefined);
    }
    await sleep(reconnectDelayMs(failures), undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  /** Queues an entry for the handler unless this process already holds it. */
  private accept(entry: StreamEntry): void {
    if (this.closed || this.held.has(entry.id) || this.opts.heldElsewhere(entry.id)) return;
    if (entry.fields === null) {
      // Still pending but trimmed from the stream (Redis 6.2): nothing to deliver; drop it from the PEL.
      void this.opts.client
        .xack(this.opts.topic, this.opts.meta.consumerGroup, entry.id)
        .catch(() => undefined);
      return;
    }
    this.held.set(entry.id, 'queued');
    this.calls.push(entry);
  }

  private async process(entry: StreamEntry): Promise<void> {
    const { logger, topic, handler } = this.opts;
    this.held.set(entry.id, 'running');
    try {
      await handler(toMessage(topic, entry, logger));
    } catch (err) {
      // Not processed: leave it pending; the reclaim loop hands it out again after processingTimeout.
      logger.debug({ err, topic, id: entry.id }, 'redis streams: message not processed; left pending');
      this.release(entry.id);
      return;
    }
    this.held.set(entry.id, 'acking');
    this.ackSoon(entry.id);
  }

  /**
   * Acks in batches: every id acked in the same turn of the event loop goes in one XACK, and the
   * handler's concurrency slot is free before the XACK returns (the entry stays held, so counted
   * against the read capacity, until it is confirmed).
   */
  private ackSoon(id: string): void {
    this.toAck.push(id);
    if (this.toAck.length === 1) setImmediate(() => this.flushAcks());
  }

  private flushAcks(): void {
    while (this.toAck.length > 0) void this.ack(this.toAck.splice(0, CHUNK));
  }

  private async ack(ids: string[]): Promise<void> {
    const { client, topic, meta, logger } = this.opts;
    try {
      await corked(client, () => client.xack(topic, meta.consumerGroup, ...ids));
    } catch (err) {
      // NOGROUP: the entries are gone with the group. Otherwise keep them held (and kept alive) and
      // retry, so an outage shorter than processingTimeout does not turn into a redelivery.
      if (!isNoGroupError(err)) {
        logger.debug(
          { err: { message: (err as Error).message }, topic },
          'redis streams: XACK failed; will retry',
        );
        return;
      }
    }
    for (const id of ids) this.release(id);
  }

  private release(id: string): void {
    this.held.delete(id);
    const wake = this.slotFreed;
    this.slotFreed = undefined;
    wake?.();
  }

  private async retryAcks(): Promise<void> {
    const ids = [...this.held].filter(([, s]) => s === 'acking').map(([id]) => id);
    for (let i = 0; i < ids.length; i += CHUNK) await this.ack(ids.slice(i, i + CHUNK));
  }

  /** Retries failed acks and resets the idle time of every entry held here. */
  private async maintain(): Promise<void> {
    if (this.maintaining || this.closed) return;
    this.maintaining = true;
    try {
      await this.retryAcks();
      const { client, topic, meta, consumer } = this.opts;
      if (meta.keepAliveIntervalMs <= 0) return;
      const ids = [...this.held.keys()];
      for (let i = 0; i < ids.length; i += CHUNK) {
        await client.call(
          'XCLAIM',
          topic,
          meta.consumerGroup,
          consumer,
          0,
          ...ids.slice(i, i + CHUNK),
          'JUSTID',
        );
      }
    } catch (err) {
      this.opts.logger.debug(
        { err: { message: (err as Error).message } },
        'redis streams: keep-alive failed',
      );
    } finally {
      this.maintaining = false;
    }
  }

  /** Claims entries of the group idle for processingTimeout, as many as there is room for. */
  private async reclaim(): Promise<void> {
    if (this.reclaiming || this.closed) return;
    this.reclaiming = true;
    const { client, topic, meta, consumer, logger } = this.opts;
    try {
      let cursor = '0-0';
      for (let round = 0; round < 100 && !this.closed; round++) {
        const free = this.capacity - this.held.size;
        if (free <= 0) break;
        const reply = await client.callBuffer(
          'XAUTOCLAIM',
          topic,
          meta.consumerGroup,
          consumer,
          meta.processingTimeoutMs,
          cursor,
          'COUNT',
          free,
        );
        const { next, entries } = parseAutoClaimReply(reply);
        if (entries.length > 0) logger.debug({ topic, count: entries.length }, 'redis streams: redelivering');
        for (const entry of entries) this.accept(entry);
        cursor = next;
        if (cursor === '0-0') break;
      }
    } catch (err) {
      if (!this.closed && !isNoGroupError(err)) {
        logger.debug({ err: { message: (err as Error).message }, topic }, 'redis streams: reclaim failed');
      }
    } finally {
      this.reclaiming = false;
    }
  }
}
