import * as z from 'zod';
import { ComponentMetadataError, md, parseComponentMetadata } from '../metadata.js';
import { buildConnectionTarget } from './connection.js';

/** Dapr's defaults (components-contrib `common/component/postgresql/v1/metadata.go`). */
export const PG_DEFAULTS = {
  timeoutMs: 20_000,
  cleanupIntervalMs: 3_600_000,
  metadataTableName: 'dapr_metadata',
} as const;

/** Query exec modes pgx knows; `exec` and `simple_protocol` are the PgBouncer-safe ones (no named statements). */
export const QUERY_EXEC_MODES = [
  '',
  'cache_statement',
  'cache_describe',
  'describe_exec',
  'exec',
  'simple_protocol',
] as const;

/** An empty value means "not set", as Dapr's decoder treats it; `schema` must accept undefined (optional/default). */
export function blankAsUndefined<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema);
}

/**
 * A table name spliced into SQL, as Dapr splices it (unquoted, so `MyTable` folds to `mytable` exactly
 * as daprd resolves it). Only identifiers are accepted, optionally `schema.`-qualified or double-quoted,
 * so metadata cannot smuggle SQL in.
 */
const IDENT = String.raw`(?:[A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")`;
const TABLE_NAME_RE = new RegExp(`^${IDENT}(?:\\.${IDENT})?$`);

export function isValidTableName(name: string): boolean {
  return TABLE_NAME_RE.test(name);
}

export const tableName = (fallback: string) =>
  blankAsUndefined(
    md
      .string()
      .refine(isValidTableName, {
        message: 'must be a table name, optionally schema-qualified (schema.table)',
      })
      .default(fallback),
  );

/**
 * Fields shared by `state.postgresql` v1 and v2 (and any other component on PostgreSQL): connection,
 * pool, timeout, metadata table, GC interval. `cleanupInterval` is `null` when GC is disabled (<= 0).
 */
export const pgSharedShape = {
  connectionString: md.string().optional(),
  host: md.string().optional(),
  hostaddr: md.string().optional(),
  port: md.string().optional(),
  database: md.string().optional(),
  user: md.string().optional(),
  password: md.string().optional(),
  sslRootCert: md.string().optional(),
  maxConns: blankAsUndefined(md.int().optional()),
  connectionMaxIdleTime: blankAsUndefined(md.duration().optional()),
  queryExecMode: z.enum(QUERY_EXEC_MODES).optional(),
  timeout: blankAsUndefined(
    md
      .duration()
      .refine((ms) => ms >= 1000, { message: 'must be at least 1s' })
      .default(PG_DEFAULTS.timeoutMs),
  ),
  cleanupInterval: blankAsUndefined(
    md
      .duration()
      .transform((ms) => (ms > 0 ? ms : null))
      .default(PG_DEFAULTS.cleanupIntervalMs),
  ),
  metadataTableName: tableName(PG_DEFAULTS.metadataTableName),
  useAzureAD: md
    .bool()
    .optional()
    .refine((v) => v !== true, {
      message: 'Azure AD authentication is not supported by daprts; use a password',
    }),
  useAWSIAM: md
    .bool()
    .optional()
    .refine((v) => v !== true, {
      message: 'AWS IAM authentication is not supported by daprts; use a password',
    }),
};

/** Alternative spellings Dapr accepts (lower-cased alias → field). */
export const pgSharedAliases: Record<string, string> = {
  url: 'connectionString',
  timeoutInSeconds: 'timeout',
  cleanupIntervalInSeconds: 'cleanupInterval',
};

/** The parsed shared fields. */
export type PgSharedMetadata = z.output<z.ZodObject<typeof pgSharedShape>>;

/** True when prepared (named) statements may be used: not behind PgBouncer-style `exec`/`simple_protocol`. */
export function usesNamedStatements(m: Pick<PgSharedMetadata, 'queryExecMode'>): boolean {
  return m.queryExecMode !== 'exec' && m.queryExecMode !== 'simple_protocol';
}

/**
 * Parses a PostgreSQL component's metadata with the shared fields and aliases plus `extra`, then checks
 * that a connection can be built from it. Errors are ComponentMetadataError naming the field.
 */
export function parsePgMetadata<E extends z.ZodRawShape>(
  component: string,
  extra: E,
  raw: Record<string, string>,
): PgSharedMetadata & z.output<z.ZodObject<E>> {
  const schema = z.object({ ...pgSharedShape, ...extra });
  // zod cannot infer the merged generic shape; the schema is exactly shared + extra.
  const parsed = parseComponentMetadata(
    component,
    schema,
    raw,
    pgSharedAliases,
  ) as unknown as PgSharedMetadata & z.output<z.ZodObject<E>>;
  try {
    buildConnectionTarget(parsed);
  } catch (err) {
    throw new ComponentMetadataError(
      component,
      'connectionString',
      err instanceof Error ? err.message : String(err),
    );
  }
  return parsed;
}
