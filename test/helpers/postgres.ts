import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The shared PostgreSQL server of the integration cases. */
export const PG_URL = process.env.DAPRTS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TempPgSchema extends AsyncDisposable {
  /** An open connection to `PG_URL`. */
  admin: pg.Client;
  /** `${prefix}_<8 hex>`, created. */
  schema: string;
  /** `PG_URL` with `password` and `options=-c search_path=<schema>` (what a component would be given). */
  url(password: string): URL;
}

/** Creates a schema of the test's own (unique name), dropped with CASCADE and disconnected on dispose. */
export async function tempPgSchema(prefix: string): Promise<TempPgSchema> {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  return {
    admin,
    schema,
    url: (password) => {
      const url = new URL(PG_URL);
      url.password = password;
      url.searchParams.set('options', `-c search_path=${schema}`);
      return url;
    },
    [Symbol.asyncDispose]: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}
