import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, type Logger } from '../diagnostics/logger.js';
import type { Component } from '../components/component.js';
import { noResiliency } from '../resiliency/provider.js';
import { loadResiliency } from '../resiliency/load.js';
import { Observability } from '../diagnostics/observability.js';
import { loadResources, type LoadedComponent, type RawResource } from '../resources/loader.js';
import { StateApi } from '../api/universal/state.js';
import { subscribeOutbox } from '../api/universal/state-outbox.js';
import type { Subscription } from '../components/pubsub/interface.js';
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
import { StreamingSubscriptions } from '../messaging/streaming.js';
import type { GrpcApiServer } from '../api/grpc/server.js';
import { SecretsApi, type SecretsContext } from '../api/universal/secrets.js';
import { secretRoutes } from '../api/http/routes/secrets.js';
import { jobRoutes } from '../api/http/routes/jobs.js';
import { JobsApi } from '../api/universal/jobs.js';
import type { JobStore } from '../components/scheduler/interface.js';
import { embeddedJobStoreContext, jobStoreRegistry } from '../components/scheduler/registry.js';
import { withoutDeniedComponents } from '../resources/component-deny.js';
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
import { AppLifecycle, appConnectionMetadata } from './app-lifecycle.js';
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
  private jobStore?: JobStore;
  private readonly app: AppLifecycle;
  private readonly streaming: StreamingSubscriptions;
  private grpcServer?: GrpcApiServer;
  private grpcBoundPort = 0;
  private components: Component[] = [];
  private readonly outboxes: Subscription[] = [];
  private server?: HttpApiServer;
  private port = 0;
  private outbound = false;
  private closing?: Promise<void>;
  private readonly abort = new AbortController();
  private obs?: Observability;

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
      app: appConnectionMetadata(opts),
      subscriptions: () => [...this.app.listSubscriptions(), ...this.streaming.list()],
    });
    this.app = new AppLifecycle({
      appId: this.appId,
      compStore: this.compStore,
      logger: this.logger,
      opts,
      signal: this.abort.signal,
      maxMessageBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY,
      resiliency: () => this.ctx.resiliency,
      observability: () => this.obs,
      jobs: () => ({ api: this.jobsApi, store: this.jobStore }),
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
    const authorizer = this.logger.child({ scope: 'dapr.runtime.authorizer' });
    let loaded = withoutDeniedComponents(
      resources.components,
      configuration.spec.components?.deny ?? [],
      (m) => authorizer.warn(m),
    );
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
    this.ctx.metrics = this.obs.metrics;
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
        metrics,
      });
      await this.openJobs(namespace, dataDir, env);
      await this.subscribeOutboxes();
      this.outbound = true;
      await this.listen(env, await grpcApi);
    } catch (err) {
      await this.close();
      throw err;
    }
    this.app.start(declarative);
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
    await this.app.stopHealthChecks();
    // Stop taking messages and firing jobs first, so nothing is delivered to an app that is going away.
    await this.app.stopDeliveries();
    await Promise.allSettled(this.outboxes.map((sub) => sub.close()));
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
    await this.app.close();
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
      ready: () => this.outbound && this.app.ready,
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
      metrics: this.obs?.metrics.enabled ? this.obs.metrics : undefined,
      tracing: this.obs?.tracing,
    });
    this.grpcBoundPort = await this.grpcServer.listen(this.opts.grpcPort ?? 50001, host ?? '0.0.0.0');
  }

  /** The internal subscriptions of the state stores with an outbox (daprd's SubscribeToInternalTopics). */
  private async subscribeOutboxes(): Promise<void> {
    for (const s of this.compStore.listStateStores()) {
      if (!s.outbox) continue;
      const sub = await subscribeOutbox(this.ctx, { ...s, outbox: s.outbox }, { signal: this.abort.signal });
      if (sub) this.outboxes.push(sub);
    }
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
}
