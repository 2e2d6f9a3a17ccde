import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { goDuration, policyDurationMs } from './duration.js';
import { ResiliencyPolicies } from './policies.js';
import { resiliencySchema, type ResiliencyResource } from './resource.js';
import { retryPolicy } from './retry.js';

function resiliency(spec: unknown, name = 'r1'): ResiliencyResource {
  return resiliencySchema.parse({
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Resiliency',
    metadata: { name },
    spec,
  });
}

/** An operation that always fails, counting its calls. */
function failing() {
  const op = async () => {
    op.calls++;
    throw new Error('down');
  };
  op.calls = 0;
  return op;
}

/** Resolves after `ms` of real time (the op outlives any timeout the manual clock fires). */
const slow = (ms: number) => () => new Promise<string>((r) => setTimeout(() => r('late'), ms));

describe('policy durations (daprd: bare integers are milliseconds)', () => {
  it('reads integers as ms and Go durations with units; a unitless decimal is invalid', () => {
    expect(policyDurationMs('500')).toBe(500);
    expect(policyDurationMs('0')).toBe(0);
    expect(policyDurationMs('1m30s')).toBe(90_000);
    expect(policyDurationMs('250ms')).toBe(250);
    expect(policyDurationMs('1.5s')).toBe(1500);
    expect(policyDurationMs('1.5')).toBeUndefined();
    expect(policyDurationMs('soon')).toBeUndefined();
  });

  it('a timeout of "200" cuts a call after 200 ms, not 200 s', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { timeouts: { short: '200' } },
          targets: { components: { s: { outbound: { timeout: 'short' } } } },
        }),
      ],
      { clock },
    );
    let settledYet = false;
    const res = p
      .componentOutbound(
        's',
        'state',
      )(slow(500))
      .finally(() => (settledYet = true));
    const check = expect(res).rejects.toMatchObject({ name: 'TimeoutError', ms: 200 });
    await clock.advance(199);
    expect(settledYet).toBe(false);
    await clock.advance(2);
    await check;
  });

  it('a timeout of "0" is no timeout', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { timeouts: { none: '0' } },
          targets: { components: { s: { outbound: { timeout: 'none' } } } },
        }),
      ],
      { clock },
    );
    const res = p.componentOutbound('s', 'state')(slow(20));
    await clock.advance(10);
    await expect(res).resolves.toBe('late');
  });

  it('constant retry duration "100" is 100 ms', () => {
    expect(retryPolicy({ policy: 'constant', duration: '100' }, 'R').durationMs).toBe(100);
  });
});

describe('retry policies (dapr/kit)', () => {
  it('exponential ignores duration: it starts at 500 ms (±50%) whatever duration says', () => {
    const spec = resiliency({ policies: { retries: { e: { policy: 'exponential', duration: '10s' } } } });
    const r = retryPolicy(spec.spec.policies.retries!.e, 'R');
    expect(r.durationMs).toBe(500);
    expect(r.maxElapsedMs).toBe(15 * 60_000);
  });

  it('the policy name is case-insensitive', () => {
    const spec = resiliency({
      policies: { retries: { e: { policy: 'Exponential' }, c: { policy: 'CONSTANT' } } },
    });
    expect(spec.spec.policies.retries!.e.policy).toBe('exponential');
    expect(spec.spec.policies.retries!.c.policy).toBe('constant');
  });

  it('exponential with maxRetries -1 gives up once 15 minutes have passed', async () => {
    const clock = new ManualClock();
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { retries: { e: { policy: 'exponential', maxInterval: '60s', maxRetries: -1 } } },
          targets: { components: { s: { outbound: { retry: 'e' } } } },
        }),
      ],
      { clock },
    );
    const op = failing();
    const res = p.componentOutbound('s', 'state')(op);
    let settled = false;
    const check = expect(res.finally(() => (settled = true))).rejects.toThrow('down');
    await clock.advance(14 * 60_000);
    expect(settled).toBe(false);
    await clock.advance(2 * 60_000);
    await check;
    // Back-off reaches the 60 s cap quickly, so roughly one try a minute: far fewer than forever.
    expect(op.calls).toBeGreaterThan(15);
    expect(op.calls).toBeLessThan(40);
  });
});

