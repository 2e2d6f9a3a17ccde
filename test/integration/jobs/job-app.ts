import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JobCall {
  path: string;
  contentType: string | undefined;
  body: string;
  at: number;
}

/** An app receiving job triggers; `status` decides the answer. */
export async function jobApp(
  status: (call: JobCall) => number = () => 200,
): Promise<{ port: number; calls: JobCall[]; close: () => Promise<void> }> {
  const calls: JobCall[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (!req.url?.startsWith('/job/')) {
        res.writeHead(404);
        return res.end();
      }
      const call = { path: req.url, contentType: req.headers['content-type'], body, at: Date.now() };
      calls.push(call);
      res.writeHead(status(call));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export async function until(pred: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}
