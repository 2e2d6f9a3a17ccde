import { expect, it } from 'vitest';
import { DaprtsProcess, freePort } from '../../helpers/daprts-process.js';
import { pubsubYaml, sampleValue, scrape, TestApp, waitForSubscriptions } from './helpers.js';

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

it('bulk subscribe: one bulk ingress per batch delivered, its entries counted by how they ended', async () => {
  let n = 0;
  await using app = await TestApp.start(
    [
      {
        pubsubname: 'pubsub',
        topic: 'batch',
        route: '/batch',
        bulkSubscribe: { enabled: true, maxMessagesCount: 10, maxAwaitDurationMs: 100 },
      } as { pubsubname: string; topic: string; route: string },
    ],
    (d) => {
      const entries = (d.body.entries ?? []) as { entryId: string }[];
      // The second entry the app ever sees is dropped; the rest succeed.
      const statuses = entries.map((e) => ({ entryId: e.entryId, status: ++n === 2 ? 'DROP' : 'SUCCESS' }));
      return { status: 200, body: JSON.stringify({ statuses }) };
    },
  );
  const metricsPort = await freePort();
  await using p = await DaprtsProcess.start({
    appId: 'bulk-sub',
    resources: { 'pubsub.yaml': pubsubYaml() },
    args: ['--app-port', String(app.port), '--metrics-port', String(metricsPort)],
  });
  await waitForSubscriptions(p, 1);
  const deadline = Date.now() + 10_000;
  for (let i = 0; i < 3; i++) {
    const res = await p.fetch('/v1.0/publish/pubsub/batch', { method: 'POST', body: `m${i}` });
    expect(res.status).toBe(204);
  }
  while (n < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 200));
  const { samples } = await scrape(metricsPort);
  const base = { component: 'pubsub', topic: 'batch' };
  expect(sampleValue(samples, 'dapr_component_pubsub_ingress_bulk_count', base)).toBe(app.deliveries.length);
  expect(sampleValue(samples, 'dapr_component_pubsub_ingress_bulk_latencies_count', base)).toBe(
    app.deliveries.length,
  );
  const entries = (status: string) =>
    sampleValue(samples, 'dapr_component_pubsub_ingress_bulk_event_count', {
      ...base,
      process_status: status,
    });
  expect([entries('success'), entries('drop')]).toEqual([2, 1]);
});
