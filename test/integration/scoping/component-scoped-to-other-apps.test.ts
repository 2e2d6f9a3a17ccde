import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectValue, getState, saveState } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { getBulkSecret, getSecret, localEnvStoreYaml } from '../../helpers/secrets.js';

it('components scoped to other app ids are invisible: not in metadata, and each block answers as for an unknown name', async () => {
  const scoped = ['backend', 'chat-api'];
  await using p = await DaprtsProcess.start({
    appId: 'frontend',
    resources: {
      'state.yaml': componentYaml({ name: 'statestore', scopes: scoped }),
      'pubsub.yaml': componentYaml({ name: 'kafka-pubsub', type: 'pubsub.in-memory', scopes: scoped }),
      'secrets.yaml': componentYaml({
        name: 'kubernetes-secrets',
        type: 'secretstores.local.env',
        scopes: scoped,
      }),
      // What the app may use: one open component of each kind.
      'open-state.yaml': componentYaml({ name: 'openstate' }),
      'open-pubsub.yaml': componentYaml({
        name: 'openpubsub',
        type: 'pubsub.in-memory',
        scopes: ['frontend'],
      }),
      'open-secrets.yaml': localEnvStoreYaml('opensecrets'),
    },
  });

  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string }[];
  };
  expect(md.components.map((c) => c.name).sort()).toEqual(['openpubsub', 'opensecrets', 'openstate']);

  await expectDaprError(await saveState(p, [{ key: 'k', value: 1 }]), 400, 'ERR_STATE_STORE_NOT_FOUND');
  await expectDaprError(await getState(p, 'k'), 400, 'ERR_STATE_STORE_NOT_FOUND');
  const pub = await expectDaprError(
    await p.fetch('/v1.0/publish/kafka-pubsub/task-events', { method: 'POST', body: '{}' }),
    404,
    'ERR_PUBSUB_NOT_FOUND',
  );
  expect(pub.message).toBe('pubsub kafka-pubsub is not found');
  await expectDaprError(
    await getSecret(p, 'kubernetes-secrets', 'app-secrets'),
    401,
    'ERR_SECRET_STORE_NOT_FOUND',
  );
  await expectDaprError(await getBulkSecret(p, 'kubernetes-secrets'), 401, 'ERR_SECRET_STORE_NOT_FOUND');
});
