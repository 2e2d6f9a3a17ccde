import type { Logger } from '../../diagnostics/logger.js';
import { Errors } from '../../errors/catalogue.js';
import type { ResiliencyProvider } from '../../resiliency/provider.js';
import type {
  BulkSecretData,
  LiveSecretStore,
  SecretData,
  SecretStoreLookup,
} from '../../components/secretstores/interface.js';
import { setOwn } from '../../components/secretstores/interface.js';
import { allowAllSecrets, type SecretScopes } from '../../resources/secret-scopes.js';

/** Operation names for metrics and spans (daprd's `operation` label values). */
const SECRET_GET = { operation: 'get' };
const SECRET_BULK_GET = { operation: 'bulk_get' };

/** What the secrets API needs from the runtime. */
export interface SecretsContext {
  appId: string;
  /** The live secret stores (the CompStore, once it holds them, or a `LiveSecretStores`). */
  secretStores: SecretStoreLookup;
  /** The Configuration's `secrets.scopes`; everything allowed when absent. */
  secretScopes?: SecretScopes;
  resiliency: ResiliencyProvider;
  logger: Logger;
}

/**
 * The secrets API written once for every transport (daprd pkg/api/universal/secrets.go): store
 * lookup, scopes, resiliency and the mapping to Dapr's errors. `undefined` means "no content" (204).
 */
export class SecretsApi {
  private readonly log: Logger;

  /** `ctx` is read on every call, so `secretScopes` and `resiliency` may be set after construction. */
  constructor(private readonly ctx: SecretsContext) {
    this.log = ctx.logger.child({ scope: 'dapr.runtime.secrets' });
  }

  private get scopes(): SecretScopes {
    return this.ctx.secretScopes ?? allowAllSecrets;
  }

  /** The store, or 500 ERR_SECRET_STORES_NOT_CONFIGURED / 401 ERR_SECRET_STORE_NOT_FOUND. */
  store(name: string): LiveSecretStore {
    if (this.ctx.secretStores.secretStoreCount() === 0) throw Errors.secretStoresNotConfigured();
    const s = this.ctx.secretStores.getSecretStore(name);
    if (!s) throw Errors.secretStoreNotFound(name);
    return s;
  }

  async getSecret(
    storeName: string,
    key: string,
    metadata: Record<string, string> = {},
  ): Promise<SecretData | undefined> {
    const s = this.store(storeName);
    if (!this.scopes.isAllowed(storeName, key)) throw Errors.secretPermissionDenied(key, storeName);
    try {
      return await this.ctx.resiliency.componentOutbound(s.name, 'secretstores')(
        () => s.store.getSecret(key, metadata),
        SECRET_GET,
      );
    } catch (err) {
      throw Errors.secretGet(key, storeName, err);
    }
  }

  /** Every secret of the store this app may read; denied ones are left out without an error. */
  async bulkGetSecret(
    storeName: string,
    metadata: Record<string, string> = {},
  ): Promise<BulkSecretData | undefined> {
    const s = this.store(storeName);
    let all: BulkSecretData | undefined;
    try {
      all = await this.ctx.resiliency.componentOutbound(s.name, 'secretstores')(
        () => s.store.bulkGetSecret(metadata),
        SECRET_BULK_GET,
      );
    } catch (err) {
      throw Errors.secretBulkGet(storeName, err);
    }
    if (!all) return undefined;
    const out: BulkSecretData = {};
    for (const [name, data] of Object.entries(all)) {
      if (this.scopes.isAllowed(storeName, name)) setOwn(out, name, data);
      else this.log.debug(Errors.secretPermissionDenied(name, storeName).message);
    }
    return out;
  }
}
