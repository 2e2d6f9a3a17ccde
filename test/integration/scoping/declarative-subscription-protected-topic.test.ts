import { expect, it } from 'vitest';
import { expectNoContent, expectValue, sleep } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { publish, scopedPubsubYaml } from './helpers.js';

const subscription = (name: string, topic: string) => `apiVersion: dapr.io/v1alpha1
kind: Subscription
metadata:
  name: ${name}
spec:
  pubsubname: pubsub
  topic: ${topic}
  route: /api/events/${topic}
scopes:
- notification-service
`;

it('declarative subscriptions to a protected topic without a subscription scope, or outside allowedTopics, get nothing', async () => {
  await using s = await startPubsubSidecar({
    appId: 'notification-service',
    pubsub: scopedPubsubYaml({
      allowedTopics: 'task-events,payments',
      protectedTopics: 'payments',
      // The app may publish to the protected topic, but has no subscription scope for it.
      publishingScopes: 'notification-service=task-events,payments',
    }),
    resources: {
      'sub-task-events.yaml': subscription('task-events-subscription', 'task-events'),
      'sub-payments.yaml': subscription('payments-subscription', 'payments'),
      'sub-audit.yaml': subscription('audit-subscription', 'audit'),
    },
  });
  const { app, sidecar: p } = s;

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    subscriptions?: { topic: string }[];
  };
  // daprd's metadata API lists what the compstore holds, running or not (ListTypedSubscriptions).
  expect((md.subscriptions ?? []).map((s) => s.topic)).toEqual(['audit', 'payments', 'task-events']);

  await expectNoContent(await publish(p, 'payments'));
  await expectNoContent(await publish(p, 'task-events'));
  await app.waitFor('/api/events/task-events', 1);
  await sleep(500);
  expect(app.requests.filter((r) => r.path !== '/dapr/subscribe').map((r) => r.path)).toEqual([
    '/api/events/task-events',
  ]);
});
