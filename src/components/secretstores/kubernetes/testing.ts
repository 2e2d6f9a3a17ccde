import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test helpers: a Kubernetes-API-compatible endpoint that serves real core/v1 Secret objects, and
 * throwaway certificates for it. For tests only; no cluster is reachable from this machine.
 */

/** `namespace → secret name → key → plain value` (served base64-encoded, as the API does). */
export type SecretFixtures = Record<string, Record<string, Record<string, string>>>;

export interface FakeKubeApiOptions {
  secrets: SecretFixtures;
  /** Bearer token every request must carry (unless `clientCerts` authenticates it). */
  token?: string;
  /** Serve HTTPS with these PEMs; `requestClientCert` accepts callers with a cert signed by `ca`. */
  tls?: { key: Buffer; cert: Buffer; ca?: Buffer; requestClientCert?: boolean };
}

export interface FakeKubeApi {
  url: string;
  port: number;
  /** Paths requested, in order (for asserting what the client called). */
  requests: { path: string; authorization?: string }[];
  close(): Promise<void>;
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: object): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(body);
}

function secretObject(ns: string, name: string, data: Record<string, string>, withType: boolean) {
  return {
    ...(withType ? { kind: 'Secret', apiVersion: 'v1' } : {}),
    metadata: {
      name,
      namespace: ns,
      uid: `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padEnd(12, '0').slice(0, 12)}`,
      resourceVersion: '4242',
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    type: 'Opaque',
  };
}

function handle(opts: FakeKubeApiOptions, api: FakeKubeApi, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  api.requests.push({ path, authorization: req.headers.authorization });
  const certOk = opts.tls?.requestClientCert && (req.socket as TLSSocket).authorized === true;
  if (!certOk && opts.token !== undefined && req.headers.authorization !== `Bearer ${opts.token}`) {
    return status(res, 401, 'Unauthorized', 'Unauthorized');
  }
  if (req.method !== 'GET')
    return status(res, 405, 'MethodNotAllowed', 'the server does not allow this method');
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(path);
  if (!m) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  const ns = decodeURIComponent(m[1]);
  const inNs = opts.secrets[ns] ?? {};
  let body: object;
  if (m[2] === undefined) {
    body = {
      kind: 'SecretList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '4242' },
      items: Object.entries(inNs).map(([n, d]) => secretObject(ns, n, d, false)),
    };
  } else {
    const name = decodeURIComponent(m[2]);
    const data = inNs[name];
    if (!data) return status(res, 404, 'NotFound', `secrets "${name}" not found`, { name, kind: 'secrets' });
    body = secretObject(ns, name, data, true);
  }
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the endpoint on 127.0.0.1 and a free port. */
export async function startFakeKubeApi(opts: FakeKubeApiOptions): Promise<FakeKubeApi> {
  const api: FakeKubeApi = { url: '', port: 0, requests: [], close: async () => undefined };
  const listener = (req: IncomingMessage, res: ServerResponse) => handle(opts, api, req, res);
  const server: Server = opts.tls
    ? createHttpsServer(
        {
          key: opts.tls.key,
          cert: opts.tls.cert,
          ca: opts.tls.ca,
          requestCert: opts.tls.requestClientCert ?? false,
          rejectUnauthorized: false,
        },
        listener,
      )
    : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.port = (server.address() as AddressInfo).port;
  api.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${api.port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return api;
}

export interface TestPki {
  dir: string;
  ca: Buffer;
  serverKey: Buffer;
  serverCert: Buffer;
  clientKey: Buffer;
  clientCert: Buffer;
  /** Paths of the same PEMs, for kubeconfigs that reference files. */
  files: { ca: string; clientKey: string; clientCert: string };
}

/** A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with `openssl`. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-k8s-pki-'));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    '-days',
    '3',
    '-subj',
    '/CN=daprts-test-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const leaf = (name: string, ext: string) => {
    writeFileSync(f(`${name}.ext`), ext);
    ssl('req', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', `/CN=${name}`);
    ssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.crt'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.crt`),
      '-days',
      '3',
      '-extfile',
      f(`${name}.ext`),
    );
  };
  leaf('server', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', 'extendedKeyUsage=clientAuth\n');
  const read = (n: string) => readFileSync(f(n));
  return {
    dir,
    ca: read('ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    clientKey: read('client.key'),
    clientCert: read('client.crt'),
    files: { ca: f('ca.crt'), clientKey: f('client.key'), clientCert: f('client.crt') },
  };
}

/** A kubeconfig text for one cluster/user/context. */
export function kubeconfigYaml(o: {
  server: string;
  namespace?: string;
  cluster?: Record<string, string | boolean>;
  user?: Record<string, string>;
}): string {
  const ind = (obj: Record<string, string | boolean>, pad: string) =>
    Object.entries(obj)
      .map(([k, v]) => `${pad}${k}: ${JSON.stringify(v)}`)
      .join('\n');
  return `apiVersion: v1
kind: Config
current-context: test
preferences: {}
clusters:
- name: other
  cluster:
    server: https://192.0.2.1:6443
- name: test-cluster
  cluster:
    server: ${o.server}
${ind(o.cluster ?? {}, '    ')}
contexts:
- name: elsewhere
  context: {cluster: other, user: nobody}
- name: test
  context:
    cluster: test-cluster
    user: test-user
${o.namespace ? `    namespace: ${o.namespace}\n` : ''}users:
- name: nobody
  user: {token: nope}
- name: test-user
  user:
${ind(o.user ?? {}, '    ')}
`;
}
