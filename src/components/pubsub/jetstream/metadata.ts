import * as z from 'zod';
import {
  ComponentMetadataError,
  md,
  parseComponentMetadata,
  parseDurationMs,
} from '../../common/metadata.js';

export type DeliverPolicyName = 'all' | 'last' | 'new' | 'sequence' | 'time';

/** `pubsub.jetstream` settings: daprd's keys and defaults (contrib `pubsub/jetstream/metadata.go`). */
export interface JetStreamMetadata {
  /** `natsURL`, split on commas (Go's nats.Connect takes a comma list too). */
  servers: string[];
  /** `jwt` + `seedKey` (user JWT and its nkey seed). */
  jwt?: { jwt: string; seed: string };
  token?: string;
  /** `tls_client_cert` / `tls_client_key`: PEM text or a file path each. */
  tlsClient?: { cert: string; key: string };
  /** Client connection name. */
  name: string;
  streamName?: string;
  durableName?: string;
  queueGroupName?: string;
  /** Base of the durable consumer name when neither durableName nor queueGroupName is set. */
  consumerID: string;
  deliverPolicy: DeliverPolicyName;
  startSequence?: number;
  /** `startTime` (Unix seconds) as a date. */
  startTime?: Date;
  ackWaitMs?: number;
  /** Undefined = the server's default (unlimited). */
  maxDeliver?: number;
  /** `backOff`: comma list of durations; nak delays, and the consumer's backoff when maxDeliver is set. */
  backOffMs: number[];
  maxAckPending?: number;
  replicas?: number;
  memoryStorage: boolean;
  /** Push-consumer options daprd passes through; pull consumers have no equivalent (logged). */
  rateLimit?: number;
  heartbeatMs?: number;
  flowControl: boolean;
  domain?: string;
  apiPrefix?: string;
  concurrency: 'single' | 'parallel';
}

const positiveInt = (min: number) => md.int().refine((n) => n >= min, `must be an integer >= ${min}`);
const duration = () => md.duration('seconds').refine((ms) => ms >= 0, 'must not be negative');

const schema = z.object({
  natsURL: md.string().min(1, 'is required (e.g. nats://localhost:4222)'),
  jwt: md.string().optional(),
  seedKey: md.string().optional(),
  token: md.string().optional(),
  tls_client_cert: md.string().optional(),
  tls_client_key: md.string().optional(),
  name: md.string().default('dapr.io - pubsub.jetstream'),
  streamName: md.string().optional(),
  durableName: md.string().optional(),
  queueGroupName: md.string().optional(),
  consumerID: md.string().optional(),
  deliverPolicy: z
    .enum(['all', 'last', 'new', 'sequence', 'time'], {
      error: (i) => `'${String(i.input)}' is not one of: all, last, new, sequence, time`,
    })
    .default('all'),
  startSequence: positiveInt(0).optional(),
  startTime: positiveInt(0).optional(),
  ackPolicy: md
    .string()
    .refine(
      (v) => v === '' || v === 'explicit',
      "only 'explicit' is supported: with 'all' or 'none' the broker would drop messages the app did not process",
    )
    .optional(),
  ackWait: duration().optional(),
  maxDeliver: md.int().optional(),
  backOff: md.string().optional(),
  maxAckPending: md.int().optional(),
  replicas: positiveInt(0).optional(),
  memoryStorage: md.bool().default(false),
  rateLimit: positiveInt(0).optional(),
  heartbeat: duration().optional(),
  flowControl: md.bool().default(false),
  domain: md.string().optional(),
  apiPrefix: md.string().optional(),
  concurrency: z
    .enum(['single', 'parallel'], { error: (i) => `'${String(i.input)}' is not one of: single, parallel` })
    .default('single'),
});

