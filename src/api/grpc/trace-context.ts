import type { Metadata } from '@grpc/grpc-js';
import { traceparentFromBinary, type TraceHeaders } from '../../diagnostics/tracing/index.js';

/**
 * The caller's trace context from a call's metadata, read as daprd reads it: `grpc-trace-bin`
 * (binary) when present, else the W3C `traceparent` / `tracestate` keys.
 */
export function grpcTraceContext(md: Metadata): TraceHeaders {
  const bin = md.get('grpc-trace-bin');
  if (bin.length > 0) {
    const traceparent = Buffer.isBuffer(bin[0]) ? traceparentFromBinary(bin[0]) : undefined;
    return traceparent ? { traceparent } : {};
  }
  const traceparent = md.get('traceparent')[0];
  const tracestate = md.get('tracestate')[0];
  return {
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
    ...(typeof tracestate === 'string' ? { tracestate } : {}),
  };
}
