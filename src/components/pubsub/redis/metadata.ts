import * as z from 'zod';
import { ComponentMetadataError, md, parseComponentMetadata } from '../../common/metadata.js';
import { parseRedisSettings, type RedisConnectionSettings } from '../../common/redis/settings.js';

/** `pubsub.redis` settings: daprd's keys, daprd's (real, not documented) defaults. */
export interface RedisPubSubMetadata {
  connection: RedisConnectionSettings;
  /** Consumer group (`consumerID`); the app id when not set. */
  consumerGroup: string;
  /** Idle time after which a pending entry is re-claimed and redelivered; 0 disables redelivery. */
  processingTimeoutMs: number;
  /** How often pending entries are checked for redelivery; 0 disables redelivery. */
  redeliverIntervalMs: number;
  /**
   * How often the idle time of the entries this process holds (buffered or in a handler) is reset,
   * so a slow handler's message is never re-claimed while it still runs; 0 disables the keep-alive.
   */
  keepAliveIntervalMs: number;
  /** Messages buffered beyond those in handlers. */
  queueDepth: number;
  /** Handler calls in flight; 1 delivers strictly in stream order. */
  concurrency: number;
  /** `XADD MAXLEN ~ n` when > 0. */
  maxLenApprox: number;
  /** `XADD MINID ~ <now - ttl>` when > 0 (and `maxLenApprox` is not set). */
  streamTtlMs: number;
}

// daprd reads a bare number for processingTimeout / redeliverInterval as milliseconds (legacy), and
// a bare number for streamTTL (a plain time.Duration field) as seconds. Go duration strings work for all.
const positiveDuration = (bareUnit: 'seconds' | 'milliseconds') =>
  md
    .duration(bareUnit)
    .refine((ms) => ms >= 0, 'must be 0 (disabled) or a positive duration such as "15s"')
    .optional();

const positiveInt = (min: number) => md.int().refine((n) => n >= min, `must be an integer >= ${min}`);

const schema = z.object({
  consumerID: md.string().optional(),
  processingTimeout: positiveDuration('milliseconds'),
  redeliverInterval: positiveDuration('milliseconds'),
  entryKeepAliveInterval: positiveDuration('milliseconds'),
  queueDepth: positiveInt(1).default(100),
  concurrency: positiveInt(1).default(10),
  maxLenApprox: positiveInt(0).default(0),
  streamTTL: positiveDuration('seconds'),
});

/** daprd's code defaults (the docs had them swapped until dapr/docs#5326). */
export const DEFAULT_PROCESSING_TIMEOUT_MS = 60_000;
export const DEFAULT_REDELIVER_INTERVAL_MS = 15_000;

export function parseRedisPubSubMetadata(
  component: string,
  raw: Record<string, string>,
  appId: string,
): RedisPubSubMetadata {
  // Empty values mean "not set" in YAML templates.
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const connection = parseRedisSettings(component, raw, 'pubsub');
  const m = parseComponentMetadata(component, schema, present);
  const consumerGroup = m.consumerID || appId;
  if (!consumerGroup) {
    throw new ComponentMetadataError(component, 'consumerID', 'is required when the app id is empty');
  }
  const processingTimeoutMs = m.processingTimeout ?? DEFAULT_PROCESSING_TIMEOUT_MS;
  const redeliverIntervalMs = m.redeliverInterval ?? DEFAULT_REDELIVER_INTERVAL_MS;
  const keepAliveIntervalMs =
    m.entryKeepAliveInterval ?? (processingTimeoutMs > 0 ? defaultKeepAlive(processingTimeoutMs) : 0);
  if (processingTimeoutMs > 0 && keepAliveIntervalMs >= processingTimeoutMs) {
    throw new ComponentMetadataError(
      component,
      'entryKeepAliveInterval',
      `must be shorter than processingTimeout (${processingTimeoutMs} ms), or 0 to disable it`,
    );
  }
  return {
    connection,
    consumerGroup,
    processingTimeoutMs,
    redeliverIntervalMs,
    keepAliveIntervalMs,
    queueDepth: m.queueDepth,
    concurrency: m.concurrency,
    maxLenApprox: m.maxLenApprox,
    streamTtlMs: m.streamTTL ?? 0,
  };
}

/** A quarter of processingTimeout (15 s by default), at most 10 s. */
function defaultKeepAlive(processingTimeoutMs: number): number {
  return Math.max(1, Math.min(10_000, Math.floor(processingTimeoutMs / 4)));
}

/** Whether pending entries are re-claimed at all (daprd: both settings must be non-zero). */
export function redeliveryEnabled(m: RedisPubSubMetadata): boolean {
  return m.processingTimeoutMs > 0 && m.redeliverIntervalMs > 0;
}
