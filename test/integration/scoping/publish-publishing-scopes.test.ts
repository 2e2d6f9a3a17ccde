import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { publish, scopedPubsubYaml } from './helpers.js';

it('publishingScopes: the app publishes only to its listed topics; others are 403 ERR_PUBSUB_FORBIDDEN', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'backend',
    resources: {
      'pubsub.yaml': scopedPubsubYaml({
        publishingScopes: 'backend=task-events, task-updates;notification-service=reminders',
      }),
    },
  });

  await expectNoContent(await publish(p, 'task-events'));
  await expectNoContent(await publish(p, 'task-updates'));
  const body = await expectDaprError(await publish(p, 'reminders'), 403, 'ERR_PUBSUB_FORBIDDEN');
  expect(body.message).toBe('topic reminders is not allowed for app id backend');
  // daprd's PublishForbidden: a ResourceInfo for the pubsub, then the ErrorInfo with {topic, error}.
  expect(body.details).toEqual([
    {
      '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
      resource_type: 'pubsub',
      resource_name: 'pubsub',
      owner: '',
      description: 'topic reminders is not allowed for app id backend',
    },
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'DAPR_PUBSUB_FORBIDDEN',
      domain: 'dapr.io',
      metadata: { topic: 'reminders', error: 'topic reminders is not allowed for app id backend' },
    },
  ]);
  await expectDaprError(await publish(p, 'not-listed'), 403, 'ERR_PUBSUB_FORBIDDEN');
  // Topic names match exactly.
  await expectDaprError(await publish(p, 'Task-Events'), 403, 'ERR_PUBSUB_FORBIDDEN');
});
