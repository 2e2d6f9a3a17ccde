import type { StateStore } from '../components/state/interface.js';
import type { StateEncryption } from '../components/state/encryption.js';
import type { OutboxConfig } from '../api/universal/state-outbox.js';
import { StateFeature } from '../components/state/features.js';
import type { PubSub } from '../components/pubsub/interface.js';
import type { JobStore } from '../components/scheduler/interface.js';
import type { LiveSecretStore, SecretStoreLookup } from '../components/secretstores/interface.js';

/** A state store as the runtime holds it once initialised. */
export interface LiveStateStore {
  name: string;
  type: string;
  version: string;
  store: StateStore;
  /** Text put before `||` on every key ('' for none). */
  keyPrefix: string;
  actorStateStore: boolean;
  /** Set when the component names a `primaryEncryptionKey`: values are encrypted at rest. */
  encryption?: StateEncryption;
  /** Set when the component names `outboxPublishPubsub` and `outboxPublishTopic`. */
  outbox?: OutboxConfig;
}

/** A pub/sub component as the runtime holds it once initialised. */
export interface LivePubSub {
  name: string;
  type: string;
  version: string;
  pubsub: PubSub;
  /** Component metadata (for topic scoping and defaults such as consumerID). */
  metadata: Record<string, string>;
}

/** Component description for the metadata API. */
export interface ComponentInfo {
  name: string;
  type: string;
  version: string;
  capabilities: string[];
}

/**
 * The live, initialised components by name (the registry is the catalogue of types; this is what
 * is running). Lookups on the hot path are one Map get.
 */
export class CompStore implements SecretStoreLookup {
  private readonly stateStores = new Map<string, LiveStateStore>();
  private readonly pubsubs = new Map<string, LivePubSub>();
  private readonly secretStores = new Map<string, LiveSecretStore>();
  private jobStore?: { name: string; store: JobStore };

  /** The one `scheduler.*` component (jobs live in one store per app). */
  setJobStore(name: string, type: string, version: string, store: JobStore): void {
    if (this.jobStore)
      throw new Error(`only one scheduler component may be loaded (found ${this.jobStore.name} and ${name})`);
    this.jobStore = { name, store };
    this.infos.push({ name, type, version, capabilities: [] });
  }

  getJobStore(): JobStore | undefined {
    return this.jobStore?.store;
  }

  addSecretStore(s: LiveSecretStore): void {
    this.secretStores.set(s.name, s);
    this.infos.push({
      name: s.name,
      type: s.type,
      version: s.version,
      capabilities: [...s.store.features()],
    });
  }

  getSecretStore(name: string): LiveSecretStore | undefined {
    return this.secretStores.get(name);
  }

  secretStoreCount(): number {
    return this.secretStores.size;
  }
  private readonly infos: ComponentInfo[] = [];

  addPubSub(p: LivePubSub): void {
    this.pubsubs.set(p.name, p);
    this.infos.push({
      name: p.name,
      type: p.type,
      version: p.version,
      capabilities: [...p.pubsub.features()],
    });
  }

  getPubSub(name: string): LivePubSub | undefined {
    return this.pubsubs.get(name);
  }

  pubSubCount(): number {
    return this.pubsubs.size;
  }

  listPubSubs(): LivePubSub[] {
    return [...this.pubsubs.values()];
  }

  addStateStore(s: LiveStateStore): void {
    this.stateStores.set(s.name, s);
    const caps: string[] = [...s.store.features()];
    // daprd advertises ACTOR for any store with ETAG and TRANSACTIONAL, whatever `actorStateStore` says.
    if (caps.includes(StateFeature.ETAG) && caps.includes(StateFeature.TRANSACTIONAL)) caps.push('ACTOR');
    this.infos.push({ name: s.name, type: s.type, version: s.version, capabilities: caps });
  }

  getStateStore(name: string): LiveStateStore | undefined {
    return this.stateStores.get(name);
  }

  stateStoreCount(): number {
    return this.stateStores.size;
  }

  listStateStores(): LiveStateStore[] {
    return [...this.stateStores.values()];
  }

  addInfo(info: ComponentInfo): void {
    this.infos.push(info);
  }

  components(): ComponentInfo[] {
    return this.infos;
  }
}
