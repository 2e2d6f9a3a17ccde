import * as z from 'zod';
import { ComponentMetadataError, md, parseComponentMetadata } from '../metadata.js';

/** Which building block reads the settings: Dapr applies different legacy defaults per block. */
export type RedisComponentKind = 'state' | 'pubsub' | 'lock' | 'configuration';

/** Connection settings shared by every Redis-backed component (state, pub/sub, lock...). */
export interface RedisConnectionSettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  /** Present when `enableTLS` is true. */
  tls?: { rejectUnauthorized: boolean; cert?: string; key?: string };
  /** Time to establish a connection (`dialTimeout`, default 5 s). */
  dialTimeoutMs: number;
  /** Per-command reply deadline from `readTimeout` (default 3 s); undefined when disabled with -1. */
  commandTimeoutMs?: number;
  /** `redisMaxRetries`: kept for components that retry by themselves (-1 disables). */
  maxRetries: number;
  minRetryIntervalMs: number;
  maxRetryIntervalMs: number;
}

/** Metadata fields whose values must never be logged or shown by the metadata API. */
export const REDIS_SENSITIVE_FIELDS = ['redisPassword', 'sentinelPassword', 'clientKey'] as const;

const DEFAULT_PORT = 6379;

// Durations in daprd's Redis settings read a bare integer as milliseconds (not seconds), and a
// negative number as "disabled".
const duration = () => md.duration('milliseconds').optional();

/** daprd's Redis metadata (common/component/redis Settings); pub/sub-only fields live with pub/sub. */
const schema = z.object({
  redisHost: md.string().optional(),
  redisPort: md.int().optional(),
  redisPassword: md.string().optional(),
  redisUsername: md.string().optional(),
  redisDB: md.int().default(0),
  redisType: md.string().default('node'),
  redisMaxRetries: md.int().optional(),
  redisMinRetryInterval: duration(),
  redisMaxRetryInterval: duration(),
  dialTimeout: duration(),
  readTimeout: duration(),
  writeTimeout: duration(),
  poolSize: md.int().optional(),
  minIdleConns: md.int().optional(),
  maxConnAge: duration(),
  poolTimeout: duration(),
  idleTimeout: duration(),
  idleCheckFrequency: duration(),
  failover: md.bool().default(false),
  sentinelMasterName: md.string().optional(),
  enableTLS: md.bool().default(false),
  insecureSkipTLSVerify: md.bool().default(false),
  clientCert: md.string().optional(),
  clientKey: md.string().optional(),
  useEntraID: md.bool().default(false),
  useOIDC: md.bool().default(false),
});
type RawSettings = z.output<typeof schema>;

/**
 * Parses daprd's Redis connection metadata. Only standalone nodes are supported for now: cluster,
 * Sentinel failover and cloud identities are rejected with a message naming the field rather than
 * silently connecting somewhere else. `poolSize` and the pool tuning fields are accepted and ignored:
 * one multiplexed ioredis connection pipelines every request.
 */
export function parseRedisSettings(
  component: string,
  raw: Record<string, string>,
  kind: RedisComponentKind,
): RedisConnectionSettings {
  // Empty values mean "not set" in YAML templates; treat them as absent rather than as zero.
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const s = parseComponentMetadata(component, schema, present, {
    useAzureAD: 'useEntraID',
    maxRetries: 'redisMaxRetries',
  });
  rejectUnsupported(component, s);
  const { host, port } = resolveAddress(component, s.redisHost, s.redisPort);
  const legacyDefaults = kind === 'state' || kind === 'lock';
  const readTimeout = s.readTimeout ?? 3000;
  return {
    host,
    port,
    username: s.redisUsername || undefined,
    password: s.redisPassword || undefined,
    db: s.redisDB,
    tls: s.enableTLS
      ? { rejectUnauthorized: !s.insecureSkipTLSVerify, cert: s.clientCert, key: s.clientKey }
      : undefined,
    dialTimeoutMs: s.dialTimeout !== undefined && s.dialTimeout > 0 ? s.dialTimeout : 5000,
    commandTimeoutMs: readTimeout > 0 ? readTimeout : undefined,
    maxRetries: s.redisMaxRetries ?? 3,
    minRetryIntervalMs: s.redisMinRetryInterval ?? legacyMinRetryInterval(component, present, legacyDefaults),
    maxRetryIntervalMs: s.redisMaxRetryInterval ?? 512,
  };
}

function rejectUnsupported(component: string, s: RawSettings): void {
  const type = s.redisType.toLowerCase();
  if (type === 'cluster')
    throw new ComponentMetadataError(component, 'redisType', "'cluster' is not supported yet; use 'node'");
  if (type !== 'node')
    throw new ComponentMetadataError(component, 'redisType', `'${s.redisType}' must be 'node' or 'cluster'`);
  if (s.failover)
    throw new ComponentMetadataError(component, 'failover', 'Redis Sentinel failover is not supported yet');
  if (s.useEntraID)
    throw new ComponentMetadataError(component, 'useEntraID', 'Entra ID authentication is not supported');
  if (s.useOIDC)
    throw new ComponentMetadataError(component, 'useOIDC', 'OIDC authentication is not supported');
  if (s.redisDB < 0) throw new ComponentMetadataError(component, 'redisDB', 'must be 0 or greater');
}

/**
 * `host:port`, `[v6]:port` or a bare host completed by `redisPort` (default 6379). A port in the
 * host that disagrees with `redisPort` is an error, as in daprd.
 */
export function resolveAddress(
  component: string,
  redisHost: string | undefined,
  redisPort: number | undefined,
) {
  if (!redisHost) throw new ComponentMetadataError(component, 'redisHost', 'is required');
  if (redisHost.includes(',')) {
    throw new ComponentMetadataError(
      component,
      'redisHost',
      'a list of hosts needs redisType cluster, which is not supported yet',
    );
  }
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(redisHost) ?? /^([^:]+):(\d+)$/.exec(redisHost);
  if (!m) return { host: redisHost.replace(/^\[(.*)\]$/, '$1'), port: redisPort ?? DEFAULT_PORT };
  const port = Number(m[2]);
  if (redisPort !== undefined && redisPort !== port) {
    throw new ComponentMetadataError(
      component,
      'redisPort',
      `redisHost '${redisHost}' already contains port ${port} but redisPort is ${redisPort}; remove one of them`,
    );
  }
  return { host: m[1], port };
}

/**
 * State and lock stores default the minimum retry interval to 2 s and still read the legacy
 * `maxRetryBackoff` key, an integer in nanoseconds; other blocks default to 8 ms.
 */
function legacyMinRetryInterval(component: string, raw: Record<string, string>, legacy: boolean): number {
  if (!legacy) return 8;
  const entry = Object.entries(raw).find(([k]) => k.toLowerCase() === 'maxretrybackoff');
  if (!entry) return 2000;
  const ns = Number(entry[1]);
  if (!Number.isInteger(ns))
    throw new ComponentMetadataError(component, 'maxRetryBackoff', `'${entry[1]}' is not an integer`);
  return ns / 1e6;
}
