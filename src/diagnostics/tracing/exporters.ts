import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../logger.js';
import { parseDurationMs } from '../../components/common/metadata.js';
import type { TracingSpec } from '../../resources/configuration.js';

/**
 * The exporters a Configuration's `spec.tracing` asks for, as daprd builds them: `stdout`,
 * `zipkin.endpointAddress` (a full URL), and `otel` (`endpointAddress` host:port, `protocol`
 * http|grpc, `isSecure` default true, `headers` as "key=value", `timeout`). Exporter packages are
 * loaded only when configured, so a runtime without tracing does not pay for them at start-up.
 */
export async function exportersFor(spec: TracingSpec, logger: Logger): Promise<SpanExporter[]> {
  const out: SpanExporter[] = [];
  if (spec.stdout) out.push(new LogSpanExporter(logger.child({ scope: 'dapr.runtime.trace' })));
  if (spec.zipkin?.endpointAddress) {
    const { ZipkinExporter } = await import('@opentelemetry/exporter-zipkin');
    out.push(new ZipkinExporter({ url: spec.zipkin.endpointAddress }));
  }
  const otel = spec.otel;
  if (otel?.endpointAddress && otel.protocol) {
    const protocol = otel.protocol.toLowerCase();
    if (protocol !== 'http' && protocol !== 'grpc')
      throw new Error(`invalid protocol ${otel.protocol} provided for Otel endpoint`);
    const secure = otel.isSecure ?? true;
    const headers = parseHeaders(otel.headers ?? []);
    const timeoutMillis = otel.timeout ? parseDurationMs(otel.timeout) : undefined;
    if (protocol === 'http') {
      const { OTLPTraceExporter: OtlpHttpExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      out.push(
        new OtlpHttpExporter({ url: otlpHttpUrl(otel.endpointAddress, secure), headers, timeoutMillis }),
      );
    } else {
      const { OTLPTraceExporter: OtlpGrpcExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
      const { createEmptyMetadata, createInsecureCredentials, createSslCredentials } =
        await import('@opentelemetry/otlp-grpc-exporter-base');
      const metadata = createEmptyMetadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      out.push(
        new OtlpGrpcExporter({
          url: `${secure ? 'https' : 'http'}://${stripScheme(otel.endpointAddress)}`,
          credentials: secure ? createSslCredentials() : createInsecureCredentials(),
          metadata,
          timeoutMillis,
        }),
      );
    }
  }
  return out;
}

/** OTLP/HTTP endpoint: `host:port` (daprd's form) becomes `<scheme>://host:port/v1/traces`. */
export function otlpHttpUrl(endpoint: string, secure: boolean): string {
  if (/^https?:\/\//i.test(endpoint)) {
    const u = new URL(endpoint);
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/v1/traces';
    return u.toString();
  }
  const [hostPort, ...path] = endpoint.split('/');
  return `${secure ? 'https' : 'http'}://${hostPort}/${path.length ? path.join('/') : 'v1/traces'}`;
}

function stripScheme(endpoint: string): string {
  return endpoint.replace(/^[a-z]+:\/\//i, '');
}

/** `["key=value", ...]` → headers; entries without `=` are ignored (as daprd's parseOtelHeaders). */
export function parseHeaders(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf('=');
    if (i > 0) out[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return out;
}

/** `tracing.stdout`: one log line per finished span (daprd logs them under dapr.runtime.trace). */
class LogSpanExporter implements SpanExporter {
  constructor(private readonly log: Logger) {}

  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    for (const s of spans) {
      const c = s.spanContext();
      this.log.info(
        {
          traceId: c.traceId,
          spanId: c.spanId,
          parentSpanId: s.parentSpanContext?.spanId,
          name: s.name,
          kind: s.kind,
          durationMs: s.duration[0] * 1e3 + s.duration[1] / 1e6,
          attributes: s.attributes,
        },
        'span',
      );
    }
    done({ code: 0 });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
