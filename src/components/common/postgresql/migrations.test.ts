import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../diagnostics/logger.js';
import { dropTables, rawTestPool, TEST_PG_URL, uniqueSuffix } from '../../state/postgresql/testing.js';
import { migrationStatement, runMigrations, type MigrationStep } from './migrations.js';
import { createPool } from './pool.js';

const logger = createLogger({ appId: 'test', level: 'silent' });
const suffix = uniqueSuffix();
const created: string[] = [];
let raw: pg.Pool;
const pools: pg.Pool[] = [];

function newPool(): pg.Pool {
  const pool = createPool({ connection: { connectionString: TEST_PG_URL }, timeoutMs: 5_000, logger });
  pools.push(pool);
  return pool;
}

function metaTable(tag: string): string {
  const name = `daprts_mig_${tag}_${suffix}`;
  created.push(name);
  return name;
}

/** Steps that record each run in a table, so a test can count how often each step really ran. */
function countingSteps(journal: string): MigrationStep[] {
  created.push(journal);
  return [
    (c) => migrationStatement(c, `CREATE TABLE ${journal} (step int)`).then(() => undefined),
    (c) => migrationStatement(c, `INSERT INTO ${journal} VALUES (2)`).then(() => undefined),
  ];
}

beforeAll(() => {
  raw = rawTestPool();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await dropTables(raw, created);
  await raw.end();
});

describe('runMigrations', () => {
  it('runs each step once even when many runners start together on an empty database', async () => {
    const meta = metaTable('race');
    const journal = `daprts_mig_journal_${suffix}`;
    const steps = countingSteps(journal);
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        runMigrations({ pool: newPool(), metadataTable: meta, versionKey: 'migrations', steps, logger }),
      ),
    );
    expect(results.reduce((a, b) => a + b, 0)).toBe(2);
    const journalRows = await raw.query(`SELECT count(*)::int AS n FROM ${journal}`);
    expect(journalRows.rows[0].n).toBe(1);
    const rows = await raw.query(`SELECT key, value FROM ${meta} ORDER BY key`);
    expect(rows.rows).toEqual([
      { key: 'lock', value: 'lock' },
      { key: 'migrations', value: '2' },
    ]);
  });

  it("waits while daprd holds the 'lock' row, then finds its work done", async () => {
    const meta = metaTable('daprd');
    await raw.query(`CREATE TABLE ${meta} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`);
    await raw.query(`INSERT INTO ${meta} VALUES ('lock', 'lock')`);
    // Play daprd: lock the row in a transaction, migrate, set the level, release.
    const daprd = await raw.connect();
    await daprd.query('BEGIN');
    await daprd.query(`SELECT value FROM ${meta} WHERE key = 'lock' FOR UPDATE`);
    let ran = 0;
    const step: MigrationStep = async () => {
      ran++;
    };
    const ours = runMigrations({
      pool: newPool(),
      metadataTable: meta,
      versionKey: 'migrations',
      steps: [step],
      logger,
    });
    await new Promise((r) => setTimeout(r, 300));
    await raw.query(`INSERT INTO ${meta} VALUES ('migrations', '1')`);
    await daprd.query('ROLLBACK');
    daprd.release();
    expect(await ours).toBe(0);
    expect(ran).toBe(0);
  });

  it('rolls back a failed step together with the level, so the next start retries it', async () => {
    const meta = metaTable('fail');
    const target = `daprts_mig_target_${suffix}`;
    created.push(target);
    const create: MigrationStep = (c) =>
      migrationStatement(c, `CREATE TABLE ${target} (x int)`).then(() => undefined);
    const broken: MigrationStep = (c) =>
      migrationStatement(c, 'SELECT no_such_column FROM pg_class').then(() => undefined);
    const pool = newPool();
    await expect(
      runMigrations({ pool, metadataTable: meta, versionKey: 'm', steps: [create, broken], logger }),
    ).rejects.toThrow(/no_such_column/);
    const exists = await raw.query(`SELECT to_regclass($1) AS t`, [target]);
    expect(exists.rows[0].t).toBeNull();
    const fixed: MigrationStep = async () => undefined;
    expect(
      await runMigrations({ pool, metadataTable: meta, versionKey: 'm', steps: [create, fixed], logger }),
    ).toBe(2);
  });

  it('refuses a level that is not a number', async () => {
    const meta = metaTable('bad');
    await raw.query(`CREATE TABLE ${meta} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`);
    await raw.query(`INSERT INTO ${meta} VALUES ('migrations', 'three')`);
    await expect(
      runMigrations({ pool: newPool(), metadataTable: meta, versionKey: 'migrations', steps: [], logger }),
    ).rejects.toThrow(/invalid migration level/);
  });
});
