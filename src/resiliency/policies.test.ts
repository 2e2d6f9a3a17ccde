import { describe, expect, it } from 'vitest';
import { EtagMismatchError } from '../components/state/errors.js';
import { ManualClock } from './clock.js';
import { ResiliencyPolicies, TimeoutError } from './policies.js';
import { resiliencySchema, type ResiliencyResource } from './resource.js';

function resiliency(spec: unknown, name = 'r1'): ResiliencyResource {
  return resiliencySchema.parse({
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Resiliency',
    metadata: { name },
    spec,
  });
}

/** An operation that fails `n` times (or forever with -1), counting its calls. */
function flaky(n: number, err: () => unknown = () => new Error('down')) {
  const op = async () => {
    op.calls++;
    if (n < 0 || op.calls <= n) throw err();
    return 'done';
  };
  op.calls = 0;
  return op;
}

describe('ResiliencyPolicies', () => {
  it('retries a component call per its named policy, sleeping on the injected clock', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { retries: { r: { policy: 'constant', duration: '2s', maxRetries: 3 } } },
          targets: { components: { store: { outbound: { retry: 'r' } } } },
        }),
      ],
      { clock },
    );
    const op = flaky(2);
    const result = p.componentOutbound('store', 'state')(op);
    await clock.advance(1999);
    expect(op.calls).toBe(1);
    await clock.advance(1);
    expect(op.calls).toBe(2);
    await clock.advance(2000);
    await expect(result).resolves.toBe('done');
    expect(op.calls).toBe(3);
  });

  it('gives up after maxRetries with the last error', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [resiliency({ policies: { retries: { DefaultRetryPolicy: { duration: '1s', maxRetries: 2 } } } })],
      { clock },
    );
    const op = flaky(-1);
    const result = p.componentOutbound('any', 'state')(op);
    const check = expect(result).rejects.toThrow('down');
    await clock.advance(5000);
    await check;
    expect(op.calls).toBe(3);
  });

  it('does not retry request errors (ETag mismatch)', async () => {
    const p = new ResiliencyPolicies([
      resiliency({ policies: { retries: { DefaultRetryPolicy: { duration: '1s', maxRetries: 5 } } } }),
    ]);
    const op = flaky(-1, () => new EtagMismatchError());
    await expect(p.componentOutbound('s', 'state')(op)).rejects.toBeInstanceOf(EtagMismatchError);
    expect(op.calls).toBe(1);
  });

  it('a timeout cuts a slow attempt, aborts its signal, and the retry runs again', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { timeouts: { t: '500ms' }, retries: { r: { duration: '100ms', maxRetries: 1 } } },
          targets: { components: { s: { outbound: { timeout: 't', retry: 'r' } } } },
        }),
      ],
      { clock },
    );
    const signals: AbortSignal[] = [];
    const run = p.componentOutbound(
      's',
      'state',
    )((signal) => {
      signals.push(signal!);
      return new Promise<never>(() => {});
    });
    const check = expect(run).rejects.toBeInstanceOf(TimeoutError);
    await clock.advance(500);
    expect(signals[0].aborted).toBe(true);
    await clock.advance(600);
    await check;
    expect(signals).toHaveLength(2);
  });

  it('a listed target uses only what it names; defaults apply to unlisted targets', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: {
            timeouts: { DefaultTimeoutPolicy: '1s' },
            retries: {
              DefaultPubsubComponentOutboundRetryPolicy: { duration: '1s', maxRetries: 1 },
              DefaultRetryPolicy: { duration: '1s', maxRetries: 5 },
            },
          },
          targets: { components: { listed: { inbound: { retry: 'DefaultRetryPolicy' } } } },
        }),
      ],
      { clock },
    );
    // Listed, no outbound section: no policy at all (the timeout default does not apply).
    const never = p.componentOutbound(
      'listed',
      'state',
    )(() => new Promise((r) => setTimeout(() => r('late'), 5)));
    await clock.advance(2000);
    await expect(never).resolves.toBe('late');
    // Unlisted pub/sub: the most specific default retry (1 retry).
    const op = flaky(-1);
    const res = p.componentOutbound('other', 'pubsub')(op);
    const check = expect(res).rejects.toThrow();
    await clock.advance(5000);
    await check;
    expect(op.calls).toBe(2);
  });

  it('matching: a status code not listed is not retried; a listed one is', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: {
            retries: { r: { duration: '1s', maxRetries: 3, matching: { httpStatusCodes: '500-599' } } },
          },
          targets: { components: { ps: { inbound: { retry: 'r' } } } },
        }),
      ],
      { clock },
    );
    const coded = (statusCode: number) => Object.assign(new Error(`HTTP ${statusCode}`), { statusCode });
    const notListed = flaky(-1, () => coded(429));
    await expect(p.componentInbound('ps', 'pubsub')(notListed)).rejects.toThrow('HTTP 429');
    expect(notListed.calls).toBe(1);
    const listed = flaky(2, () => coded(503));
    const res = p.componentInbound('ps', 'pubsub')(listed);
    await clock.advance(3000);
    await expect(res).resolves.toBe('done');
    expect(listed.calls).toBe(3);
    // Errors without a status code are always retried.
    const plain = flaky(1);
    const res2 = p.componentInbound('ps', 'pubsub')(plain);
    await clock.advance(1000);
    await expect(res2).resolves.toBe('done');
  });

  it('an open breaker ends retries at once and fails fast until its timeout', async () => {
    const clock = new ManualClock();
    const changes: string[] = [];
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: {
            retries: { forever: { duration: '1s', maxRetries: -1 } },
            circuitBreakers: { cb: { trip: 'consecutiveFailures >= 3', timeout: '30s' } },
          },
          targets: { components: { db: { outbound: { retry: 'forever', circuitBreaker: 'cb' } } } },
        }),
      ],
      { clock, onBreakerStateChange: (c) => changes.push(`${c.breaker}:${c.from}->${c.to}`) },
    );
    const run = p.componentOutbound('db', 'state');
    const op = flaky(-1);
    const res = run(op);
    const check = expect(res).rejects.toThrow('circuit breaker is open');
    await clock.advance(3000);
    await check;
    expect(op.calls).toBe(3);
    expect(changes).toEqual(['cb-db:closed->open']);
    // The same runner (one breaker per target) refuses without calling the backend.
    const op2 = flaky(0);
    await expect(run(op2)).rejects.toThrow('circuit breaker is open');
    expect(op2.calls).toBe(0);
    await clock.advance(30_001);
    await expect(run(op2)).resolves.toBe('done');
    expect(changes).toEqual(['cb-db:closed->open', 'cb-db:open->half-open', 'cb-db:half-open->closed']);
  });

  it('apps: targets.apps.<id> and DefaultApp* policies', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: {
            retries: {
              r2: { duration: '1s', maxRetries: 2 },
              DefaultAppRetryPolicy: { duration: '1s', maxRetries: 1 },
            },
          },
          targets: { apps: { appB: { retry: 'r2' } } },
        }),
      ],
      { clock },
    );
    const b = flaky(-1);
    const c = flaky(-1);
    const rb = expect(p.app('appB')(b)).rejects.toThrow();
    const rc = expect(p.app('appC')(c)).rejects.toThrow();
    await clock.advance(10_000);
    await rb;
    await rc;
    expect([b.calls, c.calls]).toEqual([3, 2]);
  });

  it('rejects references to undefined policies and accepts ones defined in another document', () => {
    expect(
      () =>
        new ResiliencyPolicies([
          resiliency({ targets: { components: { s: { outbound: { circuitBreaker: 'nope' } } } } }),
        ]),
    ).toThrow(
      `Resiliency "r1": target components.s.outbound uses circuit breaker 'nope', which is not defined`,
    );
    expect(
      () =>
        new ResiliencyPolicies([
          resiliency({ targets: { apps: { a: { timeout: 't' } } } }, 'targets'),
          resiliency({ policies: { timeouts: { t: '1s' } } }, 'policies'),
        ]),
    ).not.toThrow();
  });

  it('built-in retries cannot be weakened below three retries', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { retries: { DaprBuiltInServiceRetries: { duration: '1s', maxRetries: 1 } } },
        }),
      ],
      { clock },
    );
    const op = flaky(-1);
    const res = expect(p.builtIn('DaprBuiltInServiceRetries')(op)).rejects.toThrow();
    await clock.advance(10_000);
    await res;
    expect(op.calls).toBe(4);
  });

  it('no policy: the operation runs once, as is', async () => {
    const p = new ResiliencyPolicies([]);
    const op = flaky(-1);
    await expect(p.componentOutbound('s', 'state')(op)).rejects.toThrow('down');
    expect(op.calls).toBe(1);
  });
});
