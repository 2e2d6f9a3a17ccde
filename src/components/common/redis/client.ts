import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../../diagnostics/logger.js';
import { corkUntilCheckPhase } from '../cork.js';
import type { RedisConnectionSettings } from './settings.js';

export interface ConnectRedisOptions {
  settings: RedisConnectionSettings;
  logger: Logger;
  /** Names the connection in logs and in `CLIENT LIST` (e.g. the component name). */
  name: string;
  /** Lua scripts to register as commands (ioredis sends EVALSHA and falls back to EVAL). */
  scripts?: Record<string, { lua: string; numberOfKeys?: number; readOnly?: boolean }>;
}

/** Reconnect delay: quick first attempts so a restarted server is picked up at once, capped at 2 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt - 1, 6), 2000);
}

/**
 * ioredis options for a sidecar: never queue a command while the connection is down (a request
 * then fails at once instead of hanging until the server returns), never resend a command that
 * may already have run (a write script must not apply twice), and reconnect forever in the
 * background. Retrying a failed request is the resiliency policy's job, not the driver's.
 */
export function redisOptions(s: RedisConnectionSettings, name: string): RedisOptions {
  return {
    host: s.host,
    port: s.port,
    username: s.username,
    password: s.password,
    db: s.db,
    tls: s.tls ? { servername: s.host, ...s.tls } : undefined,
    connectTimeout: s.dialTimeoutMs,
    commandTimeout: s.commandTimeoutMs,
    // CLIENT SETNAME rejects spaces; component names rarely have any, but never fail on one.
    connectionName: `daprts-${name}`.replace(/[^\w.-]/g, '_'),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelayMs,
  };
}

/**
 * Opens a connection and waits until it is ready; fails (and stops reconnecting) when the first
 * attempt fails, so a component with a wrong address reports it at start-up as daprd does.
 */
export async function connectRedis(opts: ConnectRedisOptions): Promise<Redis> {
  const { settings, logger, name } = opts;
  const client = new Redis({ ...redisOptions(settings, name), scripts: opts.scripts });
  const address = `${settings.host}:${settings.port}`;
  // Start-up failures are thrown by connect(); outages of a connection that once worked are logged
  // once when they start and once when they end, not on every reconnect attempt.
  let everReady = false;
  let down = false;
  client.on('error', (err: Error) =>
    logger.debug({ err: { message: err.message }, address }, 'redis connection error'),
  );
  // 'reconnecting' (unlike 'close') is not emitted when the client is closed on purpose.
  client.on('reconnecting', () => {
    if (!everReady || down) return;
    down = true;
    logger.warn({ address }, 'redis connection lost; reconnecting in the background');
  });
  client.on('ready', () => {
    everReady = true;
    if (!down) return;
    down = false;
    logger.info({ address }, 'redis connection restored');
  });
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw new Error(
      `error connecting to redis at ${address}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return client;
}

/** Closes gracefully (QUIT lets in-flight replies arrive); drops the socket if that fails. */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}

/** Runs `send` (commands on `client`) with the connection corked until the check phase (cork.ts). */
export function corked<T>(client: Redis, send: () => Promise<T>): Promise<T> {
  if (client.status === 'ready') corkUntilCheckPhase(client.stream);
  return send();
}
