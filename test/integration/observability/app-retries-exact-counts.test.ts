import { expect, it } from 'vitest';
import { DaprtsProcess, freePort } from '../../helpers/daprts-process.js';
import { pubsubInboundRetryYaml } from '../../helpers/resiliency.js';
import { pubsubYaml, sampleValue, scrape, TestApp, waitForSubscriptions } from './helpers.js';

const RESILIENCY = pubsubInboundRetryYaml('inbound', 'threeTimes', {
  duration: '50ms',
  maxRetries: 3,
  matching: { httpStatusCodes: '500-599' },
});

/** What the app answers, per topic, call after call (the last answer repeats). */
const SCRIPTS: Record<string, (number | 'RETRY')[]> = {
  recovers: [503, 503, 200],
  down: [500],
  throttled: [429],
  'asks-retry': ['RETRY'],
};

it('inbound retries to the app: exact call counts, and matching.httpStatusCodes decides', async () => {
  const calls: Record<string, number> = {};
  await using app = await TestApp.start(
    Object.keys(SCRIPTS).map((topic) => ({ pubsubname: 'pubsub', topic, route: `/${topic}` })),
    (d) => {
      const topic = d.path.slice(1);
      const n = (calls[topic] = (calls[topic] ?? 0) + 1);
      const script = SCRIPTS[topic];
      const answer = script[Math.min(n, script.length) - 1];
      return answer === 'RETRY' ? { status: 200, body: '{"status":"RETRY"}' } : answer;
    },
  );
  const metricsPort = await freePort();
  await using p = await DaprtsProcess.start({
    appId: 'retrier',
    resources: { 'pubsub.yaml': pubsubYaml(), 'resiliency.yaml': RESILIENCY },
    args: ['--app-port', String(app.port), '--metrics-port', String(metricsPort)],
  });
  await waitForSubscriptions(p, 4);
  for (const topic of Object.keys(SCRIPTS)) {
    const res = await p.fetch(`/v1.0/publish/pubsub/${topic}`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(204);
  }
  // Retries are 50 ms apart: after a second every script has run its course.
  await new Promise((r) => setTimeout(r, 1000));
  expect(calls).toEqual({
    recovers: 3, // two 503s retried, then 200
    down: 4, // the first call and maxRetries: 3
    throttled: 1, // 429 is not in matching.httpStatusCodes
    'asks-retry': 4, // a 2xx {"status":"RETRY"} has no status code to match: retried
  });
  const { samples } = await scrape(metricsPort);
  const ingress = (topic: string, status: string) =>
    sampleValue(samples, 'dapr_component_pubsub_ingress_count', {
      component: 'pubsub',
      topic,
      process_status: status,
    });
  expect([ingress('recovers', 'retry'), ingress('recovers', 'success')]).toEqual([2, 1]);
  expect(ingress('down', 'retry')).toBe(4);
  expect(
    sampleValue(samples, 'dapr_component_pubsub_egress_count', { component: 'pubsub', success: 'true' }),
  ).toBe(4);
  // Each call to the app is a completed HTTP client request (daprd's dapr_http_client_*).
  const client = (path: string, status: string) =>
    sampleValue(samples, 'dapr_http_client_completed_count', {
      app_id: 'retrier',
      method: 'POST',
      path,
      status,
    });
  expect([client('/recovers', '503'), client('/recovers', '200'), client('/down', '500')]).toEqual([2, 1, 4]);
  expect(
    sampleValue(samples, 'dapr_http_client_completed_count', { method: 'GET', path: '/dapr/subscribe' }),
  ).toBe(1);
});
