import { expect, it } from 'vitest';
import { expectJson, getBulkSecret, startWithSecretScopes } from '../../helpers/secrets.js';

it('bulk silently leaves out the secrets the scopes deny (200, no error), for allowedSecrets and deniedSecrets', async () => {
  await using s = await startWithSecretScopes({
    secrets: { 'api-key': 'k-1', 'db-password': 'pw-1', other: 'o-1' },
    scopes: [
      { storeName: 'allowlisted', defaultAccess: 'deny', allowedSecrets: ['api-key', 'not-in-store'] },
      { storeName: 'denylisted', deniedSecrets: ['db-password'] },
      { storeName: 'nothing', defaultAccess: 'deny' },
    ],
    stores: { 'allow.yaml': 'allowlisted', 'deny.yaml': 'denylisted', 'nothing.yaml': 'nothing' },
  });
  const p = s.sidecar;

  expect(await expectJson(await getBulkSecret(p, 'allowlisted'))).toEqual({
    'api-key': { 'api-key': 'k-1' },
  });
  expect(await expectJson(await getBulkSecret(p, 'denylisted'))).toEqual({
    'api-key': { 'api-key': 'k-1' },
    other: { other: 'o-1' },
  });
  expect(await expectJson(await getBulkSecret(p, 'nothing'))).toEqual({});
});
