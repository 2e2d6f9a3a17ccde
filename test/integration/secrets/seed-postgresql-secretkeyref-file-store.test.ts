import { expect, it } from 'vitest';
import { DaprtsProcess } from '../../helpers/daprts-process.js';
import {
  deleteOp,
  expectNoContent,
  expectValue,
  saveState,
  getState,
  transact,
  upsertOp,
} from '../../helpers/dapr-http.js';
import { tempPgSchema } from '../../helpers/postgres.js';
import { localFileStoreYaml, secretFiles } from '../../helpers/secrets.js';
import { SEED_STATE_POSTGRESQL } from './seed-components.js';

it('seed 003 PostgreSQL state store loads unchanged: connectionString from secretKeyRef through a local.file store named "kubernetes"', async () => {
  // The seed's tableName is fixed (dapr_state): a schema of this test's own keeps it unique.
  await using db = await tempPgSchema('seed003');
  const { admin, schema } = db;
  const databaseUrl = db.url('pg-pw-3f9a1c-never-logged').toString();
  // `kubectl create secret generic app-secrets --from-literal=...`, as a multi-valued file.
  using files = secretFiles({
    'app-secrets': {
      'cohere-api-key': 'co-key-never-logged',
      'better-auth-secret': 'auth-never-logged',
      'database-url': databaseUrl,
    },
  });
  await using p = await DaprtsProcess.start({
    appId: 'backend',
    resources: {
      'state-postgresql.yaml': SEED_STATE_POSTGRESQL,
      'kubernetes.yaml': localFileStoreYaml('kubernetes', files.secretsFile, { multiValued: true }),
    },
    args: ['--log-level', 'debug'],
  });

  // The seed's calls, as its Python examples make them.
  await expectNoContent(
    await saveState(p, [{ key: 'conversation-123', value: { user_id: 'user-456', messages: [] } }]),
  );
  expect(JSON.parse(await expectValue(await getState(p, 'conversation-123')))).toEqual({
    user_id: 'user-456',
    messages: [],
  });
  await expectNoContent(
    await transact(p, [upsertOp('conversation-124', { n: 1 }), deleteOp('conversation-123')]),
  );

  // The rows are in PostgreSQL, in the seed's table, under the seed's keyPrefix.
  const rows = await admin.query<{ key: string }>(`SELECT key FROM ${schema}.dapr_state ORDER BY key`);
  expect(rows.rows.map((r) => r.key)).toEqual(['todo-app||conversation-124']);

  const md = await p.fetch('/v1.0/metadata');
  const mdText = await expectValue(md);
  expect(JSON.parse(mdText).components).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'statestore', type: 'state.postgresql' })]),
  );
  await p.stop();
  for (const text of [mdText, p.output]) {
    expect(text).not.toContain('pg-pw-3f9a1c-never-logged');
    expect(text).not.toContain(databaseUrl);
    expect(text).not.toContain('co-key-never-logged');
  }
});
