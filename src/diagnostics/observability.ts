import type { ApiLoggingOptions } from '../api/http/observe.js';
import type { DaprConfiguration } from '../resources/configuration.js';
import type { ResiliencyProvider } from '../resiliency/provider.js';
import { instrumentResiliency } from './component-calls.js';
import { instrumentJobTrigger, tracedChannel } from './jobs.js';
import type { Logger } from './logger.js';
import { noMetrics, type Metrics } from './metrics/metrics.js';
import { MetricsServer } from './metrics/server.js';
import { createTracing } from './tracing/index.js';
import type { Tracing } from './tracing/tracing.js';

export interface ObservabilityOptions {
  appId: string;
  namespace: string;
  logger: Logger;
  configuration: DaprConfiguration;
  /** `--enable-metrics` (the in-process default is off; the CLI's is on, as daprd's). */
  enableMetrics?: boolean;
  /** `--metrics-port` (default 9090; 0 picks a free one). */
  metricsPort?: number;
  /** Interface of the metrics endpoint; undefined = every interface. */
  metricsHost?: string;
  /** `--enable-api-logging`: when set (true or false) it wins over `logging.apiLogging.enabled`. */
  enableApiLogging?: boolean;
  /** How often spans are exported (ms; default 1000). */
  traceExportDelayMs?: number;
}

/**
 * Tracing, metrics and API logging of one runtime, built from its Configuration and flags. The
 * runtime hands `tracing`/`metrics` to the API server and the subscriptions, and wraps its
 * resiliency provider with {@link instrument} so every component call is measured and traced.
 */
export class Observability {
  private server?: MetricsServer;

  private constructor(
    readonly tracing: Tracing,
    readonly metrics: Metrics,
    readonly apiLogging: ApiLoggingOptions,
    private readonly log: Logger,
  ) {}

  static async start(opts: ObservabilityOptions): Promise<Observability> {
    const spec = opts.configuration.spec;
    const log = opts.logger.child({ scope: 'dapr.runtime.diagnostics' });
    const tracing = await createTracing(spec.tracing, {
      serviceName: opts.appId,
      logger: opts.logger,
      exportDelayMs: opts.traceExportDelayMs,
    });
    const m = opts.configuration.metrics;
    const metricsOn = (opts.enableMetrics ?? false) && m?.enabled !== false;
    const metrics = metricsOn
      ? new (await import('./metrics/prom.js')).PromMetrics({
          appId: opts.appId,
          namespace: opts.namespace,
          latencyBuckets: m?.latencyDistributionBuckets ?? undefined,
          recordErrorCodes: m?.recordErrorCodes ?? false,
          rules: m?.rules,
          excludeVerbs: m?.http?.excludeVerbs ?? false,
          http: {
            increasedCardinality: m?.http?.increasedCardinality,
            pathMatching: m?.http?.pathMatching,
          },
        })
      : noMetrics;
    const api = spec.logging?.apiLogging;
    const apiLogging: ApiLoggingOptions = {
      enabled: opts.enableApiLogging ?? api?.enabled === true,
      obfuscateURLs: api?.obfuscateURLs ?? false,
      omitHealthChecks: api?.omitHealthChecks ?? false,
    };
    const obs = new Observability(tracing, metrics, apiLogging, log);
    if (metricsOn) {
      const server = new MetricsServer(metrics, log);
      try {
        const port = await server.listen(opts.metricsPort ?? 9090, opts.metricsHost);
        obs.server = server;
        log.info({ port }, `metrics server started on port ${port}`);
      } catch (err) {
        // A busy metrics port must not take the API down with it: the runtime goes on without.
        log.warn(
          { port: opts.metricsPort ?? 9090, error: (err as Error).message },
          'cannot start the metrics server; metrics are not served',
        );
      }
    }
    if (tracing.enabled) log.info('tracing enabled');
    return obs;
  }

  /** The metrics endpoint's port (0 when it is not serving). */
  get metricsPort(): number {
    return this.server?.boundPort ?? 0;
  }

  /** The provider with every outbound component call measured and traced. */
  instrument(provider: ResiliencyProvider): ResiliencyProvider {
    return instrumentResiliency(provider, this);
  }

  /** A job trigger traced and counted (`dapr_component_job_*`), and the channel that carries the span. */
  jobTrigger<J extends { name: string }, O>(
    trigger: (job: J, signal: AbortSignal) => Promise<O>,
    isSuccess: (outcome: O) => boolean,
  ): (job: J, signal: AbortSignal) => Promise<O> {
    return instrumentJobTrigger(trigger, this, isSuccess);
  }

  /** An app channel whose requests carry the current span's `traceparent`. */
  readonly tracedChannel = tracedChannel;

  async close(): Promise<void> {
    await Promise.allSettled([this.server?.close(), this.tracing.shutdown()]);
    this.log.debug('diagnostics closed');
  }
}
