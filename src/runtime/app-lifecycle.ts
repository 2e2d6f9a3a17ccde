import type { Logger } from '../diagnostics/logger.js';
import type { Observability } from '../diagnostics/observability.js';
import type { AppConnection as AppConnectionMetadata } from '../api/universal/metadata.js';
import type { JobsApi } from '../api/universal/jobs.js';
import type { JobStore } from '../components/scheduler/interface.js';
import type { ResiliencyProvider } from '../resiliency/provider.js';
import type { declarativeSubscriptions } from '../messaging/subscriptions/declarative.js';
import { SubscriptionManager } from '../messaging/subscription-manager.js';
import type { SubscriptionSpec } from '../messaging/subscriptions/types.js';
import { JobEngine, type JobTrigger, type TriggerOutcome } from '../scheduler/engine.js';
import { connectApp, type AppConnection } from './app-connection.js';
import { AppHealth, type AppHealthConfig } from './app-health.js';
import { waitForPort } from './app-port.js';
import type { CompStore } from './compstore.js';
import type { RuntimeOptions } from './options.js';

type DeclarativeSubscriptions = ReturnType<typeof declarativeSubscriptions>;

/** What the app side needs from the runtime; the getters read values set later in `start()`. */
export interface AppLifecycleDeps {
  appId: string;
  compStore: CompStore;
  logger: Logger;
  opts: RuntimeOptions;
  /** Aborted when the runtime closes. */
  signal: AbortSignal;
  maxMessageBytes: number;
  resiliency: () => ResiliencyProvider;
  observability: () => Observability | undefined;
  jobs: () => { api?: JobsApi; store?: JobStore };
}

/** `appConnectionProperties` of the metadata API, from the runtime's options. */
export function appConnectionMetadata(opts: RuntimeOptions): AppConnectionMetadata {
  return {
    port: opts.appPort,
    protocol: opts.appProtocol ?? 'http',
    channelAddress: opts.appChannelAddress ?? '127.0.0.1',
    maxConcurrency: opts.appMaxConcurrency,
    health: opts.appHealthCheck,
  };
}

/**
 * The app as the runtime sees it: waits for its port, opens the app channel, runs the app health
 * checks and starts, pauses and resumes what is delivered to it (subscriptions, job triggers).
 */
export class AppLifecycle {
  private app?: AppConnection;
  private appHealth?: AppHealth;
  private subscriptions?: SubscriptionManager;
  private jobEngine?: JobEngine;
  private appReady = false;

  constructor(private readonly deps: AppLifecycleDeps) {}

  /** Whether `/v1.0/healthz` may report ready as far as the app is concerned. */
  get ready(): boolean {
    return this.appReady;
  }

  /** The app's running subscriptions (declarative + programmatic). */
  listSubscriptions(): SubscriptionSpec[] {
    return this.subscriptions?.list() ?? [];
  }

  /**
   * With an app port, the runtime is fully ready once the app accepts connections and its
   * subscriptions (declarative + `GET /dapr/subscribe`) are running. Without one there is no app
   * channel, so nothing is delivered (as daprd).
   */
  start(declarative: DeclarativeSubscriptions): void {
    const { opts, logger } = this.deps;
    if (!opts.appPort) {
      this.appReady = true;
      return;
    }
    const host = opts.appChannelAddress ?? '127.0.0.1';
    const env = opts.env ?? process.env;
    this.app = connectApp({
      host,
      port: opts.appPort,
      protocol: opts.appProtocol,
      appApiToken: opts.appApiToken ?? env.APP_API_TOKEN,
      maxConcurrency: opts.appMaxConcurrency,
      appId: this.deps.appId,
      logger,
      maxMessageBytes: this.deps.maxMessageBytes,
      metrics: this.deps.observability()?.metrics,
    });
    const app = this.app;
    waitForPort(host, opts.appPort, this.deps.signal)
      .then(async () => {
        logger.info({ appPort: opts.appPort }, 'application discovered on port');
        if (opts.appHealthCheck) this.startAppHealth(app, opts.appHealthCheck, declarative);
        else await this.appBecameHealthy(app, declarative);
      })
      .catch((err: unknown) => this.appStartFailed(err));
  }

