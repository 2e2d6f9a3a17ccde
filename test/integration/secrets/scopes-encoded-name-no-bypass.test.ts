import { expect, it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { getSecret, startWithSecretScopes } from '../../helpers/secrets.js';

const VALUE = 'db-pw-2e7d-denied';

it('a denied secret stays denied when its name is percent-encoded or reached through another spelling', async () => {
  await using s = await startWithSecretScopes({
    secrets: { 'db-password': VALUE, db: { password: VALUE } },
    scopes: [
      { storeName: 'denylisted', deniedSecrets: ['db-password', 'db:password'] },
      { storeName: 'allowlisted', defaultAccess: 'deny', allowedSecrets: ['other'] },
    ],
    stores: { 'deny.yaml': 'denylisted', 'allow.yaml': 'allowlisted' },
  });
  const p = s.sidecar;

  for (const store of ['denylisted', 'allowlisted']) {
    for (const name of ['db-password', 'db:password'])
      await expectDaprError(await getSecret(p, store, name), 403, 'ERR_PERMISSION_DENIED');
    // daprd matches the raw (still encoded) path segment, so there an encoded name is an unknown
    // secret (500); here it is decoded first and denied (403). Either way: never the value.
    for (const name of ['db-passwor%64', '%64%62%2d%70assword', 'db%3Apassword', 'db%3apassword']) {
      const res = await getSecret(p, store, name);
      const text = await res.text();
      expect([403, 500], `${store}/${name}: ${text}`).toContain(res.status);
      expect(text).not.toContain(VALUE);
    }
  }
});
