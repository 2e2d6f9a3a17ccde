import * as z from 'zod';
import type { ComponentContext } from '../../component.js';
import { md, parseComponentMetadata } from '../../common/metadata.js';
import { setOwn, type BulkSecretData, type SecretData, type SecretStore } from '../interface.js';
import { decodeSecretData, KubeApiClient } from './client.js';
import { inClusterConnection, kubeconfigPath, loadKubeconfig, SERVICE_ACCOUNT_DIR } from './config.js';

const schema = z.object({
  defaultNamespace: md.string().default(''),
  kubeconfigPath: md.string().default(''),
  /** Accepted as a namespace too (the docs' cross-namespace example uses it). */
  vaultName: md.string().default(''),
});

export interface KubernetesSecretStoreOptions {
  /** Where the service account is mounted (tests point this at a folder of their own). */
  serviceAccountDir?: string;
}

/**
 * `secretstores.kubernetes` (components-contrib secretstores/kubernetes): core/v1 Secrets read
 * from the Kubernetes API, each a multi-key secret with its `data` base64-decoded.
 *
 * Connection, as client-go's users do it: the pod's service account when in a cluster
 * (`KUBERNETES_SERVICE_HOST`/`_PORT` and a token), else a kubeconfig (`kubeconfigPath`, else
 * `KUBECONFIG`, else `~/.kube/config`). Namespace of a request: request metadata `namespace`, else
 * the `NAMESPACE` env, else `defaultNamespace` (or `vaultName`) metadata, else the service account's
 * or kubeconfig context's namespace, else `default`.
 */
export class KubernetesSecretStore implements SecretStore {
  private client?: KubeApiClient;
  private fallbackNamespace = 'default';
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly ctx: Pick<ComponentContext, 'name' | 'metadata' | 'logger' | 'env'>,
    private readonly opts: KubernetesSecretStoreOptions = {},
  ) {
    this.env = ctx.env ?? process.env;
  }

  async init(): Promise<void> {
    const meta = parseComponentMetadata(this.ctx.name, schema, this.ctx.metadata);
    const conn =
      (await inClusterConnection(this.env, this.opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR)) ??
      (await loadKubeconfig(kubeconfigPath(meta.kubeconfigPath || undefined, this.env)));
    this.fallbackNamespace = meta.defaultNamespace || meta.vaultName || conn.namespace || 'default';
    this.client = new KubeApiClient(conn);
    this.ctx.logger.debug(
      { source: conn.source, server: conn.server },
      'kubernetes secret store connected to the API server',
    );
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }

  features() {
    return [] as const;
  }

  async getSecret(name: string, metadata: Record<string, string>): Promise<SecretData> {
    const secret = await this.api().getSecret(this.namespace(metadata), name);
    return decodeSecretData(secret);
  }

  async bulkGetSecret(metadata: Record<string, string>): Promise<BulkSecretData> {
    const out: BulkSecretData = {};
    for (const s of await this.api().listSecrets(this.namespace(metadata))) {
      if (s.metadata?.name) setOwn(out, s.metadata.name, decodeSecretData(s));
    }
    return out;
  }

  /** Request metadata `namespace` (exact key, as daprd), then `NAMESPACE`, then the store's default. */
  namespace(metadata: Record<string, string>): string {
    return metadata.namespace || this.env.NAMESPACE || this.fallbackNamespace;
  }

  private api(): KubeApiClient {
    if (!this.client) throw new Error('kubernetes secret store is not initialised');
    return this.client;
  }
}
