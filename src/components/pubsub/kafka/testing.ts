import { loadKafkaLibrary } from '../../common/kafka/client.js';

/** A Kafka-protocol broker for tests: librdkafka's in-process mock cluster. */
export interface KafkaMock {
  /** `host:port,...` of the mock brokers (127.0.0.1, random ports). */
  bootstrap: string;
  stop(): Promise<void>;
}

interface RdProducer {
  on(event: 'event.log', listener: (log: { message: string }) => void): void;
  connect(opts: object, cb: (err: Error | null) => void): void;
  poll(): void;
  disconnect(cb: () => void): void;
}

/** True when `@confluentinc/kafka-javascript` loads here (Kafka tests skip themselves otherwise). */
export async function kafkaAvailable(): Promise<boolean> {
  return loadKafkaLibrary().then(
    () => true,
    () => false,
  );
}

/**
 * Starts librdkafka's mock cluster inside this process (brokers-and-libs.md, recipe C): any client
 * with `test.mock.num.brokers` set hosts one, and every other client connects to the addresses it
 * prints. Topics are created on first use with 4 partitions; there is no SASL, TLS or admin API.
 * The mock's first join of a consumer group takes about 3 s.
 */
export async function startKafkaMock(brokers = 1, timeoutMs = 10_000): Promise<KafkaMock> {
  const lib = await loadKafkaLibrary();
  const { Producer } = lib.module as { Producer: new (config: object) => RdProducer };
  const host = new Producer({
    'bootstrap.servers': 'unused:1',
    'test.mock.num.brokers': brokers,
    event_cb: true,
    log_level: 5,
  });
  const bootstrap = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('kafka mock did not report its bootstrap servers')),
      timeoutMs,
    );
    host.on('event.log', (log) => {
      const m = /replaced with ([0-9.:,]+)/.exec(log.message);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    host.connect({}, (err) => {
      if (err) {
        clearTimeout(timer);
        reject(err);
      }
    });
  });
  const poller = setInterval(() => host.poll(), 200);
  let stopped: Promise<void> | undefined;
  return {
    bootstrap,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        clearInterval(poller);
        host.disconnect(() => resolve());
      })),
  };
}
