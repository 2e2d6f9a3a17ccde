import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import { resolveComponentMetadata } from '../../../resources/resolve.js';
import type { ComponentContext } from '../../component.js';
import { dropTables, rawTestPool, TEST_PG_URL, uniqueSuffix } from '../../state/postgresql/testing.js';
import { describeJobStore, job } from '../store-suite.js';
import { jobStoreRegistry } from '../registry.js';
import { PostgresJobStore } from './index.js';

const suffix = uniqueSuffix();
const table = `daprts_jobs_store_${suffix}`;
const meta = `daprts_jobs_meta_${suffix}`;
const logger = createLogger({ appId: 'test', level: 'silent' });

function ctx(metadata: Record<string, string>): ComponentContext {
  return {
    name: 'jobs',
    type: 'scheduler.postgresql',
    version: 'v1',
    metadata,
    appId: 'test',
    namespace: '',
    logger,
    dataDir: '',
    now: Date.now,
  };
}

async function open(extra: Record<string, string> = {}): Promise<PostgresJobStore> {
  const s = new PostgresJobStore(
    ctx({ connectionString: TEST_PG_URL, tableName: table, metadataTableName: meta, ...extra }),
  );
  await s.init();
  return s;
}

describeJobStore({
  name: 'scheduler.postgresql',
  open: () => open(),
  cleanup: async () => {
    const raw = rawTestPool();
    await dropTables(raw, [table, meta]);
    await raw.end();
  },
});

describe('scheduler.postgresql component', () => {
  const extraTables: string[] = [];
  afterAll(async () => {
    const raw = rawTestPool();
    await dropTables(raw, extraTables);
    await raw.end();
  });

  it('takes its connection string from a secretKeyRef through the normal metadata resolution', async () => {
    const t = `daprts_jobs_secret_${suffix}`;
    extraTables.push(t, `${t}_meta`);
    const metadata = await resolveComponentMetadata(
      {
        apiVersion: 'dapr.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'scheduler' },
        spec: {
          type: 'scheduler.postgresql',
          version: 'v1',
          metadata: [
            { name: 'connectionString', secretKeyRef: { name: 'app-secrets', key: 'database-url' } },
            { name: 'tableName', value: t },
            { name: 'metadataTableName', value: `${t}_meta` },
          ],
        },
        auth: { secretStore: 'kubernetes-secrets' },
      } as Parameters<typeof resolveComponentMetadata>[0],
      {
        file: 'scheduler.yaml',
        appId: 'test',
        namespace: 'default',
        env: {},
        resolveSecret: async ({ store, name, key }) => {
          expect([store, name, key]).toEqual(['kubernetes-secrets', 'app-secrets', 'database-url']);
          return TEST_PG_URL;
        },
      },
    );
    const store = await jobStoreRegistry.find('scheduler.postgresql', '')(ctx(metadata));
    await store.init();
    const scope = { namespace: 'default', appId: 'secret' };
    await store.put(scope, job('s'), false);
    expect((await store.list(scope)).map((j) => j.name)).toEqual(['s']);
    await store.close();
  });

  it('uses the dapr_jobs table by default and names the field of bad metadata', async () => {
    const store = new PostgresJobStore(ctx({ connectionString: TEST_PG_URL, tableName: 'x; DROP TABLE y' }));
    await expect(store.init()).rejects.toThrow(/tableName/);
    await expect(new PostgresJobStore(ctx({})).init()).rejects.toThrow(/connectionString/);
    extraTables.push(table, meta);
    const s = await open({ leaseDuration: '2s', pollInterval: '100ms' });
    expect(s.engineSettings()).toEqual({ leaseMs: 2000, pollIntervalMs: 100 });
    await s.close();
  });

  it('indexes the due time, so look-ahead and claims do not scan every job', async () => {
    const raw = rawTestPool();
    try {
      const res = await raw.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE tablename = $1`,
        [table],
      );
      expect(res.rows.map((r) => r.indexdef).join('\n')).toMatch(/\(namespace, app_id, due_ms\)/);
    } finally {
      await raw.end();
    }
  });
});
