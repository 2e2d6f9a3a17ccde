import type { Database } from 'better-sqlite3';

/** Where daprd keeps the schema level in the metadata table. */
const MIGRATION_LEVEL_KEY = 'migrations';

/**
 * The schema migrations of daprd's `state.sqlite`, in order; the metadata table's `migrations` row
 * holds how many have run, so a database created by daprd is picked up at the right level.
 */
function migrations(stateTable: string): string[] {
  return [
    // 1: the state table. IF NOT EXISTS because early versions created it before keeping a level.
    `CREATE TABLE IF NOT EXISTS ${stateTable} (
      key TEXT NOT NULL PRIMARY KEY,
      value TEXT NOT NULL,
      is_binary BOOLEAN NOT NULL,
      etag TEXT NOT NULL,
      expiration_time TIMESTAMP DEFAULT NULL,
      update_time TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
    )`,
  ];
}

/**
 * Brings the schema up to date inside one exclusive transaction, so that two sidecars starting on
 * the same file do not both migrate.
 */
export function migrate(db: Database, stateTable: string, metadataTable: string): void {
  db.exec('BEGIN EXCLUSIVE');
  try {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${metadataTable} (key text NOT NULL PRIMARY KEY, value text NOT NULL)`,
    );
    const row = db.prepare(`SELECT value FROM ${metadataTable} WHERE key = ?`).get(MIGRATION_LEVEL_KEY) as
      { value: string } | undefined;
    const level = row ? Number(row.value) : 0;
    if (!Number.isInteger(level) || level < 0)
      throw new Error(`invalid migration level found in metadata table: ${row?.value}`);
    const all = migrations(stateTable);
    const setLevel = db.prepare(`REPLACE INTO ${metadataTable} (key, value) VALUES (?, ?)`);
    for (let i = level; i < all.length; i++) {
      db.exec(all[i]);
      setLevel.run(MIGRATION_LEVEL_KEY, String(i + 1));
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
