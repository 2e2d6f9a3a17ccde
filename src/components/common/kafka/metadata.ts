import * as z from 'zod';
import { ComponentMetadataError, getMetadataValue, md, parseComponentMetadata } from '../metadata.js';

/** librdkafka configuration properties (CONFIGURATION.md names), as the client constructors take them. */
export type RdKafkaConfig = Record<string, string | number | boolean>;

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** daprd's `pubsub.kafka` metadata, validated and defaulted. */
export interface KafkaSettings {
  brokers: string[];
  authType: 'none' | 'password' | 'mtls' | 'certificate';
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  /** Present when the connection uses TLS (any authType but `none`, unless `disableTls`). */
  tls?: { caCert?: string; clientCert?: string; clientKey?: string; skipVerify: boolean };
  consumerGroup: string;
  clientId: string;
  initialOffset: 'newest' | 'oldest';
  maxMessageBytes?: number;
  compression: KafkaCompression;
  idempotent: boolean;
  /** -1 = all in-sync replicas, 1 = leader only, 0 = no acknowledgement. */
  requiredAcks: -1 | 0 | 1;
  producerRetryMax?: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Pause before a rejected message is redelivered (doubles per further reject, capped). */
  consumeRetryIntervalMs: number;
  consumeRetryEnabled: boolean;
  escapeHeaders: boolean;
}

/** The three property sets handed to the client: shared, producer-only and consumer-only. */
export interface KafkaClientConfig {
  common: RdKafkaConfig;
  producer: RdKafkaConfig;
  consumer: RdKafkaConfig;
}

/** Metadata fields whose values must never be logged. */
export const KAFKA_SENSITIVE_FIELDS = [
  'saslPassword',
  'clientKey',
  'oidcClientSecret',
  'awsSecretKey',
] as const;

const UNSUPPORTED_AUTH = ['oidc', 'oidc_private_key_jwt', 'awsiam'];
const COMPRESSIONS: readonly KafkaCompression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

const schema = z.object({
  brokers: md.string().optional(),
  authType: md.string().optional(),
  authRequired: md.bool().optional(),
  saslUsername: md.string().optional(),
  saslPassword: md.string().optional(),
  saslMechanism: md.string().optional(),
  consumerGroup: md.string().optional(),
  consumerID: md.string().optional(),
  clientId: md.string().optional(),
  initialOffset: md.string().optional(),
  maxMessageBytes: md.int().optional(),
  compression: md.string().optional(),
  enableIdempotence: md.bool().optional(),
  producerRequiredAcks: md.string().optional(),
  producerRetryMax: md.int().optional(),
  sessionTimeout: md.duration('seconds').optional(),
  heartbeatInterval: md.duration('seconds').optional(),
  consumeRetryEnabled: md.bool().default(true),
  consumeRetryInterval: md.duration('milliseconds').optional(),
  caCert: md.string().optional(),
  clientCert: md.string().optional(),
  clientKey: md.string().optional(),
  skipVerify: md.bool().default(false),
  disableTls: md.bool().default(false),
  escapeHeaders: md.bool().default(false),
});

/**
 * Parses daprd's `pubsub.kafka` metadata (components-contrib `common/component/kafka/metadata.go`).
 * `compressionType` is accepted as an alias of daprd's `compression`; `clientID` matches `clientId`
 * (names are case-insensitive). `version`, `backOff*`, `channelBufferSize` and the client connection
 * tuning keys are accepted and ignored (see the README).
 */
