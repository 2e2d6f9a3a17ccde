import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import { expectNoContent, expectValue, getState, saveState } from '../../helpers/dapr-http.js';
import { tempPgSchema } from '../../helpers/postgres.js';
import { resourceDir } from '../../helpers/resources.js';
import { kubeconfigYaml, startFakeKubeApi } from '../../../src/components/secretstores/kubernetes/testing.js';
import { SEED_FEAF_STATESTORE } from './seed-components.js';

it('seed 000 state store in --mode kubernetes: secretKeyRef read from the built-in "kubernetes" store, in the pod\'s namespace', async () => {
  await using db = await tempPgSchema('seed000');
  const { admin, schema } = db;
  // A Kubernetes-API-compatible endpoint serving the `feaf-secrets` Secret (no cluster is reachable here).
  const url = db.url('feaf-pw-77b0-never-logged');
  const api = await startFakeKubeApi({
    token: 'sa-token',
    secrets: { 'feaf-dashboard': { 'feaf-secrets': { 'database-url': url.toString() } } },
  });
  try {
    using dir = resourceDir({ kubeconfig: kubeconfigYaml({ server: api.url, user: { token: 'sa-token' } }) });
    await using p = await DaprtsProcess.start({
      appId: 'backend',
      resources: { '10-dapr-statestore.yaml': SEED_FEAF_STATESTORE },
      args: ['--mode', 'kubernetes', '--log-level', 'debug'],
      env: { NAMESPACE: 'feaf-dashboard', KUBECONFIG: `${dir.dir}/kubeconfig` },
    });

    await expectNoContent(
      await saveState(p, [{ key: 'board:123', value: { name: 'My Board', type: 'PRM' } }]),
    );
    expect(JSON.parse(await expectValue(await getState(p, 'board:123')))).toEqual({
      name: 'My Board',
      type: 'PRM',
    });
    // The seed's two tables, in PostgreSQL.
    const tables = await admin.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(['dapr_state', 'dapr_state_metadata']);
    // One lookup of the Secret, in the component's namespace.
    expect(api.requests.map((r) => r.path)).toEqual([
      '/api/v1/namespaces/feaf-dashboard/secrets/feaf-secrets',
    ]);

    const mdText = await expectValue(await p.fetch('/v1.0/metadata'));
    await p.stop();
    for (const text of [mdText, p.output]) {
      expect(text).not.toContain('feaf-pw-77b0-never-logged');
      expect(text).not.toContain(url.toString());
    }
  } finally {
    await api.close();
  }
});
