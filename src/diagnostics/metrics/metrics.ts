/** daprd's default latency buckets (ms). */
export const DEFAULT_LATENCY_BUCKETS = [
  1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 300, 400, 500, 650,
  800, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

/** The component blocks with call metrics (`dapr_component_<block>_count` / `_latencies`). */
export type ComponentBlock = 'state' | 'secret' | 'pubsub_egress';

/** What a delivery to the app came to (`process_status` of pub/sub ingress). */
export type IngressStatus = 'success' | 'retry' | 'drop';

/**
 * The runtime's metrics, with daprd's names and labels: app id, component names, operations, topics,
 * status codes, and the HTTP `path` label daprd derives (state and secrets keys cut; nothing at all
 * with `increasedCardinality: false`) — never state keys or values.
 */
/** One policy event, with the Resiliency name and namespace daprd labels it with. */
export interface ResiliencyPolicyEvent {
  kind: 'executed' | 'activated';
  policy: 'timeout' | 'retry' | 'circuitbreaker';
  direction: 'inbound' | 'outbound';
  target: string;
  status: string;
  resiliency: string;
  namespace: string;
}

export interface Metrics {
  readonly enabled: boolean;
  /** One API request: `urlPath` is the request's path (no query); the label is derived as daprd does. */
  httpServerRequest(
    method: string,
    urlPath: string,
    status: number,
    elapsedMs: number,
    reqBytes: number,
    resBytes: number,
  ): void;
  /**
   * One call to the app (delivery, job trigger, `/dapr/subscribe`): `dapr_http_client_*`. A call
   * that got no answer is recorded with status 500, as daprd does.
   */
  httpClientRequest(
    method: string,
    urlPath: string,
    status: number,
    elapsedMs: number,
    sentBytes: number,
    receivedBytes: number,
  ): void;
  /** One gRPC API call (`dapr_grpc_io_server_*`): its full method name and gRPC status code. */
  grpcServerRequest(method: string, code: number, elapsedMs: number): void;
  /** One HTTP app health probe (`dapr_http_healthprobes_*`; 500 when it got no answer). */
  appHealthProbe(status: number, elapsedMs: number): void;
  /** One call to a component (state op, secret get, publish). */
  componentCall(
    block: ComponentBlock,
    component: string,
    operation: string,
    success: boolean,
    elapsedMs: number,
    topic?: string,
  ): void;
  /**
   * One bulk publish call (`dapr_component_pubsub_egress_bulk_*`): `success` is daprd's `err == nil`
   * (no entry failed), `events` the entries published.
   */
  pubsubEgressBulk(
    component: string,
    topic: string,
    success: boolean,
    events: number,
    elapsedMs: number,
  ): void;
  /**
   * One bulk delivery to the app, settled (`dapr_component_pubsub_ingress_bulk_*`): its entries by
   * how they ended.
   */
  pubsubIngressBulk(
    component: string,
    topic: string,
    entries: Record<IngressStatus, number>,
    elapsedMs: number,
  ): void;
  /** One delivery attempt to the app. */
  pubsubIngress(component: string, topic: string, status: IngressStatus, elapsedMs: number): void;
  /** One job trigger delivered to the app. */
  jobTriggered(success: boolean, elapsedMs: number): void;
  /** An API error answered with this code (`dapr_error_code_total`, when `recordErrorCodes` is on). */
  errorCode(code: string): void;
  /**
   * A component was initialised (`dapr_runtime_component_init_total`) or failed to
   * (`dapr_runtime_component_init_fail_total`, `failed`: daprd's reason, `creation` or `init`).
   */
  componentInit(type: string, name: string, failed?: 'creation' | 'init'): void;
  /** A Resiliency document was loaded (`dapr_resiliency_loaded`). */
  resiliencyLoaded(name: string, namespace: string): void;
  /**
   * A policy applied to a call or activated (`dapr_resiliency_count`,
   * `dapr_resiliency_activations_total`; a breaker's state also sets `dapr_resiliency_cb_state`).
   */
  resiliencyPolicy(e: ResiliencyPolicyEvent): void;
  /** The Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

export const noMetrics: Metrics = {
  enabled: false,
  httpServerRequest: () => {},
  httpClientRequest: () => {},
  appHealthProbe: () => {},
  grpcServerRequest: () => {},
  componentCall: () => {},
  pubsubEgressBulk: () => {},
  pubsubIngressBulk: () => {},
  pubsubIngress: () => {},
  jobTriggered: () => {},
  errorCode: () => {},
  componentInit: () => {},
  resiliencyLoaded: () => {},
  resiliencyPolicy: () => {},
  render: () => Promise.resolve(''),
  contentType: 'text/plain; version=0.0.4; charset=utf-8',
};
