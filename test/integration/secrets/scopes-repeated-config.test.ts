import { expect, it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { resourceDir } from '../../helpers/resources.js';
import { expectJson, getSecret, startWithSecretScopes } from '../../helpers/secrets.js';

it('--config is repeatable: secret scopes from the first file still apply when a second file adds other settings', async () => {
  using tracingDir = resourceDir({
    'tracing.yaml':
      'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: tracing\nspec:\n  tracing:\n    samplingRate: "0"\n',
  });
  const tracing = `${tracingDir.dir}/tracing.yaml`;
  await using s = await startWithSecretScopes({
    secrets: { 'api-key': 'k-1', 'db-password': 'pw-repeated-config' },
    scopes: [{ storeName: 'localsecrets', defaultAccess: 'deny', allowedSecrets: ['api-key'] }],
    // daprd applies every file in order over the defaults; a later file only overrides what it sets.
    args: ['--config', tracing],
  });
  const p = s.sidecar;

  expect(await expectJson(await getSecret(p, 'localsecrets', 'api-key'))).toEqual({ 'api-key': 'k-1' });
  await expectDaprError(await getSecret(p, 'localsecrets', 'db-password'), 403, 'ERR_PERMISSION_DENIED');
});
