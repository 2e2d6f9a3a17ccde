import type { TraceHeaders } from './w3c.js';

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
export type SpanAttributes = Record<string, string | number | boolean>;

/**
 * A recording span. Code outside `diagnostics/` only sees this interface: OpenTelemetry's SDK
 * stays behind it. Spans exist only for sampled work; unsampled work gets `undefined`, not a
 * placeholder, so the off path allocates nothing.
 */
export interface Span {
  /** This span's W3C `traceparent` (what goes to the next hop). */
  readonly traceparent: string;
  /** The W3C `tracestate` carried with it ('' when none). */
  readonly tracestate: string;
  readonly traceId: string;
  setAttributes(attributes: SpanAttributes): void;
  setName(name: string): void;
  /** An HTTP status of the work: 4xx/5xx mark the span as an error (as daprd does). */
  setHttpStatus(code: number): void;
  /** Marks the span as failed with this error's message. */
  recordError(err: unknown): void;
  end(): void;
}

export interface StartSpanOptions {
  kind: SpanKind;
  attributes?: SpanAttributes;
  /**
   * The remote parent (incoming request headers, a CloudEvent's fields) or a local span. A valid
   * parent decides sampling (parent-based); without one a new trace starts at the sampling rate.
   */
  parent?: TraceHeaders | Span;
}

/** Tracing as the runtime uses it. */
export interface Tracing {
  /** False when nothing is ever recorded (no tracing configured, or sampling rate 0). */
  readonly enabled: boolean;
  /**
   * False only when the Configuration sets sampling rate 0: daprd then has no trace middleware, and
   * its API responses carry no `traceparent`. Otherwise every response carries one, sampled or not.
   */
  readonly propagates: boolean;
  /** A span for new work: a child of `parent` when given and valid, else a root by sampling. */
  startSpan(name: string, opts: StartSpanOptions): Span | undefined;
  /** A child of `parent` only: nothing when there is no parent span (never a new root). */
  startChild(
    name: string,
    parent: Span | undefined,
    opts: Omit<StartSpanOptions, 'parent'>,
  ): Span | undefined;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Flushes and stops the exporters. */
  shutdown(): Promise<void>;
}

/** Tracing off: every start returns undefined. */
export const noTracing: Tracing = {
  enabled: false,
  propagates: true,
  startSpan: () => undefined,
  startChild: () => undefined,
  flush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Tracing turned off by a sampling rate of 0: not even an unsampled `traceparent` on responses. */
export const tracingOff: Tracing = { ...noTracing, propagates: false };

/** The headers to send for a span, or the incoming ones when there is no recording span. */
export function outgoingTraceHeaders(span: Span | undefined, incoming?: TraceHeaders): TraceHeaders {
  if (span) return { traceparent: span.traceparent, tracestate: span.tracestate || undefined };
  return incoming ?? {};
}
