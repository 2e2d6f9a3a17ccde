import { expect, it } from 'vitest';
import { freePort } from '../../helpers/daprts-process.js';
import { getState, saveState, startWithStateStore } from '../../helpers/dapr-http.js';
import { scrape, sampleValue } from './helpers.js';

it('/metrics serves daprd-named counters that move as requests do, with bounded labels', async () => {
  const metricsPort = await freePort();
  await using p = await startWithStateStore({
    appId: 'metered',
    args: ['--metrics-port', String(metricsPort)],
  });
  const before = await scrape(metricsPort);
  const get = { app_id: 'metered', method: 'GET', path: '/v1.0/state/statestore', status: '204' };
  const base = sampleValue(before.samples, 'dapr_http_server_request_count', get);

  expect((await saveState(p, [{ key: 'customer-4711', value: 'x' }])).status).toBe(204);
  for (let i = 0; i < 3; i++) expect((await getState(p, `missing-${i}`)).status).toBe(204);

  const after = await scrape(metricsPort);
  // docs (dapr-metrics.md, "Component"): one count per initialised component, by type.
  expect(
    sampleValue(after.samples, 'dapr_runtime_component_init_total', {
      app_id: 'metered',
      component: 'state.in-memory',
    }),
  ).toBe(1);
  expect(after.types.dapr_http_server_request_count).toBe('counter');
  expect(after.types.dapr_http_server_latency).toBe('histogram');
  expect(sampleValue(after.samples, 'dapr_http_server_request_count', get)).toBe(base + 3);
  expect(sampleValue(after.samples, 'dapr_http_server_latency_count', get)).toBe(base + 3);
  expect(
    sampleValue(after.samples, 'dapr_http_server_request_count', {
      method: 'POST',
      path: '/v1.0/state/statestore',
      status: '204',
    }),
  ).toBe(1);
  const stateOp = { app_id: 'metered', component: 'statestore', success: 'true' };
  expect(sampleValue(after.samples, 'dapr_component_state_count', { ...stateOp, operation: 'get' })).toBe(3);
  expect(sampleValue(after.samples, 'dapr_component_state_count', { ...stateOp, operation: 'set' })).toBe(1);
  expect(
    sampleValue(after.samples, 'dapr_component_state_latencies_count', { ...stateOp, operation: 'get' }),
  ).toBe(3);
  // Buckets are cumulative and end at +Inf = count.
  const inf = after.samples.find(
    (s) =>
      s.name === 'dapr_component_state_latencies_bucket' &&
      s.labels.operation === 'get' &&
      s.labels.le === '+Inf',
  );
  expect(inf?.value).toBe(3);

  // No label carries a key, an id or a raw URL.
  const text = JSON.stringify(after.samples);
  expect(text).not.toContain('customer-4711');
  expect(text).not.toContain('missing-0');
});
