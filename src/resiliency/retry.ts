import { policyDurationMs } from './duration.js';
import { statusMatcher, type StatusMatcher } from './matching.js';
import type { RetrySpec } from './resource.js';

/** A retry policy with resolved durations. `maxRetries` -1 retries forever. */
export interface RetryPolicy {
  kind: 'constant' | 'exponential';
  durationMs: number;
  maxIntervalMs: number;
  maxRetries: number;
  /** `matching`: which status codes are worth retrying (absent: all). */
  matching?: StatusMatcher;
  /** Exponential only: no retry starts once this much time has passed since the first attempt. */
  maxElapsedMs?: number;
}

/** Exponential back-off's fixed settings in daprd (dapr/kit over cenkalti/backoff defaults). */
const EXPONENTIAL_INITIAL_MS = 500;
const EXPONENTIAL_MAX_ELAPSED_MS = 15 * 60_000;

/**
 * Daprd's defaults: constant, 5s, maxInterval 60s, retry forever. `duration` is the constant
 * policy's interval only: exponential always starts at 500 ms and gives up after 15 minutes.
 */
export function retryPolicy(spec: RetrySpec, where: string): RetryPolicy {
  const dur = (text: string | undefined, def: number, field: string) => {
    if (text === undefined) return def;
    const ms = policyDurationMs(text);
    if (ms === undefined || ms < 0) throw new Error(`${where}: ${field} '${text}' is not a duration`);
    return ms;
  };
  const durationMs = dur(spec.duration, 5000, 'duration');
  const exponential = spec.policy === 'exponential';
  return {
    kind: spec.policy,
    durationMs: exponential ? EXPONENTIAL_INITIAL_MS : durationMs,
    maxIntervalMs: dur(spec.maxInterval, 60_000, 'maxInterval'),
    maxRetries: spec.maxRetries ?? -1,
    matching: spec.matching ? matcher(spec.matching, where) : undefined,
    maxElapsedMs: exponential ? EXPONENTIAL_MAX_ELAPSED_MS : undefined,
  };
}

function matcher(m: NonNullable<RetrySpec['matching']>, where: string): StatusMatcher {
  try {
    return statusMatcher(m);
  } catch (err) {
    throw new Error(`${where}: matching.${(err as Error).message}`, { cause: err });
  }
}

/**
 * daprd's built-in retries, used where Dapr itself retries; a Resiliency may redefine them under
 * the same name but not below 3 retries.
 */
export const BUILT_IN_RETRIES: Record<string, RetryPolicy> = {
  DaprBuiltInServiceRetries: { kind: 'constant', durationMs: 1000, maxIntervalMs: 60_000, maxRetries: 3 },
  DaprBuiltInActorRetries: { kind: 'constant', durationMs: 1000, maxIntervalMs: 60_000, maxRetries: 3 },
  DaprBuiltInActorReminderRetries: {
    kind: 'exponential',
    durationMs: 500,
    maxIntervalMs: 60_000,
    maxRetries: -1,
    maxElapsedMs: EXPONENTIAL_MAX_ELAPSED_MS,
  },
  DaprBuiltInInitializationRetries: {
    kind: 'exponential',
    durationMs: 500,
    maxIntervalMs: 1000,
    maxRetries: 3,
    maxElapsedMs: 10_000,
  },
};

/**
 * Delay before retry number `attempt` (1-based). Exponential grows ×1.5 from `duration` with ±50%
 * jitter (as dapr/kit's backoff), capped at `maxInterval`.
 */
export function retryDelayMs(p: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  if (p.kind === 'constant') return p.durationMs;
  const base = Math.min(p.durationMs * 1.5 ** (attempt - 1), p.maxIntervalMs);
  const jittered = base * (0.5 + random());
  return Math.min(jittered, p.maxIntervalMs);
}
