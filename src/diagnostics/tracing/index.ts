import type { Logger } from '../logger.js';
import type { TracingSpec } from '../../resources/configuration.js';
import { noTracing, tracingOff, type Tracing } from './tracing.js';

export { currentSpan, runWithSpan } from './context.js';
export { noTracing, outgoingTraceHeaders } from './tracing.js';
export type { Span, SpanAttributes, SpanKind, StartSpanOptions, Tracing } from './tracing.js';
export { binaryFromTraceparent, parseTraceparent, traceparentFromBinary, type TraceHeaders } from './w3c.js';

/** daprd's rate when `samplingRate` is unset or not a number. */
const DEFAULT_SAMPLING_RATE = 1e-4;

/** `tracing.samplingRate` as daprd reads it: a float; unset or invalid → 0.0001; "0" turns tracing off. */
export function samplingRate(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return DEFAULT_SAMPLING_RATE;
  const n = Number(text);
  return Number.isFinite(n) ? n : DEFAULT_SAMPLING_RATE;
}

export interface TracingOptions {
  serviceName: string;
  logger: Logger;
  /** How often buffered spans are exported (ms). */
  exportDelayMs?: number;
}

/**
 * Tracing from a Configuration's `spec.tracing`. No tracing section, or a sampling rate of 0, is
 * tracing off: nothing is recorded, nothing is allocated per request, and the SDK is not loaded. A rate with no exporter
 * still records (trace context reaches CloudEvents and the app) and drops the spans, as daprd does.
 */
export async function createTracing(
  spec: TracingSpec | null | undefined,
  opts: TracingOptions,
): Promise<Tracing> {
  if (!spec) return noTracing;
  const rate = samplingRate(spec.samplingRate);
  if (rate <= 0) return tracingOff;
  // The SDK is loaded only when tracing is on.
  const [{ exportersFor }, { OtelTracing }] = await Promise.all([
    import('./exporters.js'),
    import('./otel.js'),
  ]);
  const exporters = await exportersFor(spec, opts.logger);
  return new OtelTracing({
    serviceName: opts.serviceName,
    samplingRate: rate,
    exporters,
    exportDelayMs: opts.exportDelayMs,
  });
}
