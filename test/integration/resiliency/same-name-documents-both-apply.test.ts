import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { pubsubYaml, TestApp } from '../observability/helpers.js';

// daprd does not compare Resiliency names: two documents called alike both load.
const doc = (body: string) => `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: shared
spec:
${body}`;

const POLICIES = doc(`  policies:
    retries:
      twice:
        policy: constant
        duration: 20ms
        maxRetries: 2
`);

const TARGETS = doc(`  targets:
    components:
      pubsub:
        inbound:
          retry: twice
`);

it('two Resiliency documents with the same name both apply, one naming a policy of the other', async () => {
  await using app = await TestApp.start([{ pubsubname: 'pubsub', topic: 'dup', route: '/dup' }], () => 500);
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': pubsubYaml(), 'a-policies.yaml': POLICIES, 'b-targets.yaml': TARGETS },
    args: ['--app-port', String(app.port)],
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const md = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions?: unknown[] };
    if ((md.subscriptions ?? []).length === 1) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect((await p.fetch('/v1.0/publish/pubsub/dup', { method: 'POST', body: 'x' })).status).toBe(204);
  await app.waitForDeliveries(3);
  await new Promise((r) => setTimeout(r, 300));
  expect(app.deliveries).toHaveLength(3);
});
