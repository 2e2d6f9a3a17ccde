import type { LogLevel } from '../diagnostics/logger.js';
import type { RuntimeOptions } from '../runtime/options.js';
import type { ParsedOptions } from './options-table.js';
import { UsageError } from './parse-args.js';

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'];

/** Maps parsed flags onto the runtime's options object. */
export function toRuntimeOptions(o: ParsedOptions): RuntimeOptions {
  const appId = o['app-id'] as string | undefined;
  if (!appId) throw new UsageError('--app-id is required');
  if (/[^A-Za-z0-9._-]/.test(appId))
    throw new UsageError(`--app-id '${appId}' may only contain letters, digits, '.', '_' and '-'`);
  const level = String(o['log-level']).toLowerCase();
  if (!LOG_LEVELS.includes(level))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const listen = o['dapr-listen-addresses'] as string;
  return {
    appId,
    appPort: o['app-port'] as number | undefined,
    appProtocol: o['app-protocol'] as string,
    appChannelAddress: o['app-channel-address'] as string,
    httpPort: o['dapr-http-port'] as number,
    httpHost: listen === '' || listen === '0.0.0.0' ? null : listen.split(',')[0].trim(),
    grpcPort: o['dapr-grpc-port'] as number,
    resourcesPaths: o['resources-path'] as string[],
    logLevel: level as LogLevel,
    logAsJson: o['log-as-json'] as boolean,
    enableApiLogging: o['enable-api-logging'] as boolean | undefined,
    enableMetrics: o['enable-metrics'] as boolean,
    metricsPort: o['metrics-port'] as number,
    maxBodyBytes: maxBody(o),
    gracefulShutdownSeconds: o['dapr-graceful-shutdown-seconds'] as number,
    dataDir: o['data-dir'] as string,
    configFiles: o.config as string[],
    mode: mode(o.mode as string),
    disableBuiltinK8sSecretStore: o['disable-builtin-k8s-secret-store'] as boolean,
    appApiToken: o['app-api-token'] as string | undefined,
    appMaxConcurrency: o['app-max-concurrency'] as number,
    appHealthCheck: appHealthCheck(o),
  };
}

/**
 * The `--app-health-*` flags as daprd resolves them: a non-positive interval or timeout and a
 * threshold below 1 fall back to the defaults (5 s, 500 ms, 3); a timeout longer than the
 * interval is an error (checked even when health checks are off, as daprd does).
 */
function appHealthCheck(o: ParsedOptions): RuntimeOptions['appHealthCheck'] {
  const interval = o['app-health-probe-interval'] as number;
  const timeout = o['app-health-probe-timeout'] as number;
  const threshold = o['app-health-threshold'] as number;
  const intervalMs = interval > 0 ? interval * 1000 : 5000;
  const timeoutMs = timeout > 0 ? timeout : 500;
  if (timeoutMs > intervalMs)
    throw new UsageError("value for 'health-probe-timeout' must be smaller than 'health-probe-interval'");
  if (!(o['enable-app-health-check'] as boolean)) return undefined;
  return {
    path: o['app-health-check-path'] as string,
    intervalMs,
    timeoutMs,
    threshold: threshold >= 1 ? threshold : 3,
  };
}

function mode(m: string): 'standalone' | 'kubernetes' {
  if (m !== 'standalone' && m !== 'kubernetes')
    throw new UsageError(`--mode must be standalone or kubernetes, got '${m}'`);
  return m;
}

function maxBody(o: ParsedOptions): number {
  const text = o['max-body-size'] as string | undefined;
  if (text === undefined) return (o['dapr-http-max-request-size'] as number) * 1024 * 1024;
  const m = /^(\d+(?:\.\d+)?)\s*(B|K|Ki|KB|M|Mi|MB|G|Gi|GB)?$/i.exec(text.trim());
  if (!m) throw new UsageError(`--max-body-size '${text}' is not a size such as 4Mi`);
  const unit = (m[2] ?? 'B').toLowerCase();
  const mult: Record<string, number> = {
    b: 1,
    k: 1e3,
    kb: 1e3,
    ki: 1024,
    m: 1e6,
    mb: 1e6,
    mi: 1024 ** 2,
    g: 1e9,
    gb: 1e9,
    gi: 1024 ** 3,
  };
  return Math.floor(Number(m[1]) * mult[unit]);
}
