import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  /** The CloudEvent (or bulk envelope) the runtime POSTed. */
  body: Record<string, unknown>;
  at: number;
}

export type Responder = (
  d: Delivery,
) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;

/**
 * A subscriber app: answers `GET /dapr/subscribe` with the given list, records every delivery and
 * answers it through a programmable responder (default 200 SUCCESS).
 */
export class TestApp {
  readonly deliveries: Delivery[] = [];
  respond: Responder = () => ({ status: 200, body: { status: 'SUCCESS' } });
  private server?: Server;

  constructor(private readonly subscriptions: unknown[] = []) {}

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        if (req.url === '/dapr/subscribe') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(this.subscriptions));
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        const d: Delivery = {
          path: req.url ?? '',
          headers: req.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          at: Date.now(),
        };
        this.deliveries.push(d);
        const out = await this.respond(d);
        res.writeHead(out.status, { 'content-type': 'application/json' });
        res.end(out.body === undefined ? '' : JSON.stringify(out.body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return (this.server!.address() as AddressInfo).port;
  }

  on(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path);
  }

  /** Waits until `pred` holds, or fails after `ms` with what was received. */
  async waitFor(pred: () => boolean, ms = 20_000, what = 'deliveries'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; received ${this.deliveries.length}: ${this.deliveries
            .map((d) => d.path)
            .join(',')
            .slice(0, 500)}`,
        );
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
