import { it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { publish, scopedPubsubYaml } from './helpers.js';

it('publishingScopes that name only other apps leave this app unrestricted; "app=" with nothing allows no topic', async () => {
  await using free = await DaprtsProcess.start({
    appId: 'frontend',
    resources: { 'pubsub.yaml': scopedPubsubYaml({ publishingScopes: 'backend=task-events;chat-api=' }) },
  });
  await expectNoContent(await publish(free, 'task-events'));
  await expectNoContent(await publish(free, 'anything'));

  await using none = await DaprtsProcess.start({
    appId: 'chat-api',
    resources: { 'pubsub.yaml': scopedPubsubYaml({ publishingScopes: 'backend=task-events;chat-api=' }) },
  });
  await expectDaprError(await publish(none, 'task-events'), 403, 'ERR_PUBSUB_FORBIDDEN');
  await expectDaprError(await publish(none, 'anything'), 403, 'ERR_PUBSUB_FORBIDDEN');
});
