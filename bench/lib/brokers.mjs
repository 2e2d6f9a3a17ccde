// The brokers of the pub/sub bench: the daprts component YAML for each, and the raw client that
// publishes, consumes and acks directly (the ceiling daprts is compared against). The raw clients
// mirror what daprts' components do on the wire (src/components/pubsub/<broker>/): same stream /
// exchange+queue / stream+durable consumer / QoS, same acknowledgement rule (ack after the message
// was handled), so the difference is the sidecar's own cost: two HTTP hops and the runtime.
//
//   redis     ioredis: XADD on a command connection; XREADGROUP COUNT 100 BLOCK on its own
//             connection; one XACK per batch read (the raw client's best case).
//   rabbitmq  amqplib with noDelay: true (Nagle off): a confirm channel for publishes; a fanout
//             exchange per topic and a durable queue as daprd declares them; prefetch PREFETCH; ack each.
//   jetstream @nats-io: PubAck'ed js.publish; a durable pull consumer (explicit ack), ack each.
//   mqtt      mqtt.js, MQTT 3.1.1, QoS 1 both ways (publish resolves on PUBACK), persistent session,
//             one connection (as daprts), Nagle off (mqtt.js leaves it on; daprts' component too).
//   kafka     @confluentinc/kafka-javascript (KafkaJS API) on librdkafka's mock cluster: acks=all
//             idempotent producer, linger 0; a consumer group, offsets committed after handling.

export const BROKERS = ['redis', 'rabbitmq', 'kafka', 'jetstream', 'mqtt'];
export const BROKER_LABEL = {
  redis: 'Redis Streams',
  rabbitmq: 'RabbitMQ',
  kafka: 'Kafka (librdkafka mock)',
  jetstream: 'NATS JetStream',
  mqtt: 'MQTT 3.1.1 (Mosquitto)',
};
/** Server processes whose CPU the bench causes (not counted as noise from other work). */
export const BROKER_COMM = {
  redis: [], // proc.mjs already counts redis-server
  rabbitmq: ['beam.smp'],
  kafka: [],
  jetstream: ['nats-server'],
  mqtt: ['mosquitto'],
};

const REDIS = { host: '127.0.0.1', port: Number(process.env.BENCH_REDIS_PORT ?? 6379) };
const AMQP_URL = process.env.BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const MQTT_URL = process.env.BENCH_MQTT_URL ?? 'tcp://127.0.0.1:1883';
/** RabbitMQ basic.qos for both paths. */
export const PREFETCH = Number(process.env.PREFETCH ?? 200);

/** daprts component metadata per broker (name = the broker's key). */
export function componentYaml(broker, opts = {}) {
  const md = {
    redis: { redisHost: `${REDIS.host}:${REDIS.port}` },
    rabbitmq: { connectionString: AMQP_URL, prefetchCount: String(PREFETCH) },
    jetstream: { natsURL: NATS_URL },
    mqtt: { url: MQTT_URL, qos: '1', consumerID: `bench-${opts.runId ?? 'x'}` },
    kafka: {
      brokers: opts.kafkaBootstrap ?? '',
      authType: 'none',
      initialOffset: 'newest',
      consumerGroup: `bench-${opts.runId ?? 'x'}`,
      sessionTimeout: '6s',
      heartbeatInterval: '500ms',
    },
  }[broker];
  const type = {
    redis: 'pubsub.redis',
    rabbitmq: 'pubsub.rabbitmq',
    jetstream: 'pubsub.jetstream',
    mqtt: 'pubsub.mqtt3',
    kafka: 'pubsub.kafka',
  }[broker];
  const extra = opts.metadata ?? {};
  const lines = Object.entries({ ...md, ...extra })
    .map(([k, v]) => `    - name: ${k}\n      value: ${JSON.stringify(v)}`)
    .join('\n');
  return `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: ${broker}
spec:
  type: ${type}
  version: v1
  metadata:
${lines}
`;
}

/**
 * Opens the raw client for `topic`: {publish(text) → Promise (resolves on the broker's ack),
 * close()}. `onMessage(text)` is called for every message consumed, before it is acked.
 */
