import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../diagnostics/logger.js';
import { KubeApiClient } from './client.js';
import { KubernetesSecretStore } from './index.js';
import { kubeconfigYaml, startFakeKubeApi, type FakeKubeApi } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-k8s-store-'));
let api: FakeKubeApi;
let kubeconfig: string;

beforeAll(async () => {
  api = await startFakeKubeApi({
    token: 'good',
    secrets: {
      default: { s: { where: 'default' } },
      ctxns: { s: { where: 'ctxns' } },
      envns: { s: { where: 'envns' } },
      mdns: { s: { where: 'mdns' } },
      vault: { s: { where: 'vault' } },
      req: { s: { where: 'req' } },
    },
  });
  kubeconfig = join(dir, 'config');
  writeFileSync(kubeconfig, kubeconfigYaml({ server: api.url, namespace: 'ctxns', user: { token: 'good' } }));
});
afterAll(() => api.close());

async function store(metadata: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const s = new KubernetesSecretStore({
    name: 'k8s',
    metadata: { kubeconfigPath: kubeconfig, ...metadata },
    logger: silentLogger(),
    env,
  });
  await s.init();
  return s;
}

describe('secretstores.kubernetes namespace of a request', () => {
  it('request metadata, then NAMESPACE, then defaultNamespace, then vaultName, then the context, then default', async () => {
    const where = async (s: KubernetesSecretStore, md: Record<string, string> = {}) =>
      (await s.getSecret('s', md)).where;
    const all = await store({ defaultNamespace: 'mdns', vaultName: 'vault' }, { NAMESPACE: 'envns' });
    expect(await where(all, { namespace: 'req' })).toBe('req');
    expect(await where(all)).toBe('envns');
    await all.close();
    const md = await store({ defaultNamespace: 'mdns', vaultName: 'vault' });
    expect(await where(md)).toBe('mdns');
    await md.close();
    const vault = await store({ vaultName: 'vault' });
    expect(await where(vault)).toBe('vault');
    await vault.close();
    const ctx = await store({});
    expect(await where(ctx)).toBe('ctxns');
    await ctx.close();
    writeFileSync(join(dir, 'nons'), kubeconfigYaml({ server: api.url, user: { token: 'good' } }));
    const none = await store({ kubeconfigPath: join(dir, 'nons') });
    expect(await where(none)).toBe('default');
    await none.close();
  });
});

describe('secretstores.kubernetes failures', () => {
  it('reports the API server Status message (not found, unauthorized)', async () => {
    const s = await store({});
    await expect(s.getSecret('nope', {})).rejects.toThrow('secrets "nope" not found');
    await s.close();
    writeFileSync(join(dir, 'badtoken'), kubeconfigYaml({ server: api.url, user: { token: 'bad' } }));
    const bad = await store({ kubeconfigPath: join(dir, 'badtoken') });
    await expect(bad.getSecret('s', {})).rejects.toThrow('Unauthorized');
    await expect(bad.bulkGetSecret({})).rejects.toThrow('Unauthorized');
    await bad.close();
  });

  it('fails init without in-cluster credentials or a readable kubeconfig, naming the file', async () => {
    const s = new KubernetesSecretStore(
      { name: 'k8s', metadata: {}, logger: silentLogger(), env: { HOME: dir } },
      { serviceAccountDir: join(dir, 'no-sa') },
    );
    await expect(s.init()).rejects.toThrow(/kubeconfig .*\.kube\/config: cannot read the file/);
  });

  it('refuses calls before init', async () => {
    const s = new KubernetesSecretStore({ name: 'k8s', metadata: {}, logger: silentLogger(), env: {} });
    await expect(s.getSecret('s', {})).rejects.toThrow(/not initialised/);
  });
});

describe('KubeApiClient token file', () => {
  it('re-reads a rotated service account token after a minute', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'old\n');
    let now = 0;
    const client = new KubeApiClient({ server: api.url, tokenFile, source: 'test' }, () => now);
    await expect(client.getSecret('default', 's')).rejects.toThrow('Unauthorized');
    writeFileSync(tokenFile, 'good\n');
    now = 30_000;
    await expect(client.getSecret('default', 's')).rejects.toThrow('Unauthorized');
    now = 61_000;
    await expect(client.getSecret('default', 's')).resolves.toMatchObject({ metadata: { name: 's' } });
    expect(api.requests.at(-1)?.authorization).toBe('Bearer good');
    await client.close();
  });
});
