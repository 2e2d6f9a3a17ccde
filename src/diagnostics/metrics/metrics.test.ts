import { describe, expect, it } from 'vitest';
import { errorCategory } from './error-codes.js';
import { noMetrics } from './metrics.js';
import { PromMetrics } from './prom.js';

describe('PromMetrics', () => {
  it("renders daprd's names and labels", async () => {
    const m = new PromMetrics({
      appId: 'app',
      namespace: 'ns',
      recordErrorCodes: true,
      latencyBuckets: [1, 10],
    });
    m.httpServerRequest('GET', '/v1.0/state/store/customer-1', 200, 3, 0, 10);
    m.httpServerRequest('BREW', '/v1.0/brew', 404, 1, 0, 0);
    m.componentCall('state', 'store', 'get', true, 2);
    m.componentCall('pubsub_egress', 'ps', 'publish', false, 2, 'orders');
    m.pubsubIngress('ps', 'orders', 'retry', 5);
    m.jobTriggered(true, 4);
    m.errorCode('ERR_STATE_STORE_NOT_FOUND');
    const text = await m.render();
    expect(text).toContain(
      'dapr_http_server_request_count{app_id="app",method="GET",path="/v1.0/state/store",status="200"} 1',
    );
    expect(text).toContain(
      'dapr_http_server_request_count{app_id="app",method="UNKNOWN",path="/v1.0/brew",status="404"} 1',
    );
    expect(text).toContain('dapr_http_server_latency_bucket{le="10",app_id="app",method="GET"');
    expect(text).toContain(
      'dapr_component_state_count{app_id="app",component="store",namespace="ns",operation="get",success="true"} 1',
    );
    expect(text).toContain(
      'dapr_component_pubsub_egress_count{app_id="app",component="ps",namespace="ns",success="false",topic="orders"} 1',
    );
    expect(text).toContain(
      'dapr_component_pubsub_ingress_count{app_id="app",component="ps",namespace="ns",process_status="retry",status="retry",topic="orders"} 1',
    );
    expect(text).toContain(
      'dapr_component_job_success_count{app_id="app",namespace="ns",operation="job_trigger_op"} 1',
    );
    expect(text).toContain(
      'dapr_error_code_total{app_id="app",category="state",error_code="ERR_STATE_STORE_NOT_FOUND"} 1',
    );
  });

  it('histograms are cumulative per bucket with +Inf, _sum and _count; counters count per label set', async () => {
    const m = new PromMetrics({ appId: 'app', namespace: '', latencyBuckets: [10, 1] });
    for (const ms of [0.5, 1, 5, 50]) m.httpServerRequest('GET', '/x', 200, ms, 0, 0);
    m.httpServerRequest('GET', '/x', 500, 2, 0, 0);
    const text = await m.render();
    const series = 'app_id="app",method="GET",path="/x",status="200"';
    expect(text).toContain(`dapr_http_server_latency_bucket{le="1",${series}} 2`);
    expect(text).toContain(`dapr_http_server_latency_bucket{le="10",${series}} 3`);
    expect(text).toContain(`dapr_http_server_latency_bucket{le="+Inf",${series}} 4`);
    expect(text).toContain(`dapr_http_server_latency_sum{${series}} 56.5`);
    expect(text).toContain(`dapr_http_server_latency_count{${series}} 4`);
    expect(text).toContain(`dapr_http_server_request_count{${series}} 4`);
    expect(text).toContain(
      'dapr_http_server_request_count{app_id="app",method="GET",path="/x",status="500"} 1',
    );
    expect(text).toContain('dapr_http_server_request_bytes_count{app_id="app"} 5');
    expect(text).toContain('# TYPE dapr_http_server_latency histogram');
    expect(text).toContain('# TYPE dapr_http_server_request_count counter');
  });

  it('excludeVerbs drops the method label value; without recordErrorCodes there is no error metric', async () => {
    const m = new PromMetrics({ appId: 'app', namespace: '', excludeVerbs: true });
    m.httpServerRequest('GET', '/x', 200, 1, 0, 0);
    m.errorCode('ERR_INTERNAL');
    const text = await m.render();
    expect(text).toContain('method=""');
    expect(text).not.toContain('dapr_error_code_total');
  });

  it('metrics.rules rewrite the label values of the metric they name, as daprd (docs: "Transform metrics with regular expressions")', async () => {
    const m = new PromMetrics({
      appId: 'app',
      namespace: '',
      rules: [
        {
          name: 'dapr_http_server_request_count',
          labels: [{ name: 'path', regex: { 'orders/': 'orders/.+' } }],
        },
      ],
    });
    m.httpServerRequest('GET', '/v1.0/invoke/orders/a746dhsk293972nz', 200, 1, 0, 0);
    m.httpServerRequest('GET', '/v1.0/invoke/orders/b1', 200, 1, 0, 0);
    const text = await m.render();
    expect(text).toContain(
      'dapr_http_server_request_count{app_id="app",method="GET",path="/v1.0/invoke/orders/",status="200"} 2',
    );
    // Other metrics keep their labels.
    expect(text).toContain(
      'dapr_http_server_latency_count{app_id="app",method="GET",path="/v1.0/invoke/orders/a746dhsk293972nz"',
    );
  });

  it("a rule's regex may start with Go's inline flags ((?i))", async () => {
    const m = new PromMetrics({
      appId: 'app',
      namespace: '',
      rules: [
        { name: 'dapr_http_server_request_count', labels: [{ name: 'path', regex: { '/x/': '(?i)/X/.+' } }] },
      ],
    });
    m.httpServerRequest('GET', '/x/abc', 200, 1, 0, 0);
    expect(await m.render()).toContain(
      'dapr_http_server_request_count{app_id="app",method="GET",path="/x/",status="200"} 1',
    );
  });

  it('a rule whose regex does not compile is an error, as daprd fails to start its metrics', () => {
    expect(
      () =>
        new PromMetrics({
          appId: 'app',
          namespace: '',
          rules: [{ name: 'dapr_http_server_request_count', labels: [{ name: 'path', regex: { x: '(' } }] }],
        }),
    ).toThrow(/failed to compile regex for rule dapr_http_server_request_count\/path/);
  });

  it("component initialisations: daprd's dapr_runtime_component_init_total and _init_fail_total", async () => {
    const m = new PromMetrics({ appId: 'app', namespace: '' });
    m.componentInit('state.redis', 'statestore');
    m.componentInit('pubsub.redis', 'pubsub');
    m.componentInit('state.postgresql', 'orders', 'init');
    const text = await m.render();
    expect(text).toContain('dapr_runtime_component_init_total{app_id="app",component="state.redis"} 1');
    expect(text).toContain('dapr_runtime_component_init_total{app_id="app",component="pubsub.redis"} 1');
    expect(text).toContain(
      'dapr_runtime_component_init_fail_total{app_id="app",component="state.postgresql",componentName="orders",reason="init"} 1',
    );
  });

  it("serves the process metrics daprd's Prometheus endpoint has (process_*)", async () => {
    const text = await new PromMetrics({ appId: 'app', namespace: '' }).render();
    expect(text).toMatch(/^process_cpu_seconds_total \d/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    expect(text).toMatch(/^process_start_time_seconds \d/m);
  });

  it("calls to the app: daprd's dapr_http_client_* and dapr_http_healthprobes_* series", async () => {
    const m = new PromMetrics({ appId: 'app', namespace: '', latencyBuckets: [10] });
    m.httpClientRequest('POST', '/orders', 200, 3, 12, 0);
    m.httpClientRequest('POST', 'orders', 500, 4, 12, 5);
    m.httpClientRequest('GET', 'dapr/subscribe', 200, 1, 0, 40);
    m.appHealthProbe(204, 2);
    const text = await m.render();
    expect(text).toContain(
      'dapr_http_client_completed_count{app_id="app",method="POST",path="/orders",status="200"} 1',
    );
    expect(text).toContain(
      'dapr_http_client_completed_count{app_id="app",method="POST",path="/orders",status="500"} 1',
    );
    expect(text).toContain(
      'dapr_http_client_completed_count{app_id="app",method="GET",path="/dapr/subscribe",status="200"} 1',
    );
    expect(text).toContain(
      'dapr_http_client_roundtrip_latency_count{app_id="app",method="POST",path="/orders",status="200"} 1',
    );
    expect(text).toContain(
      'dapr_http_client_sent_bytes_count{app_id="app",method="POST",path="/orders",status=""} 2',
    );
    expect(text).toContain('dapr_http_client_received_bytes_sum{app_id="app"} 45');
    expect(text).toContain('dapr_http_healthprobes_completed_count{app_id="app",status="204"} 1');
    expect(text).toContain('dapr_http_healthprobes_roundtrip_latency_count{app_id="app",status="204"} 1');
  });

  it('increasedCardinality false: no dapr_http_server_response_count (daprd registers it only in legacy mode)', async () => {
    const m = new PromMetrics({ appId: 'app', namespace: '', http: { increasedCardinality: false } });
    m.httpServerRequest('GET', '/v1.0/metadata', 200, 1, 0, 0);
    const text = await m.render();
    expect(text).toContain(
      'dapr_http_server_request_count{app_id="app",method="GET",path="",status="200"} 1',
    );
    expect(text).not.toContain('dapr_http_server_response_count');
  });

  it("gRPC API calls: daprd's dapr_grpc_io_server_completed_rpcs and _server_latency", async () => {
    const m = new PromMetrics({ appId: 'app', namespace: '', latencyBuckets: [10] });
    m.grpcServerRequest('/dapr.proto.runtime.v1.Dapr/GetState', 0, 2);
    m.grpcServerRequest('/dapr.proto.runtime.v1.Dapr/GetState', 3, 1);
    m.grpcServerRequest('/dapr.proto.runtime.v1.Dapr/GetState', 0, 1);
    const text = await m.render();
    const method = 'grpc_server_method="/dapr.proto.runtime.v1.Dapr/GetState"';
    expect(text).toContain(
      `dapr_grpc_io_server_completed_rpcs{app_id="app",${method},grpc_server_status="OK"} 2`,
    );
    expect(text).toContain(
      `dapr_grpc_io_server_completed_rpcs{app_id="app",${method},grpc_server_status="InvalidArgument"} 1`,
    );
    expect(text).toContain(
      `dapr_grpc_io_server_server_latency_count{app_id="app",${method},grpc_server_status="OK"} 2`,
    );
  });

  it('noMetrics is off and renders nothing', async () => {
    expect(noMetrics.enabled).toBe(false);
    expect(await noMetrics.render()).toBe('');
  });
});

describe('errorCategory', () => {
  it.each([
    ['ERR_STATE_GET', 'state'],
    ['ERR_MALFORMED_REQUEST', 'state'],
    ['ERR_PUBSUB_NOT_FOUND', 'pubsub'],
    ['ERR_TOPIC_NAME_EMPTY', 'pubsub'],
    ['ERR_SECRET_STORE_NOT_FOUND', 'secret'],
    ['ERR_PERMISSION_DENIED', 'secret'],
    ['DAPR_SCHEDULER_SCHEDULE_JOB', 'job'],
    ['ERR_HEALTH_NOT_READY', 'health'],
    ['ERR_DIRECT_INVOKE', 'service-invocation'],
    ['ERR_BAD_REQUEST', 'common'],
  ])('%s → %s', (code, category) => expect(errorCategory(code)).toBe(category));
});
