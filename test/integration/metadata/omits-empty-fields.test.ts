import { expect, it } from 'vitest';
import { inMemoryStateYaml } from '../../helpers/daprts-process.js';
import { expectValue } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { componentYaml } from '../../helpers/resources.js';

const subscriptionYaml = `apiVersion: dapr.io/v2alpha1
kind: Subscription
metadata:
  name: orders-sub
spec:
  pubsubname: pubsub
  topic: orders
  routes:
    default: /orders
`;

// daprd writes GET /v1.0/metadata with Go's encoding/json and `omitempty`: empty lists are absent, not
// []; `deadLetterTopic` has no omitempty, so a subscription without one shows "" (as the docs' example).
it('GET /v1.0/metadata leaves out empty lists and always shows a subscription deadLetterTopic', async () => {
  await using s = await startPubsubSidecar({
    resources: {
      'statestore.yaml': inMemoryStateYaml(),
      'secrets.yaml': componentYaml({ name: 'envsecrets', type: 'secretstores.local.env' }),
      'subscription.yaml': subscriptionYaml,
    },
  });
  const { app, sidecar: p } = s;
  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as Record<string, unknown>;

  for (const absent of ['enabledFeatures', 'actors', 'httpEndpoints'])
    expect(md, absent).not.toHaveProperty(absent);
  const components = md.components as Record<string, unknown>[];
  expect(components.find((c) => c.name === 'envsecrets')).toEqual({
    name: 'envsecrets',
    type: 'secretstores.local.env',
    version: 'v1',
  });
  expect(components.find((c) => c.name === 'statestore')).toHaveProperty('capabilities');

  expect(md.subscriptions).toEqual([
    {
      pubsubname: 'pubsub',
      topic: 'orders',
      rules: [{ path: '/orders' }],
      deadLetterTopic: '',
      type: 'DECLARATIVE',
    },
  ]);
  expect(md.appConnectionProperties).toEqual({
    port: app.port,
    protocol: 'http',
    channelAddress: '127.0.0.1',
  });
  expect(md.actorRuntime).toEqual({
    runtimeStatus: 'DISABLED',
    hostReady: false,
    placement: 'placement: disconnected',
  });
});
