/**
 * Turns Dapr's PostgreSQL connection metadata into one `postgres://` URL for node-postgres.
 *
 * Dapr (pgx) accepts a libpq key/value DSN (`host=db user=app dbname=state`) or a URL, and the
 * metadata fields `host`, `hostaddr`, `port`, `database`, `user`, `password`, `sslRootCert` override
 * what the string says. node-postgres only parses URLs, so a DSN is rewritten as a URL first.
 */

/** The connection fields of the component metadata, as given (all optional strings). */
export interface PgConnectionFields {
  connectionString?: string;
  host?: string;
  hostaddr?: string;
  port?: string;
  database?: string;
  user?: string;
  password?: string;
  sslRootCert?: string;
}

/** What the connection string says beyond the URL itself: pgx pool settings node-postgres does not know. */
export interface PgConnectionTarget {
  url: string;
  /** `pool_max_conns` from the DSN/URL (pgx's spelling), when present. */
  poolMaxConns?: number;
}

/** pgx-only parameters: read here (max conns) or dropped, because libpq/node-postgres would reject them. */
const PGX_POOL_PARAMS = [
  'pool_max_conns',
  'pool_min_conns',
  'pool_min_idle_conns',
  'pool_max_conn_lifetime',
  'pool_max_conn_lifetime_jitter',
  'pool_max_conn_idle_time',
  'pool_health_check_period',
  'statement_cache_capacity',
  'description_cache_capacity',
  'default_query_exec_mode',
];

/**
 * Parses a libpq key/value connection string. Values may be single-quoted, with `\'` and `\\`
 * escapes, as libpq allows; spaces around `=` are allowed.
 */
export function parseDsn(dsn: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  const skipSpace = () => {
    while (i < dsn.length && /\s/.test(dsn[i])) i++;
  };
  while (true) {
    skipSpace();
    if (i >= dsn.length) break;
    const keyStart = i;
    while (i < dsn.length && dsn[i] !== '=' && !/\s/.test(dsn[i])) i++;
    const key = dsn.slice(keyStart, i);
    skipSpace();
    if (dsn[i] !== '=') throw new Error(`invalid connection string: missing '=' after '${key}'`);
    i++;
    skipSpace();
    out.set(key, readDsnValue());
  }
  return out;

  function readDsnValue(): string {
    let value = '';
    const quoted = dsn[i] === "'";
    if (quoted) i++;
    while (i < dsn.length) {
      const c = dsn[i];
      if (quoted ? c === "'" : /\s/.test(c)) break;
      if (c === '\\' && i + 1 < dsn.length) {
        value += dsn[i + 1];
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    if (quoted) {
      if (dsn[i] !== "'") throw new Error('invalid connection string: unterminated quoted value');
      i++;
    }
    return value;
  }
}

/** Rewrites libpq key/value pairs as a URL; keys other than the address ones become query parameters. */
function dsnToUrl(pairs: Map<string, string>): URL {
  const url = new URL('postgres://localhost');
  for (const [key, value] of pairs) {
    switch (key) {
      case 'host':
      case 'hostaddr':
        setHost(url, value);
        break;
      case 'port':
        url.port = value;
        break;
      case 'user':
        url.username = encodeURIComponent(value);
        break;
      case 'password':
        url.password = encodeURIComponent(value);
        break;
      case 'dbname':
      case 'database':
        url.pathname = '/' + encodeURIComponent(value);
        break;
      default:
        url.searchParams.set(key, value);
    }
  }
  return url;
}

/** A path-like host is a Unix socket directory, which node-postgres reads from the `host` query parameter. */
function setHost(url: URL, host: string): void {
  if (host.startsWith('/')) {
    url.searchParams.set('host', host);
  } else {
    url.hostname = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  }
}

/** Builds the URL node-postgres connects with, applying the metadata overrides as Dapr does. */
export function buildConnectionTarget(fields: PgConnectionFields): PgConnectionTarget {
  const cs = (fields.connectionString ?? '').trim();
  const isUrl = /^postgres(ql)?:\/\//i.test(cs);
  if (cs === '' && !fields.host && !fields.hostaddr) {
    throw new Error("missing connection string: set 'connectionString' (or 'host')");
  }
  let url: URL;
  try {
    url = isUrl ? new URL(cs) : dsnToUrl(parseDsn(cs));
  } catch (err) {
    throw new Error(`invalid connection string: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  applyOverrides(url, fields);
  const poolMax = url.searchParams.get('pool_max_conns');
  for (const p of PGX_POOL_PARAMS) url.searchParams.delete(p);
  normaliseSslMode(url);
  return {
    url: url.toString(),
    poolMaxConns: poolMax !== null && /^\d+$/.test(poolMax) ? Number(poolMax) : undefined,
  };
}

function applyOverrides(url: URL, f: PgConnectionFields): void {
  if (f.user) url.username = encodeURIComponent(f.user);
  if (f.password) url.password = encodeURIComponent(f.password);
  if (f.host) setHost(url, f.host);
  if (f.hostaddr) setHost(url, f.hostaddr);
  if (f.port) url.port = f.port;
  if (f.database) url.pathname = '/' + encodeURIComponent(f.database.replace(/^\//, ''));
  if (f.sslRootCert) url.searchParams.set('sslrootcert', f.sslRootCert);
}

/**
 * Gives `sslmode` libpq's meaning (pgx's): `require` encrypts without verifying the certificate.
 * node-postgres cannot "try TLS then fall back", so `prefer`/`allow` connect in plain text, like
 * node-postgres does with no sslmode at all.
 */
function normaliseSslMode(url: URL): void {
  const mode = url.searchParams.get('sslmode');
  if (mode === null) return;
  if (mode === 'prefer' || mode === 'allow') {
    url.searchParams.delete('sslmode');
    return;
  }
  if (!url.searchParams.has('uselibpqcompat')) url.searchParams.set('uselibpqcompat', 'true');
}
