import type { Logger } from '../diagnostics/logger.js';
import type { Metrics } from '../diagnostics/metrics/metrics.js';
import { stateStoreRegistry } from '../components/state/registry.js';
import type { ComponentFactory, ComponentRegistry } from '../components/registry.js';
import { pubSubRegistry } from '../components/pubsub/registry.js';
import { resolveKeyPrefix } from '../components/state/key-prefix.js';
import { StateEncryption } from '../components/state/encryption.js';
import { outboxConfig } from '../api/universal/state-outbox.js';
import { getMetadataValue, parseDurationMs } from '../components/common/metadata.js';
import type { Component } from '../components/component.js';
import type { LoadedComponent } from '../resources/loader.js';
import { resolveComponentMetadata } from '../resources/resolve.js';
import { createSecretResolver } from '../resources/secret-refs.js';
import { secretStoreRegistry } from '../components/secretstores/registry.js';
import { jobStoreRegistry } from '../components/scheduler/registry.js';
import { mentionsNamespace, namespacedTopics } from '../messaging/namespaced-topics.js';
import type { CompStore } from './compstore.js';
import { currentNamespace } from '../resources/namespace.js';

export interface InitComponentsOptions {
  appId: string;
  namespace: string;
  dataDir: string;
  logger: Logger;
  now: () => number;
  env: NodeJS.ProcessEnv;
  /** Secret store for `secretKeyRef`s of components without `auth.secretStore`. */
  defaultSecretStore?: string;
  compStore: CompStore;
  /** Counts each initialisation and failure (`dapr_runtime_component_init_*`). */
  metrics?: Pick<Metrics, 'componentInit'>;
}

const DEFAULT_INIT_TIMEOUT_MS = 5_000;

/** A component that failed to initialise, with which one and why. */
export class ComponentInitError extends Error {
  constructor(
    readonly component: string,
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file}: Component "${component}": init failed: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'ComponentInitError';
  }
}

/**
 * Creates and initialises components in file order (secret stores will come first once they exist).
 * A failure stops start-up unless the component says `ignoreErrors: true`; whatever was already
 * initialised is returned for closing either way. Returns the live components in init order.
 */
export async function initComponents(
  loaded: LoadedComponent[],
  opts: InitComponentsOptions,
): Promise<Component[]> {
  const live: Component[] = [];
  const log = opts.logger.child({ scope: 'dapr.runtime.processor' });
  try {
    for (const { file, resource } of loaded) {
      const name = resource.metadata.name;
      try {
        const component = await initOne(file, resource, opts);
        live.push(component);
        opts.metrics?.componentInit(resource.spec.type, name);
        log.info(
          { component: name, type: resource.spec.type, version: resource.spec.version },
          `Component loaded: ${name} (${resource.spec.type}/${resource.spec.version})`,
        );
      } catch (err) {
        // daprd's reasons: `init` when the component's own init failed, `creation` before that.
        opts.metrics?.componentInit(
          resource.spec.type,
          name,
          initFailures.has(err as object) ? 'init' : 'creation',
        );
        const e = err instanceof ComponentInitError ? err : new ComponentInitError(name, file, err);
        if (resource.spec.ignoreErrors) {
          log.warn(
            { component: name, err: e },
            `failed to init component ${name}; ignoreErrors is set, continuing`,
          );
          continue;
        }
        throw e;
      }
    }
    return live;
  } catch (err) {
    await Promise.allSettled(live.map((c) => c.close()));
    throw err;
  }
}

