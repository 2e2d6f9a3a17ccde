import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../diagnostics/logger.js';
import { ManualClock } from '../resiliency/clock.js';
import { AppHealth, type AppHealthConfig, type ProbeResult } from './app-health.js';

const CONFIG: AppHealthConfig = { path: '/healthz', intervalMs: 5000, timeoutMs: 500, threshold: 3 };

/** An AppHealth on a manual clock whose probe answers what `app.up` says, recording everything. */
function harness(config: Partial<AppHealthConfig> = {}) {
  const clock = new ManualClock();
  const lines: { level: string; msg: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as { level: string; msg: string });
      cb();
    },
  });
  const app = { up: true as boolean | 'throw', probes: 0, timeouts: [] as number[] };
  const changes: boolean[] = [];
  const health = new AppHealth({
    ...CONFIG,
    ...config,
    clock,
    logger: createLogger({ appId: 't', level: 'info', json: true, destination }),
    probe: (timeoutMs): Promise<ProbeResult> => {
      app.probes++;
      app.timeouts.push(timeoutMs);
      if (app.up === 'throw') return Promise.reject(new Error('boom'));
      return Promise.resolve(
        app.up ? { healthy: true } : { healthy: false, reason: 'Health check failed with status code: 500' },
      );
    },
    onChange: (healthy) => void changes.push(healthy),
  });
  return { clock, app, changes, health, lines };
}

describe('AppHealth', () => {
  it('starts unhealthy, probes at once with the timeout and becomes healthy on the first success', async () => {
    const h = harness();
    expect(h.health.healthy).toBe(false);
    h.health.start();
    await h.clock.advance(0);
    expect(h.app.probes).toBe(1);
    expect(h.app.timeouts).toEqual([500]);
    expect(h.changes).toEqual([true]);
    expect(h.health.healthy).toBe(true);
    await h.health.close();
  });

  it('probes every interval and reports unhealthy only after `threshold` consecutive failures', async () => {
    const h = harness();
    h.health.start();
    await h.clock.advance(0);
    h.app.up = false;
    await h.clock.advance(4999);
    expect(h.app.probes).toBe(1); // the interval has not passed yet
    await h.clock.advance(1);
    expect(h.app.probes).toBe(2);
    await h.clock.advance(5000);
    expect(h.changes).toEqual([true]); // two failures: still healthy
    // A success in between resets the count.
    h.app.up = true;
    await h.clock.advance(5000);
    h.app.up = false;
    await h.clock.advance(10_000);
    expect(h.changes).toEqual([true]);
    await h.clock.advance(5000);
    expect(h.changes).toEqual([true, false]);
    expect(h.health.healthy).toBe(false);
    // Further failures change nothing; one success makes it healthy again.
    await h.clock.advance(15_000);
    expect(h.changes).toEqual([true, false]);
    h.app.up = true;
    await h.clock.advance(5000);
    expect(h.changes).toEqual([true, false, true]);
    expect(h.lines.map((l) => [l.level, l.msg]).filter(([, m]) => m.startsWith('App entered'))).toEqual([
      ['info', 'App entered healthy status'],
      ['warning', 'App entered un-healthy status: Health check failed with status code: 500'],
      ['info', 'App entered healthy status'],
    ]);
    await h.health.close();
  });

  it('a probe that throws is a failed probe, never a crash', async () => {
    const h = harness({ threshold: 1 });
    h.health.start();
    await h.clock.advance(0);
    h.app.up = 'throw';
    await h.clock.advance(5000);
    expect(h.changes).toEqual([true, false]);
    expect(h.lines.some((l) => l.msg === 'App entered un-healthy status: Probe error: boom')).toBe(true);
    await h.health.close();
  });

  it('an app that never answers stays unhealthy without a change report', async () => {
    const h = harness();
    h.app.up = false;
    h.health.start();
    await h.clock.advance(20_000);
    expect(h.app.probes).toBe(5);
    expect(h.changes).toEqual([]);
    await h.health.close();
  });

  it('close() stops probing and leaves no timer behind', async () => {
    const h = harness();
    h.health.start();
    await h.clock.advance(5000);
    await h.health.close();
    const probes = h.app.probes;
    expect(h.clock.timers).toBe(0);
    await h.clock.advance(60_000);
    expect(h.app.probes).toBe(probes);
  });

  it('a failing change callback is logged and probing goes on', async () => {
    const clock = new ManualClock();
    let probes = 0;
    const health = new AppHealth({
      ...CONFIG,
      clock,
      logger: createLogger({ appId: 't', level: 'silent' }),
      probe: () => (probes++, Promise.resolve({ healthy: true })),
      onChange: () => Promise.reject(new Error('subscribe failed')),
    });
    health.start();
    await clock.advance(10_000);
    expect(probes).toBe(3);
    await health.close();
  });
});