export async function openRaw(broker, topic, onMessage, opts = {}) {
  switch (broker) {
    case 'redis':
      return openRedis(topic, onMessage);
    case 'rabbitmq':
      return openRabbit(topic, onMessage);
    case 'jetstream':
      return openJetStream(topic, onMessage);
    case 'mqtt':
      return openMqtt(topic, onMessage, opts);
    case 'kafka':
      return openKafka(topic, onMessage, opts);
    default:
      throw new Error(`no raw client for ${broker}`);
  }
}

/**
 * Removes what daprts' component left on the broker for the bench topic: a Redis stream and a
 * JetStream stream keep every message, Mosquitto keeps the persistent session. RabbitMQ's queue
 * is auto-deleted; the Kafka mock dies with the bench.
 */
export async function cleanupDaprTopic(broker, topic, opts = {}) {
  if (broker === 'redis') {
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS);
    await r.call('DEL', topic).catch(() => undefined);
    r.disconnect();
  } else if (broker === 'jetstream') {
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: NATS_URL });
    const jsm = await jetstreamManager(nc);
    const names = await jsm.streams.list(topic).next();
    for (const si of names) await jsm.streams.delete(si.config.name).catch(() => undefined);
    await nc.close();
  } else if (broker === 'mqtt') {
    // daprts' persistent session (client id = consumerID): a clean connect removes it.
    const mqtt = (await import('mqtt')).default;
    const wipe = await mqtt.connectAsync(MQTT_URL, {
      clientId: `bench-${opts.runId ?? 'x'}`,
      protocolVersion: 4,
      clean: true,
    });
    await wipe.endAsync();
  }
}

// ---- Redis Streams ----------------------------------------------------------------------------------
async function openRedis(topic, onMessage) {
  const { Redis } = await import('ioredis');
  const group = 'bench-raw';
  const cmd = new Redis({ ...REDIS, lazyConnect: true });
  const reader = new Redis({ ...REDIS, lazyConnect: true });
  await Promise.all([cmd.connect(), reader.connect()]);
  await cmd.call('XGROUP', 'CREATE', topic, group, '$', 'MKSTREAM');
  let closed = false;
  const loop = (async () => {
    while (!closed) {
      let reply;
      try {
        reply = await reader.call(
          'XREADGROUP',
          'GROUP',
          group,
          'c1',
          'COUNT',
          100,
          'BLOCK',
          100,
          'STREAMS',
          topic,
          '>',
        );
      } catch (err) {
        if (closed) break;
        throw err;
      }
      if (!reply) continue;
      // RESP2: [[key, entries]]; RESP3 (ioredis 6 default): the map flattened to [key, entries].
      const entries = Array.isArray(reply[0]) ? reply[0][1] : reply[1];
      const ids = new Array(entries.length);
      for (let i = 0; i < entries.length; i++) {
        const [id, fields] = entries[i];
        ids[i] = id;
        onMessage(fields[1]);
      }
      void cmd.call('XACK', topic, group, ...ids);
    }
  })();
  return {
    publish: (text) => cmd.call('XADD', topic, '*', 'data', text),
    async close() {
      closed = true;
      await loop.catch(() => undefined);
      await cmd.call('DEL', topic).catch(() => undefined);
      reader.disconnect();
      await cmd.quit().catch(() => undefined);
    },
  };
}