export function parseJetStreamMetadata(
  component: string,
  raw: Record<string, string>,
  appId: string,
): JetStreamMetadata {
  // Empty values mean "not set" (YAML templates), except natsURL which must then fail as missing.
  const present = Object.fromEntries(
    Object.entries(raw).filter(([k, v]) => v.trim() !== '' || k.toLowerCase() === 'natsurl'),
  );
  const m = parseComponentMetadata(component, schema, present);
  const fail = (field: string, msg: string) => new ComponentMetadataError(component, field, msg);

  if (m.jwt && !m.seedKey) throw fail('seedKey', 'is required with jwt');
  if (m.seedKey && !m.jwt) throw fail('jwt', 'is required with seedKey');
  if (m.tls_client_cert && !m.tls_client_key)
    throw fail('tls_client_key', 'is required with tls_client_cert');
  if (m.tls_client_key && !m.tls_client_cert)
    throw fail('tls_client_cert', 'is required with tls_client_key');
  if (m.seedKey && !/^SU[A-Z2-7]+$/.test(m.seedKey.trim())) {
    throw fail('seedKey', 'is not a NATS user nkey seed (it starts with "SU")');
  }

  const backOffMs = parseBackOff(m.backOff, fail);
  // 0 means "not set", as in daprd.
  if (m.maxDeliver !== undefined && m.maxDeliver < -1) {
    throw fail('maxDeliver', 'must be -1 (unlimited), 0 (unset) or positive');
  }
  if (m.maxDeliver !== undefined && m.maxDeliver > 0 && backOffMs.length >= m.maxDeliver) {
    throw fail('maxDeliver', `must be greater than the number of backOff values (${backOffMs.length})`);
  }
  if (m.maxAckPending !== undefined && m.maxAckPending < -1) {
    throw fail('maxAckPending', 'must be -1 (unlimited), 0 (unset) or positive');
  }
  if (m.deliverPolicy === 'sequence' && !m.startSequence) {
    throw fail('startSequence', "is required (>= 1) with deliverPolicy 'sequence'");
  }
  if (m.deliverPolicy === 'time' && !m.startTime) {
    throw fail('startTime', "is required (Unix seconds) with deliverPolicy 'time'");
  }
  if (m.startSequence && m.deliverPolicy !== 'sequence') {
    throw fail('startSequence', "is only used with deliverPolicy 'sequence'");
  }
  if (m.startTime && m.deliverPolicy !== 'time') {
    throw fail('startTime', "is only used with deliverPolicy 'time'");
  }
  const servers = m.natsURL
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (servers.length === 0) throw fail('natsURL', 'is required (e.g. nats://localhost:4222)');

  return {
    servers,
    jwt: m.jwt && m.seedKey ? { jwt: m.jwt.trim(), seed: m.seedKey.trim() } : undefined,
    token: m.token,
    tlsClient:
      m.tls_client_cert && m.tls_client_key ? { cert: m.tls_client_cert, key: m.tls_client_key } : undefined,
    name: m.name,
    streamName: m.streamName,
    durableName: m.durableName,
    queueGroupName: m.queueGroupName,
    consumerID: m.consumerID || appId,
    deliverPolicy: m.deliverPolicy,
    startSequence: m.startSequence,
    startTime: m.startTime ? new Date(m.startTime * 1000) : undefined,
    ackWaitMs: m.ackWait || undefined,
    maxDeliver: m.maxDeliver || undefined,
    backOffMs,
    maxAckPending: m.maxAckPending || undefined,
    replicas: m.replicas || undefined,
    memoryStorage: m.memoryStorage,
    rateLimit: m.rateLimit || undefined,
    heartbeatMs: m.heartbeat || undefined,
    flowControl: m.flowControl,
    domain: m.domain,
    apiPrefix: m.apiPrefix,
    concurrency: m.concurrency,
  };
}

/** daprd's `[]time.Duration` decoding: a comma list of Go durations or bare seconds (brackets tolerated). */
function parseBackOff(text: string | undefined, fail: (f: string, m: string) => Error): number[] {
  if (!text) return [];
  const parts = text
    .replace(/^\s*\[/, '')
    .replace(/\]\s*$/, '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.map((p) => {
    const ms = parseDurationMs(p, 'seconds');
    if (ms === undefined || ms <= 0)
      throw fail('backOff', `'${p}' is not a positive duration (e.g. "1s,5s,30s")`);
    return ms;
  });
}
