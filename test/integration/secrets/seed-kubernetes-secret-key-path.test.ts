import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { expectDaprError } from '../../helpers/dapr-http.js';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { resourceDir } from '../../helpers/resources.js';
import { expectJson, getSecret } from '../../helpers/secrets.js';
import { kubeconfigYaml, startFakeKubeApi } from '../../../src/components/secretstores/kubernetes/testing.js';

// Seed 003's `infra/dapr-components/secretstores-kubernetes.yaml`, unchanged.
const SEED_K8S_SECRETS = `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: kubernetes-secrets
  namespace: default
spec:
  type: secretstores.kubernetes
  version: v1
  metadata: []
scopes:
- backend
- frontend
- chat-api
`;

it("seed 003's secret calls: one key by GET /v1.0/secrets/{store}/{secret}/{key} (daprts extension), the whole secret without it", async () => {
  const api = await startFakeKubeApi({
    token: 'sa-token',
    secrets: {
      default: {
        'app-secrets': { 'cohere-api-key': 'co-1', 'better-auth-secret': 'ba-2', 'database-url': 'pg://x' },
      },
    },
  });
  try {
    using dir = resourceDir({});
    writeFileSync(`${dir.dir}/kubeconfig`, kubeconfigYaml({ server: api.url, user: { token: 'sa-token' } }));
    await using p = await DaprtsProcess.start({
      appId: 'backend',
      resources: { 'secretstores-kubernetes.yaml': SEED_K8S_SECRETS },
      env: { KUBECONFIG: `${dir.dir}/kubeconfig` },
    });

    // "Fetch Secret": the seed reads secret_data["cohere-api-key"] from a 200.
    expect(await expectJson(await getSecret(p, 'kubernetes-secrets', 'app-secrets/cohere-api-key'))).toEqual({
      'cohere-api-key': 'co-1',
    });
    // "Fetch All Secrets from a Secret Object": every key of the Secret (Dapr's own route).
    expect(await expectJson(await getSecret(p, 'kubernetes-secrets', 'app-secrets'))).toEqual({
      'cohere-api-key': 'co-1',
      'better-auth-secret': 'ba-2',
      'database-url': 'pg://x',
    });
    // A key the Secret does not have, or a Secret that does not exist: the store's failure, 500.
    const noKey = await expectDaprError(
      await getSecret(p, 'kubernetes-secrets', 'app-secrets/nope'),
      500,
      'ERR_SECRET_GET',
    );
    expect(noKey.message).toContain('app-secrets has no key nope');
    await expectDaprError(await getSecret(p, 'kubernetes-secrets', 'missing/key'), 500, 'ERR_SECRET_GET');
    await expectDaprError(
      await getSecret(p, 'other-store', 'app-secrets/key'),
      401,
      'ERR_SECRET_STORE_NOT_FOUND',
    );
  } finally {
    await api.close();
  }
});
