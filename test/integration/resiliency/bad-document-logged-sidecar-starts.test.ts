import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { pubsubInboundRetryYaml, resiliencyYaml } from '../../helpers/resiliency.js';
import { pubsubYaml, TestApp, waitForSubscriptions } from '../observability/helpers.js';

// daprd logs a Resiliency it cannot read and starts without it; the other documents still apply.
const BROKEN = resiliencyYaml({
  name: 'broken',
  timeouts: { general: 'soon' },
  components: { pubsub: { inbound: { timeout: 'general' } } },
});

const GOOD = pubsubInboundRetryYaml('good', 'twice', { duration: '20ms', maxRetries: 2 });

it('a Resiliency with a bad duration is logged and skipped; the sidecar starts and the good one applies', async () => {
  await using app = await TestApp.start(
    [{ pubsubname: 'pubsub', topic: 'orders', route: '/orders' }],
    () => 500,
  );
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': pubsubYaml(), 'broken.yaml': BROKEN, 'good.yaml': GOOD },
    args: ['--app-port', String(app.port)],
  });
  expect(p.output).toMatch(
    /Could not read resiliency policy broken: .*timeout general 'soon' is not a duration/,
  );
  expect(p.output).toContain('Loading Resiliency configuration: good');
  await waitForSubscriptions(p, 1);
  const res = await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', body: 'x' });
  expect(res.status).toBe(204);
  await app.waitForDeliveries(3);
  // The first delivery and maxRetries: 2, and no more.
  await new Promise((r) => setTimeout(r, 300));
  expect(app.deliveries).toHaveLength(3);
});
