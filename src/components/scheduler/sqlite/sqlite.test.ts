import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import type { ComponentContext } from '../../component.js';
import { ComponentMetadataError } from '../../common/metadata.js';
import { describeJobStore } from '../store-suite.js';
import { embeddedJobStoreContext, jobStoreRegistry } from '../registry.js';
import { SqliteJobStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-jobs-sqlite-'));
const logger = createLogger({ appId: 'test', level: 'silent' });

function ctx(metadata: Record<string, string>, type = 'scheduler.sqlite'): ComponentContext {
  return {
    name: 'jobs',
    type,
    version: 'v1',
    metadata,
    appId: 'test',
    namespace: '',
    logger,
    dataDir: dir,
    now: Date.now,
  };
}

async function open(metadata: Record<string, string>): Promise<SqliteJobStore> {
  const s = new SqliteJobStore(ctx(metadata));
  await s.init();
  return s;
}

describeJobStore({
  name: 'scheduler.sqlite',
  open: () => open({ connectionString: join(dir, 'suite.db') }),
  cleanup: async () => rmSync(dir, { recursive: true, force: true }),
});

describe('scheduler.sqlite metadata and registration', () => {
  it('reads the engine settings and rejects bad values naming the field', async () => {
    const s = await open({ connectionString: join(dir, 'm.db'), leaseDuration: '5s', pollInterval: '250ms' });
    expect(s.engineSettings()).toEqual({ leaseMs: 5000, pollIntervalMs: 250 });
    await s.close();
    await expect(open({})).rejects.toThrow(ComponentMetadataError);
    await expect(open({ connectionString: join(dir, 'x.db'), tableName: 'a;b' })).rejects.toThrow(
      /tableName/,
    );
    await expect(open({ connectionString: join(dir, 'x.db'), leaseDuration: 'soon' })).rejects.toThrow(
      /leaseDuration/,
    );
  });

  it('is the embedded default in <dataDir>/jobs.db', async () => {
    const c = embeddedJobStoreContext({ appId: 'a', namespace: '', logger, dataDir: dir, now: Date.now });
    expect(c.type).toBe('scheduler.sqlite');
    expect(c.metadata.connectionString).toBe(join(dir, 'jobs.db'));
    const store = await jobStoreRegistry.find(c.type, c.version)(c);
    await store.init();
    expect(store.engineSettings()).toEqual({ leaseMs: 30_000, pollIntervalMs: 1_000 });
    await store.close();
  });

  it("serves the seeds' scheduler.kubernetes as the embedded store, with a warning", async () => {
    const warnings: string[] = [];
    const warnLogger = { ...logger, warn: (msg: string) => warnings.push(msg) } as unknown as typeof logger;
    const store = await jobStoreRegistry.find(
      'scheduler.kubernetes',
      'v1',
    )({
      ...ctx({ namespace: 'default', jobNamespace: 'default' }, 'scheduler.kubernetes'),
      logger: warnLogger,
    });
    await store.init();
    expect(warnings.join()).toMatch(/scheduler.kubernetes.*jobs\.db.*scheduler\.postgresql/s);
    await store.close();
    expect(() => jobStoreRegistry.find('scheduler.etcd', 'v1')).toThrow(/unknown job store type/);
  });
});
