import { isJsonObject } from '../../common/json-object.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';

/** Where a pod's service account is mounted (client-go rest.InClusterConfig). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach one Kubernetes API server, whatever it was read from. */
export interface KubeConnection {
  /** API server base URL, no trailing slash. */
  server: string;
  /** PEM bundle of trusted CAs (else the system roots). */
  ca?: Buffer;
  /** Client certificate and key (PEM) for mutual TLS. */
  cert?: Buffer;
  key?: Buffer;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  /** A bearer token given inline. */
  token?: string;
  /** A file holding the bearer token (re-read periodically: bound service account tokens rotate). */
  tokenFile?: string;
  basicAuth?: { username: string; password: string };
  /** The namespace of the kubeconfig context or of the service account, if known. */
  namespace?: string;
  /** `in-cluster` or `kubeconfig <path>`, for messages. */
  source: string;
}

type Obj = Record<string, unknown>;

/** A kubeconfig file problem, naming the file and the entry. */
export class KubeconfigError extends Error {
  constructor(file: string, detail: string) {
    super(`kubeconfig ${file}: ${detail}`);
    this.name = 'KubeconfigError';
  }
}

/** `clusters`/`contexts`/`users` entry by name. */
function named(doc: Obj, list: string, field: string, name: string, file: string): Obj {
  const items = doc[list];
  const entry = Array.isArray(items) ? items.find((i) => isJsonObject(i) && i.name === name) : undefined;
  if (!isJsonObject(entry)) throw new KubeconfigError(file, `${list} has no entry named "${name}"`);
  const inner = entry[field];
  return isJsonObject(inner) ? inner : {};
}

function str(o: Obj, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** What a kubeconfig says, with file references made absolute (relative to the kubeconfig's folder). */
export interface KubeconfigSelection {
  server: string;
  caData?: Buffer;
  caFile?: string;
  certData?: Buffer;
  certFile?: string;
  keyData?: Buffer;
  keyFile?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  token?: string;
  tokenFile?: string;
  basicAuth?: { username: string; password: string };
  namespace?: string;
}

/**
 * Reads a kubeconfig (YAML): the `current-context` (or `context`), its cluster (`server`,
 * `certificate-authority[-data]`, `insecure-skip-tls-verify`, `tls-server-name`) and its user
 * (`token`, `tokenFile`, `client-certificate[-data]`, `client-key[-data]`, `username`/`password`).
 * Exec and auth-provider plugins are refused with a clear error: they run programs this runtime
 * does not ship.
 */
export function parseKubeconfig(text: string, file: string, context?: string): KubeconfigSelection {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new KubeconfigError(file, `invalid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isJsonObject(doc)) throw new KubeconfigError(file, 'expected a mapping');
  const ctxName = context ?? str(doc, 'current-context');
  if (!ctxName) throw new KubeconfigError(file, 'current-context is not set');
  const ctx = named(doc, 'contexts', 'context', ctxName, file);
  const clusterName = str(ctx, 'cluster');
  if (!clusterName) throw new KubeconfigError(file, `context "${ctxName}" names no cluster`);
  const cluster = named(doc, 'clusters', 'cluster', clusterName, file);
  const server = str(cluster, 'server');
  if (!server) throw new KubeconfigError(file, `cluster "${clusterName}" has no server`);
  const userName = str(ctx, 'user');
  const user = userName ? named(doc, 'users', 'user', userName, file) : {};
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    throw new KubeconfigError(
      file,
      `user "${userName}" authenticates with an exec or auth-provider plugin, which is not supported: use a token, a tokenFile or a client certificate`,
    );
  const base = dirname(resolve(file));
  const path = (o: Obj, k: string) => {
    const p = str(o, k);
    return p === undefined ? undefined : isAbsolute(p) ? p : join(base, p);
  };
  const data = (o: Obj, k: string) => {
    const v = str(o, k);
    return v === undefined ? undefined : Buffer.from(v, 'base64');
  };
  const username = str(user, 'username');
  const password = str(user, 'password');
  return {
    server: server.replace(/\/+$/, ''),
    caData: data(cluster, 'certificate-authority-data'),
    caFile: path(cluster, 'certificate-authority'),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: str(cluster, 'tls-server-name'),
    certData: data(user, 'client-certificate-data'),
    certFile: path(user, 'client-certificate'),
    keyData: data(user, 'client-key-data'),
    keyFile: path(user, 'client-key'),
    token: str(user, 'token'),
    tokenFile: path(user, 'tokenFile'),
    basicAuth: username !== undefined && password !== undefined ? { username, password } : undefined,
    namespace: str(ctx, 'namespace'),
  };
}

async function readRef(file: string, what: string, source: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new KubeconfigError(source, `cannot read ${what} ${file}: ${(err as Error).message}`);
  }
}

/** Reads a kubeconfig file and the files it points to. */
export async function loadKubeconfig(file: string, context?: string): Promise<KubeConnection> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new KubeconfigError(file, `cannot read the file: ${(err as Error).message}`);
  }
  const s = parseKubeconfig(text, file, context);
  return {
    server: s.server,
    ca: s.caData ?? (s.caFile ? await readRef(s.caFile, 'certificate-authority', file) : undefined),
    cert: s.certData ?? (s.certFile ? await readRef(s.certFile, 'client-certificate', file) : undefined),
    key: s.keyData ?? (s.keyFile ? await readRef(s.keyFile, 'client-key', file) : undefined),
    insecureSkipTlsVerify: s.insecureSkipTlsVerify,
    tlsServerName: s.tlsServerName,
    token: s.token,
    tokenFile: s.tokenFile,
    basicAuth: s.basicAuth,
    namespace: s.namespace,
    source: `kubeconfig ${file}`,
  };
}

/**
 * The in-cluster connection (client-go rest.InClusterConfig): `KUBERNETES_SERVICE_HOST`/`_PORT`
 * and the service account's token, `ca.crt` and `namespace`. Undefined when not in a pod (no
 * service env or no token), so the caller falls back to a kubeconfig, as client-go's users do.
 */
export async function inClusterConnection(
  env: NodeJS.ProcessEnv,
  saDir: string = SERVICE_ACCOUNT_DIR,
): Promise<KubeConnection | undefined> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  const tokenFile = join(saDir, 'token');
  if (!existsSync(tokenFile)) return undefined;
  const ca = await readFile(join(saDir, 'ca.crt')).catch(() => undefined);
  const namespace = (await readFile(join(saDir, 'namespace'), 'utf8').catch(() => '')).trim();
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ca,
    tokenFile,
    namespace: namespace || undefined,
    source: 'in-cluster',
  };
}

/** `kubeconfigPath` metadata, else the first existing file of `KUBECONFIG`, else `~/.kube/config`. */
export function kubeconfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv): string {
  if (explicit) return explicit;
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (list.length > 0) return list.find((p) => existsSync(p)) ?? list[0];
  return join(env.HOME || homedir(), '.kube', 'config');
}
