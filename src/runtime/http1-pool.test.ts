import { createServer as createHttpsServer } from 'node:https';
import { makeTestPki } from '../components/secretstores/kubernetes/testing.js';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppChannel } from './app-channel.js';
import { Http1Pool } from './http1-pool.js';

const servers: (Server | NetServer)[] = [];
const pools: Http1Pool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          (s as Server).closeAllConnections?.();
          s.close(() => resolve());
        }),
    ),
  );
});

async function httpServer(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void) {
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** A TCP server answering each connection's requests with the given raw bytes. */
async function rawServer(answer: (request: string, n: number) => string | undefined) {
  let n = 0;
  const server = createNetServer((socket) => {
    socket.on('data', (d) => {
      const out = answer(d.toString('latin1'), n++);
      if (out === undefined) socket.destroy();
      else if (out.includes('connection: close')) socket.end(out, 'latin1');
      else socket.write(out, 'latin1');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function pool(port: number, opts: Partial<ConstructorParameters<typeof Http1Pool>[0]> = {}) {
  const p = new Http1Pool({ host: '127.0.0.1', port, ...opts });
  pools.push(p);
  return p;
}

describe('Http1Pool (the app channel client)', () => {
  it('sends method, path, headers and body, and reads status, headers and body', async () => {
    const port = await httpServer((req, res, body) => {
      res.setHeader('x-echo', String(req.headers['x-in']));
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          len: req.headers['content-length'],
          body: body.toString(),
        }),
      );
    });
    const res = await pool(port).request({
      method: 'POST',
      path: '/events/a?x=1',
      headers: { 'x-in': 'héllo'.normalize(), 'content-type': 'application/cloudevents+json' },
      body: Buffer.from('{"a":1}'),
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body.toString())).toEqual({
      method: 'POST',
      url: '/events/a?x=1',
      len: '7',
      body: '{"a":1}',
    });
    expect(res.rawHeaders).toContain('x-echo');
  });

  it('keeps one connection alive across sequential calls, and opens more only for concurrent ones', async () => {
    const remotes = new Set<number>();
    const port = await httpServer((req, res) => {
      remotes.add(req.socket.remotePort as number);
      setTimeout(() => res.end('ok'), 20);
    });
    const p = pool(port);
    for (let i = 0; i < 5; i++) await p.request({ method: 'GET', path: '/', headers: {} });
    expect(remotes.size).toBe(1);
    await Promise.all([1, 2, 3].map(() => p.request({ method: 'GET', path: '/', headers: {} })));
    expect(remotes.size).toBe(3);
  });

  it('writes a call on an idle kept-alive connection at once, not a turn of the event loop later', async () => {
    const port = await httpServer((_req, res) => res.end('ok'));
    const p = pool(port);
    await p.request({ method: 'GET', path: '/', headers: {} });
    const [conn] = (p as unknown as { all: Set<{ socket: { bytesWritten: number } }> }).all;
    const before = conn.socket.bytesWritten;
    const call = p.request({ method: 'POST', path: '/', headers: {}, body: 'x' });
    expect(conn.socket.bytesWritten).toBeGreaterThan(before);
    await call;
  });

  it('reads chunked bodies, bodies delimited by the end of the connection, and skips 1xx answers', async () => {
    const port = await rawServer((req) =>
      req.startsWith('GET /chunked')
        ? 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'
        : req.startsWith('GET /early')
          ? 'HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'
          : 'HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil-eof',
    );
    const p = pool(port);
    expect((await p.request({ method: 'GET', path: '/chunked', headers: {} })).body.toString()).toBe('abcde');
    expect((await p.request({ method: 'GET', path: '/early', headers: {} })).body.toString()).toBe('ok');
    expect((await p.request({ method: 'GET', path: '/eof', headers: {} })).body.toString()).toBe('until-eof');
  });

  it('a connection the server closes while idle is not reused: the next call opens a new one', async () => {
    const remotes = new Set<number>();
    const port = await httpServer((req, res) => {
      remotes.add(req.socket.remotePort as number);
      res.setHeader('connection', 'close');
      res.end('bye');
    });
    const p = pool(port);
    expect((await p.request({ method: 'GET', path: '/', headers: {} })).body.toString()).toBe('bye');
    expect((await p.request({ method: 'GET', path: '/', headers: {} })).body.toString()).toBe('bye');
    expect(remotes.size).toBe(2);
  });

  it('follows the server keep-alive hint: an idle connection is dropped a second before the server would', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 1_100; // sends "Keep-Alive: timeout=1"
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const remotes = new Set<number>();
    server.on('connection', (s) => remotes.add(s.remotePort as number));
    const p = pool((server.address() as AddressInfo).port);
    await p.request({ method: 'GET', path: '/', headers: {} });
    await new Promise((r) => setTimeout(r, 50));
    await p.request({ method: 'GET', path: '/', headers: {} });
    // timeout=1 → idle at most 0 ms: each call uses a fresh connection rather than race the server's close.
    expect(remotes.size).toBe(2);
  });

  it('rejects when the server is not there, when it closes before answering, and on abort', async () => {
    const closed = await rawServer(() => undefined);
    const p = pool(closed);
    await expect(p.request({ method: 'POST', path: '/', headers: {}, body: 'x' })).rejects.toThrow(
      /closed the connection/,
    );

    const free = await rawServer(() => '');
    servers.pop()?.close();
    await expect(pool(free).request({ method: 'GET', path: '/', headers: {} })).rejects.toThrow(
      /ECONNREFUSED/,
    );

    const slow = await httpServer((_req, res) => setTimeout(() => res.end('late'), 2_000));
    const reason = new Error('deadline');
    const ac = new AbortController();
    const call = pool(slow).request({ method: 'GET', path: '/', headers: {} }, ac.signal);
    setTimeout(() => ac.abort(reason), 20);
    await expect(call).rejects.toBe(reason);
  });

  it('fails a call when the app sends nothing for silenceMs, and the pool goes on', async () => {
    const port = await httpServer((req, res) => {
      if (req.url === '/hang') return;
      res.end('ok');
    });
    const p = pool(port, { silenceMs: 100 });
    await expect(p.request({ method: 'GET', path: '/hang', headers: {} })).rejects.toThrow(/sent nothing/);
    expect((await p.request({ method: 'GET', path: '/', headers: {} })).body.toString()).toBe('ok');
  });

  it('never lets a header inject lines, and sets framing headers itself', async () => {
    let seen: IncomingMessage | undefined;
    const port = await httpServer((req, res) => {
      seen = req;
      res.end();
    });
    const p = pool(port);
    await expect(
      p.request({ method: 'POST', path: '/', headers: { 'x-a': 'v\r\nx-injected: 1' }, body: 'b' }),
    ).rejects.toThrow(/invalid character/);
    await p.request({
      method: 'POST',
      path: '/',
      headers: { 'content-length': '999', connection: 'close' },
      body: 'abc',
    });
    expect(seen?.headers['content-length']).toBe('3');
    await p.request({ method: 'POST', path: '/a b/é\r\nx: y', headers: {}, body: 'abc' });
    expect(seen?.url).toBe('/a%20b/%C3%A9%0D%0Ax:%20y');
    expect(seen?.headers['x-injected']).toBeUndefined();
  });

  it('queues calls beyond maxConnections and runs them as connections free up', async () => {
    let open = 0;
    let maxOpen = 0;
    const port = await httpServer((_req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      setTimeout(() => {
        open--;
        res.end('ok');
      }, 10);
    });
    const p = pool(port, { maxConnections: 2 });
    const all = await Promise.all(
      Array.from({ length: 6 }, () => p.request({ method: 'GET', path: '/', headers: {} })),
    );
    expect(all.map((r) => r.body.toString())).toEqual(Array(6).fill('ok'));
    expect(maxOpen).toBe(2);
  });

  it('AppChannel over https (--app-protocol https): an app certificate nobody vouches for is accepted, as daprd', async () => {
    const pki = makeTestPki();
    const server = createHttpsServer({ key: pki.serverKey, cert: pki.serverCert }, (req, res) =>
      res.end(`tls ${req.method} ${req.url}`),
    );
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const channel = new AppChannel({ host: '127.0.0.1', port, appId: 'app', protocol: 'https' });
    const res = await channel.request({ method: 'POST', path: '/orders', body: '{}' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('tls POST /orders');
    await channel.close();
  });

  it('AppChannel: decodes answer headers as utf8 with lower-cased names, repeated ones as arrays', async () => {
    const port = await rawServer(() =>
      Buffer.concat([
        Buffer.from('HTTP/1.1 200 OK\r\nX-Multi: a\r\nx-multi: b\r\nx-utf8: '),
        Buffer.from('é', 'utf8'),
        Buffer.from('\r\ncontent-length: 2\r\n\r\n{}'),
      ]).toString('latin1'),
    );
    const channel = new AppChannel({ host: '127.0.0.1', port, appId: 'app' });
    const res = await channel.request({ method: 'GET', path: 'health' });
    expect(res.headers['x-multi']).toEqual(['a', 'b']);
    expect(res.headers['x-utf8']).toBe('é');
    expect(res.body.toString()).toBe('{}');
    await channel.close();
  });
});
