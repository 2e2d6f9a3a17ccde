import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { componentYaml, resourceDir } from '../../helpers/resources.js';
import { expectJson, getBulkSecret, getSecret } from '../../helpers/secrets.js';
import { kubeconfigYaml, startFakeKubeApi } from '../../../src/components/secretstores/kubernetes/testing.js';

it('metadata.* query parameters reach the store: metadata.namespace picks the Kubernetes namespace', async () => {
  // A Kubernetes-API-compatible endpoint serving real Secret objects (no cluster is reachable here).
  const api = await startFakeKubeApi({
    token: 'kube-token',
    secrets: {
      default: { 'app-secrets': { 'api-key': 'from-default' } },
      other: { 'app-secrets': { 'api-key': 'from-other', extra: 'e' } },
    },
  });
  try {
    using dir = resourceDir({});
    const kubeconfig = `${dir.dir}/kubeconfig`;
    writeFileSync(kubeconfig, kubeconfigYaml({ server: api.url, user: { token: 'kube-token' } }));
    await using p = await DaprtsProcess.start({
      resources: {
        'kube.yaml': componentYaml({
          name: 'kubesecrets',
          type: 'secretstores.kubernetes',
          metadata: [{ name: 'kubeconfigPath', value: kubeconfig }],
        }),
      },
      env: { NAMESPACE: '' },
    });

    expect(await expectJson(await getSecret(p, 'kubesecrets', 'app-secrets'))).toEqual({
      'api-key': 'from-default',
    });
    expect(
      await expectJson(await getSecret(p, 'kubesecrets', 'app-secrets', 'metadata.namespace=other')),
    ).toEqual({ 'api-key': 'from-other', extra: 'e' });
    expect(await expectJson(await getBulkSecret(p, 'kubesecrets', 'metadata.namespace=other'))).toEqual({
      'app-secrets': { 'api-key': 'from-other', extra: 'e' },
    });
    // Only `metadata.`-prefixed parameters are metadata; the prefix is case-sensitive.
    expect(
      await expectJson(
        await getSecret(p, 'kubesecrets', 'app-secrets', 'namespace=other&Metadata.namespace=other'),
      ),
    ).toEqual({ 'api-key': 'from-default' });

    expect(api.requests.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/default/secrets/app-secrets',
      '/api/v1/namespaces/other/secrets/app-secrets',
      '/api/v1/namespaces/other/secrets',
      '/api/v1/namespaces/default/secrets/app-secrets',
    ]);
  } finally {
    await api.close();
  }
});
