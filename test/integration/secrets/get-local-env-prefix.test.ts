import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectJson, getSecret, localEnvStoreYaml } from '../../helpers/secrets.js';

it('local.env with prefix: the name is looked up with the prefix put before it; an unset variable is 200 with ""', async () => {
  await using p = await DaprtsProcess.start({
    resources: {
      'plain.yaml': localEnvStoreYaml('envsecrets'),
      'prefixed.yaml': localEnvStoreYaml('prefixed', 'MYAPP_'),
    },
    env: { MYAPP_API_KEY: 'api-k-1', API_KEY: 'unprefixed-value', PLAIN_ONE: 'plain-1' },
  });

  expect(await expectJson(await getSecret(p, 'prefixed', 'API_KEY'))).toEqual({ API_KEY: 'api-k-1' });
  expect(await expectJson(await getSecret(p, 'envsecrets', 'API_KEY'))).toEqual({
    API_KEY: 'unprefixed-value',
  });
  expect(await expectJson(await getSecret(p, 'envsecrets', 'PLAIN_ONE'))).toEqual({ PLAIN_ONE: 'plain-1' });
  // Not set (PLAIN_ONE has no MYAPP_ variant): daprd's env store answers an empty value, not an error.
  expect(await expectJson(await getSecret(p, 'prefixed', 'PLAIN_ONE'))).toEqual({ PLAIN_ONE: '' });
  expect(await expectJson(await getSecret(p, 'envsecrets', 'DAPRTS_IT_NEVER_SET'))).toEqual({
    DAPRTS_IT_NEVER_SET: '',
  });
});
