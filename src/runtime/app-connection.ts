import type { Logger } from '../diagnostics/logger.js';
import type { Metrics } from '../diagnostics/metrics/metrics.js';
import type { AppDelivery } from '../messaging/delivery/app-delivery.js';
import { HttpAppDelivery } from '../messaging/delivery/http-delivery.js';
import type { JobTrigger } from '../scheduler/engine.js';
import { httpJobTrigger } from '../scheduler/trigger.js';
import { tracedChannel } from '../diagnostics/jobs.js';
import { AppChannel } from './app-channel.js';
import type { ProbeResult } from './app-health.js';
import { GrpcAppChannel } from './grpc-app/channel.js';
import { GrpcAppDelivery } from './grpc-app/delivery.js';
import { grpcJobTrigger } from './grpc-app/job-trigger.js';

export interface AppConnectionOptions {
  host: string;
  port: number;
  /** `--app-protocol`: `http` (default), `https`, `h2c`, `grpc` or `grpcs`. */
  protocol?: string;
  appApiToken?: string;
  maxConcurrency?: number;
  appId: string;
  logger: Logger;
  /** Max message size to and from a gRPC app, in bytes. */
  maxMessageBytes?: number;
  /** HTTP apps: calls and health probes are counted as daprd counts them. */
  metrics?: Metrics;
}

/** The runtime's way to its app, whatever `--app-protocol` says. */
export interface AppConnection {
  protocol: 'http' | 'grpc';
  /** Pub/sub deliveries and programmatic subscriptions. */
  delivery: AppDelivery;
  /** Job triggers (`POST /job/{name}` or `OnJobEventAlpha1`). */
  jobTrigger: JobTrigger;
  /** One app health probe: `GET <path>` on HTTP, `AppCallbackHealthCheck.HealthCheck` on gRPC. */
  probe: (path: string, timeoutMs: number) => Promise<ProbeResult>;
  close(): Promise<void>;
}

/** Opens the app channel for `--app-protocol` (`grpc`/`grpcs` → gRPC, anything else → HTTP). */
export function connectApp(opts: AppConnectionOptions): AppConnection {
  if (opts.protocol === 'grpc' || opts.protocol === 'grpcs') {
    const channel = new GrpcAppChannel({
      host: opts.host,
      port: opts.port,
      protocol: opts.protocol,
      appApiToken: opts.appApiToken,
      maxConcurrency: opts.maxConcurrency,
      maxMessageBytes: opts.maxMessageBytes,
    });
    const delivery = new GrpcAppDelivery(channel, opts.logger);
    return {
      protocol: 'grpc',
      delivery,
      jobTrigger: grpcJobTrigger(channel, opts.logger),
      probe: (_path, timeoutMs) => grpcProbe(delivery, timeoutMs),
      close: async () => channel.close(),
    };
  }
  const channel = new AppChannel({
    host: opts.host,
    port: opts.port,
    protocol: opts.protocol,
    appApiToken: opts.appApiToken,
    maxConcurrency: opts.maxConcurrency,
    appId: opts.appId,
    metrics: opts.metrics,
  });
  return {
    protocol: 'http',
    delivery: new HttpAppDelivery(channel, opts.appId, opts.logger),
    // Job triggers run inside their span (diagnostics/jobs.ts): the POST carries its traceparent.
    jobTrigger: httpJobTrigger(tracedChannel(channel), opts.logger),
    probe: (path, timeoutMs) => channel.healthProbe(path, timeoutMs),
    close: () => channel.close(),
  };
}

/**
 * `AppCallbackHealthCheck.HealthCheck` within `timeoutMs` overall: the call's deadline starts only
 * once `--app-max-concurrency` lets it through, so a probe queued behind deliveries fails in time.
 */
async function grpcProbe(delivery: GrpcAppDelivery, timeoutMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    const ok = await Promise.race([delivery.healthy(timeoutMs), late]);
    return ok ? { healthy: true } : { healthy: false, reason: 'AppCallbackHealthCheck.HealthCheck failed' };
  } finally {
    clearTimeout(timer);
  }
}
