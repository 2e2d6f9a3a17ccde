/** One `spec.secrets.scopes[]` entry of a Configuration (dapr-api.md §5.3). */
export interface SecretsScope {
  storeName: string;
  /** `allow` (default) or `deny`, matched case-insensitively. */
  defaultAccess?: string;
  allowedSecrets?: string[];
  deniedSecrets?: string[];
}

/** Which secrets of which store this app may read through the secrets API. */
export interface SecretScopes {
  isAllowed(storeName: string, secretName: string): boolean;
}

/** No Configuration, or no `secrets.scopes`: everything is allowed. */
export const allowAllSecrets: SecretScopes = { isAllowed: () => true };

/**
 * daprd's `SecretsScope.IsSecretAllowed`, per store: a non-empty `allowedSecrets` decides alone
 * (allowed iff listed); else a name in `deniedSecrets` is denied; else `defaultAccess`. A store
 * without an entry allows everything. Names match exactly (case-sensitive).
 */
export function secretScopes(scopes: readonly SecretsScope[]): SecretScopes {
  if (scopes.length === 0) return allowAllSecrets;
  const byStore = new Map(
    scopes.map((s) => [
      s.storeName,
      {
        deny: (s.defaultAccess ?? '').toLowerCase() === 'deny',
        allowed: new Set(s.allowedSecrets ?? []),
        denied: new Set(s.deniedSecrets ?? []),
      },
    ]),
  );
  return {
    isAllowed(storeName, secretName) {
      const s = byStore.get(storeName);
      if (!s) return true;
      if (s.allowed.size > 0) return s.allowed.has(secretName);
      if (s.denied.has(secretName)) return false;
      return !s.deny;
    },
  };
}
