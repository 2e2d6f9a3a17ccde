import { it } from 'vitest';
import { startWithStateStore, expectDaprError } from '../../helpers/dapr-http.js';
import { componentYaml } from '../../helpers/resources.js';
import { getSecret } from '../../helpers/secrets.js';

it('when the only secret store is scoped to other apps, the app has no secret store: 500 ERR_SECRET_STORES_NOT_CONFIGURED', async () => {
  await using p = await startWithStateStore({
    resources: {
      'secrets.yaml': componentYaml({
        name: 'envsecrets',
        type: 'secretstores.local.env',
        scopes: ['someone-else'],
      }),
    },
  });
  await expectDaprError(await getSecret(p, 'envsecrets', 'HOME'), 500, 'ERR_SECRET_STORES_NOT_CONFIGURED');
});
