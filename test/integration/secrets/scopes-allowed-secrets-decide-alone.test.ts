import { expect, it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { expectJson, getSecret, startWithSecretScopes } from '../../helpers/secrets.js';

it('a non-empty allowedSecrets decides alone: listed is allowed even if also denied, unlisted is denied under defaultAccess allow', async () => {
  await using s = await startWithSecretScopes({
    secrets: { a: '1', b: '2', c: '3' },
    scopes: [
      {
        storeName: 'localsecrets',
        defaultAccess: 'allow',
        allowedSecrets: ['a', 'b'],
        deniedSecrets: ['b', 'c'],
      },
    ],
  });
  const p = s.sidecar;

  expect(await expectJson(await getSecret(p, 'localsecrets', 'a'))).toEqual({ a: '1' });
  expect(await expectJson(await getSecret(p, 'localsecrets', 'b'))).toEqual({ b: '2' });
  await expectDaprError(await getSecret(p, 'localsecrets', 'c'), 403, 'ERR_PERMISSION_DENIED');
});
