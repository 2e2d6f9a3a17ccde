import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, type Logger } from '../diagnostics/logger.js';
import type { Component } from '../components/component.js';
import { noResiliency } from '../resiliency/provider.js';
import { loadResiliency } from '../resiliency/load.js';
import { Observability } from '../diagnostics/observability.js';
import { loadResources, type LoadedComponent, type RawResource } from '../resources/loader.js';
import { StateApi } from '../api/universal/state.js';
import { MetadataApi } from '../api/universal/metadata.js';
import type { HealthApi } from '../api/universal/health.js';
import { HttpApiServer } from '../api/http/server.js';
import { stateRoutes } from '../api/http/routes/state.js';
import { metadataRoutes } from '../api/http/routes/metadata.js';
import { lifecycleRoutes } from '../api/http/routes/lifecycle.js';
import { pubsubRoutes } from '../api/http/routes/pubsub.js';
import { PubSubApi } from '../api/universal/pubsub.js';
import type { UniversalContext } from '../api/universal/context.js';
import { declarativeSubscriptions } from '../messaging/subscriptions/declarative.js';
import { SubscriptionManager } from '../messaging/subscription-manager.js';
import type { SubscriptionSpec } from '../messaging/subscriptions/types.js';
import { StreamingSubscriptions } from '../messaging/streaming.js';
import type { GrpcApiServer } from '../api/grpc/server.js';
import { connectApp, type AppConnection } from './app-connection.js';
import { SecretsApi, type SecretsContext } from '../api/universal/secrets.js';
import { secretRoutes } from '../api/http/routes/secrets.js';
import { jobRoutes } from '../api/http/routes/jobs.js';
import { JobsApi } from '../api/universal/jobs.js';
import type { JobStore } from '../components/scheduler/interface.js';
import { JobEngine, type JobTrigger, type TriggerOutcome } from '../scheduler/engine.js';
import { embeddedJobStoreContext, jobStoreRegistry } from '../components/scheduler/registry.js';
import { loadConfiguration } from '../resources/configuration.js';
import {
  defaultSecretStore,
  orderForSecretStores,
  withBuiltinKubernetesSecretStore,
} from '../resources/secret-refs.js';
import { CompStore } from './compstore.js';
import { embeddedDefaultComponents } from './embedded-default.js';
import { inlineComponents } from './inline-components.js';
import { initComponents } from './init-components.js';
import { waitForPort } from './app-port.js';
import { AppHealth, type AppHealthConfig } from './app-health.js';
import type { RuntimeOptions } from './options.js';
import { StateClient } from './state-client.js';

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/**
 * The gRPC API's modules (gRPC, the proto loader) with the Dapr protos parsed. Started first thing
 * in `start()` and awaited only when the API listens, so this CPU work fills the time the runtime
 * otherwise spends waiting for component connections.
 */
async function loadGrpcApi() {
  const [server, rpcs, protos] = await Promise.all([
    import('../api/grpc/server.js'),
    import('../api/grpc/rpcs.js'),
    import('../api/grpc/protos.js'),
  ]);
  protos.daprProtos();
  return { GrpcApiServer: server.GrpcApiServer, daprRpcs: rpcs.daprRpcs };
}

/**
 * One daprts runtime: loads resources, initialises components, serves the HTTP API and closes
 * everything it opened. The CLI, the sidecar and in-process use all go through this class.
 */
