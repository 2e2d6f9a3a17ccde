import type { ComponentContext } from '../../component.js';
import {
  kafkaJsLogger,
  loadKafkaLibrary,
  type KafkaClientFactory,
  type KafkaJsLogger,
  type KafkaLibrary,
  type KafkaProducer,
  type KafkaRecord,
} from '../../common/kafka/client.js';
import {
  parseKafkaMetadata,
  publishKey,
  toKafkaClientConfig,
  type KafkaClientConfig,
  type KafkaSettings,
} from '../../common/kafka/metadata.js';
import { ComponentMetadataError, getMetadataValue } from '../../common/metadata.js';
import { PubSubFeature } from '../features.js';
import type {
  BulkPublishEntry,
  BulkPublisher,
  MessageHandler,
  PubSub,
  PublishRequest,
  SubscribeRequest,
  Subscription,
} from '../interface.js';
import { GroupConsumer } from './consumer.js';
import { KafkaSubscriptions } from './subscriptions.js';

/** The node-rdkafka client under the KafkaJS-style producer (only its metadata request is used). */
interface MetadataClient {
  getMetadata(opts: { topic: string; timeout: number }, cb: (err: Error | null) => void): void;
}

interface Live {
  settings: KafkaSettings;
  config: KafkaClientConfig;
  client: KafkaClientFactory;
  producer: KafkaProducer;
  subscriptions: KafkaSubscriptions;
}

/**
 * `pubsub.kafka` on librdkafka (`@confluentinc/kafka-javascript`, KafkaJS-style API). Publish
 * resolves once the brokers acknowledged the record (acks=all and an idempotent producer by
 * default). Subscriptions: one consumer per consumer group, partitions in parallel and each in
 * order, offsets committed only after the handler resolved, a rejected message redelivered before
 * anything after it on its partition. Retries, dead-lettering and CloudEvents are the runtime's.
 */
export class KafkaPubSub implements PubSub, BulkPublisher {
  private live?: Live;
  private readonly kafkaLogger: KafkaJsLogger;

  constructor(
    private readonly ctx: Pick<ComponentContext, 'name' | 'metadata' | 'appId' | 'logger'>,
    private readonly loadLibrary: () => Promise<KafkaLibrary> = loadKafkaLibrary,
  ) {
    this.kafkaLogger = kafkaJsLogger(ctx.logger.child({ scope: 'kafka-client' }));
  }

