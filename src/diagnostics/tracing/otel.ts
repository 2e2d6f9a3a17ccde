import {
  createTraceState,
  ROOT_CONTEXT,
  SpanKind as OtelKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span as OtelSpan,
  type Tracer,
} from '@opentelemetry/api';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Span, SpanAttributes, SpanKind, StartSpanOptions, Tracing } from './tracing.js';
import {
  formatTraceparent,
  isSampled,
  MAX_TRACESTATE_LENGTH,
  parseTraceparent,
  type TraceHeaders,
} from './w3c.js';

const KINDS: Record<SpanKind, OtelKind> = {
  server: OtelKind.SERVER,
  client: OtelKind.CLIENT,
  producer: OtelKind.PRODUCER,
  consumer: OtelKind.CONSUMER,
  internal: OtelKind.INTERNAL,
};

export interface OtelTracingOptions {
  /** `service.name` of the spans (the app id, as daprd sets it). */
  serviceName: string;
  /** 0..1; the share of new traces recorded. Parents decide for the traces they started. */
  samplingRate: number;
  exporters: SpanExporter[];
  /** How often buffered spans are exported (ms). Default 1000. */
  exportDelayMs?: number;
  /** Injectable randomness for the sampling decision. */
  random?: () => number;
}

/** One recording span, behind the runtime's {@link Span} interface. */
class OtelSpanHandle implements Span {
  private tp?: string;
  constructor(readonly span: OtelSpan) {}

  get traceparent(): string {
    if (this.tp === undefined) {
      const c = this.span.spanContext();
      this.tp = formatTraceparent(c.traceId, c.spanId, c.traceFlags);
    }
    return this.tp;
  }

  get tracestate(): string {
    const s = this.span.spanContext().traceState?.serialize() ?? '';
    return s.length <= MAX_TRACESTATE_LENGTH ? s : '';
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  setAttributes(attributes: SpanAttributes): void {
    this.span.setAttributes(attributes);
  }

  setName(name: string): void {
    this.span.updateName(name);
  }

  setHttpStatus(code: number): void {
    if (code >= 400) this.span.setStatus({ code: SpanStatusCode.ERROR, message: `Code(${code})` });
  }

  recordError(err: unknown): void {
    this.span.setStatus({
      code: SpanStatusCode.ERROR,
      message: err instanceof Error ? err.message : String(err),
    });
  }

  end(): void {
    this.span.end();
  }
}

/**
 * Tracing with the OpenTelemetry SDK: a tracer provider of its own (nothing registered globally,
 * so several runtimes in one process don't mix), batch export, and daprd's sampling — parent-based,
 * new traces at `samplingRate`. The decision is taken before the SDK is called, so unsampled work
 * costs one comparison and no span objects.
 */
export class OtelTracing implements Tracing {
  readonly enabled = true;
  readonly propagates = true;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly random: () => number;

  constructor(private readonly opts: OtelTracingOptions) {
    this.random = opts.random ?? Math.random;
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName }),
      sampler: new AlwaysOnSampler(),
      spanProcessors: opts.exporters.map(
        (e) =>
          new BatchSpanProcessor(e, {
            scheduledDelayMillis: opts.exportDelayMs ?? 1000,
            maxQueueSize: 8192,
            maxExportBatchSize: 512,
          }),
      ),
    });
    this.tracer = this.provider.getTracer('daprts');
  }

  startSpan(name: string, opts: StartSpanOptions): Span | undefined {
    const parent = opts.parent;
    if (parent instanceof OtelSpanHandle)
      return this.start(name, opts, trace.setSpan(ROOT_CONTEXT, parent.span));
    const headers = parent as TraceHeaders | undefined;
    const remote = parseTraceparent(headers?.traceparent);
    if (remote) {
      if (!isSampled(remote)) return undefined;
      const ctx = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: remote.traceId,
        spanId: remote.spanId,
        traceFlags: remote.flags,
        isRemote: true,
        traceState: headers?.tracestate ? createTraceState(headers.tracestate) : undefined,
      });
      return this.start(name, opts, ctx);
    }
    if (!(this.random() < this.opts.samplingRate)) return undefined;
    return this.start(name, opts, ROOT_CONTEXT);
  }

  startChild(
    name: string,
    parent: Span | undefined,
    opts: Omit<StartSpanOptions, 'parent'>,
  ): Span | undefined {
    if (!(parent instanceof OtelSpanHandle)) return undefined;
    return this.start(name, opts, trace.setSpan(ROOT_CONTEXT, parent.span));
  }

  async flush(): Promise<void> {
    await this.provider.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this.provider.shutdown();
  }

  private start(name: string, opts: Omit<StartSpanOptions, 'parent'>, ctx: Context): Span {
    return new OtelSpanHandle(
      this.tracer.startSpan(name, { kind: KINDS[opts.kind], attributes: opts.attributes }, ctx),
    );
  }
}
