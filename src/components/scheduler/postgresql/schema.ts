import type pg from 'pg';
import type { Logger } from '../../../diagnostics/logger.js';
import { migrationStatement, runMigrations } from '../../common/postgresql/migrations.js';
import { runQuery } from '../../common/postgresql/pool.js';
import { JOB_COLUMNS } from '../rows.js';

/** An index name derived from the (possibly schema-qualified or quoted) table name. */
function indexName(table: string): string {
  return `${table.replace(/[^A-Za-z0-9_]+/g, '_').toLowerCase()}_due_idx`;
}

/**
 * Creates the jobs table: one row per (namespace, app id, name), the job as given, its state
 * (ticks done, attempts, next due time) and its claim (lease owner and end). The index on
 * (namespace, app_id, due_ms) serves the look-ahead and the claim, so their cost is the due work.
 * One-row statements use the primary key `id` alone: with two indexes led by (namespace, app_id),
 * a planner without statistics yet may pick the wrong one and scan every job of the app per statement.
 */
export function migrateJobTable(opts: {
  pool: pg.Pool;
  table: string;
  metadataTable: string;
  logger: Logger;
}): Promise<number> {
  const t = opts.table;
  return runMigrations({
    pool: opts.pool,
    metadataTable: opts.metadataTable,
    versionKey: `migrations-scheduler-${t}`,
    logger: opts.logger,
    schemaMissing: async (client) => {
      const res = await runQuery(
        client,
        { text: 'SELECT to_regclass($1) IS NULL', values: [t] },
        'check the jobs table',
      );
      return res.rows[0][0] === true;
    },
    steps: [
      async (client) => {
        await migrationStatement(
          client,
          `CREATE TABLE IF NOT EXISTS ${t} (
            id text NOT NULL PRIMARY KEY,
            namespace text NOT NULL,
            app_id text NOT NULL,
            name text NOT NULL,
            schedule text,
            due_time text,
            ttl text,
            repeats bigint,
            data_type text,
            data bytea,
            failure_policy text NOT NULL,
            start_ms bigint NOT NULL,
            due_time_ms bigint,
            expires_ms bigint,
            trigger_count bigint NOT NULL DEFAULT 0,
            attempts bigint NOT NULL DEFAULT 0,
            last_trigger_ms bigint,
            due_ms bigint NOT NULL,
            revision text NOT NULL,
            lease_owner text,
            lease_until_ms bigint,
            inserted_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz
          )`,
        );
        await migrationStatement(
          client,
          `CREATE INDEX IF NOT EXISTS ${indexName(t)} ON ${t} (namespace, app_id, due_ms)`,
        );
      },
    ],
  });
}

/** The statements of the store (positional parameters noted per statement). */
export function jobSql(t: string) {
  const cols = JOB_COLUMNS.join(', ');
  const marks = JOB_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
  const updates = JOB_COLUMNS.slice(4)
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  const scope = 'namespace = $1 AND app_id = $2';
  return {
    /** JOB_COLUMNS values. */
    insert: `INSERT INTO ${t} (${cols}) VALUES (${marks}) ON CONFLICT (id) DO NOTHING`,
    upsert: `INSERT INTO ${t} (${cols}) VALUES (${marks})
      ON CONFLICT (id) DO UPDATE SET ${updates},
        lease_owner = NULL, lease_until_ms = NULL, updated_at = now()`,
    /** id */
    get: `SELECT * FROM ${t} WHERE id = $1`,
    delete: `DELETE FROM ${t} WHERE id = $1`,
    /** ns, app */
    list: `SELECT * FROM ${t} WHERE ${scope} ORDER BY name`,
    /** ns, app, prefix */
    deleteByPrefix: `DELETE FROM ${t} WHERE ${scope} AND left(name, length($3)) = $3`,
    /** ns, app, before, limit */
    upcoming: `SELECT name, GREATEST(due_ms, COALESCE(lease_until_ms, 0)) AS at_ms FROM ${t}
      WHERE ${scope} AND due_ms < $3 AND (lease_until_ms IS NULL OR lease_until_ms < $3)
      ORDER BY due_ms LIMIT $4`,
    /** ns, app, now, limit, owner, leaseUntil */
    claim: `WITH due AS (
        SELECT ctid FROM ${t}
        WHERE ${scope} AND due_ms <= $3 AND (lease_until_ms IS NULL OR lease_until_ms <= $3)
        ORDER BY due_ms LIMIT $4
        FOR UPDATE SKIP LOCKED)
      UPDATE ${t} AS j SET lease_owner = $5, lease_until_ms = $6
      WHERE j.ctid = ANY(ARRAY(SELECT ctid FROM due))
      RETURNING j.*`,
    /** ids[], owner, leaseUntil */
    renew: `UPDATE ${t} SET lease_until_ms = $3 WHERE id = ANY($1::text[]) AND lease_owner = $2`,
    /** ids[], revisions[], owners[], counts[], attempts[], lastTriggers[], dues[] */
    advance: `UPDATE ${t} AS j SET trigger_count = v.c, attempts = v.a, last_trigger_ms = v.l, due_ms = v.d,
        lease_owner = NULL, lease_until_ms = NULL, updated_at = now()
      FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
        AS v(id, rev, owner, c, a, l, d)
      WHERE j.id = v.id AND j.revision = v.rev AND j.lease_owner = v.owner
      RETURNING j.id`,
    /** ids[], revisions[], owners[] */
    finish: `DELETE FROM ${t} AS j USING unnest($1::text[], $2::text[], $3::text[]) AS v(id, rev, owner)
      WHERE j.id = v.id AND j.revision = v.rev AND j.lease_owner = v.owner
      RETURNING j.id`,
    /** ns, app, owner */
    release: `UPDATE ${t} SET lease_owner = NULL, lease_until_ms = NULL WHERE ${scope} AND lease_owner = $3`,
  };
}
