import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppRequest, AppResponse } from '../runtime/app-channel.js';
import type { JobAppChannel } from './trigger.js';

/** One call the test app received on `/job/{name}`. */
export interface AppCall {
  name: string;
  body: string;
  contentType: string | undefined;
  token: string | undefined;
  at: number;
}

/**
 * A small HTTP app for job tests: records every `POST /job/{name}` and answers with the status
 * `status(name, n)` gives for the n-th call of that job (200 by default).
 */
export class JobTestApp {
  readonly calls: AppCall[] = [];
  private readonly server: Server;
  port = 0;

  constructor(
    private readonly status: (name: string, n: number) => number = () => 200,
    /** Runs before the answer is sent (e.g. the app publishes an event when a reminder fires). */
    private readonly onCall?: (call: AppCall) => Promise<void>,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = req.url ?? '';
        if (req.method !== 'POST' || !url.startsWith('/job/')) {
          res.writeHead(404).end();
          return;
        }
        const name = decodeURIComponent(url.slice('/job/'.length));
        const call: AppCall = {
          name,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: req.headers['content-type'],
          token: req.headers['dapr-api-token'] as string | undefined,
          at: Date.now(),
        };
        this.calls.push(call);
        const status = this.status(name, this.count(name));
        (this.onCall?.(call) ?? Promise.resolve()).then(
          () => res.writeHead(status).end(),
          () => res.writeHead(500).end(),
        );
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  count(name: string): number {
    return this.calls.filter((c) => c.name === name).length;
  }

  /** Calls per job name. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const c of this.calls) m.set(c.name, (m.get(c.name) ?? 0) + 1);
    return m;
  }

  /** Waits until `check()` holds (polling), or the timeout passes; returns whether it held. */
  async until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/**
 * A minimal app channel over fetch for tests (the runtime's AppChannel does the same with a pooled
 * client): `dapr-api-token` is added when `appApiToken` is given.
 */
export function fetchAppChannel(
  port: number,
  appApiToken?: string,
): JobAppChannel & { close(): Promise<void> } {
  return {
    async request(req: AppRequest): Promise<AppResponse> {
      const headers: Record<string, string> = { ...req.headers };
      if (appApiToken) headers['dapr-api-token'] = appApiToken;
      const res = await fetch(`http://127.0.0.1:${port}${req.path}`, {
        method: req.method,
        headers,
        body: req.body === undefined ? undefined : new Uint8Array(Buffer.from(req.body)),
        signal: req.signal,
      });
      return {
        status: res.status,
        headers: Object.fromEntries(res.headers),
        body: Buffer.from(await res.arrayBuffer()),
      };
    },
    close: async () => undefined,
  };
}
