import type { Component } from '../component.js';

/** Capabilities a secret store may advertise (daprd's secretstores.Feature strings). */
export const SecretStoreFeature = {
  /** One secret holds several key/value pairs (local.file with `multiValued`, Vault...). */
  MULTIPLE_KEY_VALUES_PER_SECRET: 'MULTIPLE_KEY_VALUES_PER_SECRET',
} as const;
export type SecretStoreFeature = (typeof SecretStoreFeature)[keyof typeof SecretStoreFeature];

/** One secret: `key → value`. Single-value stores answer `{ <name>: <value> }`. */
export type SecretData = Record<string, string>;

/** Every secret of a store: `secret name → its key/value pairs`. */
export type BulkSecretData = Record<string, SecretData>;

/**
 * A secret store (components-contrib `secretstores.SecretStore`). `metadata` is the request
 * metadata (`metadata.*` query parameters; `namespace` for the Kubernetes store).
 *
 * A secret that does not exist is an error for stores that can tell (local.file, kubernetes);
 * `undefined` means "the store has nothing to say" and is answered with 204 by the API, as
 * daprd answers a nil response. Values are never logged by a store.
 */
export interface SecretStore extends Component {
  features(): readonly SecretStoreFeature[];
  getSecret(name: string, metadata: Record<string, string>): Promise<SecretData | undefined>;
  bulkGetSecret(metadata: Record<string, string>): Promise<BulkSecretData | undefined>;
}

/** A secret store as the runtime holds it once initialised. */
export interface LiveSecretStore {
  name: string;
  type: string;
  version: string;
  store: SecretStore;
}

/** How the secrets API and secret references find live stores (the CompStore implements it). */
export interface SecretStoreLookup {
  getSecretStore(name: string): LiveSecretStore | undefined;
  secretStoreCount(): number;
}

/** A plain holder of live secret stores, for runtimes and tests that do not keep them in a CompStore. */
export class LiveSecretStores implements SecretStoreLookup {
  private readonly stores = new Map<string, LiveSecretStore>();

  add(s: LiveSecretStore): void {
    this.stores.set(s.name, s);
  }

  getSecretStore(name: string): LiveSecretStore | undefined {
    return this.stores.get(name);
  }

  secretStoreCount(): number {
    return this.stores.size;
  }

  list(): LiveSecretStore[] {
    return [...this.stores.values()];
  }
}

/** Env variables a secret store (and `envRef`) never exposes: `DAPR_*` and `APP_API_TOKEN`. */
export function isReservedEnvName(name: string): boolean {
  const upper = name.toUpperCase();
  return upper === 'APP_API_TOKEN' || upper.startsWith('DAPR_');
}

/** Sets an own property even for names such as `__proto__` (secret names come from outside). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
