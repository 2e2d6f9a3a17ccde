import { parse } from '@marcbachmann/cel-js';
import { policyDurationMs } from './duration.js';
import type { CircuitBreakerSpec } from './resource.js';

export type BreakerState = 'closed' | 'half-open' | 'open';

/** The counters a `trip` expression sees (daprd's names). Cleared on every state change. */
export interface BreakerCounts {
  requests: number;
  totalSuccesses: number;
  totalFailures: number;
  consecutiveSuccesses: number;
  consecutiveFailures: number;
}

/** A parsed circuit breaker policy. */
export interface BreakerPolicy {
  name: string;
  /** Probes let through while half-open (default 1). */
  maxRequests: number;
  /** Closed-state period after which the counters reset; 0 never resets (default 0). */
  intervalMs: number;
  /** How long the breaker stays open before it lets probes through (default 60 s). */
  timeoutMs: number;
  trip: (c: BreakerCounts) => boolean;
  tripText: string;
}

/** The call was refused because the breaker is open (daprd/gobreaker's message). */
export class BreakerOpenError extends Error {
  /** Retrying cannot help while the breaker is open: the retry loop stops here. */
  readonly permanent = true;
  constructor(readonly breaker: string) {
    super('circuit breaker is open');
    this.name = 'BreakerOpenError';
  }
}

/** Half-open and the allowed probes are already in flight. */
export class BreakerTooManyRequestsError extends Error {
  readonly permanent = true;
  constructor(readonly breaker: string) {
    super('too many requests');
    this.name = 'BreakerTooManyRequestsError';
  }
}

export function isBreakerError(err: unknown): boolean {
  return err instanceof BreakerOpenError || err instanceof BreakerTooManyRequestsError;
}

const DEFAULT_TRIP = 'consecutiveFailures > 5';

/** Parses `policies.circuitBreakers.<name>`; throws an Error naming the bad field. */
export function breakerPolicy(name: string, spec: CircuitBreakerSpec, where: string): BreakerPolicy {
  const dur = (text: string | undefined, def: number, field: string) => {
    if (text === undefined || text === '') return def;
    const ms = policyDurationMs(text);
    if (ms === undefined || ms < 0) throw new Error(`${where}: ${field} '${text}' is not a duration`);
    return ms;
  };
  const tripText = spec.trip?.trim() || DEFAULT_TRIP;
  let evaluate: ReturnType<typeof parse>;
  try {
    evaluate = parse(tripText);
  } catch (err) {
    throw new Error(
      `${where}: trip '${tripText}' is not a valid expression: ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }
  return {
    name,
    maxRequests: spec.maxRequests && spec.maxRequests > 0 ? spec.maxRequests : 1,
    intervalMs: dur(spec.interval, 0, 'interval'),
    timeoutMs: dur(spec.timeout, 0, 'timeout') || 60_000,
    tripText,
    // An expression that errors (unknown variable, wrong type) never trips, as in daprd.
    trip: (c) => {
      try {
        return (
          evaluate({
            requests: BigInt(c.requests),
            totalSuccesses: BigInt(c.totalSuccesses),
            totalFailures: BigInt(c.totalFailures),
            consecutiveSuccesses: BigInt(c.consecutiveSuccesses),
            consecutiveFailures: BigInt(c.consecutiveFailures),
          }) === true
        );
      } catch {
        return false;
      }
    },
  };
}

function zeroCounts(): BreakerCounts {
  return {
    requests: 0,
    totalSuccesses: 0,
    totalFailures: 0,
    consecutiveSuccesses: 0,
    consecutiveFailures: 0,
  };
}

/**
 * One circuit breaker instance (gobreaker's state machine, which daprd uses). Closed: calls run and
 * are counted; a failure that makes `trip` true opens it. Open: calls fail at once with
 * {@link BreakerOpenError} until `timeout` has passed, then it is half-open. Half-open: up to
 * `maxRequests` probes run; that many successes in a row close it, any failure opens it again.
 * Each state change starts a new generation; results of calls from an older one are ignored.
 */
export class CircuitBreaker {
  private st: BreakerState = 'closed';
  private generation = 0;
  private counts = zeroCounts();
  /** When the current period ends (closed: interval, open: timeout); 0 = never. */
  private expiry = 0;

  constructor(
    readonly name: string,
    private readonly policy: BreakerPolicy,
    private readonly now: () => number,
    private readonly onStateChange?: (name: string, from: BreakerState, to: BreakerState) => void,
  ) {
    this.newGeneration(now());
  }

  /** The state now (an open breaker whose timeout has passed reads half-open). */
  get state(): BreakerState {
    this.current(this.now());
    return this.st;
  }

  /** A copy of the counters of the current generation. */
  get snapshot(): BreakerCounts {
    this.current(this.now());
    return { ...this.counts };
  }

  /**
   * Runs `op` if the breaker lets it through. `isFailure` decides which errors count against the
   * backend (a request the backend rejected on its merits, e.g. an ETag mismatch, does not).
   */
  async execute<T>(op: () => Promise<T>, isFailure: (err: unknown) => boolean = () => true): Promise<T> {
    const gen = this.before();
    let result: T;
    try {
      result = await op();
    } catch (err) {
      this.after(gen, !isFailure(err));
      throw err;
    }
    this.after(gen, true);
    return result;
  }

  private before(): number {
    const now = this.now();
    this.current(now);
    if (this.st === 'open') throw new BreakerOpenError(this.name);
    if (this.st === 'half-open' && this.counts.requests >= this.policy.maxRequests)
      throw new BreakerTooManyRequestsError(this.name);
    this.counts.requests++;
    return this.generation;
  }

  private after(gen: number, success: boolean): void {
    const now = this.now();
    this.current(now);
    if (gen !== this.generation) return;
    const c = this.counts;
    if (success) {
      c.totalSuccesses++;
      c.consecutiveSuccesses++;
      c.consecutiveFailures = 0;
      if (this.st === 'half-open' && c.consecutiveSuccesses >= this.policy.maxRequests)
        this.setState('closed', now);
      return;
    }
    c.totalFailures++;
    c.consecutiveFailures++;
    c.consecutiveSuccesses = 0;
    if (this.st === 'half-open' || (this.st === 'closed' && this.policy.trip(c))) this.setState('open', now);
  }

  /** Applies the time-driven transitions: counter reset while closed, open → half-open. */
  private current(now: number): void {
    if (this.st === 'closed') {
      if (this.expiry !== 0 && this.expiry < now) this.newGeneration(now);
    } else if (this.st === 'open') {
      if (this.expiry < now) this.setState('half-open', now);
    }
  }

  private setState(to: BreakerState, now: number): void {
    if (this.st === to) return;
    const from = this.st;
    this.st = to;
    this.newGeneration(now);
    this.onStateChange?.(this.name, from, to);
  }

  private newGeneration(now: number): void {
    this.generation++;
    this.counts = zeroCounts();
    if (this.st === 'closed') this.expiry = this.policy.intervalMs > 0 ? now + this.policy.intervalMs : 0;
    else if (this.st === 'open') this.expiry = now + this.policy.timeoutMs;
    else this.expiry = 0;
  }
}
