import type { TracingSpec } from './configuration.js';

/**
 * `spec.tracing` with the OpenTelemetry exporter's environment variables applied, as daprd's
 * SetTracingSpecFromEnv does: `OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT` (scheme stripped) turns OTLP
 * tracing on with sampling "1" unless a rate is set; `..._PROTOCOL` `http/*` is http, anything else
 * grpc; `OTEL_EXPORTER_OTLP_INSECURE=true` is `isSecure: false`; `..._HEADERS` (`k=v,k=v`) and
 * `..._TIMEOUT` (ms) are added. A Configuration that names an otel endpoint keeps its own settings.
 */
export function tracingFromEnv(
  tracing: TracingSpec | null | undefined,
  env: NodeJS.ProcessEnv,
): TracingSpec | null | undefined {
  const pick = (name: string) =>
    env[`OTEL_EXPORTER_OTLP_TRACES_${name}`] || env[`OTEL_EXPORTER_OTLP_${name}`];
  const endpoint = pick('ENDPOINT');
  // Without an endpoint daprd changes nothing that matters: no exporter, no sampling rate.
  if (!endpoint || tracing?.otel?.endpointAddress) return tracing;
  const otel: NonNullable<TracingSpec['otel']> = {
    ...tracing?.otel,
    headers: tracing?.otel?.headers,
    endpointAddress: endpoint.replace(/^https?:\/\//, ''),
    protocol: pick('PROTOCOL')?.startsWith('http') ? 'http' : 'grpc',
  };
  if (env.OTEL_EXPORTER_OTLP_INSECURE === 'true') otel.isSecure = false;
  const headers = (pick('HEADERS') ?? '').split(',').filter((h) => h.includes('='));
  if (headers.length > 0) otel.headers = [...(otel.headers ?? []), ...headers.map((h) => h.trim())];
  const timeoutMs = Number(pick('TIMEOUT'));
  if (Number.isInteger(timeoutMs) && timeoutMs > 0) otel.timeout = `${timeoutMs}ms`;
  return { ...tracing, samplingRate: tracing?.samplingRate || '1', otel };
}
