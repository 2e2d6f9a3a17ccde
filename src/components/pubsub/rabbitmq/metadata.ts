import * as z from 'zod';
import { ComponentMetadataError, md, parseComponentMetadata } from '../../common/metadata.js';

/** Metadata fields whose values must never be logged or shown by the metadata API (the URL may hold a password). */
export const RABBITMQ_SENSITIVE_FIELDS = ['password', 'connectionString', 'host', 'clientKey'] as const;

export type ExchangeKind = 'fanout' | 'topic' | 'direct' | 'headers';

/** `pubsub.rabbitmq` settings: daprd's keys and daprd's code defaults (see README.md). */
export interface RabbitMQMetadata {
  /** The AMQP URL to dial (from `connectionString`, or `protocol://username:password@hostname`). */
  url: string;
  protocol: 'amqp' | 'amqps';
  /** Queue name prefix: `<consumerID>-<topic>`; the app id when not set. */
  consumerID: string;
  /** Exchanges and queues survive a broker restart. daprd's code default is true (its docs say false). */
  durable: boolean;
  /** Queues (and exchanges) are deleted by the broker when their last consumer (binding) goes. */
  deletedWhenUnused: boolean;
  /** Deliveries are acked by the broker on sending (at most once; handler outcomes are ignored). */
  autoAck: boolean;
  requeueInFailure: boolean;
  enableDeadLetter: boolean;
  /** 0/1 transient, 2 persistent. */
  deliveryMode: number;
  /** basic.qos per consumer; 0 = unlimited. */
  prefetchCount: number;
  reconnectWaitMs: number;
  /** `x-max-length` / `x-max-length-bytes` when > 0. */
  maxLen: number;
  maxLenBytes: number;
  exchangeKind: ExchangeKind;
  clientName?: string;
  heartbeatSeconds: number;
  /** Accepted for compatibility; publishes always wait for the broker's confirm (see README.md). */
  publisherConfirm: boolean;
  saslExternal: boolean;
  /** Handler calls in flight per subscription: 1 for `single`, unlimited for `parallel`. */
  concurrency: number;
  /** Per-message TTL applied when a publish sets none (`ttlInSeconds`). */
  defaultMessageTtlMs?: number;
  publishMessagePropertiesToMetadata: boolean;
  /** Wait before a rejected message is put back on the queue (daprts; avoids a hot redelivery loop). */
  requeueDelayMs: number;
  tls: { caCert?: string; clientCert?: string; clientKey?: string };
}

const bool = (d: boolean) => md.bool().default(d);
const nonNegative = (max = Number.MAX_SAFE_INTEGER) =>
  md.int().refine((n) => n >= 0 && n <= max, `must be an integer between 0 and ${max}`);
const positiveDuration = () =>
  md
    .duration('seconds')
    .refine((ms) => ms > 0, 'must be a positive duration such as "3s"')
    .optional();

const schema = z.object({
  connectionString: md.string().optional(),
  protocol: z.enum(['amqp', 'amqps']).optional(),
  hostname: md.string().default('localhost'),
  username: md.string().optional(),
  password: md.string().optional(),
  consumerID: md.string().optional(),
  durable: bool(true),
  deletedWhenUnused: bool(true),
  autoAck: bool(false),
  requeueInFailure: bool(false),
  enableDeadLetter: bool(false),
  deliveryMode: nonNegative(2).default(0),
  prefetchCount: nonNegative(65535).default(0),
  reconnectWaitSeconds: positiveDuration(),
  maxLen: nonNegative().default(0),
  maxLenBytes: nonNegative().default(0),
  exchangeKind: z.enum(['fanout', 'topic', 'direct', 'headers']).default('fanout'),
  clientName: md.string().optional(),
  heartBeat: md
    .duration('seconds')
    .refine((ms) => ms >= 0, 'must be 0 (disabled) or a positive duration')
    .optional(),
  publisherConfirm: bool(false),
  saslExternal: bool(false),
  concurrencyMode: md.string().optional(),
  concurrency: md.string().optional(),
  ttlInSeconds: positiveDuration(),
  publishMessagePropertiesToMetadata: bool(false),
  requeueDelay: md
    .duration('milliseconds')
    .refine((ms) => ms >= 0, 'must be 0 or a positive duration')
    .default(1000),
  caCert: md.string().optional(),
  clientCert: md.string().optional(),
  clientKey: md.string().optional(),
});

