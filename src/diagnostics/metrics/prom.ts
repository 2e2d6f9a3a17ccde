import type { Registry } from 'prom-client';
import {
  LabeledCounter,
  LabeledGauge,
  LabeledHistogram,
  type CounterSeries,
  type HistogramSeries,
  type LabeledMetric,
} from './series.js';
import { errorCategory } from './error-codes.js';
import { httpPathLabeler, type HttpPathLabelOptions } from './http-path.js';
import { metricRules, type MetricRule } from './rules.js';
import {
  DEFAULT_LATENCY_BUCKETS,
  type ComponentBlock,
  type IngressStatus,
  type Metrics,
  type ResiliencyPolicyEvent,
} from './metrics.js';

/** OpenCensus' default size distribution (bytes), which daprd's byte histograms use. */
const SIZE_BUCKETS = [
  1024, 2048, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864, 268435456, 1073741824,
  4294967296,
];

export interface PromMetricsOptions {
  appId: string;
  namespace: string;
  /** `metrics.latencyDistributionBuckets` (ms). */
  latencyBuckets?: number[];
  /** `metrics.recordErrorCodes` (daprd's default: off). */
  recordErrorCodes?: boolean;
  /** `metrics.http.excludeVerbs`: no `method` label value. */
  excludeVerbs?: boolean;
  /** `metrics.http.increasedCardinality` (default true) and `pathMatching`: the `path` label. */
  http?: HttpPathLabelOptions;
  /** `metrics.rules`: regex rewrites of label values, per metric. */
  rules?: MetricRule[] | null;
}

/** gRPC status codes as Go's codes.Code prints them (daprd's `grpc_server_status` label). */
const GRPC_CODES = [
  'OK',
  'Canceled',
  'Unknown',
  'InvalidArgument',
  'DeadlineExceeded',
  'NotFound',
  'AlreadyExists',
  'PermissionDenied',
  'ResourceExhausted',
  'FailedPrecondition',
  'Aborted',
  'OutOfRange',
  'Unimplemented',
  'Internal',
  'Unavailable',
  'DataLoss',
  'Unauthenticated',
];

/** The statuses daprd's breaker gauge has a series for (gobreaker's state names, and unknown). */
const CB_STATES = ['closed', 'half-open', 'open', 'unknown'];

