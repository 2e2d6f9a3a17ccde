import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { resiliencyYaml } from '../../helpers/resiliency.js';
import { pubsubYaml, TestApp, waitForSubscriptions } from '../observability/helpers.js';

// In a Resiliency a duration without a unit is milliseconds (daprd), not seconds: "150" is a string.
const RESILIENCY = resiliencyYaml({
  name: 'short',
  timeouts: { quick: '150' },
  retries: { once: { policy: 'constant', duration: '20', maxRetries: 1 } },
  components: { pubsub: { inbound: { timeout: 'quick', retry: 'once' } } },
});

it('timeout "150" cuts a slow delivery after 150 ms and the retry delivers again', async () => {
  let calls = 0;
  await using app = await TestApp.start(
    [{ pubsubname: 'pubsub', topic: 'slow', route: '/slow' }],
    async () => {
      calls++;
      if (calls === 1) await new Promise((r) => setTimeout(r, 1500));
      return 200;
    },
  );
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': pubsubYaml(), 'resiliency.yaml': RESILIENCY },
    args: ['--app-port', String(app.port)],
  });
  await waitForSubscriptions(p, 1);
  const started = Date.now();
  const res = await p.fetch('/v1.0/publish/pubsub/slow', { method: 'POST', body: 'x' });
  expect(res.status).toBe(204);
  // The second delivery comes once the first timed out (150 ms) plus the 20 ms back-off.
  await app.waitForDeliveries(2, 1200);
  expect(Date.now() - started).toBeLessThan(1200);
  expect(calls).toBe(2);
});
