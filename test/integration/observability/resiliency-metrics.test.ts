import { expect, it } from 'vitest';
import { DaprtsProcess, freePort } from '../../helpers/daprts-process.js';
import { resiliencyYaml } from '../../helpers/resiliency.js';
import { pubsubYaml, sampleValue, scrape, TestApp, waitForSubscriptions } from './helpers.js';

const RESILIENCY = resiliencyYaml({
  name: 'metered',
  retries: { thrice: { policy: 'constant', duration: '20ms', maxRetries: 3 } },
  circuitBreakers: { cb: { trip: 'consecutiveFailures >= 2', timeout: '30s' } },
  components: { pubsub: { inbound: { retry: 'thrice', circuitBreaker: 'cb' } } },
});

it('dapr_resiliency_* series: loaded, applied per call, activated by a retry and a breaker opening', async () => {
  await using app = await TestApp.start([{ pubsubname: 'pubsub', topic: 'down', route: '/down' }], () => 500);
  const metricsPort = await freePort();
  await using p = await DaprtsProcess.start({
    appId: 'metered-app',
    resources: { 'pubsub.yaml': pubsubYaml(), 'resiliency.yaml': RESILIENCY },
    args: ['--app-port', String(app.port), '--metrics-port', String(metricsPort)],
  });
  await waitForSubscriptions(p, 1);
  expect((await p.fetch('/v1.0/publish/pubsub/down', { method: 'POST', body: 'x' })).status).toBe(204);
  await app.waitForDeliveries(2);
  // Two failures open the breaker; the retry after that is refused without calling the app.
  await new Promise((r) => setTimeout(r, 300));
  expect(app.deliveries).toHaveLength(2);

  const { samples, types } = await scrape(metricsPort);
  const common = { app_id: 'metered-app', name: 'metered', namespace: '' };
  const target = { ...common, flow_direction: 'inbound', target: 'Pubsub_pubsub' };
  expect(sampleValue(samples, 'dapr_resiliency_loaded', common)).toBe(1);
  expect(sampleValue(samples, 'dapr_resiliency_count', { ...target, policy: 'retry', status: '' })).toBe(1);
  expect(
    sampleValue(samples, 'dapr_resiliency_count', { ...target, policy: 'circuitbreaker', status: 'closed' }),
  ).toBe(1);
  expect(
    sampleValue(samples, 'dapr_resiliency_activations_total', { ...target, policy: 'retry', status: '' }),
  ).toBe(1);
  expect(
    sampleValue(samples, 'dapr_resiliency_activations_total', {
      ...target,
      policy: 'circuitbreaker',
      status: 'open',
    }),
  ).toBe(1);
  const cb = (status: string) =>
    sampleValue(samples, 'dapr_resiliency_cb_state', { ...target, policy: 'circuitbreaker', status });
  expect([cb('closed'), cb('half-open'), cb('open'), cb('unknown')]).toEqual([0, 0, 1, 0]);
  expect(types.dapr_resiliency_cb_state).toBe('gauge');
  // Publishing has no policy here: nothing is counted for the outbound direction.
  expect(
    samples.filter((s) => s.name === 'dapr_resiliency_count' && s.labels.flow_direction === 'outbound'),
  ).toEqual([]);
});
