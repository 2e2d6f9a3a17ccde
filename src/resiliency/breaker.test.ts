import { describe, expect, it } from 'vitest';
import { breakerPolicy, BreakerOpenError, BreakerTooManyRequestsError, CircuitBreaker } from './breaker.js';
import { ManualClock } from './clock.js';

const fail = () => Promise.reject(new Error('backend down'));
const ok = () => Promise.resolve('ok');

function make(spec: Parameters<typeof breakerPolicy>[1], clock = new ManualClock()) {
  const changes: string[] = [];
  const cb = new CircuitBreaker(
    'cb1-store',
    breakerPolicy('cb1', spec, 'test'),
    () => clock.now(),
    (_n, from, to) => changes.push(`${from}->${to}`),
  );
  return { cb, clock, changes };
}

describe('CircuitBreaker', () => {
  it('opens when the trip expression becomes true, then fails fast', async () => {
    const { cb, changes } = make({ trip: 'consecutiveFailures > 2', timeout: '30s' });
    for (let i = 0; i < 3; i++) await expect(cb.execute(fail)).rejects.toThrow('backend down');
    expect(cb.state).toBe('open');
    expect(changes).toEqual(['closed->open']);
    let called = false;
    await expect(cb.execute(() => ((called = true), ok()))).rejects.toBeInstanceOf(BreakerOpenError);
    await expect(cb.execute(ok)).rejects.toThrow('circuit breaker is open');
    expect(called).toBe(false);
  });

  it('defaults: trips after more than 5 consecutive failures, 60 s open, one probe', async () => {
    const { cb, clock } = make({});
    for (let i = 0; i < 5; i++) await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('closed');
    await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('open');
    await clock.advance(60_000);
    expect(cb.state).toBe('open');
    await clock.advance(1);
    expect(cb.state).toBe('half-open');
  });

  it('a success resets consecutive failures', async () => {
    const { cb } = make({ trip: 'consecutiveFailures >= 2' });
    await expect(cb.execute(fail)).rejects.toThrow();
    await cb.execute(ok);
    await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('closed');
    expect(cb.snapshot).toEqual({
      requests: 3,
      totalSuccesses: 1,
      totalFailures: 2,
      consecutiveSuccesses: 0,
      consecutiveFailures: 1,
    });
  });

  it('half-open lets maxRequests probes through and closes after that many successes', async () => {
    const { cb, clock, changes } = make({ trip: 'consecutiveFailures > 0', timeout: '10s', maxRequests: 2 });
    await expect(cb.execute(fail)).rejects.toThrow();
    await clock.advance(10_001);
    let release!: () => void;
    const slow = cb.execute(() => new Promise<string>((r) => (release = () => r('probe'))));
    await cb.execute(ok); // second probe
    await expect(cb.execute(ok)).rejects.toBeInstanceOf(BreakerTooManyRequestsError);
    expect(cb.state).toBe('half-open');
    release();
    await expect(slow).resolves.toBe('probe');
    expect(cb.state).toBe('closed');
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('a failed probe opens it again for another timeout', async () => {
    const { cb, clock } = make({ trip: 'consecutiveFailures > 0', timeout: '5s' });
    await expect(cb.execute(fail)).rejects.toThrow();
    await clock.advance(5_001);
    await expect(cb.execute(fail)).rejects.toThrow('backend down');
    expect(cb.state).toBe('open');
    await clock.advance(4_000);
    await expect(cb.execute(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    await clock.advance(1_002);
    await expect(cb.execute(ok)).resolves.toBe('ok');
    expect(cb.state).toBe('closed');
  });

  it('interval resets the counters while closed', async () => {
    const { cb, clock } = make({ trip: 'totalFailures >= 3', interval: '8s' });
    await expect(cb.execute(fail)).rejects.toThrow();
    await expect(cb.execute(fail)).rejects.toThrow();
    await clock.advance(8_001);
    expect(cb.snapshot.totalFailures).toBe(0);
    await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('closed');
  });

  it('a result from an older generation is ignored', async () => {
    const { cb, clock } = make({ trip: 'consecutiveFailures > 0', timeout: '1s' });
    let release!: (v: string) => void;
    const inFlight = cb.execute(() => new Promise<string>((r) => (release = r)));
    await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('open');
    release('late');
    await inFlight;
    expect(cb.state).toBe('open');
    await clock.advance(1_001);
    expect(cb.state).toBe('half-open');
  });

  it('errors the caller marks as not failures do not count', async () => {
    const { cb } = make({ trip: 'consecutiveFailures > 0' });
    await expect(cb.execute(fail, () => false)).rejects.toThrow();
    expect(cb.state).toBe('closed');
  });

  it('trip sees requests, totalSuccesses and totalFailures', async () => {
    const { cb } = make({ trip: 'requests >= 4 && totalFailures * 2 > totalSuccesses' });
    await cb.execute(ok);
    await cb.execute(ok);
    await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('closed');
    await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('open');
  });

  it('rejects a trip expression that does not parse, and bad durations', () => {
    expect(() => breakerPolicy('cb', { trip: 'consecutiveFailures >' }, 'R')).toThrow(
      /trip .* is not a valid/,
    );
    expect(() => breakerPolicy('cb', { timeout: 'soon' }, 'R')).toThrow(
      "R: timeout 'soon' is not a duration",
    );
  });

  it('an expression that errors at evaluation never trips', async () => {
    const { cb } = make({ trip: 'unknownCounter > 1' });
    for (let i = 0; i < 10; i++) await expect(cb.execute(fail)).rejects.toThrow();
    expect(cb.state).toBe('closed');
  });
});