  async init(): Promise<void> {
    const { name, logger } = this.ctx;
    const settings = parseKafkaMetadata(name, this.ctx.metadata, { appId: this.ctx.appId });
    this.warnAboutIgnored(settings);
    let lib: KafkaLibrary;
    try {
      lib = await this.loadLibrary();
    } catch (err) {
      throw new Error(`component ${name} (pubsub.kafka): ${(err as Error).message}`, { cause: err });
    }
    if (settings.compression === 'zstd' && !lib.features.includes('zstd')) {
      throw new ComponentMetadataError(
        name,
        'compression',
        "'zstd' is not built into this librdkafka: install libzstd-dev, then reinstall @confluentinc/kafka-javascript",
      );
    }
    const config = toKafkaClientConfig(settings);
    const client = lib.createClient(config.common);
    const producer = client.producer({ ...config.producer, kafkaJS: { logger: this.kafkaLogger } });
    try {
      await producer.connect();
    } catch (err) {
      throw new Error(
        `component ${name} (pubsub.kafka): cannot connect to brokers ${settings.brokers.join(',')}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const subscriptions = new KafkaSubscriptions(
      (group) => this.newConsumer(group),
      (topics) => this.requestTopicMetadata(producer, topics),
      logger,
    );
    this.live = { settings, config, client, producer, subscriptions };
    logger.debug(
      {
        brokers: settings.brokers,
        authType: settings.authType,
        consumerGroup: settings.consumerGroup,
        librdkafka: lib.librdkafkaVersion,
      },
      'kafka: connected',
    );
  }

  async close(): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    await live.subscriptions.closeAll();
    await live.producer.disconnect();
  }

  features() {
    return [PubSubFeature.BULK_PUBLISH] as const;
  }

  async publish(req: PublishRequest): Promise<void> {
    const { producer } = this.requireLive();
    await producer.send({ topic: req.topic, messages: [toRecord(req.data, req.metadata)] });
  }

  async bulkPublish(
    topic: string,
    entries: BulkPublishEntry[],
    metadata: Record<string, string>,
  ): Promise<{ entryId: string; error: string }[]> {
    const { producer } = this.requireLive();
    // Every entry is produced before the first acknowledgement is awaited, in entry order.
    const results = await Promise.allSettled(
      entries.map(async (e) =>
        producer.send({ topic, messages: [toRecord(e.data, { ...metadata, ...e.metadata })] }),
      ),
    );
    return results.flatMap((r, i) =>
      r.status === 'rejected'
        ? [{ entryId: entries[i].entryId, error: String(r.reason?.message ?? r.reason) }]
        : [],
    );
  }

  /**
   * Subscription metadata: `consumerGroup` (a daprts extension) puts this subscription in its own
   * group; `valueSchemaType` other than `None` needs a schema registry, which is not supported.
   */
  async subscribe(req: SubscribeRequest, handler: MessageHandler): Promise<Subscription> {
    const live = this.requireLive();
    const schemaType = getMetadataValue(req.metadata, 'valueSchemaType');
    if (schemaType && schemaType.toLowerCase() !== 'none') {
      throw new Error(
        `pubsub.kafka: valueSchemaType '${schemaType}' needs a schema registry, which is not supported`,
      );
    }
    const group = getMetadataValue(req.metadata, 'consumerGroup') || live.settings.consumerGroup;
    return live.subscriptions.subscribe(group, req.topic, {
      handle: handler,
      window: this.handlerWindow(req),
    });
  }

  /**
   * Per partition: one message at a time, or a bulk subscription's batch size (in order; offsets
   * committed as the in-order prefix of what resolved).
   */
  handlerWindow(req: SubscribeRequest): number {
    return Math.max(1, req.batchSize ?? 1);
  }

  /**
   * Asks the brokers about the topic through the producer, which lets a broker with topic
   * auto-creation create it now, as daprd's subscriber does. librdkafka's consumer does not
   * auto-create what it subscribes to and would only notice a topic created later (by the first
   * publish) at its next metadata refresh, minutes away. Failures are harmless and ignored.
   */
  private async requestTopicMetadata(producer: KafkaProducer, topics: string[]): Promise<void> {
    const internal = (producer as { _getInternalClient?: () => MetadataClient })._getInternalClient?.();
    if (typeof internal?.getMetadata !== 'function') return;
    await Promise.all(
      topics.map(
        (topic) =>
          new Promise<void>((resolve) =>
            internal.getMetadata({ topic, timeout: 5000 }, (err) => {
              if (err) this.ctx.logger.debug({ err, topic }, 'kafka: topic metadata request failed');
              resolve();
            }),
          ),
      ),
    );
  }

  /** Resolves when the group's consumer got its first partitions (tests publish with `newest` after it). */
  async waitForAssignment(group?: string): Promise<void> {
    const live = this.requireLive();
    await live.subscriptions.consumerOf(group ?? live.settings.consumerGroup)?.firstAssignment;
  }

  private newConsumer(group: string): GroupConsumer {
    const live = this.requireLive();
    return new GroupConsumer({
      client: live.client,
      config: { ...live.config.consumer, 'group.id': group },
      kafkaLogger: this.kafkaLogger,
      logger: this.ctx.logger,
      retryIntervalMs: live.settings.consumeRetryIntervalMs,
      escapeHeaders: live.settings.escapeHeaders,
    });
  }

  private requireLive(): Live {
    if (!this.live) throw new Error(`pubsub.kafka component ${this.ctx.name} is not initialised`);
    return this.live;
  }

  private warnAboutIgnored(settings: KafkaSettings): void {
    const { logger, metadata } = this.ctx;
    if (getMetadataValue(metadata, 'schemaRegistryURL')) {
      logger.warn('kafka: schemaRegistryURL is ignored: schema registry (Avro) is not supported');
    }
    if (!settings.consumeRetryEnabled) {
      logger.info(
        'kafka: consumeRetryEnabled=false is ignored: a rejected message is always redelivered, never skipped; ' +
          'set a deadLetterTopic on the subscription to move failing messages aside',
      );
    }
  }
}

/** Publish metadata → record: key from `partitionKey`/`__key`, `partitionNumber`, the rest as headers. */
export function toRecord(data: Buffer, metadata: Record<string, string>): KafkaRecord {
  const record: KafkaRecord = { key: publishKey(metadata) ?? null, value: data };
  const partition = getMetadataValue(metadata, 'partitionNumber');
  if (partition !== undefined && partition.trim() !== '') {
    const n = Number(partition);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`pubsub.kafka: partitionNumber '${partition}' must be a non-negative integer`);
    }
    record.partition = n;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) {
    const lower = k.toLowerCase();
    if (lower !== 'partitionkey' && lower !== '__key') headers[k] = v;
  }
  if (Object.keys(headers).length > 0) record.headers = headers;
  return record;
}
