import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent, expectValue } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { localEnvStoreYaml } from '../../helpers/secrets.js';

const TOPICS = 'orders-7c1e,audit-7c1e';

it('secretKeyRef through a local.env store: the resolved value is what the component uses (allowedTopics), and is never shown', async () => {
  const pubsub = componentYaml({
    name: 'pubsub',
    type: 'pubsub.in-memory',
    metadata: [
      {
        name: 'allowedTopics',
        secretKeyRef: { name: 'PUBSUB_ALLOWED_TOPICS', key: 'PUBSUB_ALLOWED_TOPICS' },
      },
    ],
  }).replace('kind: Component\n', 'kind: Component\nauth:\n  secretStore: envsecrets\n');
  await using p = await DaprtsProcess.start({
    resources: { 'pubsub.yaml': pubsub, 'env.yaml': localEnvStoreYaml('envsecrets') },
    env: { PUBSUB_ALLOWED_TOPICS: TOPICS },
    args: ['--log-level', 'debug'],
  });

  await expectNoContent(await p.fetch('/v1.0/publish/pubsub/orders-7c1e', { method: 'POST', body: 'x' }));
  await expectNoContent(await p.fetch('/v1.0/publish/pubsub/audit-7c1e', { method: 'POST', body: 'x' }));
  await expectDaprError(
    await p.fetch('/v1.0/publish/pubsub/other', { method: 'POST', body: 'x' }),
    403,
    'ERR_PUBSUB_FORBIDDEN',
  );
  const md = await expectValue(await p.fetch('/v1.0/metadata'));
  await p.stop();
  expect(md).not.toContain(TOPICS);
  expect(p.output).not.toContain(TOPICS);
});