export function parseKafkaMetadata(
  component: string,
  raw: Record<string, string>,
  defaults: { appId: string },
): KafkaSettings {
  // Empty values mean "not set" in YAML templates.
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v.trim() !== ''));
  const s = parseComponentMetadata(component, schema, present, { compressionType: 'compression' });
  const fail = (field: string, message: string): never => {
    throw new ComponentMetadataError(component, field, message);
  };

  const brokers = (s.brokers ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  if (brokers.length === 0) fail('brokers', "is required: a comma-separated list of 'host:port'");

  const authType = resolveAuthType(s.authType, s.authRequired, s.saslPassword, fail);
  for (const field of ['caCert', 'clientCert', 'clientKey'] as const) {
    const v = s[field];
    if (v !== undefined && !/-----BEGIN [A-Z0-9 ]+-----/.test(v)) fail(field, 'is not PEM-encoded');
  }

  let sasl: KafkaSettings['sasl'];
  if (authType === 'password') {
    if (!s.saslUsername) fail('saslUsername', "is required for authType 'password'");
    if (!s.saslPassword) fail('saslPassword', "is required for authType 'password'");
    sasl = {
      mechanism: parseSaslMechanism(s.saslMechanism, fail),
      username: s.saslUsername!,
      password: s.saslPassword!,
    };
  }
  if (authType === 'mtls') {
    if (s.disableTls) fail('disableTls', "cannot be true with authType 'mtls'");
    if ((s.clientCert === undefined) !== (s.clientKey === undefined)) {
      fail(
        s.clientCert === undefined ? 'clientCert' : 'clientKey',
        "clientCert and clientKey go together for authType 'mtls'",
      );
    }
  }
  if (authType === 'certificate' && !s.caCert) fail('caCert', "is required for authType 'certificate'");
  const tls =
    authType === 'none' || s.disableTls
      ? undefined
      : {
          caCert: s.caCert,
          clientCert: authType === 'mtls' ? s.clientCert : undefined,
          clientKey: authType === 'mtls' ? s.clientKey : undefined,
          skipVerify: s.skipVerify,
        };

  const initialOffset = (s.initialOffset ?? 'newest').toLowerCase();
  if (initialOffset !== 'newest' && initialOffset !== 'oldest')
    fail('initialOffset', "must be 'newest' or 'oldest'");

  const compression = (s.compression ?? 'none').toLowerCase() as KafkaCompression;
  if (!COMPRESSIONS.includes(compression)) fail('compression', `must be one of ${COMPRESSIONS.join(', ')}`);

  const requiredAcks = parseAcks(s.producerRequiredAcks, fail);
  // Idempotence needs acks=all: the default (true) gives way to an explicit weaker acks setting.
  if (s.enableIdempotence === true && requiredAcks !== -1) {
    fail('producerRequiredAcks', "must be 'all' when enableIdempotence is true");
  }
  const idempotent = s.enableIdempotence ?? requiredAcks === -1;

  if (s.maxMessageBytes !== undefined && (s.maxMessageBytes < 1000 || s.maxMessageBytes > 1_000_000_000)) {
    fail('maxMessageBytes', 'must be between 1000 and 1000000000');
  }
  const sessionTimeoutMs = s.sessionTimeout ?? 10_000;
  const heartbeatIntervalMs = s.heartbeatInterval ?? 3_000;
  if (sessionTimeoutMs <= 0) fail('sessionTimeout', 'must be positive');
  if (heartbeatIntervalMs <= 0 || heartbeatIntervalMs >= sessionTimeoutMs) {
    fail('heartbeatInterval', 'must be positive and shorter than sessionTimeout');
  }
  const consumeRetryIntervalMs = s.consumeRetryInterval ?? 100;
  if (consumeRetryIntervalMs < 0) fail('consumeRetryInterval', 'must not be negative');

  return {
    brokers,
    authType,
    sasl,
    tls,
    consumerGroup: s.consumerGroup || s.consumerID || defaults.appId,
    clientId: s.clientId || defaults.appId || 'daprts',
    initialOffset: initialOffset as KafkaSettings['initialOffset'],
    maxMessageBytes: s.maxMessageBytes,
    compression,
    idempotent,
    requiredAcks,
    producerRetryMax: s.producerRetryMax,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    consumeRetryIntervalMs,
    consumeRetryEnabled: s.consumeRetryEnabled,
    escapeHeaders: s.escapeHeaders,
  };
}

function resolveAuthType(
  value: string | undefined,
  authRequired: boolean | undefined,
  saslPassword: string | undefined,
  fail: (field: string, message: string) => never,
): KafkaSettings['authType'] {
  let t = value?.trim().toLowerCase();
  // daprd's upgradeMetadata: the deprecated `authRequired` decides when `authType` is absent.
  if (!t && authRequired !== undefined) t = authRequired ? (saslPassword ? 'password' : 'mtls') : 'none';
  if (!t) return fail('authType', 'is required: none, password, mtls or certificate');
  if (UNSUPPORTED_AUTH.includes(t)) {
    return fail(
      'authType',
      `'${value}' is not supported by daprts yet (supported: none, password, mtls, certificate)`,
    );
  }
  if (t === 'none' || t === 'password' || t === 'mtls' || t === 'certificate') return t;
  return fail('authType', `'${value}' is not one of none, password, mtls, certificate, oidc, awsiam`);
}

