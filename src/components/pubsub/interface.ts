import type { Component } from '../component.js';
import type { PubSubFeature } from './features.js';

export interface PublishRequest {
  topic: string;
  /** The bytes to put on the broker: a serialised CloudEvent, or the raw payload. */
  data: Buffer;
  contentType?: string;
  /**
   * Publish metadata (`metadata.*` query parameters): component options such as `partitionKey`,
   * `ttlInSeconds`; brokers that carry metadata with the message hand it back on delivery.
   */
  metadata: Record<string, string>;
}

/** A message as the broker hands it to the runtime. */
export interface PubSubMessage {
  topic: string;
  data: Buffer;
  /** Broker metadata and carried publish metadata; the runtime sends each as a header to the app. */
  metadata: Record<string, string>;
  contentType?: string;
}

/**
 * Called once per message. Resolving acknowledges it to the broker (the app said SUCCESS, or it
 * was dropped or dead-lettered on purpose). Rejecting means "not processed": the component must
 * not lose it and lets the broker redeliver it later (nack with requeue, leave pending, seek back...),
 * except `pubsub.in-memory`, which drops it as daprd's does.
 *
 * Ordering contract: where the broker orders (a Kafka partition, an MQTT/JetStream subscription,
 * in-memory), the component does not call the handler for the next message of the same
 * partition before the previous call settled.
 */
export type MessageHandler = (msg: PubSubMessage) => Promise<void>;

export interface SubscribeRequest {
  topic: string;
  /** Subscription metadata merged over nothing (component metadata is the component's own). */
  metadata: Record<string, string>;
  /**
   * The handler batches (bulk subscribe): components that can run handler calls side by side
   * allow at least this many at once, started in delivery order, whatever their concurrency
   * setting, so that a batch can fill.
   */
  batchSize?: number;
}

/** A live subscription; `close()` stops delivery, lets in-flight handlers settle, and leaves unacked messages to the broker. */
export interface Subscription {
  close(): Promise<void>;
}

export interface PubSub extends Component {
  features(): readonly PubSubFeature[];
  /**
   * How many handler calls a subscription made with `req` runs at once (Infinity: unbounded).
   * Absent means one at a time. Bulk subscribe sends a batch once it holds this many messages,
   * since no more can arrive before some of them settle.
   */
  handlerWindow?(req: SubscribeRequest): number;
  /** Resolves once the broker accepted the message (acks/confirms where the broker has them). */
  publish(req: PublishRequest): Promise<void>;
  subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription>;
}

export interface BulkPublishEntry {
  entryId: string;
  data: Buffer;
  contentType?: string;
  metadata: Record<string, string>;
}

/** Optional capability: native bulk publish. Returns the entries that failed. */
export interface BulkPublisher {
  bulkPublish(
    topic: string,
    entries: BulkPublishEntry[],
    metadata: Record<string, string>,
  ): Promise<{ entryId: string; error: string }[]>;
}

export function isBulkPublisher(p: PubSub): p is PubSub & BulkPublisher {
  return typeof (p as Partial<BulkPublisher>).bulkPublish === 'function';
}
