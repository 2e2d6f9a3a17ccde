import { describe, expect, it } from 'vitest';
import { loadKafkaLibrary } from './client.js';
import {
  kafkaClientConfigFromMetadata,
  parseKafkaMetadata,
  toKafkaClientConfig,
  type KafkaClientConfig,
} from './metadata.js';

const app = { appId: 'todo-backend' };
const base = { brokers: 'localhost:9092', authType: 'none' };
const map = (md: Record<string, string>): KafkaClientConfig =>
  kafkaClientConfigFromMetadata('kafka', md, app);
const parse = (md: Record<string, string>) => parseKafkaMetadata('kafka', md, app);

/** The seeds' component (003): values as the runtime hands them over, secretKeyRefs already resolved. */
const seed = {
  brokers: 'seed-abc123.cloud.redpanda.com:9092',
  authType: 'password',
  saslUsername: 'redpanda-user',
  saslPassword: 's3cr3t',
  saslMechanism: 'SCRAM-SHA-256',
  consumerGroup: 'todo-app-group',
  clientId: 'todo-app-producer',
  initialOffset: 'newest',
  maxMessageBytes: '1048576',
  enableIdempotence: 'true',
  compressionType: 'snappy',
};

describe('pubsub.kafka metadata → librdkafka config', () => {
  it("maps the seeds' Redpanda component (SASL SCRAM-SHA-256 over TLS, idempotent, snappy)", () => {
    expect(map(seed)).toEqual({
      common: {
        'bootstrap.servers': 'seed-abc123.cloud.redpanda.com:9092',
        'client.id': 'todo-app-producer',
        'security.protocol': 'sasl_ssl',
        'sasl.mechanisms': 'SCRAM-SHA-256',
        'sasl.username': 'redpanda-user',
        'sasl.password': 's3cr3t',
      },
      producer: {
        'enable.idempotence': true,
        acks: -1,
        'compression.type': 'snappy',
        'linger.ms': 0,
        'message.timeout.ms': 30_000,
        'message.max.bytes': 1048576,
      },
      consumer: {
        'group.id': 'todo-app-group',
        'auto.offset.reset': 'latest',
        'enable.auto.commit': false,
        'session.timeout.ms': 10_000,
        'heartbeat.interval.ms': 3_000,
        'partition.assignment.strategy': 'range,roundrobin',
      },
    });
  });

  it.each([
    ['SCRAM-SHA-256', 'SCRAM-SHA-256'],
    ['SHA-256', 'SCRAM-SHA-256'],
    ['SHA256', 'SCRAM-SHA-256'],
    ['scram-sha-256', 'SCRAM-SHA-256'],
    ['SCRAM-SHA-512', 'SCRAM-SHA-512'],
    ['SHA-512', 'SCRAM-SHA-512'],
    ['sha512', 'SCRAM-SHA-512'],
    ['PLAINTEXT', 'PLAIN'],
    ['PLAIN', 'PLAIN'],
  ])('saslMechanism %s → sasl.mechanisms %s', (given, expected) => {
    expect(map({ ...seed, saslMechanism: given }).common['sasl.mechanisms']).toBe(expected);
  });

  it('defaults saslMechanism to PLAIN (daprd default PLAINTEXT) and rejects unknown mechanisms', () => {
    const { saslMechanism: _omit, ...noMechanism } = seed;
    expect(map(noMechanism).common['sasl.mechanisms']).toBe('PLAIN');
    expect(() => map({ ...seed, saslMechanism: 'GSSAPI' })).toThrow(/saslMechanism.*GSSAPI/);
  });

  it('password auth needs a username and a password', () => {
    expect(() => map({ ...seed, saslUsername: '' })).toThrow(/saslUsername.*required/);
    expect(() => map({ ...seed, saslPassword: '' })).toThrow(/saslPassword.*required/);
  });

  it('disableTls turns SASL_SSL into SASL_PLAINTEXT; authType none never uses TLS', () => {
    expect(map({ ...seed, disableTls: 'true' }).common['security.protocol']).toBe('sasl_plaintext');
    expect(map({ ...base, caCert: PEM_CERT }).common).toEqual({
      'bootstrap.servers': 'localhost:9092',
      'client.id': 'todo-backend',
      'security.protocol': 'plaintext',
    });
  });

  it('maps mTLS and TLS options to ssl.* settings', () => {
    const c = map({
      ...base,
      authType: 'mtls',
      caCert: PEM_CERT,
      clientCert: PEM_CERT,
      clientKey: PEM_KEY,
      skipVerify: 'true',
    }).common;
    expect(c).toMatchObject({
      'security.protocol': 'ssl',
      'ssl.ca.pem': PEM_CERT,
      'ssl.certificate.pem': PEM_CERT,
      'ssl.key.pem': PEM_KEY,
      'enable.ssl.certificate.verification': false,
      'ssl.endpoint.identification.algorithm': 'none',
    });
    expect(map({ ...base, authType: 'certificate', caCert: PEM_CERT }).common).toMatchObject({
      'security.protocol': 'ssl',
      'ssl.ca.pem': PEM_CERT,
    });
    expect(map({ ...seed, caCert: PEM_CERT }).common['ssl.ca.pem']).toBe(PEM_CERT);
  });

  it('rejects inconsistent TLS settings with the field named', () => {
    expect(() => map({ ...base, authType: 'mtls', disableTls: 'true' })).toThrow(/disableTls/);
    expect(() => map({ ...base, authType: 'mtls', clientCert: PEM_CERT })).toThrow(/clientKey/);
    expect(() => map({ ...base, authType: 'certificate' })).toThrow(/caCert.*required/);
    expect(() => map({ ...base, authType: 'mtls', caCert: 'not a pem' })).toThrow(/caCert.*PEM/);
  });

  it('accepts compressionType as an alias of compression (canonical name wins)', () => {
    expect(map({ ...base, compressionType: 'snappy' }).producer['compression.type']).toBe('snappy');
    expect(map({ ...base, compression: 'LZ4' }).producer['compression.type']).toBe('lz4');
    expect(
      map({ ...base, compression: 'gzip', compressionType: 'snappy' }).producer['compression.type'],
    ).toBe('gzip');
    expect(map(base).producer['compression.type']).toBe('none');
    expect(() => map({ ...base, compression: 'brotli' })).toThrow(
      /compression.*none, gzip, snappy, lz4, zstd/,
    );
  });

  it('maps initialOffset oldest/newest to auto.offset.reset earliest/latest (newest by default)', () => {
    expect(map({ ...base, initialOffset: 'oldest' }).consumer['auto.offset.reset']).toBe('earliest');
    expect(map({ ...base, initialOffset: 'Newest' }).consumer['auto.offset.reset']).toBe('latest');
    expect(map(base).consumer['auto.offset.reset']).toBe('latest');
    expect(() => map({ ...base, initialOffset: 'beginning' })).toThrow(/initialOffset/);
  });

  it('defaults clientId and consumerGroup to the app id; clientID and consumerID are honoured', () => {
    const c = map(base);
    expect(c.common['client.id']).toBe('todo-backend');
    expect(c.consumer['group.id']).toBe('todo-backend');
    expect(map({ ...base, clientID: 'custom' }).common['client.id']).toBe('custom');
    expect(map({ ...base, consumerID: 'from-runtime' }).consumer['group.id']).toBe('from-runtime');
    expect(map({ ...base, consumerID: 'x', consumerGroup: 'explicit' }).consumer['group.id']).toBe(
      'explicit',
    );
  });

  it('requires brokers, with a clear error', () => {
    expect(() => map({ authType: 'none' })).toThrow(/'brokers': is required/);
    expect(() => map({ brokers: ' , ', authType: 'none' })).toThrow(/'brokers'/);
    expect(map({ ...base, brokers: 'a:1, b:2 ,c:3' }).common['bootstrap.servers']).toBe('a:1,b:2,c:3');
  });

  it('requires authType and rejects the ones not implemented yet', () => {
    expect(() => map({ brokers: 'a:1' })).toThrow(/'authType': is required/);
    expect(() => map({ ...base, authType: 'oidc' })).toThrow(/'oidc' is not supported/);
    expect(() => map({ ...base, authType: 'awsiam' })).toThrow(/not supported/);
    expect(() => map({ ...base, authType: 'kerberos' })).toThrow(/authType/);
    // daprd's deprecated authRequired still decides when authType is absent.
    const { authType: _omit, ...legacy } = seed;
    expect(parse({ ...legacy, authRequired: 'true' }).authType).toBe('password');
    expect(parse({ brokers: 'a:1', authRequired: 'false' }).authType).toBe('none');
  });

  it('idempotent producer by default (acks all); weaker acks turn the default off', () => {
    expect(map(base).producer).toMatchObject({ 'enable.idempotence': true, acks: -1 });
    expect(map({ ...base, producerRequiredAcks: 'local' }).producer).toMatchObject({
      'enable.idempotence': false,
      acks: 1,
    });
    expect(map({ ...base, enableIdempotence: 'false' }).producer['enable.idempotence']).toBe(false);
    expect(() => map({ ...base, enableIdempotence: 'true', producerRequiredAcks: 'none' })).toThrow(
      /producerRequiredAcks.*'all'/,
    );
    expect(map({ ...base, producerRetryMax: '7' }).producer['message.send.max.retries']).toBe(7);
  });

  it('parses durations as daprd does (bare numbers: seconds, but milliseconds for consumeRetryInterval)', () => {
    const c = map({ ...base, sessionTimeout: '6s', heartbeatInterval: '500ms' }).consumer;
    expect(c['session.timeout.ms']).toBe(6000);
    expect(c['heartbeat.interval.ms']).toBe(500);
    expect(map({ ...base, sessionTimeout: '20' }).consumer['session.timeout.ms']).toBe(20_000);
    expect(parse(base).consumeRetryIntervalMs).toBe(100);
    expect(parse({ ...base, consumeRetryInterval: '250' }).consumeRetryIntervalMs).toBe(250);
    expect(parse({ ...base, consumeRetryInterval: '2s' }).consumeRetryIntervalMs).toBe(2000);
    expect(() => map({ ...base, sessionTimeout: '2s', heartbeatInterval: '3s' })).toThrow(
      /heartbeatInterval/,
    );
    expect(() => map({ ...base, sessionTimeout: 'soon' })).toThrow(/sessionTimeout/);
  });

  it('accepts version, backOff*, consumeRetryEnabled and tuning keys without changing the client config', () => {
    const ignored = {
      version: '2.0.0',
      backOffPolicy: 'exponential',
      backOffMaxRetries: '3',
      backOffDuration: '5s',
      channelBufferSize: '512',
      consumeRetryEnabled: 'false',
    };
    expect(map({ ...base, ...ignored })).toEqual(map(base));
    expect(parse({ ...base, ...ignored }).consumeRetryEnabled).toBe(false);
  });

  it('validates maxMessageBytes against librdkafka bounds', () => {
    expect(map({ ...base, maxMessageBytes: '1024' }).producer['message.max.bytes']).toBe(1024);
    expect(() => map({ ...base, maxMessageBytes: '100' })).toThrow(/maxMessageBytes/);
    expect(() => map({ ...base, maxMessageBytes: 'big' })).toThrow(/maxMessageBytes/);
  });

  it('keeps secrets out of everything but the SASL properties', () => {
    const c = toKafkaClientConfig(parse(seed));
    const mentions = JSON.stringify({ ...c, common: { ...c.common, 'sasl.password': '' } });
    expect(mentions).not.toContain('s3cr3t');
  });
});

