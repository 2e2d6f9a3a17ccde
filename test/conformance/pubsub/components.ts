import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pubSubRegistry } from '../../../src/components/pubsub/registry.js';

/** One pub/sub component under test. */
export interface PubSubUnderTest {
  name: string;
  type: string;
  /** Component metadata for this run (unique consumer groups etc. come from the runtime's app id). */
  metadata: () => Promise<Record<string, string>>;
  /** The broker delivers in publish order to one subscriber (first deliveries must be in order). */
  ordered: boolean;
  /** Messages survive the subscriber being down (durable subscriptions / consumer groups). */
  durable: boolean;
  /** Time for a fresh subscription to be attached before publishing (Kafka joins a group). */
  settleMs: number;
  /**
   * The component runs a bulk subscription's handler calls side by side (its handlerWindow grows to
   * the batch size), so a bulk batch holds more than one message.
   */
  bulkBatches?: boolean;
  /** Publish metadata for the ordering case (Kafka orders per partition: one key, one partition). */
  orderedPublishMetadata?: Record<string, string>;
  teardown?: () => Promise<void>;
}

export const runId = randomBytes(3).toString('hex');

let kafka: { bootstrap: string; stop: () => Promise<void> } | undefined;

const all: PubSubUnderTest[] = [
  {
    name: 'in-memory',
    type: 'pubsub.in-memory',
    metadata: async () => ({}),
    ordered: true,
    durable: false,
    settleMs: 0,
  },
  {
    name: 'sqlite',
    type: 'pubsub.sqlite',
    metadata: async () => ({
      connectionString: join(tmpdir(), `daprts-conf-pubsub-${runId}.db`),
      pollInterval: '50ms',
      retryInterval: '100ms',
    }),
    ordered: true,
    durable: true,
    settleMs: 0,
    teardown: async () => rmSync(join(tmpdir(), `daprts-conf-pubsub-${runId}.db`), { force: true }),
  },
  {
    name: 'redis',
    type: 'pubsub.redis',
    metadata: async () => ({
      redisHost: '127.0.0.1:6379',
      processingTimeout: '2s',
      redeliverInterval: '1s',
      concurrency: '1',
    }),
    ordered: true,
    durable: true,
    settleMs: 100,
    bulkBatches: true,
  },
  {
    name: 'rabbitmq',
    type: 'pubsub.rabbitmq',
    metadata: async () => ({
      connectionString: 'amqp://guest:guest@127.0.0.1:5672',
      durable: 'true',
      deletedWhenUnused: 'false',
      prefetchCount: '1',
    }),
    ordered: true,
    durable: true,
    settleMs: 200,
  },
  {
    name: 'jetstream',
    type: 'pubsub.jetstream',
    metadata: async () => ({ natsURL: 'nats://127.0.0.1:4222', concurrency: 'single' }),
    ordered: true,
    durable: true,
    settleMs: 200,
    bulkBatches: true,
  },
  {
    name: 'mqtt3',
    type: 'pubsub.mqtt3',
    metadata: async () => ({ url: 'tcp://127.0.0.1:1883', qos: '1', cleanSession: 'false' }),
    ordered: true,
    durable: true,
    settleMs: 200,
    bulkBatches: true,
  },
  {
    name: 'kafka',
    type: 'pubsub.kafka',
    metadata: async () => {
      if (!kafka) {
        const { startKafkaMock } = (await import('../../../src/components/pubsub/kafka/testing.js')) as {
          startKafkaMock: () => Promise<{ bootstrap: string; stop: () => Promise<void> }>;
        };
        kafka = await startKafkaMock();
      }
      return {
        brokers: kafka.bootstrap,
        authType: 'none',
        initialOffset: 'oldest',
        sessionTimeout: '6s',
        heartbeatInterval: '500ms',
      };
    },
    ordered: true,
    durable: true,
    settleMs: 4000,
    orderedPublishMetadata: { partitionKey: 'conformance-order' },
    bulkBatches: true,
    teardown: async () => {
      await kafka?.stop();
      kafka = undefined;
    },
  },
];

/** `CONFORMANCE_PUBSUB=redis,kafka` runs a subset; otherwise every component in the list. */
export function componentsUnderTest(): PubSubUnderTest[] {
  const only = process.env.CONFORMANCE_PUBSUB?.split(',').map((s) => s.trim());
  return all.filter((c) => !only || only.includes(c.name));
}

export function isRegistered(type: string): boolean {
  try {
    pubSubRegistry.find(type, 'v1');
    return true;
  } catch {
    return false;
  }
}
