/**
 * Configuration from the environment (twelve-factor): every knob has an env var, a default and a
 * check, and `loadConfig` fails fast with the name of the offending variable.
 */

export type AgentKind = 'local' | 'openai';

export interface OpenAiConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  systemPrompt?: string;
  timeoutMs: number;
}

export interface ChatConfig {
  /** Address and port the HTTP API listens on (`PORT` 0 picks a free one). */
  host: string;
  port: number;
  /** HS256 secret the JWTs are signed with (`JWT_SECRET`, at least 32 characters). */
  jwtSecret: string;
  /** Optional `iss` / `aud` the tokens must carry. */
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Where daprts listens (the Dapr SDK's `DAPR_HOST` / `DAPR_HTTP_PORT`). */
  daprHost: string;
  daprHttpPort: string;
  daprApiToken?: string;
  /** The Dapr state store component holding the conversations. */
  stateStore: string;
  /** Messages of history sent to the agent with each new message. */
  messageWindowSize: number;
  /** Messages kept per conversation (the oldest go first). */
  maxMessages: number;
  /** Longest user message accepted, in characters. */
  maxMessageChars: number;
  /** A conversation expires after this many seconds without a new message (0: never). */
  conversationTtlSeconds: number;
  /** Give up on a state call after this long and answer in degraded mode. */
  stateTimeoutMs: number;
  /** After a state failure, skip the store for this long before trying it again. */
  degradedRetryMs: number;
  /** Attempts of an ETag-guarded write before answering 503. */
  appendMaxAttempts: number;
  /** Backoff between attempts: full jitter in [0, min(cap, base * 2^attempt)). */
  appendBackoffBaseMs: number;
  appendBackoffCapMs: number;
  /** State calls in flight at once (the rest wait in line): backpressure instead of timeouts. */
  maxInflightStateCalls: number;
  /**
   * Process the messages of one conversation one at a time inside this instance (recommended: the
   * agent sees the previous answer, and arrival order is storage order). ETags still guard writes
   * from other instances; turning this off leaves ETags alone to resolve every collision.
   */
  serializeTurns: boolean;
  agent: AgentKind;
  openai: OpenAiConfig;
  logLevel: string;
  /** Log every HTTP request (off by default: it costs more than the request on the hot path). */
  logRequests: boolean;
}

export const DAY_SECONDS = 24 * 60 * 60;

export const DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  daprHost: '127.0.0.1',
  daprHttpPort: '3500',
  stateStore: 'statestore',
  messageWindowSize: 50,
  maxMessages: 200,
  maxMessageChars: 8000,
  conversationTtlSeconds: 30 * DAY_SECONDS,
  stateTimeoutMs: 3000,
  degradedRetryMs: 1000,
  appendMaxAttempts: 25,
  appendBackoffBaseMs: 5,
  appendBackoffCapMs: 250,
  maxInflightStateCalls: 32,
  serializeTurns: true,
  agent: 'local' as AgentKind,
  openaiBaseUrl: 'https://api.openai.com/v1',
  openaiModel: 'gpt-4o-mini',
  openaiTimeoutMs: 60_000,
  logLevel: 'info',
} as const;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return def;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** Reads and checks the configuration; `overrides` win over the environment (tests, embedding). */
export function loadConfig(env: Env = process.env, overrides: Partial<ChatConfig> = {}): ChatConfig {
  const jwtSecret = overrides.jwtSecret ?? str(env, 'JWT_SECRET');
  if (!jwtSecret)
    throw new ConfigError('JWT_SECRET is required (the HS256 secret the tokens are signed with)');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  const agent = (str(env, 'AGENT') ?? DEFAULTS.agent) as AgentKind;
  if (agent !== 'local' && agent !== 'openai')
    throw new ConfigError(`AGENT must be "local" or "openai", got "${agent}"`);
  const maxMessages = int(env, 'MAX_MESSAGES', DEFAULTS.maxMessages, 1, 10_000);
  const cfg: ChatConfig = {
    host: str(env, 'HOST') ?? DEFAULTS.host,
    port: int(env, 'PORT', DEFAULTS.port, 0, 65535),
    jwtSecret,
    jwtIssuer: str(env, 'JWT_ISSUER'),
    jwtAudience: str(env, 'JWT_AUDIENCE'),
    daprHost: str(env, 'DAPR_HOST') ?? DEFAULTS.daprHost,
    daprHttpPort: String(int(env, 'DAPR_HTTP_PORT', Number(DEFAULTS.daprHttpPort), 1, 65535)),
    daprApiToken: str(env, 'DAPR_API_TOKEN'),
    stateStore: str(env, 'STATE_STORE_NAME') ?? DEFAULTS.stateStore,
    messageWindowSize: int(env, 'MESSAGE_WINDOW_SIZE', DEFAULTS.messageWindowSize, 0, maxMessages),
    maxMessages,
    maxMessageChars: int(env, 'MAX_MESSAGE_CHARS', DEFAULTS.maxMessageChars, 1, 1_000_000),
    conversationTtlSeconds: int(env, 'CONVERSATION_TTL_SECONDS', DEFAULTS.conversationTtlSeconds, 0),
    stateTimeoutMs: int(env, 'STATE_TIMEOUT_MS', DEFAULTS.stateTimeoutMs, 1),
    degradedRetryMs: int(env, 'DEGRADED_RETRY_MS', DEFAULTS.degradedRetryMs, 0),
    appendMaxAttempts: int(env, 'APPEND_MAX_ATTEMPTS', DEFAULTS.appendMaxAttempts, 1, 1000),
    appendBackoffBaseMs: int(env, 'APPEND_BACKOFF_BASE_MS', DEFAULTS.appendBackoffBaseMs, 0),
    appendBackoffCapMs: int(env, 'APPEND_BACKOFF_CAP_MS', DEFAULTS.appendBackoffCapMs, 0),
    maxInflightStateCalls: int(env, 'MAX_INFLIGHT_STATE_CALLS', DEFAULTS.maxInflightStateCalls, 1, 10_000),
    serializeTurns: bool(env, 'SERIALIZE_TURNS', DEFAULTS.serializeTurns),
    agent,
    openai: {
      baseUrl: (str(env, 'OPENAI_BASE_URL') ?? DEFAULTS.openaiBaseUrl).replace(/\/+$/, ''),
      apiKey: str(env, 'OPENAI_API_KEY'),
      model: str(env, 'OPENAI_MODEL') ?? DEFAULTS.openaiModel,
      systemPrompt: str(env, 'OPENAI_SYSTEM_PROMPT'),
      timeoutMs: int(env, 'OPENAI_TIMEOUT_MS', DEFAULTS.openaiTimeoutMs, 1),
    },
    logLevel: str(env, 'LOG_LEVEL') ?? DEFAULTS.logLevel,
    logRequests: bool(env, 'LOG_REQUESTS', false),
    ...overrides,
  };
  if (cfg.messageWindowSize > cfg.maxMessages)
    throw new ConfigError(
      `MESSAGE_WINDOW_SIZE (${cfg.messageWindowSize}) cannot exceed MAX_MESSAGES (${cfg.maxMessages})`,
    );
  return cfg;
}
