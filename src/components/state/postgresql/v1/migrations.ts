import { migrationStatement, type MigrationStep } from '../../../common/postgresql/migrations.js';
import { addRowIdStep } from '../row-id.js';

/** Metadata row holding v1's migration level (shared by every v1 table using this metadata table, as in Dapr). */
export const V1_MIGRATION_KEY = 'migrations';

/**
 * v1 schema levels, as daprd creates them: 1 the state table (jsonb value + isbinary), 2 the
 * `expiredate` column, 3 the `row_id` identity. A database migrated by daprd is at the same level.
 */
export function v1MigrationSteps(table: string): MigrationStep[] {
  return [
    (client) =>
      migrationStatement(
        client,
        `CREATE TABLE IF NOT EXISTS ${table} (
           key text NOT NULL PRIMARY KEY,
           value jsonb NOT NULL,
           isbinary boolean NOT NULL,
           insertdate TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
           updatedate TIMESTAMP WITH TIME ZONE NULL
         )`,
      ).then(() => undefined),
    (client) =>
      migrationStatement(client, `ALTER TABLE ${table} ADD expiredate TIMESTAMP WITH TIME ZONE`).then(
        () => undefined,
      ),
    addRowIdStep(table, 'insertdate'),
  ];
}
