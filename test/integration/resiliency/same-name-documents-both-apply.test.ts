import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { resiliencyYaml } from '../../helpers/resiliency.js';
import { pubsubYaml, TestApp, waitForSubscriptions } from '../observability/helpers.js';

// daprd does not compare Resiliency names: two documents called alike both load.
const POLICIES = resiliencyYaml({
  name: 'shared',
  retries: { twice: { policy: 'constant', duration: '20ms', maxRetries: 2 } },
});

const TARGETS = resiliencyYaml({ name: 'shared', components: { pubsub: { inbound: { retry: 'twice' } } } });

it('two Resiliency documents with the same name both apply, one naming a policy of the other', async () => {
  await using app = await TestApp.start([{ pubsubname: 'pubsub', topic: 'dup', route: '/dup' }], () => 500);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': pubsubYaml(), 'a-policies.yaml': POLICIES, 'b-targets.yaml': TARGETS },
    args: ['--app-port', String(app.port)],
  });
  await waitForSubscriptions(p, 1);
  expect((await p.fetch('/v1.0/publish/pubsub/dup', { method: 'POST', body: 'x' })).status).toBe(204);
  await app.waitForDeliveries(3);
  await new Promise((r) => setTimeout(r, 300));
  expect(app.deliveries).toHaveLength(3);
});
