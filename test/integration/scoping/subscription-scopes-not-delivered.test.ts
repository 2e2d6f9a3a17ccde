import { expect, it } from 'vitest';
import { expectNoContent, expectValue, sleep } from '../../helpers/dapr-http.js';
import { startPubsubSidecar } from '../../helpers/pubsub-sidecar.js';
import { publish, scopedPubsubYaml } from './helpers.js';

it("subscriptionScopes: a programmatic subscription to a topic outside the app's scope is never delivered", async () => {
  await using s = await startPubsubSidecar({
    subscriptions: [
      { pubsubname: 'pubsub', topic: 'task-events', route: '/task-events' },
      { pubsubname: 'pubsub', topic: 'reminders', route: '/reminders' },
    ],
    appId: 'notification-service',
    pubsub: scopedPubsubYaml({ subscriptionScopes: 'notification-service=task-events;backend=reminders' }),
  });
  const { app, sidecar: p } = s;

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    subscriptions?: { topic: string }[];
  };
  // daprd's metadata API lists what the compstore holds, running or not (ListTypedSubscriptions).
  expect((md.subscriptions ?? []).map((s) => s.topic)).toEqual(['task-events', 'reminders']);

  // Publishing is not restricted (no publishingScopes): both publishes succeed.
  await expectNoContent(await publish(p, 'reminders'));
  await expectNoContent(await publish(p, 'task-events'));
  await expectNoContent(await publish(p, 'reminders'));
  await expectNoContent(await publish(p, 'task-events'));
  await app.waitFor('/task-events', 2);
  await sleep(500);
  expect(app.to('/reminders')).toEqual([]);
  expect(app.to('/task-events')).toHaveLength(2);
});
