import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { publish, scopedPubsubYaml } from './helpers.js';

it('allowedTopics: a topic not in the list is 403 ERR_PUBSUB_FORBIDDEN for every app, even one scoped to it', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'backend',
    resources: {
      'pubsub.yaml': scopedPubsubYaml({
        allowedTopics: 'task-events,reminders',
        publishingScopes: 'backend=task-events,task-updates',
      }),
    },
  });

  await expectNoContent(await publish(p, 'task-events'));
  const body = await expectDaprError(await publish(p, 'other'), 403, 'ERR_PUBSUB_FORBIDDEN');
  expect(body.message).toBe('topic other is not allowed for app id backend');
  // Scoped for the app but not an allowed topic.
  await expectDaprError(await publish(p, 'task-updates'), 403, 'ERR_PUBSUB_FORBIDDEN');
  // Allowed but outside the app's publishing scope.
  await expectDaprError(await publish(p, 'reminders'), 403, 'ERR_PUBSUB_FORBIDDEN');
});