// ---- RabbitMQ ------------------------------------------------------------------------------------
async function openRabbit(topic, onMessage) {
  const amqp = (await import('amqplib')).default;
  const conn = await amqp.connect(AMQP_URL, { noDelay: true });
  const pub = await conn.createConfirmChannel();
  const sub = await conn.createChannel();
  const queue = `bench-raw-${topic}`;
  await pub.assertExchange(topic, 'fanout', { durable: true, autoDelete: true });
  await sub.assertQueue(queue, { durable: true, autoDelete: true, arguments: { 'x-queue-type': 'classic' } });
  await sub.bindQueue(queue, topic, '');
  await sub.prefetch(PREFETCH);
  const { consumerTag } = await sub.consume(queue, (msg) => {
    if (!msg) return;
    onMessage(msg.content.toString('utf8'));
    sub.ack(msg);
  });
  return {
    publish: (text) =>
      new Promise((res, rej) =>
        pub.publish(topic, '', Buffer.from(text), {}, (err) => (err ? rej(err) : res())),
      ),
    async close() {
      await sub.cancel(consumerTag).catch(() => undefined);
      await sub.deleteQueue(queue).catch(() => undefined);
      await pub.deleteExchange(topic).catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}

// ---- NATS JetStream ------------------------------------------------------------------------------
async function openJetStream(topic, onMessage) {
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream, jetstreamManager, AckPolicy } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  const stream = topic.replace(/[^A-Za-z0-9_-]/g, '_');
  await jsm.streams.add({ name: stream, subjects: [topic], storage: 'file' });
  await jsm.consumers.add(stream, {
    durable_name: 'raw',
    ack_policy: AckPolicy.Explicit,
    filter_subject: topic,
  });
  const js = jetstream(nc);
  const consumer = await js.consumers.get(stream, 'raw');
  const messages = await consumer.consume({
    max_messages: 256, // as daprts' component pulls
    callback: (m) => {
      onMessage(m.data);
      m.ack();
    },
  });
  return {
    publish: (text) => js.publish(topic, text),
    async close() {
      await messages.close().catch(() => undefined);
      await jsm.streams.delete(stream).catch(() => undefined);
      await nc.close();
    },
  };
}

// ---- MQTT 3.1.1 ----------------------------------------------------------------------------------
async function openMqtt(topic, onMessage, opts) {
  const mqtt = (await import('mqtt')).default;
  // One connection for both, as daprts' component; a persistent session (clean: false).
  const clientId = `bench-raw-${opts.runId ?? 'x'}`;
  const c = await mqtt.connectAsync(MQTT_URL, { clientId, protocolVersion: 4, clean: false });
  // mqtt.js dials with Nagle's algorithm on (net.createConnection defaults): a QoS 1 publish then
  // waits for the broker's delayed ACK (~20-40 ms). The raw client is the ceiling: turn it off.
  c.stream.setNoDelay(true);
  c.on('message', (_t, payload) => onMessage(payload));
  await c.subscribeAsync(topic, { qos: 1 });
  return {
    publish: (text) => c.publishAsync(topic, text, { qos: 1 }),
    async close() {
      await c.unsubscribeAsync(topic).catch(() => undefined);
      await c.endAsync().catch(() => undefined);
      // Drop the persistent session.
      const wipe = await mqtt.connectAsync(MQTT_URL, { clientId, protocolVersion: 4, clean: true });
      await wipe.endAsync();
    },
  };
}

// ---- Kafka (librdkafka mock cluster) -------------------------------------------------------------
async function openKafka(topic, onMessage, opts) {
  process.env.CKJS_LINKING ??= 'dynamic';
  const lib = await import('@confluentinc/kafka-javascript');
  const { Kafka, logLevel } = (lib.default ?? lib).KafkaJS;
  const kafka = new Kafka({
    'bootstrap.servers': opts.kafkaBootstrap,
    kafkaJS: { logLevel: logLevel.NOTHING },
  });
  const producer = kafka.producer({ 'enable.idempotence': true, acks: -1, 'linger.ms': 0 });
  const consumer = kafka.consumer({
    'group.id': `bench-raw-${opts.runId ?? 'x'}`,
    'auto.offset.reset': 'earliest',
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 500,
    // Offsets of handled messages are committed in the background (the raw client's best case;
    // daprts commits after each handler).
    'enable.auto.commit': true,
    'auto.commit.interval.ms': 500,
  });
  await Promise.all([producer.connect(), consumer.connect()]);
  await producer.send({ topic, messages: [{ value: 'create' }] }); // auto-creates the topic (4 partitions)
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachMessage: async ({ message }) => {
      if (message.value.length > 10) onMessage(message.value);
    },
  });
  return {
    publish: (text) => producer.send({ topic, messages: [{ value: text }] }),
    async close() {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  };
}