  /** No more probes, and no health change half-applied while the rest closes. */
  async stopHealthChecks(): Promise<void> {
    await this.appHealth?.close();
  }

  /** Stops taking messages and firing jobs, so nothing is delivered to an app that is going away. */
  async stopDeliveries(): Promise<void> {
    this.deps.jobs().api?.attachEngine(undefined);
    await Promise.all([this.subscriptions?.close(), this.jobEngine?.stop()]);
  }

  /** Closes the app channel. */
  async close(): Promise<void> {
    await this.app?.close();
  }

  /** Starts firing due jobs at the app (`POST /job/<name>` or `OnJobEventAlpha1`). */
  private startJobEngine(trigger: JobTrigger): void {
    const { api, store } = this.deps.jobs();
    if (!api || !store || this.jobEngine) return;
    const obs = this.deps.observability();
    const isSuccess = (o: TriggerOutcome) => o === 'success';
    this.jobEngine = new JobEngine({
      store,
      scope: api.scope,
      trigger: obs ? obs.jobTrigger(trigger, isSuccess) : trigger,
      logger: this.deps.logger.child({ scope: 'dapr.runtime.scheduler' }),
      now: this.deps.opts.now,
    });
    api.attachEngine(this.jobEngine);
    this.jobEngine.start();
  }

  /** Starting the app's subscriptions failed: fatal, as daprd exits when it cannot subscribe. */
  private appStartFailed(err: unknown): void {
    if (this.deps.signal.aborted) return;
    this.deps.logger.error({ err }, `cannot start the app's subscriptions: ${(err as Error).message}`);
    this.deps.opts.onFatal?.(err);
  }

  /**
   * App health checks: nothing is delivered before the first successful probe; while the app is
   * unhealthy its subscriptions are closed (messages wait in the broker) and the job engine is
   * stopped (due jobs wait in the store); both come back when it is healthy again.
   */
  private startAppHealth(
    app: AppConnection,
    config: AppHealthConfig,
    declarative: DeclarativeSubscriptions,
  ): void {
    this.appHealth = new AppHealth({
      ...config,
      probe: (timeoutMs) => app.probe(config.path, timeoutMs),
      logger: this.deps.logger,
      clock: this.deps.opts.appHealthClock,
      onChange: async (healthy) => {
        if (this.deps.signal.aborted) return;
        if (healthy) await this.appBecameHealthy(app, declarative);
        else await this.appBecameUnhealthy();
      },
    });
    this.appHealth.start();
    // As daprd: /v1.0/healthz is ready once the app port answers; deliveries wait for a healthy probe.
    this.appReady = true;
  }

  /** The first time: reads the app's subscriptions and starts everything; later: resumes. */
  private async appBecameHealthy(app: AppConnection, declarative: DeclarativeSubscriptions): Promise<void> {
    this.startJobEngine(app.jobTrigger);
    if (this.subscriptions) {
      await this.subscriptions
        .resume()
        .catch((err: unknown) =>
          this.deps.logger.warn({ err }, `failed to subscribe to topics: ${(err as Error).message}`),
        );
      return;
    }
    let programmatic: SubscriptionSpec[];
    try {
      programmatic = await app.delivery.listSubscriptions();
    } catch (err) {
      this.appStartFailed(err);
      return;
    }
    if (this.deps.signal.aborted) return;
    const obs = this.deps.observability();
    this.subscriptions = new SubscriptionManager({
      appId: this.deps.appId,
      compStore: this.deps.compStore,
      app: app.delivery,
      resiliency: this.deps.resiliency(),
      logger: this.deps.logger,
      now: this.deps.opts.now ?? Date.now,
      onDelivery: this.deps.opts.onDelivery,
      tracing: obs?.tracing,
      metrics: obs?.metrics,
    });
    try {
      await this.subscriptions.start([...declarative, ...programmatic]);
    } catch (err) {
      this.appStartFailed(err);
      return;
    }
    this.appReady = true;
  }

  /** Stops triggering jobs (they stay due in the store) and closes the app's subscriptions. */
  private async appBecameUnhealthy(): Promise<void> {
    const engine = this.jobEngine;
    this.jobEngine = undefined;
    this.deps.jobs().api?.attachEngine(undefined);
    await Promise.all([engine?.stop(), this.subscriptions?.pause()]);
  }
}