export function parseRabbitMQMetadata(
  component: string,
  raw: Record<string, string>,
  appId: string,
): RabbitMQMetadata {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  // `host` is daprd's deprecated name for connectionString.
  const m = parseComponentMetadata(component, schema, present, { host: 'connectionString' });
  const { url, protocol } = connectionUrl(component, m);
  if (m.saslExternal && !(m.caCert && m.clientCert && m.clientKey)) {
    throw new ComponentMetadataError(component, 'saslExternal', 'needs caCert, clientCert and clientKey');
  }
  const consumerID = m.consumerID || appId;
  if (!consumerID)
    throw new ComponentMetadataError(component, 'consumerID', 'is required when the app id is empty');
  return {
    url,
    protocol,
    consumerID,
    durable: m.durable,
    deletedWhenUnused: m.deletedWhenUnused,
    autoAck: m.autoAck,
    requeueInFailure: m.requeueInFailure,
    enableDeadLetter: m.enableDeadLetter,
    deliveryMode: m.deliveryMode,
    prefetchCount: m.prefetchCount,
    reconnectWaitMs: m.reconnectWaitSeconds ?? 3000,
    maxLen: m.maxLen,
    maxLenBytes: m.maxLenBytes,
    exchangeKind: m.exchangeKind,
    clientName: m.clientName,
    heartbeatSeconds: Math.round((m.heartBeat ?? 10_000) / 1000),
    publisherConfirm: m.publisherConfirm,
    saslExternal: m.saslExternal,
    concurrency: parseConcurrency(component, m.concurrencyMode, m.concurrency),
    defaultMessageTtlMs: m.ttlInSeconds,
    publishMessagePropertiesToMetadata: m.publishMessagePropertiesToMetadata,
    requeueDelayMs: m.requeueDelay,
    tls: { caCert: m.caCert, clientCert: m.clientCert, clientKey: m.clientKey },
  };
}

type Raw = z.output<typeof schema>;

function connectionUrl(component: string, m: Raw): { url: string; protocol: 'amqp' | 'amqps' } {
  if (m.connectionString) {
    let u: URL;
    try {
      u = new URL(m.connectionString);
    } catch {
      throw new ComponentMetadataError(
        component,
        'connectionString',
        'is not a URL (amqp://user:pass@host:5672/vhost)',
      );
    }
    const scheme = u.protocol.replace(/:$/, '');
    if (scheme !== 'amqp' && scheme !== 'amqps') {
      throw new ComponentMetadataError(
        component,
        'connectionString',
        `scheme '${scheme}' must be amqp or amqps`,
      );
    }
    if (m.protocol && m.protocol !== scheme) {
      throw new ComponentMetadataError(
        component,
        'protocol',
        `'${m.protocol}' does not match the connection string`,
      );
    }
    return { url: m.connectionString, protocol: scheme };
  }
  const protocol = m.protocol ?? 'amqp';
  const user = m.username
    ? encodeURIComponent(m.username) + (m.password ? `:${encodeURIComponent(m.password)}` : '')
    : '';
  return { url: `${protocol}://${user ? `${user}@` : ''}${m.hostname}`, protocol };
}

/**
 * daprd reads `concurrencyMode` (`single` | `parallel`, default parallel) and ignores the documented
 * `concurrency` key; both are read here (concurrencyMode wins), and a positive integer is accepted
 * too: at most that many handler calls in flight.
 */
function parseConcurrency(component: string, mode?: string, concurrency?: string): number {
  const field = mode !== undefined ? 'concurrencyMode' : 'concurrency';
  const value = (mode ?? concurrency ?? 'parallel').trim().toLowerCase();
  if (value === 'parallel') return Infinity;
  if (value === 'single') return 1;
  if (/^\d+$/.test(value) && Number(value) >= 1) return Number(value);
  throw new ComponentMetadataError(
    component,
    field,
    `'${value}' must be 'single', 'parallel' or a positive integer`,
  );
}
