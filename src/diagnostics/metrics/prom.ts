import { Counter, Histogram, Registry } from 'prom-client';
import { errorCategory } from './error-codes.js';
import { DEFAULT_LATENCY_BUCKETS, type ComponentBlock, type IngressStatus, type Metrics } from './metrics.js';

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
}

const VERBS = new Set(['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);

type Child = { inc(v?: number): void };
type HistChild = { observe(v: number): void };

/** {@link Metrics} on a prom-client registry of its own (several runtimes in one process stay apart). */
export class PromMetrics implements Metrics {
  readonly enabled = true;
  readonly registry = new Registry();
  private readonly counters = new Map<string, Child>();
  private readonly histograms = new Map<string, HistChild>();
  private readonly c: Record<string, Counter<string>> = {};
  private readonly h: Record<string, Histogram<string>> = {};

  constructor(private readonly opts: PromMetricsOptions) {
    const buckets = opts.latencyBuckets?.length ? opts.latencyBuckets : DEFAULT_LATENCY_BUCKETS;
    const http = ['app_id', 'method', 'path', 'status'];
    const comp = ['app_id', 'component', 'namespace', 'operation', 'success'];
    const egress = ['app_id', 'component', 'namespace', 'success', 'topic'];
    const ingress = ['app_id', 'component', 'namespace', 'process_status', 'status', 'topic'];
    const job = ['app_id', 'namespace', 'operation'];
    this.counter('dapr_http_server_request_count', 'Count of HTTP requests processed by the server.', http);
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
    this.counter('dapr_component_job_success_count', 'The number of successful job triggers.', job);
    this.counter('dapr_component_job_failure_count', 'The number of failed job triggers.', job);
    this.histogram(
      'dapr_component_job_latencies',
      'The latency of the response from the app that processed the triggered job.',
      [...job, 'success'],
      buckets,
    );
    if (opts.recordErrorCodes)
      this.counter(
        'dapr_error_code_total',
        'Total number of times an error with a specific error code was encountered.',
        ['app_id', 'category', 'error_code'],
      );
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  httpServerRequest(
    method: string,
    path: string,
    status: number,
    elapsedMs: number,
    reqBytes: number,
    resBytes: number,
  ): void {
    const m = this.opts.excludeVerbs ? '' : VERBS.has(method) ? method : 'UNKNOWN';
    const labels = [this.opts.appId, m, path, String(status)];
    this.inc('dapr_http_server_request_count', labels);
    this.inc('dapr_http_server_response_count', labels);
    this.observe('dapr_http_server_latency', labels, elapsedMs);
    this.observe('dapr_http_server_request_bytes', [this.opts.appId], reqBytes);
    this.observe('dapr_http_server_response_bytes', [this.opts.appId], resBytes);
  }

  componentCall(
    block: ComponentBlock,
    component: string,
    operation: string,
    success: boolean,
    elapsedMs: number,
    topic = '',
  ): void {
    const { appId, namespace } = this.opts;
    const labels =
      block === 'pubsub_egress'
        ? [appId, component, namespace, String(success), topic]
        : [appId, component, namespace, operation, String(success)];
    this.inc(`dapr_component_${block}_count`, labels);
    this.observe(`dapr_component_${block}_latencies`, labels, elapsedMs);
  }

  pubsubIngress(component: string, topic: string, status: IngressStatus, elapsedMs: number): void {
    const labels = [this.opts.appId, component, this.opts.namespace, status, status, topic];
    this.inc('dapr_component_pubsub_ingress_count', labels);
    this.observe('dapr_component_pubsub_ingress_latencies', labels, elapsedMs);
  }

  jobTriggered(success: boolean, elapsedMs: number): void {
    const labels = [this.opts.appId, this.opts.namespace, 'job_trigger_op'];
    this.inc(success ? 'dapr_component_job_success_count' : 'dapr_component_job_failure_count', labels);
    this.observe('dapr_component_job_latencies', [...labels, String(success)], elapsedMs);
  }

  errorCode(code: string): void {
    if (!this.opts.recordErrorCodes || !code) return;
    this.inc('dapr_error_code_total', [this.opts.appId, errorCategory(code), code]);
  }

  private counter(name: string, help: string, labelNames: string[]): void {
    this.c[name] = new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram(name: string, help: string, labelNames: string[], buckets: number[]): void {
    this.h[name] = new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** Label children are cached: a hot path pays one string join and one map lookup. */
  private inc(name: string, values: string[]): void {
    const key = `${name}\u0000${values.join('\u0000')}`;
    let child = this.counters.get(key);
    if (!child) this.counters.set(key, (child = this.c[name].labels(...values)));
    child.inc();
  }

  private observe(name: string, values: string[], v: number): void {
    const key = `${name}\u0000${values.join('\u0000')}`;
    let child = this.histograms.get(key);
    if (!child) this.histograms.set(key, (child = this.h[name].labels(...values)));
    child.observe(v);
  }
}