// librdkafka validates properties when a client is created: a bad name or value fails at once with
// ERR__INVALID_ARG (-172); accepted settings get as far as the network (nothing listens on port 1).
// This is as close to SASL as this machine gets: the mock cluster has no SASL (see README).
const available = await loadKafkaLibrary().then(
  () => true,
  () => false,
);

interface RdProducer {
  connect(opts: { timeout: number }, cb: (err: { code: number; message: string } | null) => void): void;
  disconnect(cb: () => void): void;
}

async function librdkafkaVerdict(config: Record<string, unknown>): Promise<number | undefined> {
  const { Producer } = (await loadKafkaLibrary()).module as { Producer: new (c: object) => RdProducer };
  let producer: RdProducer;
  try {
    producer = new Producer(config);
  } catch {
    return -172;
  }
  const err = await new Promise<{ code: number } | null>((resolve) =>
    producer.connect({ timeout: 300 }, resolve),
  );
  if (!err) await new Promise<void>((resolve) => producer.disconnect(resolve));
  return err?.code;
}

describe.skipIf(!available)('librdkafka accepts the mapped SASL settings', () => {
  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAINTEXT'])('saslMechanism %s', async (mechanism) => {
    const c = map({ ...seed, brokers: '127.0.0.1:1', saslMechanism: mechanism });
    expect(await librdkafkaVerdict({ ...c.common, ...c.producer })).not.toBe(-172);
  });

  it('rejects what it does not know (the check above is meaningful)', async () => {
    const c = map({ ...seed, brokers: '127.0.0.1:1' });
    expect(await librdkafkaVerdict({ ...c.common, 'sasl.mechanisms': 'BOGUS' })).toBe(-172);
  });
});

const PEM_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PEM_KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