describe('documents daprd cannot use', () => {
  it('a document with a bad policy is reported and its targets skipped; the others apply', async () => {
    const clock = new ManualClock();
    const problems: string[] = [];
    const p = new ResiliencyPolicies(
      [
        resiliency(
          {
            policies: {
              retries: { twice: { duration: '1s', maxRetries: 2 } },
              circuitBreakers: { bad: { trip: 'consecutiveFailures >' } },
            },
            targets: { components: { a: { outbound: { retry: 'twice' } } } },
          },
          'broken',
        ),
        resiliency(
          {
            policies: { retries: { once: { duration: '1s', maxRetries: 1 } } },
            targets: { components: { b: { outbound: { retry: 'once' } } } },
          },
          'fine',
        ),
      ],
      { clock, onProblem: (level, msg) => problems.push(`${level}: ${msg}`) },
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^error: Could not read resiliency policy broken: .*trip/);
    const a = failing();
    await expect(p.componentOutbound('a', 'state')(a)).rejects.toThrow('down');
    expect(a.calls).toBe(1);
    const b = failing();
    const res = p.componentOutbound('b', 'state')(b);
    const check = expect(res).rejects.toThrow('down');
    await clock.advance(2000);
    await check;
    expect(b.calls).toBe(2);
  });

  it('a target naming an undefined policy runs without it, with a warning', async () => {
    const problems: string[] = [];
    const p = new ResiliencyPolicies(
      [
        resiliency({
          targets: { components: { s: { outbound: { retry: 'nope', circuitBreaker: 'nope' } } } },
        }),
      ],
      { clock: new ManualClock(), onProblem: (level, msg) => problems.push(`${level}: ${msg}`) },
    );
    expect(problems).toEqual([
      'warn: Resiliency "r1": target components.s.outbound uses retry policy \'nope\', which is not defined; the target runs without it',
      'warn: Resiliency "r1": target components.s.outbound uses circuit breaker \'nope\', which is not defined; the target runs without it',
    ]);
    const op = failing();
    await expect(p.componentOutbound('s', 'state')(op)).rejects.toThrow('down');
    expect(op.calls).toBe(1);
  });
});

describe('component circuit breakers', () => {
  it('one breaker per component, named <policy>-<component>, shared by inbound and outbound', async () => {
    const changes: string[] = [];
    const p = new ResiliencyPolicies(
      [
        resiliency({
          policies: { circuitBreakers: { cb: { trip: 'consecutiveFailures >= 2' } } },
          targets: {
            components: { ps: { outbound: { circuitBreaker: 'cb' }, inbound: { circuitBreaker: 'cb' } } },
          },
        }),
      ],
      { clock: new ManualClock(), onBreakerStateChange: (c) => changes.push(`${c.breaker}:${c.to}`) },
    );
    await expect(p.componentOutbound('ps', 'pubsub')(failing())).rejects.toThrow('down');
    await expect(p.componentInbound('ps', 'pubsub')(failing())).rejects.toThrow('down');
    expect(changes).toEqual(['cb-ps:open']);
    const op = failing();
    await expect(p.componentInbound('ps', 'pubsub')(op)).rejects.toThrow('circuit breaker is open');
    expect(op.calls).toBe(0);
  });
});

describe('goDuration (the back-off in daprd retry logs)', () => {
  it('prints durations as Go does', () => {
    expect(goDuration(5000)).toBe('5s');
    expect(goDuration(500)).toBe('500ms');
    expect(goDuration(1500)).toBe('1.5s');
    expect(goDuration(734.5)).toBe('734.5ms');
    expect(goDuration(90_000)).toBe('1m30s');
    expect(goDuration(60_000)).toBe('1m0s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
    expect(goDuration(0.0015)).toBe('1.5µs');
    expect(goDuration(0)).toBe('0s');
  });
});

describe('policy events (dapr_resiliency_count / _activations_total)', () => {
  it('a timeout is counted as applied per call and activated once per call, labelled as daprd does', async () => {
    const clock = new ManualClock();
    const events: string[] = [];
    const p = new ResiliencyPolicies(
      [
        resiliency(
          {
            policies: { timeouts: { t: '100ms' }, retries: { r: { duration: '10ms', maxRetries: 1 } } },
            targets: { components: { s: { outbound: { timeout: 't', retry: 'r' } } } },
          },
          'named',
        ),
      ],
      { clock },
    );
    p.observe((e) =>
      events.push(`${e.kind} ${e.policy} ${e.direction} ${e.target} '${e.status}' ${e.resiliency}`),
    );
    const res = p.componentOutbound('s', 'state')(slow(1000));
    const check = expect(res).rejects.toMatchObject({ name: 'TimeoutError' });
    await clock.advance(101);
    await clock.advance(10);
    await clock.advance(101);
    await check;
    expect(events).toEqual([
      "executed timeout outbound Statestore_s '' named",
      "executed retry outbound Statestore_s '' named",
      "activated timeout outbound Statestore_s '' named",
      "activated retry outbound Statestore_s '' named",
    ]);
  });
});
