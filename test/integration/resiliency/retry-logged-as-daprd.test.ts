import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { pubsubInboundRetryYaml } from '../../helpers/resiliency.js';
import { pubsubYaml, TestApp, waitForSubscriptions } from '../observability/helpers.js';

const RESILIENCY = pubsubInboundRetryYaml('logged', 'thrice', { duration: '20ms', maxRetries: 3 });

it('a retried delivery logs one warning with the back-off, then the recovery, in daprd words', async () => {
  let calls = 0;
  await using app = await TestApp.start([{ pubsubname: 'pubsub', topic: 'flaky', route: '/flaky' }], () =>
    ++calls < 3 ? 500 : 200,
  );
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': pubsubYaml(), 'resiliency.yaml': RESILIENCY },
    args: ['--app-port', String(app.port)],
  });
  await waitForSubscriptions(p, 1);
  const res = await p.fetch('/v1.0/publish/pubsub/flaky', { method: 'POST', body: 'x' });
  expect(res.status).toBe(204);
  await app.waitForDeliveries(3);
  const logDeadline = Date.now() + 2000;
  while (!p.output.includes('Recovered processing') && Date.now() < logDeadline)
    await new Promise((r) => setTimeout(r, 25));
  const warnings = p.output.split('\n').filter((l) => l.includes('Error processing operation'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain('Error processing operation component[pubsub] input. Retrying in 20ms…');
  expect(warnings[0]).toMatch(/warn/i);
  expect(p.output).toContain('Recovered processing operation component[pubsub] input after 3 attempts');
});
