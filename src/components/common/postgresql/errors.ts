/** SQLSTATE codes the PostgreSQL components react to. */
export const SqlState = {
  UNIQUE_VIOLATION: '23505',
  INVALID_TEXT_REPRESENTATION: '22P02',
  DEADLOCK_DETECTED: '40P01',
  UNDEFINED_TABLE: '42P01',
} as const;

/** The SQLSTATE of a driver error (or of the driver error a translated one wraps), if the server sent one. */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  // SQLSTATEs are five digits/capitals with at least one digit, unlike errno names such as EPIPE.
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && /\d/.test(code) ? code : undefined;
}

/** Network-level failures (server down, connection dropped), as opposed to errors the server reported. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
]);

export const QUERY_TIMEOUT = 'Query read timeout';

/** The statement outlived the component `timeout` (its connection is still busy with it). */
export function isQueryTimeout(err: unknown): boolean {
  const e = err as { message?: unknown; cause?: { message?: unknown } } | null;
  return e?.message === QUERY_TIMEOUT || e?.cause?.message === QUERY_TIMEOUT;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const state = sqlState(err);
  if (state !== undefined) return `${err.message} (SQLSTATE ${state})`;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code))
    return `cannot reach PostgreSQL: ${err.message}`;
  if (err.message === QUERY_TIMEOUT) return 'the query timed out';
  if (/timeout exceeded when trying to connect/i.test(err.message))
    return 'timed out waiting for a connection';
  return err.message;
}

/**
 * Wraps a node-postgres error for the component boundary: the message says what was being done and
 * why it failed; the driver error stays as `cause` for logs. Never leaks SQL text or values.
 */
export function translatePgError(err: unknown, action: string): Error {
  return new Error(`failed to ${action}: ${describe(err)}`, { cause: err });
}
