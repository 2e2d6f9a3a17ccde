import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { DaprtsProcess } from './daprts-process.js';

/** One request the sidecar made to the app. */
export interface AppRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A minimal HTTP app for the sidecar to call: `GET /dapr/subscribe` answers `subscriptions`, every
 * other request is answered 200 with an empty body. Every request (discovery included) is recorded
 * with its headers, so tests can check what the sidecar sent and to which route.
 */
export class SubscriberApp implements AsyncDisposable {
  readonly requests: AppRequest[] = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** `subscribeStatus`: the status `GET /dapr/subscribe` answers with (200). */
  static async start(subscriptions: unknown[], subscribeStatus = 200): Promise<SubscriberApp> {
    const ref: { self?: SubscriberApp } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        ref.self?.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        if (req.method === 'GET' && req.url === '/dapr/subscribe') {
          res.writeHead(subscribeStatus, { 'content-type': 'application/json' });
          res.end(JSON.stringify(subscriptions));
          return;
        }
        res.writeHead(200);
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ref.self = new SubscriberApp(server, (server.address() as AddressInfo).port);
    return ref.self;
  }

  /** Requests to `path` (deliveries of one route). */
  to(path: string): AppRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Waits until `count` requests reached `path`. */
  async waitFor(path: string, count: number, timeoutMs = 10_000): Promise<AppRequest[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.to(path).length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(this.to(path).length, `requests to ${path}`).toBeGreaterThanOrEqual(count);
    return this.to(path);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** Waits until `/v1.0/healthz` is 204: the app was discovered and its subscriptions are running. */
export async function waitAppReady(p: DaprtsProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await p.fetch('/v1.0/healthz')).status === 204) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the sidecar did not become ready in ${timeoutMs} ms:\n${p.output}`);
}

/** Waits (up to 10 s) until the sidecar's metadata lists `count` subscriptions; returns either way. */
export async function waitForSubscriptions(p: { fetch: (path: string) => Promise<Response> }, count: number) {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const md = (await (await p.fetch('/v1.0/metadata')).json()) as { subscriptions?: unknown[] };
    if ((md.subscriptions ?? []).length === count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
