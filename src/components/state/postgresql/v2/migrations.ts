import { migrationStatement, type MigrationStep } from '../../../common/postgresql/migrations.js';
import { addRowIdStep } from '../row-id.js';

/** Metadata row holding v2's migration level for one table prefix. */
export function v2MigrationKey(tablePrefix: string): string {
  return `migrations-state-v2-${tablePrefix}`;
}

/**
 * v2 schema levels, as daprd creates them: 1 the state table (bytea value, uuid etag) with an index on
 * `expires_at`, 2 the `row_id` identity.
 */
export function v2MigrationSteps(table: string): MigrationStep[] {
  return [
    async (client) => {
      await migrationStatement(
        client,
        `CREATE TABLE IF NOT EXISTS ${table} (
           key text NOT NULL PRIMARY KEY,
           value bytea NOT NULL,
           etag uuid NOT NULL DEFAULT gen_random_uuid(),
           created_at timestamp with time zone NOT NULL DEFAULT now(),
           updated_at timestamp with time zone,
           expires_at timestamp with time zone
         )`,
      );
      await migrationStatement(client, `CREATE INDEX ON ${table} (expires_at)`);
    },
    addRowIdStep(table, 'created_at'),
  ];
}
