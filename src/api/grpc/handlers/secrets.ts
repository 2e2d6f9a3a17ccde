import { setOwn } from '../../../components/secretstores/interface.js';
import type { SecretsApi } from '../../universal/secrets.js';
import { rpc, type UnaryRpc } from '../server.js';

/** gRPC adapter of the secrets API (§5): `{data: {key: value}}` and `{data: {name: {secrets}}}`. */
export function secretRpcs(api: SecretsApi): Record<string, UnaryRpc> {
  return {
    GetSecret: rpc(async (req: { storeName: string; key: string; metadata: Record<string, string> }) => ({
      data: (await api.getSecret(req.storeName, req.key, req.metadata)) ?? {},
    })),
    GetBulkSecret: rpc(async (req: { storeName: string; metadata: Record<string, string> }) => {
      const all = (await api.bulkGetSecret(req.storeName, req.metadata)) ?? {};
      const data: Record<string, { secrets: Record<string, string> }> = {};
      for (const [name, secrets] of Object.entries(all)) setOwn(data, name, { secrets });
      return { data };
    }),
  };
}
