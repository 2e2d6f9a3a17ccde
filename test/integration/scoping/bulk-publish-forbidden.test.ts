import { it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { bulkPublish, scopedPubsubYaml } from './helpers.js';

it('bulk publish to a forbidden topic is 403 ERR_PUBSUB_FORBIDDEN on both the alpha and the v1.0 route', async () => {
  await using p = await DaprtsProcess.start({
    appId: 'backend',
    resources: { 'pubsub.yaml': scopedPubsubYaml({ publishingScopes: 'backend=task-events' }) },
  });

  await expectNoContent(await bulkPublish(p, 'task-events'));
  await expectDaprError(await bulkPublish(p, 'reminders'), 403, 'ERR_PUBSUB_FORBIDDEN');
  await expectNoContent(await bulkPublish(p, 'task-events', '/v1.0'));
  await expectDaprError(await bulkPublish(p, 'reminders', '/v1.0'), 403, 'ERR_PUBSUB_FORBIDDEN');
});
