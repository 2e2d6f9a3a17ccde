import type { Logger } from '../../../diagnostics/logger.js';
import type { RdKafkaConfig } from './metadata.js';

/*
 * The subset of `@confluentinc/kafka-javascript`'s KafkaJS-style API this project uses, typed here so
 * that the code compiles (and the runtime loads) on a machine where the optional native dependency
 * is absent. The library itself is loaded lazily by `loadKafkaLibrary()`.
 */

export type KafkaHeaderValue = Buffer | string | (Buffer | string)[] | undefined;

export interface KafkaRecord {
  key?: Buffer | string | null;
  value: Buffer | null;
  partition?: number;
  headers?: Record<string, Buffer | string>;
}

export interface KafkaProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: KafkaRecord[] }): Promise<unknown[]>;
  disconnect(): Promise<void>;
}

export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: string;
  offset: string;
  headers?: Record<string, KafkaHeaderValue>;
}

export interface EachMessagePayload {
  topic: string;
  partition: number;
  message: ConsumedMessage;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface TopicPartitions {
  topic: string;
  partitions?: number[];
}

export interface KafkaConsumer {
  connect(): Promise<void>;
  subscribe(subscription: { topics: string[]; replace?: boolean }): Promise<void>;
  run(config: {
    partitionsConsumedConcurrently?: number;
    eachMessage: (payload: EachMessagePayload) => Promise<void>;
  }): Promise<void>;
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Asynchronous: applied (in call order, with pause/resume) before the next fetch. */
  seek(position: TopicPartitionOffset): void;
  pause(topics: TopicPartitions[]): void;
  resume(topics: TopicPartitions[]): void;
  disconnect(): Promise<void>;
}

/** A rebalance event: `code` is -175 for an assignment, -174 for a revocation. */
export type RebalanceCallback = (
  err: { code: number },
  assignment: { topic: string; partition: number }[],
) => Promise<void>;
export const REBALANCE_ASSIGN = -175;
export const REBALANCE_REVOKE = -174;

export type ClientOptions = { [property: string]: unknown } & { kafkaJS?: { logger: KafkaJsLogger } };

/** The KafkaJS-style `Kafka` factory, already holding the common configuration. */
export interface KafkaClientFactory {
  /** librdkafka properties plus `kafkaJS: { logger }`. */
  producer(config: ClientOptions): KafkaProducer;
  /** librdkafka properties plus `kafkaJS: { logger }` and `rebalance_cb`. */
  consumer(config: ClientOptions & { rebalance_cb?: RebalanceCallback }): KafkaConsumer;
}

export interface KafkaLibrary {
  /** librdkafka's `builtin.features` (gzip, snappy, sasl_scram, zstd...). */
  features: readonly string[];
  librdkafkaVersion: string;
  createClient(common: RdKafkaConfig): KafkaClientFactory;
  /** The raw module, for the node-rdkafka-style API (the test helper's mock cluster uses it). */
  module: unknown;
}

export const KAFKA_PACKAGE = '@confluentinc/kafka-javascript';

const loaded = new Map<string, Promise<KafkaLibrary>>();

/**
 * Loads `@confluentinc/kafka-javascript` on first use. It is an optional dependency with a native
 * build, so a machine where that build failed still runs every other component; only `pubsub.kafka`
 * fails, at init, with this message.
 */
export function loadKafkaLibrary(specifier: string = KAFKA_PACKAGE): Promise<KafkaLibrary> {
  let p = loaded.get(specifier);
  if (!p) {
    p = importLibrary(specifier);
    loaded.set(specifier, p);
    p.catch(() => loaded.delete(specifier));
  }
  return p;
}

interface RawModule {
  features?: string[];
  librdkafkaVersion?: string;
  KafkaJS: { Kafka: new (config: RdKafkaConfig) => KafkaClientFactory };
}

async function importLibrary(specifier: string): Promise<KafkaLibrary> {
  let mod: { default?: RawModule } & Partial<RawModule>;
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (err) {
    throw new Error(
      `the Kafka client library '${specifier}' could not be loaded (${(err as Error).message}). It is an ` +
        'optional dependency with a native build: install it with ' +
        `\`CKJS_LINKING=dynamic npm install ${KAFKA_PACKAGE}\` (needs libssl-dev and zlib1g-dev)`,
      { cause: err },
    );
  }
  const raw = (mod.default ?? mod) as RawModule;
  if (typeof raw?.KafkaJS?.Kafka !== 'function') {
    throw new Error(`'${specifier}' does not provide the KafkaJS-style API (KafkaJS.Kafka)`);
  }
  return {
    features: raw.features ?? [],
    librdkafkaVersion: raw.librdkafkaVersion ?? 'unknown',
    createClient: (common) => new raw.KafkaJS.Kafka(common),
    module: raw,
  };
}

/** The logger interface the KafkaJS-style API accepts (`kafkaJS: { logger }`). */
export interface KafkaJsLogger {
  info(message: string, extra?: object): void;
  error(message: string, extra?: object): void;
  warn(message: string, extra?: object): void;
  debug(message: string, extra?: object): void;
  namespace(): KafkaJsLogger;
  setLogLevel(): void;
}

/** Messages the library logs as errors that are expected in normal operation. */
const EXPECTED = [
  // An `eachMessage` callback threw: the library seeks back to that message (by design, not a fault).
  'Consumer encountered error while processing message',
];

/**
 * Routes the library's (and librdkafka's) log lines into the runtime's logger. librdkafka reports
 * transient broker problems as errors and retries them by itself, so they become warnings here.
 */
export function kafkaJsLogger(logger: Logger): KafkaJsLogger {
  const fields = (extra?: object) => ({ kafka: extra });
  const self: KafkaJsLogger = {
    info: (m, e) => logger.debug(fields(e), m),
    debug: (m, e) => logger.trace(fields(e), m),
    warn: (m, e) => logger.warn(fields(e), m),
    error: (m, e) => {
      if (EXPECTED.some((x) => m.startsWith(x))) logger.debug(fields(e), m.split('\n')[0]);
      else logger.warn(fields(e), m);
    },
    namespace: () => self,
    setLogLevel: () => {},
  };
  return self;
}
