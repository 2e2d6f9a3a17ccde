import type { Logger, LogLevel } from '../diagnostics/logger.js';
import type { InlineComponent } from './inline-components.js';
import type { RawResource } from '../resources/loader.js';
import type { SubscriberDeps } from '../messaging/delivery/subscriber.js';
import type { ResiliencyClock } from '../resiliency/clock.js';
import type { AppHealthConfig } from './app-health.js';

/** Everything a runtime can be started with; the CLI flags map onto this one object. */
export interface RuntimeOptions {
  appId: string;
  /** Folders of resource YAML. With neither these nor `components`, the embedded default is used. */
  resourcesPaths?: string[];
  /** Components given in code (in-process use and tests). */
  components?: InlineComponent[];
  /** HTTP API port; 0 picks a free one. Default 3500. */
  httpPort?: number;
  /** Interface the HTTP API listens on; undefined = all interfaces. Default 127.0.0.1. */
  httpHost?: string | null;
  /** gRPC API port (reported to apps as DAPR_GRPC_PORT); 0 picks a free one. Default 50001. */
  grpcPort?: number;
  appPort?: number;
  appProtocol?: string;
  appChannelAddress?: string;
  /** `DAPR_API_TOKEN`; defaults to the environment variable. */
  apiToken?: string;
  /** Max HTTP request body in bytes. Default 4 MB. */
  maxBodyBytes?: number;
  /** `NAMESPACE`; defaults to the environment variable. */
  namespace?: string;
  /** Where local files (the embedded default) live. Default `./.daprts`. */
  dataDir?: string;
  logLevel?: LogLevel | 'silent';
  logAsJson?: boolean;
  /** A logger to use instead of creating one. */
  logger?: Logger;
  enableApiLogging?: boolean;
  /** Serve Prometheus metrics (`--enable-metrics`). Default false in process; the CLI's is true. */
  enableMetrics?: boolean;
  /** Port of the metrics endpoint (`--metrics-port`); 0 picks a free one. Default 9090. */
  metricsPort?: number;
  /** Time source of resiliency timeouts, back-off and circuit breakers (tests). */
  resiliencyClock?: ResiliencyClock;
  /** Seconds to drain on shutdown before forcing connections closed. Default 5. */
  gracefulShutdownSeconds?: number;
  /** Injectable clock (ms since epoch) for TTL and schedules. */
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  /** Called after `POST /v1.0/shutdown` finished closing the runtime (the CLI exits here). */
  onShutdown?: () => void;
  /** Called when the runtime cannot go on after start (e.g. a subscription rule that does not parse). */
  onFatal?: (err: unknown) => void;
  /** Configuration resource files (`--config`). */
  configFiles?: string[];
  /** `standalone` (default) or `kubernetes` (adds the built-in `kubernetes` secret store). */
  mode?: 'standalone' | 'kubernetes';
  disableBuiltinK8sSecretStore?: boolean;
  /** Non-component resources given in code (Subscription, Resiliency), as loaded from YAML. */
  resources?: RawResource[];
  /** `APP_API_TOKEN`, sent to the app as `dapr-api-token`; defaults to the environment variable. */
  appApiToken?: string;
  /** Max concurrent calls to the app (`--app-max-concurrency`); -1 is unlimited. */
  appMaxConcurrency?: number;
  /**
   * App health checks (`--enable-app-health-check` and `--app-health-*`); undefined = off. While
   * the app is unhealthy its subscriptions are closed and jobs are not triggered.
   */
  appHealthCheck?: AppHealthConfig;
  /** Time source of the app health probe interval (tests); default real time. */
  appHealthClock?: ResiliencyClock;
  /** Observes each delivery attempt to the app (tests, metrics). */
  onDelivery?: SubscriberDeps['onDelivery'];
}
