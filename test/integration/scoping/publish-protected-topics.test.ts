import { it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent } from '../../helpers/dapr-http.js';
import { publish, scopedPubsubYaml } from './helpers.js';

const metadata = { protectedTopics: 'payments', publishingScopes: 'billing=payments' };

it('protectedTopics: only an app with an explicit publishing scope for the topic may publish to it', async () => {
  await using other = await DaprtsProcess.start({
    appId: 'backend',
    resources: { 'pubsub.yaml': scopedPubsubYaml(metadata) },
  });
  await expectDaprError(await publish(other, 'payments'), 403, 'ERR_PUBSUB_FORBIDDEN');
  // Unprotected topics stay open to an app without scopes.
  await expectNoContent(await publish(other, 'task-events'));

  await using billing = await DaprtsProcess.start({
    appId: 'billing',
    resources: { 'pubsub.yaml': scopedPubsubYaml(metadata) },
  });
  await expectNoContent(await publish(billing, 'payments'));
  // Having a scope restricts the app to it.
  await expectDaprError(await publish(billing, 'task-events'), 403, 'ERR_PUBSUB_FORBIDDEN');
});
