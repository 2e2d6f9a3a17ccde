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
  /** How the target is named in daprd's `dapr_resiliency_*` metrics (`Statestore_mystore`). */
  metricsTarget?: { target: string; direction: 'inbound' | 'outbound' };
}

/**
 * A policy applied to a call (`executed`, once per call and policy present) or doing its job
 * (`activated`: the timeout fired, the first retry of a call, a breaker changing state). For a
 * breaker, `status` is its state; '' otherwise (daprd's `dapr_resiliency_count` and
 * `dapr_resiliency_activations_total`).
 */
export interface PolicyEvent {
  kind: 'executed' | 'activated';
  policy: 'timeout' | 'retry' | 'circuitbreaker';
  direction: 'inbound' | 'outbound';
  target: string;
  status: string;
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
  /** Policies applied and activated, for metrics (only for targets with `metricsTarget`). */
  onPolicy?: (e: PolicyEvent) => void;
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

/** What one call has already reported. */
interface CallState {
  timedOut: boolean;
}

/**
 * Builds the runner of one target, composed as daprd composes it: retry( breaker( timeout(op) ) ).
 * A timed-out attempt counts as a failure for the breaker; an open breaker ends the retries at
 * once; a failure carrying a status code is retried only when the retry's `matching` lists it.
 * No policy at all: the operation runs as is.
 */
export function policyRunner(target: string, def: PolicyDef, hooks: RunnerHooks): PolicyRunner {
  const { timeoutMs, retry, breaker, metricsTarget } = def;
  if (timeoutMs === undefined && retry === undefined && breaker === undefined) return passThrough;
  const clock = hooks.clock;
  const onPolicy = metricsTarget && hooks.onPolicy;
  const emit = (kind: PolicyEvent['kind'], policy: PolicyEvent['policy'], status = '') =>
    onPolicy && onPolicy({ kind, policy, status, ...metricsTarget });
  const attempt = <T>(op: (signal: AbortSignal | undefined) => Promise<T>, call?: CallState): Promise<T> => {
    const timed = () => {
      if (timeoutMs === undefined) return op(undefined);
      const p = withTimeout(op, timeoutMs, clock);
      // daprd counts a timeout activation once per call.
      return onPolicy && call
        ? p.catch((err: unknown) => {
            if (err instanceof TimeoutError && !call.timedOut) {
              call.timedOut = true;
              emit('activated', 'timeout');
            }
            throw err;
          })
        : p;
    };
    if (!breaker) return timed();
    if (!onPolicy) return breaker.execute(timed, (err) => !isRequestError(err));
    const before = breaker.state;
    const changed = () => {
      if (breaker.state !== before) emit('activated', 'circuitbreaker', breaker.state);
    };
    return breaker
      .execute(timed, (err) => !isRequestError(err))
      .then(
        (v) => (changed(), v),
        (err: unknown) => {
          changed();
          throw err;
        },
      );
  };
  const executed = (): CallState => {
    if (onPolicy) {
      if (timeoutMs !== undefined) emit('executed', 'timeout');
      if (retry) emit('executed', 'retry');
      if (breaker) emit('executed', 'circuitbreaker', breaker.state);
    }
    return { timedOut: false };
  };
  if (!retry) return (op) => attempt(op, executed());
  return async <T>(op: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> => {
    const call = executed();
    const started = clock.now();
    for (let n = 0; ; n++) {
      try {
        const out = await attempt(op, call);
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
        if (n === 0) emit('activated', 'retry');
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
