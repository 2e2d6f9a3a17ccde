import type { Logger } from '../diagnostics/logger.js';
import { realClock, type ResiliencyClock } from '../resiliency/clock.js';

/** What one probe found; `reason` says why a failed probe failed (for the log). */
export interface ProbeResult {
  healthy: boolean;
  reason?: string;
}

/** Probes the app once; must settle by itself within `timeoutMs` (a rejection counts as a failure). */
export type AppProbe = (timeoutMs: number) => Promise<ProbeResult>;

/** `--enable-app-health-check` and the `--app-health-*` flags, resolved. */
export interface AppHealthConfig {
  /** HTTP path probed with GET (ignored on gRPC). Default `/healthz`. */
  path: string;
  /** Time between probes, ms (`--app-health-probe-interval` seconds × 1000). */
  intervalMs: number;
  /** Timeout of one probe, ms. */
  timeoutMs: number;
  /** Consecutive failed probes before the app is unhealthy. */
  threshold: number;
}

export interface AppHealthOptions extends AppHealthConfig {
  probe: AppProbe;
  /** Called on every change of state (not for repeated results); awaited before the next probe. */
  onChange: (healthy: boolean) => void | Promise<void>;
  logger: Logger;
  /** Injectable time source (tests); default real time. */
  clock?: ResiliencyClock;
}

/**
 * Probes the app on an interval and reports health changes, as daprd's app health checks do: the
 * app starts out unhealthy, the first probe runs at once, one successful probe makes it healthy,
 * `threshold` consecutive failures make it unhealthy. Probes never overlap and never throw.
 */
export class AppHealth {
  private failures: number;
  private cancelTimer?: () => void;
  private running?: Promise<void>;
  private closed = false;
  private readonly clock: ResiliencyClock;
  private readonly log: Logger;

  constructor(private readonly opts: AppHealthOptions) {
    this.failures = opts.threshold; // unhealthy until a probe says otherwise
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger.child({ scope: 'dapr.apphealth' });
  }

  /** True once a probe succeeded and fewer than `threshold` probes failed since. */
  get healthy(): boolean {
    return this.failures < this.opts.threshold;
  }

  /** Starts probing: one probe now, then one every interval. */
  start(): void {
    if (this.closed || this.running) return;
    this.log.info('App health probes starting');
    this.running = this.tick();
  }

  /** Stops probing and waits for a probe (and change callback) in progress. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelTimer?.();
    await this.running;
    if (this.running) this.log.info('App health probes stopping');
  }

  private async tick(): Promise<void> {
    await this.probeOnce();
    if (this.closed) return;
    this.cancelTimer = this.clock.setTimer(this.opts.intervalMs, () => {
      this.running = this.tick();
    });
  }

  /** One probe, the new failure count, and the change callback when the state flipped. */
  private async probeOnce(): Promise<void> {
    let result: ProbeResult;
    try {
      result = await this.opts.probe(this.opts.timeoutMs);
    } catch (err) {
      result = { healthy: false, reason: `Probe error: ${(err as Error).message}` };
    }
    if (this.closed) return;
    const was = this.healthy;
    if (result.healthy) this.failures = 0;
    else if (this.failures < this.opts.threshold) this.failures++;
    if (was === this.healthy) return;
    if (this.healthy) this.log.info('App entered healthy status');
    else
      this.log.warn(
        `App entered un-healthy status: ${result.reason ?? `App health check failed ${this.failures} times`}`,
      );
    try {
      await this.opts.onChange(this.healthy);
    } catch (err) {
      this.log.error({ err }, `failed to react to the app's health change: ${(err as Error).message}`);
    }
  }
}