async function initOne(
  file: string,
  resource: LoadedComponent['resource'],
  opts: InitComponentsOptions,
): Promise<Component> {
  const name = resource.metadata.name;
  const metadata = await resolveComponentMetadata(resource, {
    file,
    appId: opts.appId,
    namespace: opts.namespace,
    env: opts.env,
    defaultSecretStore: opts.defaultSecretStore,
    // One resolver per resource: daprd looks each secret name up once per resource.
    resolveSecret: createSecretResolver(opts.compStore),
  });
  const [category] = resource.spec.type.split('.');
  const ctx = {
    name,
    type: resource.spec.type,
    version: resource.spec.version,
    metadata,
    appId: opts.appId,
    namespace: opts.namespace,
    logger: opts.logger.child({ scope: `dapr.contrib.${resource.spec.type}`, component: name }),
    dataDir: opts.dataDir,
    now: opts.now,
    env: opts.env,
  };
  const timeoutMs = initTimeoutMs(resource.spec.initTimeout);
  if (category === 'scheduler') {
    const store = await factoryFor(jobStoreRegistry, resource.spec.type, resource.spec.version)(ctx);
    await initWithTimeout(store, timeoutMs, name);
    opts.compStore.setJobStore(name, resource.spec.type, resource.spec.version, store);
    return store;
  }
  if (category === 'secretstores') {
    const store = await factoryFor(secretStoreRegistry, resource.spec.type, resource.spec.version)(ctx);
    await initWithTimeout(store, timeoutMs, name);
    opts.compStore.addSecretStore({ name, type: resource.spec.type, version: resource.spec.version, store });
    return store;
  }
  if (category === 'pubsub') {
    // daprd gives pub/sub components the app id as consumerID unless the YAML sets one.
    if (getMetadataValue(metadata, 'consumerID') === undefined) metadata.consumerID = opts.appId;
    const pubsub = await factoryFor(pubSubRegistry, resource.spec.type, resource.spec.version)(ctx);
    await initWithTimeout(pubsub, timeoutMs, name);
    const scoped = mentionsNamespace((resource.spec.metadata ?? []).map((m) => m.value));
    opts.compStore.addPubSub({
      name,
      type: resource.spec.type,
      version: resource.spec.version,
      pubsub: scoped ? namespacedTopics(pubsub, currentNamespace(opts.namespace)) : pubsub,
      metadata,
    });
    return pubsub;
  }
  if (category !== 'state') {
    throw new Error(
      `field 'spec.type': component type '${resource.spec.type}' is not supported by this runtime`,
    );
  }
  const keyPrefix = resolveKeyPrefix({
    metadata,
    appId: opts.appId,
    componentName: name,
    namespace: opts.namespace,
  });
  // Keys are checked before the store opens: a bad key stops start-up, as in daprd.
  const encryption = StateEncryption.fromMetadata(resource.spec.metadata ?? [], metadata);
  if (encryption)
    opts.logger
      .child({ scope: 'dapr.runtime.processor' })
      .info({ component: name }, `Automatic encryption enabled for state store ${name}`);
  const store = await factoryFor(stateStoreRegistry, resource.spec.type, resource.spec.version)(ctx);
  await initWithTimeout(store, timeoutMs, name);
  opts.compStore.addStateStore({
    name,
    type: resource.spec.type,
    version: resource.spec.version,
    store,
    keyPrefix,
    actorStateStore: (getMetadataValue(metadata, 'actorStateStore') ?? '').toLowerCase() === 'true',
    encryption,
    outbox: outboxConfig(metadata, opts.namespace),
  });
  return store;
}

function initTimeoutMs(text: string | undefined): number {
  const ms = text ? parseDurationMs(text) : undefined;
  return ms !== undefined && ms > 0 ? ms : DEFAULT_INIT_TIMEOUT_MS;
}

/** Errors thrown by a component's `init()` (the others happened while creating it). */
const initFailures = new WeakSet<object>();

/** Runs `init()` bounded by `spec.initTimeout`; a failed component is closed before the error goes up. */
async function initWithTimeout(c: Component, ms: number, name: string): Promise<void> {
  try {
    await withTimeout(c.init(), ms, `init of ${name}`);
  } catch (err) {
    if (err !== null && typeof err === 'object') initFailures.add(err);
    await c.close().catch(() => undefined);
    throw err;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms (spec.initTimeout)`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The registered factory, or an error naming the field (`spec.type` / `spec.version`) at fault. */
function factoryFor<T>(registry: ComponentRegistry<T>, type: string, version: string): ComponentFactory<T> {
  try {
    return registry.find(type, version);
  } catch (err) {
    const field = /has no version/.test((err as Error).message) ? 'spec.version' : 'spec.type';
    throw new Error(`field '${field}': ${(err as Error).message}`, { cause: err });
  }
}
