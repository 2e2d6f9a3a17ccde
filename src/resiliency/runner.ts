import { isEtagError, StateRequestError } from '../components/state/errors.js';
import type { CircuitBreaker } from './breaker.js';
import type { ResiliencyClock } from './clock.js';
import { statusCodeOf, type StatusMatcher } from './matching.js';
import type { PolicyRunner } from './provider.js';
import { retryDelayMs, type RetryPolicy } from './retry.js';

/** A resolved policy: what one target's calls run under. */
export interface PolicyDef {
  timeoutMs?: number;
  retry?: RetryPolicy & { matching?: StatusMatcher };
  breaker?: CircuitBreaker;
}

/**
 * A policy timeout cut the attempt. The message is Go's `context.DeadlineExceeded` text, which is
 * what daprd puts in the API error (`fail to get k from state store s: context deadline exceeded`).
 */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super('context deadline exceeded');
    this.name = 'TimeoutError';
  }
}

export interface RunnerHooks {
  clock: ResiliencyClock;
  /** Before each retry's back-off (`attempt` is 1 for the first retry). */
  onRetry?: (info: { target: string; attempt: number; delayMs: number; err: unknown }) => void;
  /** A call that needed retries succeeded after `attempts` attempts in all. */
  onRecovered?: (info: { target: string; attempts: number }) => void;
}

/**
 * Errors that retrying cannot fix (the same request would fail the same way) and that say
 * nothing about the backend's health, so they don't count against a circuit breaker either.
 */
export function isRequestError(err: unknown): boolean {
  return isEtagError(err) || err instanceof StateRequestError;
}

/** Errors the retry loop stops on: request errors, and any error marked `permanent` (an open breaker's). */
function isPermanent(err: unknown): boolean {
  return isRequestError(err) || (err as { permanent?: boolean } | null)?.permanent === true;
}

const passThrough: PolicyRunner = (op) => op(undefined);

/**
 * Builds the runner of one target, composed as daprd composes it: retry( breaker( timeout(op) ) ).
 * A timed-out attempt counts as a failure for the breaker; an open breaker ends the retries at
 * once; a failure carrying a status code is retried only when the retry's `matching` lists it.
 * No policy at all: the operation runs as is.
 */
export function policyRunner(target: string, def: PolicyDef, hooks: RunnerHooks): PolicyRunner {
  const { timeoutMs, retry, breaker } = def;
  if (timeoutMs === undefined && retry === undefined && breaker === undefined) return passThrough;
  const clock = hooks.clock;
  const attempt = <T>(op: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> => {
    const timed = () => (timeoutMs === undefined ? op(undefined) : withTimeout(op, timeoutMs, clock));
    return breaker ? breaker.execute(timed, (err) => !isRequestError(err)) : timed();
  };
  if (!retry) return attempt;
  return async <T>(op: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> => {
    const started = clock.now();
    for (let n = 0; ; n++) {
      try {
        const out = await attempt(op);
        if (n > 0) hooks.onRecovered?.({ target, attempts: n + 1 });
        return out;
      } catch (err) {
        if (isPermanent(err) || (retry.maxRetries >= 0 && n >= retry.maxRetries)) throw err;
        const code = statusCodeOf(err);
        if (code !== undefined && retry.matching && !retry.matching.shouldRetry(code)) throw err;
        const delayMs = retryDelayMs(retry, n + 1);
        // Exponential back-off gives up when the next retry would start past its elapsed-time cap.
        if (retry.maxElapsedMs !== undefined && clock.now() - started + delayMs > retry.maxElapsedMs)
          throw err;
        hooks.onRetry?.({ target, attempt: n + 1, delayMs, err });
        await clock.sleep(delayMs);
      }
    }
  };
}

/** Runs one attempt bounded by `ms`: the signal aborts and the caller gets a TimeoutError. */
function withTimeout<T>(
  op: (signal: AbortSignal | undefined) => Promise<T>,
  ms: number,
  clock: ResiliencyClock,
): Promise<T> {
  const ac = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const cancel = clock.setTimer(ms, () => {
      if (settled) return;
      settled = true;
      const err = new TimeoutError(ms);
      ac.abort(err);
      reject(err);
    });
    let p: Promise<T>;
    try {
      p = op(ac.signal);
    } catch (err) {
      p = Promise.reject(err);
    }
    p.then(
      (v) => {
        if (settled) return;
        settled = true;
        cancel();
        resolve(v);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        cancel();
        reject(err);
      },
    );
  });
}
