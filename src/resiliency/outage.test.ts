import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../index.js';
import type { RawResource } from '../resources/loader.js';
import { PrivatePostgres, PrivateRedis } from '../../test/helpers/private-servers.js';
import { ManualClock } from './clock.js';

/**
 * Resiliency against backends of our own that the test stops, freezes and restarts: timeouts cut
 * slow calls, retries ride over an outage, a circuit breaker opens, fails fast, and closes again
 * once the backend is back. Breaker windows run on a manual clock; outages are real.
 */

function resiliency(targets: Record<string, unknown>): RawResource {
  return {
    file: '(test)',
    kind: 'Resiliency',
    name: 'outage',
    doc: {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Resiliency',
      metadata: { name: 'outage' },
      spec: {
        policies: {
          timeouts: { short: '300ms' },
          retries: { ride: { policy: 'constant', duration: '100ms', maxRetries: 100 } },
          circuitBreakers: { cb: { maxRequests: 1, timeout: '10s', trip: 'consecutiveFailures >= 3' } },
        },
        targets: { components: targets },
      },
    },
  };
}

const TARGETS = {
  slow: { outbound: { timeout: 'short' } },
  ride: { outbound: { retry: 'ride' } },
  guarded: { outbound: { circuitBreaker: 'cb' } },
};

/** Freezes a server process (SIGSTOP) for the duration of `fn`: connections stay open, no replies. */
async function frozen<T>(pid: number, fn: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await fn();
  } finally {
    process.kill(pid, 'SIGCONT');
  }
}

async function expectTimedOut(p: Promise<unknown>): Promise<number> {
  const started = performance.now();
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as { errorCode?: string; message?: string } | undefined;
  expect(err?.errorCode).toBe('ERR_STATE_GET');
  expect(err?.message).toBe('fail to get k from state store slow: context deadline exceeded');
  return performance.now() - started;
}

/** Opens the `guarded` breaker (3 failures while the backend is down), then checks it fails fast. */
async function openBreaker(rt: Runtime): Promise<number> {
  for (let i = 0; i < 3; i++) {
    const err = await rt.state.get('guarded', 'k').catch((e: unknown) => e as Error);
    expect((err as Error).message).not.toMatch(/circuit breaker/);
  }
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const err = (await rt.state.get('guarded', 'k').catch((e: unknown) => e)) as {
      errorCode: string;
      message: string;
    };
    times.push(performance.now() - started);
    expect(err.errorCode).toBe('ERR_STATE_GET');
    expect(err.message).toBe('fail to get k from state store guarded: circuit breaker is open');
  }
  return times.sort((a, b) => a - b)[10];
}

describe('resiliency against a private Redis', () => {
  let redis: PrivateRedis;
  let rt: Runtime;
  let manual: Runtime;
  const clock = new ManualClock();
  const store = (name: string) => ({ name, type: 'state.redis', metadata: { redisHost: redis.host } });

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    const components = ['slow', 'ride', 'guarded'].map(store);
    rt = await startRuntime({ appId: 'outage-redis', components, resources: [resiliency(TARGETS)] });
    manual = await startRuntime({
      appId: 'outage-redis',
      components: [store('guarded')],
      resources: [resiliency(TARGETS)],
      resiliencyClock: clock,
    });
  });
  afterAll(async () => {
    await rt?.close();
    await manual?.close();
    await redis?.[Symbol.asyncDispose]();
  });

  it('a timeout cuts a call to a frozen server', async () => {
    await rt.state.save('slow', [{ key: 'k', value: 1 }]);
    const pid = Number(
      /process_id:(\d+)/.exec(
        execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'server']).toString(),
      )![1],
    );
    const elapsed = await frozen(pid, () => expectTimedOut(rt.state.get('slow', 'k')));
    expect(elapsed).toBeLessThan(1500);
    await expect(rt.state.get('slow', 'k')).resolves.toBe(1);
  });

  it('retries ride over a short outage', async () => {
    await redis.stopServer();
    const save = rt.state.save('ride', [{ key: 'survivor', value: 'yes' }]);
    await new Promise((r) => setTimeout(r, 400));
    await redis.startServer();
    await save;
    await expect(rt.state.get('ride', 'survivor')).resolves.toBe('yes');
  });

  it('the breaker opens, fails fast, lets a probe through after its timeout and closes', async () => {
    await manual.state.save('guarded', [{ key: 'k', value: 'v' }]);
    await redis.stopServer();
    const median = await openBreaker(manual);
    expect(median).toBeLessThan(2);
    await redis.startServer();
    // Still open: the backend is back but the breaker's timeout has not passed.
    await expect(manual.state.get('guarded', 'k')).rejects.toThrow('circuit breaker is open');
    await clock.advance(10_001);
    // Half-open: the probe goes to the backend (the client may need a moment to reconnect).
    await waitFor(
      () =>
        manual.state.get('guarded', 'k').then(
          () => true,
          () => false,
        ),
      clock,
    );
    // Closed again: calls reach the (restarted, empty) server.
    await manual.state.save('guarded', [{ key: 'k', value: 'again' }]);
    await expect(manual.state.get('guarded', 'k')).resolves.toBe('again');
  });
});

