import type { Metrics } from '../diagnostics/metrics/metrics.js';
import { appPath } from './clean-path.js';
import { Http1Pool } from './http1-pool.js';

export interface AppRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** Path on the app, with a leading slash. */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  signal?: AbortSignal;
}

export interface AppResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface AppChannelOptions {
  host: string;
  port: number;
  protocol?: string;
  /** `APP_API_TOKEN`: sent to the app as `dapr-api-token` on every call. */
  appApiToken?: string;
  /** Max calls in flight to the app; <= 0 is unlimited (`--app-max-concurrency`). */
  maxConcurrency?: number;
  appId: string;
  /** Counts each call and health probe (`dapr_http_client_*`, `dapr_http_healthprobes_*`). */
  metrics?: Pick<Metrics, 'enabled' | 'httpClientRequest' | 'appHealthProbe'>;
}

/**
 * The runtime's HTTP client to its app (subscriptions, deliveries, job triggers, health probes): a
 * keep-alive HTTP/1.1 pool (see http1-pool.ts for why not undici); a semaphore enforces
 * `--app-max-concurrency`.
 */
export class AppChannel {
  private readonly pool: Http1Pool;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly baseHeaders: Record<string, string>;

  constructor(private readonly opts: AppChannelOptions) {
    this.baseHeaders = { 'dapr-caller-app-id': opts.appId };
    if (opts.appApiToken) this.baseHeaders['dapr-api-token'] = opts.appApiToken;
    this.pool = new Http1Pool({
      host: opts.host,
      port: opts.port,
      tls: opts.protocol === 'https',
      maxConnections: 128,
    });
  }

  async request(req: AppRequest): Promise<AppResponse> {
    const slot = this.acquire();
    if (slot) await slot;
    // daprd's channel cleans the method path (a route `/orders/` is called as `/orders`).
    const path = appPath(req.path);
    const metrics = this.opts.metrics?.enabled ? this.opts.metrics : undefined;
    const started = metrics ? performance.now() : 0;
    let status = 500;
    let received = 0;
    try {
      const res = await this.send(
        req.method,
        path,
        { ...this.baseHeaders, ...req.headers },
        req.body,
        req.signal,
      );
      status = res.status;
      received = res.body.length;
      return res;
    } finally {
      this.release();
      metrics?.httpClientRequest(
        req.method,
        path,
        status,
        performance.now() - started,
        req.body === undefined ? 0 : Buffer.byteLength(req.body),
        received,
      );
    }
  }

  /**
   * `GET <path>` for the app health check: healthy on 2xx. It bypasses `--app-max-concurrency`
   * (a probe must not queue behind deliveries) and never throws: a network error or the timeout
   * is a failed probe with its reason.
   */
  async healthProbe(path: string, timeoutMs: number): Promise<{ healthy: boolean; reason?: string }> {
    const signal = AbortSignal.timeout(timeoutMs);
    const metrics = this.opts.metrics?.enabled ? this.opts.metrics : undefined;
    const started = metrics ? performance.now() : 0;
    let status = 500;
    try {
      const res = await this.send('GET', path, this.baseHeaders, undefined, signal);
      status = res.status;
      if (res.status >= 200 && res.status < 300) return { healthy: true };
      return { healthy: false, reason: `Health check failed with status code: ${res.status}` };
    } catch (err) {
      const why = signal.aborted ? `timed out after ${timeoutMs} ms` : (err as Error).message;
      return { healthy: false, reason: `Network error: ${why}` };
    } finally {
      metrics?.appHealthProbe(status, performance.now() - started);
    }
  }

  async close(): Promise<void> {
    this.pool.close();
  }

  /**
   * One call: resolves with the status, the headers (decoded when first read) and the whole body;
   * rejects on a connection error, or with the signal's reason when it aborts.
   */
  private async send(
    method: AppRequest['method'],
    path: string,
    headers: Record<string, string>,
    body: Buffer | string | undefined,
    signal?: AbortSignal,
  ): Promise<AppResponse> {
    const res = await this.pool.request(
      { method, path: path.startsWith('/') ? path : `/${path}`, headers, body },
      signal,
    );
    return response(res.status, res.rawHeaders, res.body);
  }

  /** Takes a slot; a promise to wait on when `--app-max-concurrency` calls are in flight. */
  private acquire(): Promise<void> | undefined {
    const max = this.opts.maxConcurrency ?? -1;
    if (max <= 0 || this.inFlight < max) {
      this.inFlight++;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(() => (this.inFlight++, resolve())));
  }

  private release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }
}

/** An answer whose headers are decoded on first use (deliveries only read the status and body). */
function response(status: number, rawHeaders: string[], body: Buffer): AppResponse {
  let headers: AppResponse['headers'] | undefined;
  return {
    status,
    body,
    get headers() {
      return (headers ??= parseHeaders(rawHeaders));
    },
  };
}

/** Raw header pairs (latin1 strings, as llhttp gives them) → lower-cased names, utf8 values, repeated names as arrays. */
function parseHeaders(raw: string[]): AppResponse['headers'] {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i].toLowerCase();
    const value = Buffer.from(raw[i + 1], 'latin1').toString('utf8');
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (typeof prev === 'string') out[key] = [prev, value];
    else prev.push(value);
  }
  return out;
}
