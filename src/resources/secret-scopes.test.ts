import { describe, expect, it } from 'vitest';
import { allowAllSecrets, secretScopes } from './secret-scopes.js';

describe('secret scopes (§5.3, daprd SecretsScope.IsSecretAllowed)', () => {
  it('allows everything without entries, and for stores without an entry', () => {
    expect(allowAllSecrets.isAllowed('any', 'thing')).toBe(true);
    const s = secretScopes([{ storeName: 'vault', defaultAccess: 'deny' }]);
    expect(s.isAllowed('other', 'x')).toBe(true);
  });

  it('defaultAccess decides when no list names the secret (allow by default, case-insensitive)', () => {
    const s = secretScopes([
      { storeName: 'open' },
      { storeName: 'closed', defaultAccess: 'deny' },
      { storeName: 'shout', defaultAccess: 'DENY' },
      { storeName: 'allow', defaultAccess: 'Allow' },
    ]);
    expect(s.isAllowed('open', 'x')).toBe(true);
    expect(s.isAllowed('closed', 'x')).toBe(false);
    expect(s.isAllowed('shout', 'x')).toBe(false);
    expect(s.isAllowed('allow', 'x')).toBe(true);
  });

  it('a non-empty allowedSecrets decides alone: listed = allowed, even if also denied or default deny', () => {
    const s = secretScopes([
      { storeName: 'a', defaultAccess: 'allow', allowedSecrets: ['k1'], deniedSecrets: ['k1', 'k2'] },
      { storeName: 'b', defaultAccess: 'deny', allowedSecrets: ['k1'] },
    ]);
    expect(s.isAllowed('a', 'k1')).toBe(true);
    expect(s.isAllowed('a', 'k2')).toBe(false);
    expect(s.isAllowed('a', 'k3')).toBe(false); // not listed: denied although defaultAccess is allow
    expect(s.isAllowed('b', 'k1')).toBe(true);
    expect(s.isAllowed('b', 'k2')).toBe(false);
  });

  it('without allowedSecrets, deniedSecrets deny and the rest follows defaultAccess', () => {
    const s = secretScopes([
      { storeName: 'a', deniedSecrets: ['bad'] },
      { storeName: 'b', defaultAccess: 'deny', deniedSecrets: ['bad'], allowedSecrets: [] },
    ]);
    expect(s.isAllowed('a', 'bad')).toBe(false);
    expect(s.isAllowed('a', 'good')).toBe(true);
    expect(s.isAllowed('b', 'bad')).toBe(false);
    expect(s.isAllowed('b', 'good')).toBe(false);
  });

  it('matches store and secret names exactly', () => {
    const s = secretScopes([{ storeName: 'Vault', allowedSecrets: ['Key'] }]);
    expect(s.isAllowed('Vault', 'key')).toBe(false);
    expect(s.isAllowed('vault', 'key')).toBe(true);
  });
});
