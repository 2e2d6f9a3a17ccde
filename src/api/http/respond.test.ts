import { createServer, request, Agent, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../diagnostics/logger.js';
import { Errors } from '../../errors/catalogue.js';
import { noContent, writeError } from './respond.js';

const logger = createLogger({ appId: 'test', level: 'silent' });

function get(port: number, agent: Agent, path: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req: ClientRequest = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('writeError', () => {
  it('after a complete answer it leaves the keep-alive connection alone (the next request on it is answered)', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/late-error') {
        noContent(res);
        writeError(res, Errors.internal(new Error('failed after answering')), logger);
        return;
      }
      noContent(res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await get(port, agent, '/late-error')).toEqual({ status: 204, reused: false });
      expect(await get(port, agent, '/next')).toEqual({ status: 204, reused: true });
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a half-written answer ends the connection, so the client sees it broke', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '10' });
      res.write('12345');
      writeError(res, new Error('failed mid-answer'), logger);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      await expect(get(port, agent, '/')).rejects.toThrow();
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