describe('resiliency against a private PostgreSQL', () => {
  let server: PrivatePostgres;
  let rt: Runtime;
  let manual: Runtime;
  const clock = new ManualClock();
  const store = (name: string) => ({
    name,
    type: 'state.postgresql',
    metadata: { connectionString: server.connectionString, tableName: `state_${name}` },
  });

  beforeAll(async () => {
    server = await PrivatePostgres.start();
    rt = await startRuntime({
      appId: 'outage-pg',
      components: ['slow', 'ride'].map(store),
      resources: [resiliency(TARGETS)],
    });
    manual = await startRuntime({
      appId: 'outage-pg',
      components: [store('guarded')],
      resources: [resiliency(TARGETS)],
      resiliencyClock: clock,
    });
  }, 120_000);
  afterAll(async () => {
    await rt?.close();
    await manual?.close();
    await server?.[Symbol.asyncDispose]();
  });

  it('a timeout cuts a call blocked on a table lock', async () => {
    await rt.state.save('slow', [{ key: 'k', value: 1 }]);
    const locker = new pg.Client({ connectionString: server.connectionString });
    await locker.connect();
    try {
      await locker.query('BEGIN; LOCK TABLE state_slow IN ACCESS EXCLUSIVE MODE');
      const elapsed = await expectTimedOut(rt.state.get('slow', 'k'));
      expect(elapsed).toBeLessThan(1500);
    } finally {
      await locker.query('COMMIT');
      await locker.end();
    }
    await expect(rt.state.get('slow', 'k')).resolves.toBe(1);
  });

  it('retries ride over a restart of the server', async () => {
    await rt.state.save('ride', [{ key: 'before', value: 1 }]);
    await server.stopServer();
    const save = rt.state.save('ride', [{ key: 'survivor', value: 'yes' }]);
    await new Promise((r) => setTimeout(r, 300));
    await server.startServer();
    await save;
    await expect(rt.state.get('ride', 'survivor')).resolves.toBe('yes');
  });

  it('the breaker opens, fails fast, and closes once the server is back', async () => {
    await manual.state.save('guarded', [{ key: 'k', value: 'v' }]);
    await server.stopServer();
    const median = await openBreaker(manual);
    expect(median).toBeLessThan(2);
    await server.startServer();
    await expect(manual.state.get('guarded', 'k')).rejects.toThrow('circuit breaker is open');
    await clock.advance(10_001);
    await waitFor(
      () =>
        manual.state.get('guarded', 'k').then(
          (v) => v === 'v',
          () => false,
        ),
      clock,
    );
    await expect(manual.state.get('guarded', 'k')).resolves.toBe('v');
  });
});

/**
 * Polls until `ok`; a failed probe re-opens the breaker, so each round moves the manual clock past
 * the breaker's timeout again (real time only passes for the client to reconnect).
 */
async function waitFor(ok: () => Promise<boolean>, clock: ManualClock): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
    await clock.advance(10_001);
  }
  throw new Error('the backend did not come back');
}