export class Runtime {
  readonly appId: string;
  readonly logger: Logger;
  readonly compStore = new CompStore();
  /** Building blocks as direct calls, no network hop. */
  readonly state: StateClient;
  private readonly ctx: UniversalContext;
  private readonly stateApi: StateApi;
  private readonly pubsubApi: PubSubApi;
  private readonly metadataApi: MetadataApi;
  private readonly secretsCtx: SecretsContext;
  private readonly secretsApi: SecretsApi;
  private jobsApi?: JobsApi;
  private jobEngine?: JobEngine;
  private jobStore?: JobStore;
  private app?: AppConnection;
  private subscriptions?: SubscriptionManager;
  private readonly streaming: StreamingSubscriptions;
  private grpcServer?: GrpcApiServer;
  private grpcBoundPort = 0;
  private components: Component[] = [];
  private server?: HttpApiServer;
  private port = 0;
  private outbound = false;
  private appReady = false;
  private closing?: Promise<void>;
  private readonly abort = new AbortController();
  private obs?: Observability;
  private appHealth?: AppHealth;

  constructor(private readonly opts: RuntimeOptions) {
    this.appId = opts.appId;
    this.logger =
      opts.logger ??
      createLogger({ appId: opts.appId, level: opts.logLevel ?? 'info', json: opts.logAsJson });
    // Resiliency policies are known once resources are loaded; the context is shared by reference.
    const ctx: UniversalContext = {
      appId: this.appId,
      compStore: this.compStore,
      resiliency: noResiliency,
      logger: this.logger,
    };
    this.ctx = ctx;
    this.stateApi = new StateApi(ctx);
    this.pubsubApi = new PubSubApi(ctx, opts.now ?? Date.now);
    this.secretsCtx = {
      appId: this.appId,
      secretStores: this.compStore,
      resiliency: noResiliency,
      logger: this.logger,
    };
    this.secretsApi = new SecretsApi(this.secretsCtx);
    this.state = new StateClient(this.stateApi);
    this.streaming = new StreamingSubscriptions({
      appId: this.appId,
      compStore: this.compStore,
      logger: this.logger,
      now: opts.now ?? Date.now,
      resiliency: () => this.ctx.resiliency,
      observe: () => ({
        onDelivery: opts.onDelivery,
        tracing: this.obs?.tracing,
        metrics: this.obs?.metrics,
      }),
    });
    this.metadataApi = new MetadataApi({
      appId: this.appId,
      compStore: this.compStore,
      app: {
        port: opts.appPort,
        protocol: opts.appProtocol ?? 'http',
        channelAddress: opts.appChannelAddress ?? '127.0.0.1',
        maxConcurrency: opts.appMaxConcurrency,
        health: opts.appHealthCheck,
      },
      subscriptions: () => [...(this.subscriptions?.list() ?? []), ...this.streaming.list()],
    });
  }

  /** The HTTP API port actually bound (useful with port 0). */
  get httpPort(): number {
    return this.port;
  }

  /** The gRPC API port actually bound (useful with port 0). */
  get grpcPort(): number {
    return this.grpcBoundPort;
  }

