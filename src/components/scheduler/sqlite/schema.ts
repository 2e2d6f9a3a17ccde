import type { Database, Statement } from 'better-sqlite3';
import { JOB_COLUMNS } from '../rows.js';

const LEVEL_KEY = (table: string) => `migrations-scheduler-${table}`;

/** Schema steps; the metadata table's row holds how many have run. */
function migrations(t: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (
      id TEXT NOT NULL PRIMARY KEY,
      namespace TEXT NOT NULL,
      app_id TEXT NOT NULL,
      name TEXT NOT NULL,
      schedule TEXT,
      due_time TEXT,
      ttl TEXT,
      repeats INTEGER,
      data_type TEXT,
      data BLOB,
      failure_policy TEXT NOT NULL,
      start_ms INTEGER NOT NULL,
      due_time_ms INTEGER,
      expires_ms INTEGER,
      trigger_count INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_trigger_ms INTEGER,
      due_ms INTEGER NOT NULL,
      revision TEXT NOT NULL,
      lease_owner TEXT,
      lease_until_ms INTEGER
    );
    CREATE INDEX IF NOT EXISTS ${t}_due ON ${t} (namespace, app_id, due_ms);`,
  ];
}

/** Brings the schema up to date in one exclusive transaction (two sidecars may start on one file). */
export function migrate(db: Database, table: string, metadataTable: string): void {
  db.exec('BEGIN EXCLUSIVE');
  try {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${metadataTable} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`,
    );
    const row = db.prepare(`SELECT value FROM ${metadataTable} WHERE key = ?`).get(LEVEL_KEY(table)) as
      { value: string } | undefined;
    const level = row ? Number(row.value) : 0;
    const steps = migrations(table);
    for (let i = level; i < steps.length; i++) db.exec(steps[i]);
    if (level < steps.length) {
      db.prepare(`INSERT OR REPLACE INTO ${metadataTable} (key, value) VALUES (?, ?)`).run(
        LEVEL_KEY(table),
        String(steps.length),
      );
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}

export interface JobStatements {
  insert: Statement;
  upsert: Statement;
  get: Statement;
  delete: Statement;
  list: Statement;
  deleteByPrefix: Statement;
  upcoming: Statement;
  claim: Statement;
  renew: Statement;
  advance: Statement;
  finish: Statement;
  release: Statement;
}

/** Every statement the store runs, prepared once; parameters are positional. */
export function prepare(db: Database, t: string): JobStatements {
  const cols = JOB_COLUMNS.join(', ');
  const marks = JOB_COLUMNS.map(() => '?').join(', ');
  const updates = JOB_COLUMNS.slice(4)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  const scope = 'namespace = ? AND app_id = ?';
  return {
    insert: db.prepare(`INSERT INTO ${t} (${cols}) VALUES (${marks}) ON CONFLICT DO NOTHING`),
    upsert: db.prepare(
      `INSERT INTO ${t} (${cols}) VALUES (${marks})
       ON CONFLICT (id) DO UPDATE SET ${updates}, lease_owner = NULL, lease_until_ms = NULL`,
    ),
    get: db.prepare(`SELECT * FROM ${t} WHERE id = ?`),
    delete: db.prepare(`DELETE FROM ${t} WHERE id = ?`),
    list: db.prepare(`SELECT * FROM ${t} WHERE ${scope} ORDER BY name`),
    deleteByPrefix: db.prepare(`DELETE FROM ${t} WHERE ${scope} AND substr(name, 1, length(?)) = ?`),
    upcoming: db.prepare(
      `SELECT name, max(due_ms, coalesce(lease_until_ms, 0)) AS at_ms FROM ${t}
       WHERE ${scope} AND due_ms < ? AND (lease_until_ms IS NULL OR lease_until_ms < ?)
       ORDER BY due_ms LIMIT ?`,
    ),
    claim: db.prepare(
      `UPDATE ${t} SET lease_owner = ?, lease_until_ms = ?
       WHERE rowid IN (SELECT rowid FROM ${t}
         WHERE ${scope} AND due_ms <= ? AND (lease_until_ms IS NULL OR lease_until_ms <= ?)
         ORDER BY due_ms LIMIT ?)
       RETURNING *`,
    ),
    renew: db.prepare(
      `UPDATE ${t} SET lease_until_ms = ?
       WHERE id IN (SELECT value FROM json_each(?)) AND lease_owner = ?`,
    ),
    advance: db.prepare(
      `UPDATE ${t} SET trigger_count = ?, attempts = ?, last_trigger_ms = ?, due_ms = ?,
         lease_owner = NULL, lease_until_ms = NULL
       WHERE id = ? AND revision = ? AND lease_owner = ?`,
    ),
    finish: db.prepare(`DELETE FROM ${t} WHERE id = ? AND revision = ? AND lease_owner = ?`),
    release: db.prepare(
      `UPDATE ${t} SET lease_owner = NULL, lease_until_ms = NULL WHERE ${scope} AND lease_owner = ?`,
    ),
  };
}
