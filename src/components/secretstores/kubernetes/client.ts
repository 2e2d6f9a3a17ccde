import { readFile } from 'node:fs/promises';
import { Agent, request } from 'undici';
import { setOwn } from '../interface.js';
import type { KubeConnection } from './config.js';

/** A core/v1 Secret as the API returns it (`data` values are base64). */
export interface V1Secret {
  kind?: string;
  apiVersion?: string;
  metadata?: { name?: string; namespace?: string };
  type?: string;
  data?: Record<string, string> | null;
}

interface V1SecretList {
  kind?: string;
  items?: V1Secret[] | null;
}

/** An error answer of the API server: its `Status` message when it sent one (`secrets "x" not found`). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** Bound service account tokens rotate; client-go re-reads the file every minute. */
const TOKEN_REFRESH_MS = 60_000;
const TIMEOUT_MS = 30_000;

/**
 * The few core/v1 calls the secret store makes, over HTTPS (or HTTP for a plain test server) with
 * the connection's CA, client certificate and bearer token. The client used in a cluster.
 */
export class KubeApiClient {
  private readonly agent: Agent;
  private token?: { value: string; readAt: number };

  constructor(
    readonly conn: KubeConnection,
    private readonly now: () => number = Date.now,
  ) {
    this.agent = new Agent({
      connect: {
        ca: conn.ca,
        cert: conn.cert,
        key: conn.key,
        rejectUnauthorized: !conn.insecureSkipTlsVerify,
        servername: conn.tlsServerName,
      },
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
  }

  getSecret(namespace: string, name: string): Promise<V1Secret> {
    return this.get<V1Secret>(`/api/v1/namespaces/${seg(namespace)}/secrets/${seg(name)}`);
  }

  async listSecrets(namespace: string): Promise<V1Secret[]> {
    const list = await this.get<V1SecretList>(`/api/v1/namespaces/${seg(namespace)}/secrets`);
    return list.items ?? [];
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async get<T>(path: string): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'daprts' };
    const auth = await this.authorization();
    if (auth) headers.authorization = auth;
    const res = await request(this.conn.server + path, { method: 'GET', headers, dispatcher: this.agent });
    const text = await res.body.text();
    if (res.statusCode >= 200 && res.statusCode < 300) {
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new KubeApiError(
          res.statusCode,
          undefined,
          `the API server sent a body that is not JSON (GET ${path})`,
        );
      }
    }
    throw statusError(res.statusCode, text);
  }

  private async authorization(): Promise<string | undefined> {
    if (this.conn.token) return `Bearer ${this.conn.token}`;
    if (this.conn.tokenFile) {
      if (!this.token || this.now() - this.token.readAt >= TOKEN_REFRESH_MS) {
        const value = (await readFile(this.conn.tokenFile, 'utf8')).trim();
        this.token = { value, readAt: this.now() };
      }
      return `Bearer ${this.token.value}`;
    }
    if (this.conn.basicAuth) {
      const { username, password } = this.conn.basicAuth;
      return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return undefined;
  }
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

/** client-go's error text: the Status message, else a generic line for the HTTP status. */
function statusError(code: number, body: string): KubeApiError {
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
    if (s && s.kind === 'Status' && s.message) return new KubeApiError(code, s.reason, s.message);
  } catch {
    // not a Status object
  }
  const reason =
    code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'NotFound' : undefined;
  return new KubeApiError(
    code,
    reason,
    `the server responded with HTTP ${code}${reason ? ` (${reason})` : ''}`,
  );
}

/** `data` of a Secret, base64-decoded to text. */
export function decodeSecretData(secret: V1Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    setOwn(out, k, Buffer.from(v ?? '', 'base64').toString('utf8'));
  }
  return out;
}
