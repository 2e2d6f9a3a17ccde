import type { SecretStoreLookup } from '../components/secretstores/interface.js';
import { isSecretStoreType } from '../components/secretstores/registry.js';
import type { ComponentResource } from './component-schema.js';
import type { LoadedComponent } from './loader.js';
import type { SecretResolver } from './resolve.js';

/** The store daprd registers by itself in Kubernetes mode (`--disable-builtin-k8s-secret-store` turns it off). */
export const BUILTIN_KUBERNETES_SECRET_STORE = 'kubernetes';
export const BUILTIN_SOURCE = '(built-in)';

/**
 * A `SecretResolver` over initialised secret stores (dapr-api.md §5.5): one store lookup per secret
 * name (and namespace) for the life of the resolver, with request metadata `namespace` = the
 * resource's namespace. Create one per resource, as daprd caches per resource.
 *
 * Unlike daprd, which leaves a reference it cannot resolve unset with a log line, every failure
 * is an error (the caller names the component, field, store and key): a store that is not loaded,
 * a store error, a secret without the key, and an empty value. The messages never carry values.
 */
export function createSecretResolver(stores: SecretStoreLookup): SecretResolver {
  const cache = new Map<string, Promise<Record<string, string> | undefined>>();
  return async ({ store, name, key, namespace }) => {
    const live = stores.getSecretStore(store);
    if (!live) {
      throw new Error(
        stores.secretStoreCount() === 0
          ? `secret store "${store}" is not loaded (no secret store is loaded)`
          : `secret store "${store}" is not loaded (it is not defined, failed to initialise, or is scoped to other apps)`,
      );
    }
    const id = `${store}\0${namespace}\0${name}`;
    let pending = cache.get(id);
    if (!pending) {
      pending = live.store.getSecret(name, namespace ? { namespace } : {});
      cache.set(id, pending);
    }
    const data = await pending;
    if (!data || !Object.prototype.hasOwnProperty.call(data, key))
      throw new Error(`secret "${name}" has no key "${key}"`);
    const value = data[key];
    if (value === '') throw new Error(`secret "${name}" key "${key}" is empty`);
    return value;
  };
}

/** The secret store a resource's `secretKeyRef`s go to, if it has any. */
export function referencedSecretStore(
  resource: ComponentResource,
  defaultSecretStore?: string,
): string | undefined {
  const refs = (resource.spec.metadata ?? []).some((m) => m.secretKeyRef !== undefined);
  if (!refs) return undefined;
  return resource.auth?.secretStore ?? defaultSecretStore;
}

/**
 * Orders components for initialisation: secret stores first (a secret store whose own metadata
 * references another store comes after that store), then every other component in its original
 * order. A reference cycle keeps file order; the resolver then reports the store as not loaded.
 */
export function orderForSecretStores(
  loaded: LoadedComponent[],
  defaultSecretStore?: string,
): LoadedComponent[] {
  const stores = loaded.filter((c) => isSecretStoreType(c.resource.spec.type));
  const others = loaded.filter((c) => !isSecretStoreType(c.resource.spec.type));
  const byName = new Map(stores.map((c) => [c.resource.metadata.name, c]));
  const ordered: LoadedComponent[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (c: LoadedComponent) => {
    const name = c.resource.metadata.name;
    if (state.has(name)) return;
    state.set(name, 'visiting');
    const dep = referencedSecretStore(c.resource, defaultSecretStore);
    const target = dep !== undefined && dep !== name ? byName.get(dep) : undefined;
    if (target && !state.has(target.resource.metadata.name)) visit(target);
    state.set(name, 'done');
    ordered.push(c);
  };
  for (const c of stores) visit(c);
  return [...ordered, ...others];
}

/**
 * The store a `secretKeyRef` without `auth.secretStore` goes to: `kubernetes` in Kubernetes mode
 * (daprd); in standalone mode none (daprd), except that when a secret store named `kubernetes` is
 * loaded it is used, so component files written for a cluster run unchanged against a local
 * stand-in (a `secretstores.local.file` named `kubernetes`).
 */
export function defaultSecretStore(mode: string | undefined, loaded: LoadedComponent[]): string | undefined {
  if (mode === 'kubernetes') return BUILTIN_KUBERNETES_SECRET_STORE;
  const standIn = loaded.some(
    (c) =>
      c.resource.metadata.name === BUILTIN_KUBERNETES_SECRET_STORE && isSecretStoreType(c.resource.spec.type),
  );
  return standIn ? BUILTIN_KUBERNETES_SECRET_STORE : undefined;
}

/**
 * Kubernetes mode: adds daprd's built-in `kubernetes` secret store (in-cluster service account) in
 * front of the loaded components, unless a component of that name is already defined.
 */
export function withBuiltinKubernetesSecretStore(loaded: LoadedComponent[]): LoadedComponent[] {
  if (loaded.some((c) => c.resource.metadata.name === BUILTIN_KUBERNETES_SECRET_STORE)) return loaded;
  const builtin: LoadedComponent = {
    file: BUILTIN_SOURCE,
    resource: {
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: BUILTIN_KUBERNETES_SECRET_STORE },
      spec: { type: 'secretstores.kubernetes', version: 'v1', metadata: [] },
    },
  };
  return [builtin, ...loaded];
}