  /** The metrics endpoint's port (0 when metrics are off). */
  get metricsPort(): number {
    return this.obs?.metricsPort ?? 0;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Metadata as `GET /v1.0/metadata` reports it. */
  metadata() {
    return this.metadataApi.get();
  }

  /** Sets an `extended` metadata attribute, as `PUT /v1.0/metadata/{key}` does. */
  setMetadataAttribute(key: string, value: string): void {
    this.metadataApi.set(key, value);
  }

  async start(): Promise<this> {
    const started = performance.now();
    const grpcApi = loadGrpcApi();
    // Awaited in listen(); a start that fails before then must not leave an unhandled rejection.
    grpcApi.catch(() => {});
    const env = this.opts.env ?? process.env;
    const namespace = this.opts.namespace ?? env.NAMESPACE ?? '';
    const dataDir = resolve(this.opts.dataDir ?? env.DAPRTS_DATA_DIR ?? '.daprts');
    const configuration = await loadConfiguration(this.opts.configFiles, env);
    this.secretsCtx.secretScopes = configuration.secretScopes;
    this.metadataApi.setEnabledFeatures(configuration.enabledFeatures);
    const resources = await this.loadResources(namespace, dataDir);
    const mode = this.opts.mode ?? 'standalone';
    let loaded = resources.components;
    if (mode === 'kubernetes' && !this.opts.disableBuiltinK8sSecretStore)
      loaded = withBuiltinKubernetesSecretStore(loaded);
    const defaultStore = defaultSecretStore(mode, loaded);
    loaded = orderForSecretStores(loaded, defaultStore);
    const policies = loadResiliency(resources.others, {
      logger: this.logger,
      clock: this.opts.resiliencyClock,
    });
    const declarative = declarativeSubscriptions(resources.others);
    this.obs = await Observability.start({
      appId: this.appId,
      namespace,
      logger: this.logger,
      configuration,
      enableMetrics: this.opts.enableMetrics,
      metricsPort: this.opts.metricsPort,
      metricsHost: this.opts.httpHost === null ? undefined : (this.opts.httpHost ?? '127.0.0.1'),
      enableApiLogging: this.opts.enableApiLogging,
    });
    const metrics = this.obs.metrics;
    for (const r of policies.loaded) metrics.resiliencyLoaded(r.name, r.namespace);
    if (metrics.enabled) policies.observe((e) => metrics.resiliencyPolicy(e));
    this.ctx.resiliency = this.obs.instrument(policies);
    this.secretsCtx.resiliency = this.ctx.resiliency;
    try {
      this.components = await initComponents(loaded, {
        appId: this.appId,
        namespace,
        dataDir,
        logger: this.logger,
        now: this.opts.now ?? Date.now,
        env,
        defaultSecretStore: defaultStore,
        compStore: this.compStore,
      });
      await this.openJobs(namespace, dataDir, env);
      this.outbound = true;
      await this.listen(env, await grpcApi);
    } catch (err) {
      await this.close();
      throw err;
    }
    this.watchApp(declarative);
    this.logger.info(
      { port: this.port, grpcPort: this.grpcBoundPort, ms: Math.round(performance.now() - started) },
      `dapr initialized. Status: Running. HTTP API on port ${this.port}, gRPC API on port ${this.grpcBoundPort}`,
    );
    return this;
  }

  /** Closes the API server, then every component. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.abort.abort();
    this.outbound = false;
    // No more probes, and no health change half-applied while the rest closes.
    await this.appHealth?.close();
    // Stop taking messages and firing jobs first, so nothing is delivered to an app that is going away.
    this.jobsApi?.attachEngine(undefined);
    await Promise.all([this.subscriptions?.close(), this.jobEngine?.stop()]);
    const grace = (this.opts.gracefulShutdownSeconds ?? 5) * 1000;
    // Ends the streaming subscriptions' streams, then drains unary calls.
    const grpcClosed = this.grpcServer?.close(grace);
    await this.streaming.close();
    if (this.server) {
      const timer = setTimeout(() => this.server?.closeAllConnections(), grace);
      await this.server.close();
      clearTimeout(timer);
    }
    await grpcClosed;
    await Promise.allSettled(this.components.reverse().map((c) => c.close()));
    this.components = [];
    await this.app?.close();
    await this.obs?.close();
    this.logger.info('dapr shutdown complete');
  }

  private async loadResources(
    namespace: string,
    dataDir: string,
  ): Promise<{ components: LoadedComponent[]; others: RawResource[] }> {
    const paths = this.opts.resourcesPaths ?? [];
    const inline = this.opts.components ?? [];
    const extra = this.opts.resources ?? [];
    if (paths.length === 0 && inline.length === 0) {
      mkdirSync(dataDir, { recursive: true });
      this.logger.info(
        { dataDir },
        'no resources given: using the embedded default (state store "statestore")',
      );
      return { components: embeddedDefaultComponents(dataDir), others: extra };
    }
    const files =
      paths.length > 0
        ? await loadResources({ paths, appId: this.appId, namespace, logger: this.logger })
        : { components: [], others: [] };
    return {
      components: [...files.components, ...inlineComponents(inline, this.appId)],
      others: [...files.others, ...extra],
    };
  }

  private async listen(
    env: NodeJS.ProcessEnv,
    { GrpcApiServer, daprRpcs }: Awaited<ReturnType<typeof loadGrpcApi>>,
  ): Promise<void> {
    const health: HealthApi = {
      appId: this.appId,
      ready: () => this.outbound && this.appReady,
      outboundReady: () => this.outbound,
    };
    const shutdown = () => void this.close().then(() => this.opts.onShutdown?.());
    this.server = new HttpApiServer({
      routes: [
        ...stateRoutes(this.stateApi),
        ...pubsubRoutes(this.pubsubApi),
        ...secretRoutes(this.secretsApi),
        ...(this.jobsApi ? jobRoutes(this.jobsApi) : []),
        ...metadataRoutes(this.metadataApi),
        ...lifecycleRoutes(health, shutdown),
      ],
      logger: this.logger,
      apiToken: this.opts.apiToken ?? env.DAPR_API_TOKEN,
      maxBodyBytes: this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
      apiLogging: this.obs?.apiLogging ?? this.opts.enableApiLogging,
      tracing: this.obs?.tracing,
      metrics: this.obs?.metrics,
    });
    const host = this.opts.httpHost === null ? undefined : (this.opts.httpHost ?? '127.0.0.1');
    this.port = await this.server.listen(this.opts.httpPort ?? 3500, host as string);
    this.grpcServer = new GrpcApiServer({
      rpcs: daprRpcs({
        state: this.stateApi,
        pubsub: this.pubsubApi,
        secrets: this.secretsApi,
        metadata: this.metadataApi,
        streaming: this.streaming,
        jobs: () => this.jobsApi,
        shutdown,
      }),
      logger: this.logger,
      apiToken: this.opts.apiToken ?? env.DAPR_API_TOKEN,
      maxMessageBytes: this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
      serving: health.ready,
      apiLogging: this.obs?.apiLogging.enabled ?? this.opts.enableApiLogging ?? false,
      onError: this.obs?.metrics.enabled ? (e) => this.obs?.metrics.errorCode(e.errorCode) : undefined,
    });
    this.grpcBoundPort = await this.grpcServer.listen(this.opts.grpcPort ?? 50001, host ?? '0.0.0.0');
  }

  /**
   * The job store: the loaded `scheduler.*` component, else the embedded default
   * (`<dataDir>/jobs.db`), so the Jobs API always works. Jobs wait in the store until an app
   * channel exists to fire them.
   */
  private async openJobs(namespace: string, dataDir: string, env: NodeJS.ProcessEnv): Promise<void> {
    let store = this.compStore.getJobStore();
    if (store) this.jobStore = store;
    if (!store) {
      mkdirSync(dataDir, { recursive: true });
      const c = embeddedJobStoreContext({
        appId: this.appId,
        namespace,
        logger: this.logger.child({ scope: 'dapr.contrib.scheduler.sqlite' }),
        dataDir,
        now: this.opts.now ?? Date.now,
        env,
      });
      const embedded = await jobStoreRegistry.find(c.type, c.version)(c);
      await embedded.init();
      this.components.push(embedded);
      store = embedded;
      this.jobStore = embedded;
    }
    this.jobsApi = new JobsApi({
      appId: this.appId,
      namespace,
      store,
      logger: this.logger.child({ scope: 'dapr.runtime.jobs' }),
      now: this.opts.now,
    });
  }

  /** Starts firing due jobs at the app (`POST /job/<name>` or `OnJobEventAlpha1`). */
  private startJobEngine(trigger: JobTrigger): void {
    const store = this.jobStore;
    if (!this.jobsApi || !store || this.jobEngine) return;
    const isSuccess = (o: TriggerOutcome) => o === 'success';
    this.jobEngine = new JobEngine({
      store,
      scope: this.jobsApi.scope,
      trigger: this.obs ? this.obs.jobTrigger(trigger, isSuccess) : trigger,
      logger: this.logger.child({ scope: 'dapr.runtime.scheduler' }),
      now: this.opts.now,
    });
    this.jobsApi.attachEngine(this.jobEngine);
    this.jobEngine.start();
  }

  /**
   * With an app port, the runtime is fully ready once the app accepts connections and its
   * subscriptions (declarative + `GET /dapr/subscribe`) are running. Without one there is no app
   * channel, so nothing is delivered (as daprd).
   */
  private watchApp(declarative: ReturnType<typeof declarativeSubscriptions>): void {
    if (!this.opts.appPort) {
      this.appReady = true;
      return;
    }
    const host = this.opts.appChannelAddress ?? '127.0.0.1';
    const env = this.opts.env ?? process.env;
    this.app = connectApp({
      host,
      port: this.opts.appPort,
      protocol: this.opts.appProtocol,
      appApiToken: this.opts.appApiToken ?? env.APP_API_TOKEN,
      maxConcurrency: this.opts.appMaxConcurrency,
      appId: this.appId,
      logger: this.logger,
      maxMessageBytes: this.opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
    });
    const app = this.app;
    waitForPort(host, this.opts.appPort, this.abort.signal)
      .then(async () => {
        this.logger.info({ appPort: this.opts.appPort }, 'application discovered on port');
        if (this.opts.appHealthCheck) this.startAppHealth(app, this.opts.appHealthCheck, declarative);
        else await this.appBecameHealthy(app, declarative);
      })
      .catch((err: unknown) => this.appStartFailed(err));
  }

  /** Starting the app's subscriptions failed: fatal, as daprd exits when it cannot subscribe. */
  private appStartFailed(err: unknown): void {
    if (this.abort.signal.aborted) return;
    this.logger.error({ err }, `cannot start the app's subscriptions: ${(err as Error).message}`);
    this.opts.onFatal?.(err);
  }

  /**
   * App health checks: nothing is delivered before the first successful probe; while the app is
   * unhealthy its subscriptions are closed (messages wait in the broker) and the job engine is
   * stopped (due jobs wait in the store); both come back when it is healthy again.
   */
  private startAppHealth(
    app: AppConnection,
    config: AppHealthConfig,
    declarative: ReturnType<typeof declarativeSubscriptions>,
  ): void {
    this.appHealth = new AppHealth({
      ...config,
      probe: (timeoutMs) => app.probe(config.path, timeoutMs),
      logger: this.logger,
      clock: this.opts.appHealthClock,
      onChange: async (healthy) => {
        if (this.abort.signal.aborted) return;
        if (healthy) await this.appBecameHealthy(app, declarative);
        else await this.appBecameUnhealthy();
      },
    });
    this.appHealth.start();
    // As daprd: /v1.0/healthz is ready once the app port answers; deliveries wait for a healthy probe.
    this.appReady = true;
  }

  /** The first time: reads the app's subscriptions and starts everything; later: resumes. */
  private async appBecameHealthy(
    app: AppConnection,
    declarative: ReturnType<typeof declarativeSubscriptions>,
  ): Promise<void> {
    this.startJobEngine(app.jobTrigger);
    if (this.subscriptions) {
      await this.subscriptions
        .resume()
        .catch((err: unknown) =>
          this.logger.warn({ err }, `failed to subscribe to topics: ${(err as Error).message}`),
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
    if (this.abort.signal.aborted) return;
    this.subscriptions = new SubscriptionManager({
      appId: this.appId,
      compStore: this.compStore,
      app: app.delivery,
      resiliency: this.ctx.resiliency,
      logger: this.logger,
      now: this.opts.now ?? Date.now,
      onDelivery: this.opts.onDelivery,
      tracing: this.obs?.tracing,
      metrics: this.obs?.metrics,
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
    this.jobsApi?.attachEngine(undefined);
    await Promise.all([engine?.stop(), this.subscriptions?.pause()]);
  }
}