const VERBS = new Set(['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);

/** The series one HTTP API request updates (one per method × route × status). */
interface HttpSeries {
  requests: CounterSeries;
  /** Only with `increasedCardinality` (daprd's legacy mode registers the metric). */
  responses?: CounterSeries;
  latency: HistogramSeries;
}

/** The series one component call updates. */
interface CallSeries {
  count: CounterSeries;
  latency: HistogramSeries;
}

/** prom-client's `Registry.PROMETHEUS_CONTENT_TYPE`, answered before the first scrape loads it. */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * {@link Metrics} on a prom-client registry of its own (several runtimes in one process stay apart).
 * Each label set is bound once and cached under a string key, so a request costs one map lookup and
 * a few number updates (see series.ts). prom-client (≈75 modules with its OpenTelemetry dependency)
 * is loaded at the first scrape, not at start-up: recording never touches it.
 */
export class PromMetrics implements Metrics {
  readonly enabled = true;
  private registry?: Promise<Registry>;
  private readonly all: LabeledMetric[] = [];
  private readonly c: Record<string, LabeledCounter> = {};
  private readonly h: Record<string, LabeledHistogram> = {};
  private readonly http = new Map<string, HttpSeries>();
  private readonly grpc = new Map<string, CallSeries>();
  private readonly client = new Map<
    string,
    { completed: CounterSeries; latency: HistogramSeries; sent: HistogramSeries }
  >();
  private readonly receivedBytes: HistogramSeries;
  private readonly calls = new Map<string, CallSeries>();
  private readonly ingress = new Map<string, CallSeries>();
  private readonly cbState: LabeledGauge;
  private readonly policies = new Map<string, CounterSeries>();
  private readonly requestBytes: HistogramSeries;
  private readonly pathLabel: (urlPath: string) => string;
  private readonly responseBytes: HistogramSeries;
  private readonly rules: ReturnType<typeof metricRules>;

  constructor(private readonly opts: PromMetricsOptions) {
    this.rules = metricRules(opts.rules);
    this.pathLabel = httpPathLabeler(opts.http ?? {});
    const buckets = opts.latencyBuckets?.length ? opts.latencyBuckets : DEFAULT_LATENCY_BUCKETS;
    const http = ['app_id', 'method', 'path', 'status'];
    const comp = ['app_id', 'component', 'namespace', 'operation', 'success'];
    const egress = ['app_id', 'component', 'namespace', 'success', 'topic'];
    const ingress = ['app_id', 'component', 'namespace', 'process_status', 'status', 'topic'];
    const job = ['app_id', 'namespace', 'operation'];
    this.counter('dapr_http_server_request_count', 'Count of HTTP requests processed by the server.', http);
    // daprd registers the response count only in its legacy mode (increasedCardinality, the default).
    if (opts.http?.increasedCardinality ?? true)
      this.counter('dapr_http_server_response_count', 'The number of HTTP responses', http);
    this.histogram('dapr_http_server_latency', 'HTTP request end-to-end latency in server.', http, buckets);
    this.histogram(
      'dapr_http_server_request_bytes',
      'HTTP request body size if set as ContentLength (uncompressed) in server.',
      ['app_id'],
      SIZE_BUCKETS,
    );
    this.histogram(
      'dapr_http_server_response_bytes',
      'HTTP response body size (uncompressed) in server.',
      ['app_id'],
      SIZE_BUCKETS,
    );
    const grpc = ['app_id', 'grpc_server_method', 'grpc_server_status'];
    this.counter(
      'dapr_grpc_io_server_completed_rpcs',
      'Distribution of bytes sent per RPC, by method.',
      grpc,
    );
    this.histogram(
      'dapr_grpc_io_server_server_latency',
      'Time between first byte of request received to last byte of response sent, or terminal error.',
      grpc,
      buckets,
    );
    this.counter('dapr_http_client_completed_count', 'Count of completed requests', http);
    this.histogram(
      'dapr_http_client_roundtrip_latency',
      'Time between first byte of request headers sent to last byte of response received, or terminal error',
      http,
      buckets,
    );
    // daprd records the sent bytes without a status: its label is empty.
    this.histogram(
      'dapr_http_client_sent_bytes',
      'Total bytes sent in request body (not including headers)',
      http,
      SIZE_BUCKETS,
    );
    this.histogram(
      'dapr_http_client_received_bytes',
      'Total bytes received in response bodies (not including headers but including error responses with bodies)',
      ['app_id'],
      SIZE_BUCKETS,
    );
    this.counter('dapr_http_healthprobes_completed_count', 'Count of completed health probes', [
      'app_id',
      'status',
    ]);
    this.histogram(
      'dapr_http_healthprobes_roundtrip_latency',
      'Time between first byte of health probes headers sent to last byte of response received, or terminal error',
      ['app_id', 'status'],
      buckets,
    );
    this.counter(
      'dapr_component_state_count',
      'The number of operations performed on the state component.',
      comp,
    );
    this.histogram(
      'dapr_component_state_latencies',
      'The latency of the response from the state component.',
      comp,
      buckets,
    );
    this.counter(
      'dapr_component_secret_count',
      'The number of operations performed on the secret component.',
      comp,
    );
    this.histogram(
      'dapr_component_secret_latencies',
      'The latency of the response from the secret component.',
      comp,
      buckets,
    );
    this.counter(
      'dapr_component_pubsub_egress_count',
      'The number of outgoing messages published to the pub/sub component.',
      egress,
    );
    this.histogram(
      'dapr_component_pubsub_egress_latencies',
      'The latency of the response from the pub/sub component.',
      egress,
      buckets,
    );
    this.counter(
      'dapr_component_pubsub_egress_bulk_count',
      'The number of bulk publish calls to the pub/sub component.',
      egress,
    );
    this.counter(
      'dapr_component_pubsub_egress_bulk_event_count',
      'The number of outgoing messages to the pub/sub component published through bulk publish API.',
      egress,
    );
    this.histogram(
      'dapr_component_pubsub_egress_bulk_latencies',
      'The latency of the response for the bulk publish call from the pub/sub component.',
      egress,
      buckets,
    );
    this.counter(
      'dapr_component_pubsub_ingress_count',
      'The number of incoming messages arriving from the pub/sub component.',
      ingress,
    );
    this.histogram(
      'dapr_component_pubsub_ingress_latencies',
      'The consuming app event processing latency.',
      ingress,
      buckets,
    );
    const bulkIngress = ['app_id', 'component', 'namespace', 'topic'];
    this.counter(
      'dapr_component_pubsub_ingress_bulk_count',
      'The number of incoming bulk subscribe calls arriving from the bulk pub/sub component.',
      bulkIngress,
    );
    this.counter(
      'dapr_component_pubsub_ingress_bulk_event_count',
      'Total number of incoming messages arriving from the bulk pub/sub component via Bulk Subscribe.',
      ['app_id', 'component', 'namespace', 'process_status', 'topic'],
    );
    this.histogram(
      'dapr_component_pubsub_ingress_bulk_latencies',
      'The consuming app event processing latency for the bulk pub/sub component.',
      bulkIngress,
      buckets,
    );
    this.counter('dapr_component_job_success_count', 'The number of successful job triggers.', job);
    this.counter('dapr_component_job_failure_count', 'The number of failed job triggers.', job);
    this.histogram(
      'dapr_component_job_latencies',
      'The latency of the response from the app that processed the triggered job.',
      [...job, 'success'],
      buckets,
    );
    this.counter('dapr_runtime_component_init_total', 'The number of initialized components.', [
      'app_id',
      'component',
    ]);
    this.counter(
      'dapr_runtime_component_init_fail_total',
      'The number of component initialization failures.',
      ['app_id', 'component', 'componentName', 'reason'],
    );
    const policy = ['app_id', 'flow_direction', 'name', 'namespace', 'policy', 'status', 'target'];
    this.counter('dapr_resiliency_loaded', 'Number of resiliency policies loaded.', [
      'app_id',
      'name',
      'namespace',
    ]);
    this.counter(
      'dapr_resiliency_count',
      'Number of times a resiliency policyKey has been applied to a building block.',
      policy,
    );
    this.counter(
      'dapr_resiliency_activations_total',
      'Number of times a resiliency policyKey has been activated in a building block after a failure or after a state change.',
      policy,
    );
    this.cbState = new LabeledGauge(
      'dapr_resiliency_cb_state',
      "A resiliency policy's current CircuitBreakerState state. 0 is closed, 1 is half-open, 2 is open, and -1 is unknown.",
      policy,
      this.rules('dapr_resiliency_cb_state', policy),
    );
    this.all.push(this.cbState);
    if (opts.recordErrorCodes)
      this.counter(
        'dapr_error_code_total',
        'Total number of times an error with a specific error code was encountered.',
        ['app_id', 'category', 'error_code'],
      );
    this.requestBytes = this.h.dapr_http_server_request_bytes.bind([opts.appId]);
    this.responseBytes = this.h.dapr_http_server_response_bytes.bind([opts.appId]);
    this.receivedBytes = this.h.dapr_http_client_received_bytes.bind([opts.appId]);
  }

  get contentType(): string {
    return CONTENT_TYPE;
  }

  async render(): Promise<string> {
    this.registry ??= import('prom-client').then(({ Registry, collectDefaultMetrics }) => {
      const r = new Registry();
      for (const m of this.all) r.registerMetric(m as never);
      // daprd serves its process collector's series (process_cpu_seconds_total, ...) beside its own.
      collectDefaultMetrics({ register: r });
      return r;
    });
    return (await this.registry).metrics();
  }

  httpServerRequest(
    method: string,
    urlPath: string,
    status: number,
    elapsedMs: number,
    reqBytes: number,
    resBytes: number,
  ): void {
    const path = this.pathLabel(urlPath);
    const key = `${method} ${status} ${path}`;
    let series = this.http.get(key);
    if (!series) {
      const m = this.methodLabel(method);
      const labels = [this.opts.appId, m, path, String(status)];
      series = {
        requests: this.c.dapr_http_server_request_count.bind(labels),
        responses: this.c.dapr_http_server_response_count?.bind(labels),
        latency: this.h.dapr_http_server_latency.bind(labels),
      };
      this.http.set(key, series);
    }
    series.requests.inc();
    series.responses?.inc();
    series.latency.observe(elapsedMs);
    this.requestBytes.observe(reqBytes);
    this.responseBytes.observe(resBytes);
  }

  httpClientRequest(
    method: string,
    urlPath: string,
    status: number,
    elapsedMs: number,
    sentBytes: number,
    receivedBytes: number,
  ): void {
    const path = this.pathLabel(urlPath);
    const key = `${method} ${status} ${path}`;
    let series = this.client.get(key);
    if (!series) {
      const m = this.methodLabel(method);
      const labels = [this.opts.appId, m, path, String(status)];
      series = {
        completed: this.c.dapr_http_client_completed_count.bind(labels),
        latency: this.h.dapr_http_client_roundtrip_latency.bind(labels),
        sent: this.h.dapr_http_client_sent_bytes.bind([this.opts.appId, m, path, '']),
      };
      this.client.set(key, series);
    }
    series.completed.inc();
    series.latency.observe(elapsedMs);
    series.sent.observe(sentBytes);
    this.receivedBytes.observe(receivedBytes);
  }

  grpcServerRequest(method: string, code: number, elapsedMs: number): void {
    const key = `${method} ${code}`;
    let series = this.grpc.get(key);
    if (!series) {
      const labels = [this.opts.appId, method, GRPC_CODES[code] ?? 'Code(' + code + ')'];
      series = {
        count: this.c.dapr_grpc_io_server_completed_rpcs.bind(labels),
        latency: this.h.dapr_grpc_io_server_server_latency.bind(labels),
      };
      this.grpc.set(key, series);
    }
    series.count.inc();
    series.latency.observe(elapsedMs);
  }

  appHealthProbe(status: number, elapsedMs: number): void {
    // Once per probe interval: the metric's own per-label-set map is cache enough.
    const labels = [this.opts.appId, String(status)];
    this.c.dapr_http_healthprobes_completed_count.bind(labels).inc();
    this.h.dapr_http_healthprobes_roundtrip_latency.bind(labels).observe(elapsedMs);
  }

  componentCall(
    block: ComponentBlock,
    component: string,
    operation: string,
    success: boolean,
    elapsedMs: number,
    topic = '',
  ): void {
    const key = `${block}\u0000${component}\u0000${operation}\u0000${success}\u0000${topic}`;
    let series = this.calls.get(key);
    if (!series) {
      const { appId, namespace } = this.opts;
      const labels =
        block === 'pubsub_egress'
          ? [appId, component, namespace, String(success), topic]
          : [appId, component, namespace, operation, String(success)];
      series = {
        count: this.c[`dapr_component_${block}_count`].bind(labels),
        latency: this.h[`dapr_component_${block}_latencies`].bind(labels),
      };
      this.calls.set(key, series);
    }
    series.count.inc();
    series.latency.observe(elapsedMs);
  }

  pubsubEgressBulk(
    component: string,
    topic: string,
    success: boolean,
    events: number,
    elapsedMs: number,
  ): void {
    // Once per bulk call: the metric's own per-label-set map is cache enough.
    const { appId, namespace } = this.opts;
    const labels = [appId, component, namespace, String(success), topic];
    this.c.dapr_component_pubsub_egress_bulk_count.bind(labels).inc();
    if (events > 0)
      this.c.dapr_component_pubsub_egress_bulk_event_count
        .bind([appId, component, namespace, 'true', topic])
        .inc(events);
    if (elapsedMs > 0) this.h.dapr_component_pubsub_egress_bulk_latencies.bind(labels).observe(elapsedMs);
  }

  pubsubIngressBulk(
    component: string,
    topic: string,
    entries: Record<IngressStatus, number>,
    elapsedMs: number,
  ): void {
    // daprd labels these with the literal "pubsubName" (ReportBulkSubDiagnostics); the component's
    // name is what a dashboard can use.
    const { appId, namespace } = this.opts;
    const labels = [appId, component, namespace, topic];
    this.c.dapr_component_pubsub_ingress_bulk_count.bind(labels).inc();
    for (const status of ['success', 'drop', 'retry'] as const)
      if (entries[status] > 0)
        this.c.dapr_component_pubsub_ingress_bulk_event_count
          .bind([appId, component, namespace, status, topic])
          .inc(entries[status]);
    if (elapsedMs > 0) this.h.dapr_component_pubsub_ingress_bulk_latencies.bind(labels).observe(elapsedMs);
  }

  pubsubIngress(component: string, topic: string, status: IngressStatus, elapsedMs: number): void {
    const key = `${component}\u0000${topic}\u0000${status}`;
    let series = this.ingress.get(key);
    if (!series) {
      const labels = [this.opts.appId, component, this.opts.namespace, status, status, topic];
      series = {
        count: this.c.dapr_component_pubsub_ingress_count.bind(labels),
        latency: this.h.dapr_component_pubsub_ingress_latencies.bind(labels),
      };
      this.ingress.set(key, series);
    }
    series.count.inc();
    series.latency.observe(elapsedMs);
  }

  jobTriggered(success: boolean, elapsedMs: number): void {
    const labels = [this.opts.appId, this.opts.namespace, 'job_trigger_op'];
    // Rare calls: the metric's own per-label-set map is cache enough.
    this.c[success ? 'dapr_component_job_success_count' : 'dapr_component_job_failure_count']
      .bind(labels)
      .inc();
    this.h.dapr_component_job_latencies.bind([...labels, String(success)]).observe(elapsedMs);
  }

  errorCode(code: string): void {
    if (!this.opts.recordErrorCodes || !code) return;
    this.c.dapr_error_code_total.bind([this.opts.appId, errorCategory(code), code]).inc();
  }

  componentInit(type: string, name: string, failed?: 'creation' | 'init'): void {
    // Once per component: the metric's own per-label-set map is cache enough.
    if (failed)
      this.c.dapr_runtime_component_init_fail_total.bind([this.opts.appId, type, name, failed]).inc();
    else this.c.dapr_runtime_component_init_total.bind([this.opts.appId, type]).inc();
  }

  resiliencyLoaded(name: string, namespace: string): void {
    this.c.dapr_resiliency_loaded.bind([this.opts.appId, name, namespace]).inc();
  }

  resiliencyPolicy(e: ResiliencyPolicyEvent): void {
    const key = `${e.kind}\u0000${e.policy}\u0000${e.direction}\u0000${e.target}\u0000${e.status}\u0000${e.resiliency}\u0000${e.namespace}`;
    const labels = (status: string) => [
      this.opts.appId,
      e.direction,
      e.resiliency,
      e.namespace,
      e.policy,
      status,
      e.target,
    ];
    let series = this.policies.get(key);
    if (!series) {
      const metric = e.kind === 'executed' ? 'dapr_resiliency_count' : 'dapr_resiliency_activations_total';
      this.policies.set(key, (series = this.c[metric].bind(labels(e.status))));
    }
    series.inc();
    // The breaker's state as daprd's gauge shows it: 1 on the series of its current state, 0 on the others.
    if (e.policy === 'circuitbreaker')
      for (const state of CB_STATES) this.cbState.bind(labels(state)).set(state === e.status ? 1 : 0);
  }

  /** The `method` label of the HTTP series: daprd's verbs, `UNKNOWN`, or '' with `excludeVerbs`. */
  private methodLabel(method: string): string {
    return this.opts.excludeVerbs ? '' : VERBS.has(method) ? method : 'UNKNOWN';
  }

  private counter(name: string, help: string, labelNames: string[]): void {
    this.all.push((this.c[name] = new LabeledCounter(name, help, labelNames, this.rules(name, labelNames))));
  }

  private histogram(name: string, help: string, labelNames: string[], buckets: number[]): void {
    this.all.push(
      (this.h[name] = new LabeledHistogram(name, help, labelNames, buckets, this.rules(name, labelNames))),
    );
  }
}
