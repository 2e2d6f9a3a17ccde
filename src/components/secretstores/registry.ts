import { ComponentRegistry } from '../registry.js';
import type { SecretStore } from './interface.js';

/** The catalogue of secret store types: one line per component, its module imported on first use. */
export const secretStoreRegistry = new ComponentRegistry<SecretStore>('secret store', [
  {
    type: 'secretstores.local.env',
    versions: ['v1'],
    load: async () => {
      const { EnvSecretStore } = await import('./local/env/index.js');
      return (ctx) => new EnvSecretStore(ctx);
    },
  },
  {
    type: 'secretstores.local.file',
    versions: ['v1'],
    load: async () => {
      const { LocalFileSecretStore } = await import('./local/file/index.js');
      return (ctx) => new LocalFileSecretStore(ctx);
    },
  },
  {
    type: 'secretstores.kubernetes',
    versions: ['v1'],
    load: async () => {
      const { KubernetesSecretStore } = await import('./kubernetes/index.js');
      return (ctx) => new KubernetesSecretStore(ctx);
    },
  },
]);

/** True for a `spec.type` of the secret store category. */
export function isSecretStoreType(type: string): boolean {
  return type.toLowerCase().startsWith('secretstores.');
}