/**
 * daprd knows `SHA-256` and `SHA-512` and silently falls back to PLAIN for anything else, so the
 * `SCRAM-SHA-256` the Redpanda docs (and the seeds) use would downgrade to PLAIN there. Here every
 * spelling of the SCRAM variants means SCRAM; unknown values are an error rather than a downgrade.
 */
export function parseSaslMechanism(
  value: string | undefined,
  fail: (field: string, message: string) => never,
): SaslMechanism {
  const v = (value ?? '').trim().toUpperCase().replace(/_/g, '-');
  if (v === '' || v === 'PLAIN' || v === 'PLAINTEXT') return 'PLAIN';
  if (['SCRAM-SHA-256', 'SHA-256', 'SHA256', 'SCRAM-SHA256'].includes(v)) return 'SCRAM-SHA-256';
  if (['SCRAM-SHA-512', 'SHA-512', 'SHA512', 'SCRAM-SHA512'].includes(v)) return 'SCRAM-SHA-512';
  return fail(
    'saslMechanism',
    `'${value}' is not one of PLAINTEXT, SHA-256 (SCRAM-SHA-256), SHA-512 (SCRAM-SHA-512)`,
  );
}

function parseAcks(value: string | undefined, fail: (field: string, message: string) => never): -1 | 0 | 1 {
  const v = (value ?? 'all').trim().toLowerCase();
  if (['all', '-1', 'waitforall'].includes(v)) return -1;
  if (['local', 'leader', '1', 'waitforlocal'].includes(v)) return 1;
  if (['none', '0', 'noresponse'].includes(v)) return 0;
  return fail('producerRequiredAcks', `'${value}' must be all (-1), local (1) or none (0)`);
}

/** Maps validated settings to librdkafka properties. Pure: no I/O, no secrets logged. */
export function toKafkaClientConfig(s: KafkaSettings): KafkaClientConfig {
  const common: RdKafkaConfig = {
    'bootstrap.servers': s.brokers.join(','),
    'client.id': s.clientId,
    'security.protocol': s.sasl ? (s.tls ? 'sasl_ssl' : 'sasl_plaintext') : s.tls ? 'ssl' : 'plaintext',
  };
  if (s.sasl) {
    common['sasl.mechanisms'] = s.sasl.mechanism;
    common['sasl.username'] = s.sasl.username;
    common['sasl.password'] = s.sasl.password;
  }
  if (s.tls) {
    if (s.tls.caCert) common['ssl.ca.pem'] = s.tls.caCert;
    if (s.tls.clientCert) common['ssl.certificate.pem'] = s.tls.clientCert;
    if (s.tls.clientKey) common['ssl.key.pem'] = s.tls.clientKey;
    if (s.tls.skipVerify) {
      common['enable.ssl.certificate.verification'] = false;
      common['ssl.endpoint.identification.algorithm'] = 'none';
    }
  }

  const producer: RdKafkaConfig = {
    'enable.idempotence': s.idempotent,
    acks: s.requiredAcks,
    'compression.type': s.compression,
    // One request per publish call, as daprd's synchronous producer: no batching delay.
    'linger.ms': 0,
    // A publish that cannot be delivered fails after 30 s instead of librdkafka's 5 minutes.
    'message.timeout.ms': 30_000,
  };
  if (s.maxMessageBytes !== undefined) producer['message.max.bytes'] = s.maxMessageBytes;
  if (s.producerRetryMax !== undefined) producer['message.send.max.retries'] = s.producerRetryMax;

  const consumer: RdKafkaConfig = {
    'group.id': s.consumerGroup,
    'auto.offset.reset': s.initialOffset === 'oldest' ? 'earliest' : 'latest',
    // Offsets are committed by the component, only for messages whose handler resolved.
    'enable.auto.commit': false,
    'session.timeout.ms': s.sessionTimeoutMs,
    'heartbeat.interval.ms': s.heartbeatIntervalMs,
    // `range` first: the strategy Sarama (daprd) members use, so both can share a group.
    'partition.assignment.strategy': 'range,roundrobin',
  };
  return { common, producer, consumer };
}

/** metadata → client config in one step (what the component does at init). */
export function kafkaClientConfigFromMetadata(
  component: string,
  raw: Record<string, string>,
  defaults: { appId: string },
): KafkaClientConfig {
  return toKafkaClientConfig(parseKafkaMetadata(component, raw, defaults));
}

/** Publish metadata keys that choose the record key rather than travelling as headers. */
export function publishKey(metadata: Record<string, string>): string | undefined {
  return getMetadataValue(metadata, 'partitionKey') ?? getMetadataValue(metadata, '__key');
}
