import { expect, it } from 'vitest';
import { DaprtsProcess, freePort, inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { otlpTracingConfigDir, OtlpReceiver, sampleValue, scrape, TestApp } from './helpers.js';

it('a job trigger is traced (traceparent on the POST to the app) and counted', async () => {
  await using receiver = await OtlpReceiver.start();
  await using app = await TestApp.start([]);
  using cfg = otlpTracingConfigDir(receiver);
  const metricsPort = await freePort();
  await using p = await DaprtsProcess.start({
    appId: 'jobs-traced',
    resources: { 'state.yaml': inMemoryStateYaml() },
    args: [
      '--config',
      `${cfg.dir}/config.yaml`,
      '--app-port',
      String(app.port),
      '--metrics-port',
      String(metricsPort),
    ],
  });
  const res = await p.fetch('/v1.0-alpha1/jobs/nightly-report', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dueTime: '0s', data: { report: 'daily' } }),
  });
  expect(res.status).toBe(204);
  const [call] = await app.waitForDeliveries(1);
  expect(call.path).toBe('/job/nightly-report');
  const tp = String(call.headers.traceparent);
  expect(tp).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  const [, traceId, spanId] = tp.split('-');
  const deadline = Date.now() + 15_000;
  while (!receiver.spans.some((s) => s.spanId === spanId) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const span = receiver.spans.find((s) => s.spanId === spanId);
  expect(span).toMatchObject({ name: 'job-trigger', traceId, service: 'jobs-traced' });
  expect(span?.attributes['dapr.job.name']).toBe('nightly-report');
  const { samples } = await scrape(metricsPort);
  expect(
    sampleValue(samples, 'dapr_component_job_success_count', {
      app_id: 'jobs-traced',
      operation: 'job_trigger_op',
    }),
  ).toBe(1);
  expect(sampleValue(samples, 'dapr_component_job_latencies_count', { success: 'true' })).toBe(1);
});
