import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sidecar made to the app (health probes included). */
export interface HealthAppRequest {
  method: string;
  path: string;
  body: string;
  /** Whether the app was healthy when the request arrived. */
  healthy: boolean;
}

/**
 * An HTTP app whose `GET /healthz` answers 200 or 500 as `healthy` says; `GET /dapr/subscribe`
 * answers `subscriptions`; every other request is answered 200. Every request is recorded.
 */
export class HealthApp implements AsyncDisposable {
  healthy: boolean;
  readonly requests: HealthAppRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    healthy: boolean,
  ) {
    this.healthy = healthy;
  }

  static async start(opts: { healthy: boolean; subscriptions?: unknown[] }): Promise<HealthApp> {
    const ref: { self?: HealthApp } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const self = ref.self!;
        self.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
          healthy: self.healthy,
        });
        if (req.url === '/healthz') {
          res.writeHead(self.healthy ? 200 : 500).end(self.healthy ? 'ok' : 'not ok');
        } else if (req.url === '/dapr/subscribe') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(opts.subscriptions ?? []));
        } else {
          res.writeHead(200).end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ref.self = new HealthApp(server, (server.address() as AddressInfo).port, opts.healthy);
    return ref.self;
  }

  /** Requests to `path`. */
  to(path: string): HealthAppRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Health probes received so far. */
  get probes(): number {
    return this.to('/healthz').length;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** Polls `cond` every 25 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitUntil(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `--app-port <port> --enable-app-health-check --app-health-probe-interval 1 --app-health-threshold <threshold>`. */
export function appHealthArgs(appPort: number, threshold: number): string[] {
  return [
    '--app-port',
    String(appPort),
    '--enable-app-health-check',
    '--app-health-probe-interval',
    '1',
    '--app-health-threshold',
    String(threshold),
  ];
}
