import { expect, it } from 'vitest';
import { kubeconfigYaml, startFakeKubeApi } from '../../../src/components/secretstores/kubernetes/testing.js';
import { resourceDir, startExpectingExit } from '../../helpers/resources.js';
import { SEED_FEAF_STATESTORE } from './seed-components.js';

it('seed 000 state store in --mode kubernetes without its Secret: start-up error naming component, field, store and key', async () => {
  // The namespace has a Secret, but not `feaf-secrets`.
  const api = await startFakeKubeApi({
    token: 'sa-token',
    secrets: { 'feaf-dashboard': { 'other-secrets': { 'database-url': 'postgres://elsewhere' } } },
  });
  try {
    using dir = resourceDir({ kubeconfig: kubeconfigYaml({ server: api.url, user: { token: 'sa-token' } }) });
    const { code, output } = await startExpectingExit({
      appId: 'backend',
      resources: { '10-dapr-statestore.yaml': SEED_FEAF_STATESTORE },
      args: ['--mode', 'kubernetes'],
      env: { NAMESPACE: 'feaf-dashboard', KUBECONFIG: `${dir.dir}/kubeconfig` },
    });
    expect(code).toBe(1);
    expect(output).toContain('10-dapr-statestore.yaml');
    expect(output).toContain('Component "statestore"');
    expect(output).toContain('metadata.connectionString');
    expect(output).toContain('secret store "kubernetes"');
    expect(output).toContain('feaf-secrets/database-url');
    expect(output).not.toContain('postgres://elsewhere');
    expect(api.requests.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/feaf-dashboard/secrets/feaf-secrets',
    ]);
  } finally {
    await api.close();
  }
});
