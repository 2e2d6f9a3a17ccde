import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectDaprError, expectNoContent, expectValue, saveState } from '../../helpers/dapr-http.js';
import { componentYaml, resourceDir } from '../../helpers/resources.js';

// docs.dapr.io "Configuration overview" → "Disallow usage of certain component types":
// `components.deny` lists types (optionally `type/version`) that are not initialised.
it('Configuration components.deny: denied types are not loaded, the sidecar starts with the rest', async () => {
  using cfg = resourceDir({
    'config.yaml': `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: myappconfig
spec:
  components:
    deny:
      - bindings.smtp
      - pubsub.in-memory
      - state.in-memory/v2
`,
  });
  await using p = await DaprtsProcess.start({
    args: ['--config', `${cfg.dir}/config.yaml`],
    resources: {
      'state.yaml': componentYaml({ name: 'statestore' }),
      'pubsub.yaml': componentYaml({ name: 'pubsub', type: 'pubsub.in-memory' }),
    },
  });
  const md = JSON.parse(await expectValue(await p.fetch('/v1.0/metadata'))) as {
    components: { name: string }[];
  };
  // state.in-memory/v1 is allowed: only its v2 is denied.
  expect(md.components.map((c) => c.name)).toEqual(['statestore']);
  await expectNoContent(await saveState(p, [{ key: 'k', value: 1 }]));
  await expectDaprError(
    await p.fetch('/v1.0/publish/pubsub/orders', { method: 'POST', body: '{}' }),
    404,
    'ERR_PUBSUB_NOT_FOUND',
  );
  expect(p.output).toMatch(
    /component 'pubsub' cannot be loaded because components of type 'pubsub \(pubsub\.in-memory\/v1\)' are not allowed/,
  );
});
