import { afterAll, describe, expect, it } from 'vitest';
import { ComponentMetadataError } from '../../../common/metadata.js';
import { dropTables, pgTestContext, rawTestPool, TEST_PG_URL, uniqueSuffix } from '../testing.js';
import { parseV2Metadata } from '../v2/metadata.js';
import { PostgresStateStoreV1 } from './index.js';
import { parseV1Metadata } from './metadata.js';

/** The seeds' component (000 and 003), as their YAML gives it. */
const seed000 = {
  connectionString: TEST_PG_URL,
  tableName: 'dapr_state',
  metadataTableName: 'dapr_state_metadata',
  timeoutInSeconds: '30',
  cleanupIntervalInSeconds: '3600',
  keyPrefix: 'todo-app',
};
const seed003 = {
  connectionString: TEST_PG_URL,
  tableName: 'dapr_state',
  keyPrefix: 'todo-app',
  timeout: '20',
  actorStateStore: 'true',
};

const suffix = uniqueSuffix();
const tables: string[] = [];

afterAll(async () => {
  const raw = rawTestPool();
  await dropTables(raw, tables);
  await raw.end();
});

function errorField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ComponentMetadataError ? err.field : `not a metadata error: ${String(err)}`;
  }
  return undefined;
}

describe('state.postgresql metadata', () => {
  it("reads the seeds' components", () => {
    const m = parseV1Metadata('statestore', seed000);
    expect(m).toMatchObject({
      table: 'dapr_state',
      metadataTableName: 'dapr_state_metadata',
      timeout: 30_000,
      cleanupInterval: 3_600_000,
    });
    expect(parseV1Metadata('statestore', seed003)).toMatchObject({ table: 'dapr_state', timeout: 20_000 });
  });

  it("initialises with the seed's keys (on private table names)", async () => {
    const meta = {
      ...seed000,
      tableName: `daprts_seed_${suffix}`,
      metadataTableName: `daprts_seed_meta_${suffix}`,
    };
    tables.push(meta.tableName, meta.metadataTableName);
    const store = new PostgresStateStoreV1(pgTestContext(meta));
    await store.init();
    await store.set({ key: 'todo-app||k', value: Buffer.from('{"done":false}'), metadata: {}, options: {} });
    expect((await store.get({ key: 'todo-app||k', metadata: {} }))?.data.toString()).toBe('{"done": false}');
    await store.close();
  });

  it('rejects bad metadata at init with an error naming the field, before touching the database', async () => {
    for (const [bad, field] of [
      [{ timeout: '0.5s' }, 'timeout'],
      [{ cleanupInterval: 'abc' }, 'cleanupInterval'],
      [{ tableName: 'x; DROP TABLE y' }, 'tableName'],
    ] as const) {
      const store = new PostgresStateStoreV1(pgTestContext({ ...seed000, ...bad }));
      const err = await store.init().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ComponentMetadataError);
      expect((err as ComponentMetadataError).field).toBe(field);
      expect((err as Error).message).toContain(`'${field}'`);
    }
  });

  it('v2 derives the table from tablePrefix and validates it', () => {
    expect(parseV2Metadata('s', { connectionString: TEST_PG_URL }).table).toBe('state');
    expect(parseV2Metadata('s', { connectionString: TEST_PG_URL, tablePrefix: 'app_' }).table).toBe(
      'app_state',
    );
    expect(parseV2Metadata('s', { connectionString: TEST_PG_URL, tablePrefix: 'sch.' }).table).toBe(
      'sch.state',
    );
    expect(
      errorField(() => parseV2Metadata('s', { connectionString: TEST_PG_URL, tablePrefix: 'a b' })),
    ).toBe('tablePrefix');
    expect(
      errorField(() => parseV2Metadata('s', { connectionString: TEST_PG_URL, timeoutInSeconds: '0.5' })),
    ).toBe('timeout');
  });

  it('reports an unreachable database as an init error with the driver error as cause', async () => {
    const store = new PostgresStateStoreV1(
      pgTestContext({
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        timeout: '1s',
        tableName: 'x',
      }),
    );
    const err = await store.init().catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/failed to ping the database/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});
