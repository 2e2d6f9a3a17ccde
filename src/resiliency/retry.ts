import { parseDurationMs } from '../components/common/metadata.js';
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
}

/** Daprd's defaults: constant, 5s, maxInterval 60s, retry forever. */
export function retryPolicy(spec: RetrySpec, where: string): RetryPolicy {
  const dur = (text: string | undefined, def: number, field: string) => {
    if (text === undefined) return def;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms < 0) throw new Error(`${where}: ${field} '${text}' is not a duration`);
    return ms;
  };
  return {
    kind: spec.policy,
    durationMs: dur(spec.duration, spec.policy === 'exponential' ? 500 : 5000, 'duration'),
    maxIntervalMs: dur(spec.maxInterval, 60_000, 'maxInterval'),
    maxRetries: spec.maxRetries ?? -1,
    matching: spec.matching ? matcher(spec.matching, where) : undefined,
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
  },
  DaprBuiltInInitializationRetries: {
    kind: 'exponential',
    durationMs: 500,
    maxIntervalMs: 1000,
    maxRetries: 3,
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
