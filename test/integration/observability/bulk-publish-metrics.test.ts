import { expect, it } from 'vitest';
import { DaprtsProcess, freePort } from '../../helpers/daprts-process.js';
import { pubsubYaml, sampleValue, scrape } from './helpers.js';

it('a bulk publish is one bulk egress call with its event count, not one egress per entry (as daprd)', async () => {
  const metricsPort = await freePort();
  await using p = await DaprtsProcess.start({
    appId: 'bulker',
    resources: { 'pubsub.yaml': pubsubYaml() },
    args: ['--metrics-port', String(metricsPort)],
  });
  const entries = [1, 2, 3].map((i) => ({
    entryId: `e${i}`,
    event: { n: i },
    contentType: 'application/json',
  }));
  const res = await p.fetch('/v1.0-alpha1/publish/bulk/pubsub/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entries),
  });
  expect(res.status).toBe(204);
  const single = await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', body: 'x' });
  expect(single.status).toBe(204);

  const { samples } = await scrape(metricsPort);
  const labels = { component: 'pubsub', topic: 'orders', success: 'true' };
  expect(sampleValue(samples, 'dapr_component_pubsub_egress_bulk_count', labels)).toBe(1);
  expect(sampleValue(samples, 'dapr_component_pubsub_egress_bulk_event_count', labels)).toBe(3);
  expect(sampleValue(samples, 'dapr_component_pubsub_egress_bulk_latencies_count', labels)).toBe(1);
  // Only the single publish counts as a plain egress.
  expect(sampleValue(samples, 'dapr_component_pubsub_egress_count', labels)).toBe(1);
});
