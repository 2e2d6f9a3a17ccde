import { createRequire } from 'node:module';
import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * A keep-alive HTTP/1.1 client for one origin: the sidecar's calls to its own app.
 *
 * Why not undici: since 6.29 (GHSA-35p6-xmwp-9g52) undici writes a request on an idle keep-alive
 * socket only in the event loop's check phase, after every other callback of the poll phase, to
 * read what an untrusted server may have sent in between. The server here is the app this sidecar
 * serves, and that wait was the largest item of publish→delivery latency (+0.18 ms p50 at 1,000
 * msg/s, bench/pubsub.mjs). node:http's client costs ~40 µs more CPU per call than undici. This one
 * writes at once, parses with Node's own llhttp binding (the parser node:http uses), and never
 * pipelines: one request per connection at a time.
 */

// Node's llhttp binding, as node:http's client uses it (stable since Node 12).
interface Parser {
  initialize(type: number, resource: object): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [key: number]: unknown;
}
const { HTTPParser } = createRequire(import.meta.url)('_http_common') as {
  HTTPParser: {
    new (): Parser;
    RESPONSE: number;
    kOnHeaders: number;
    kOnHeadersComplete: number;
    kOnBody: number;
    kOnMessageComplete: number;
  };
};

export interface Http1Request {
  method: string;
  /** With a leading slash. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

export interface Http1Response {
  status: number;
  /** Raw name/value pairs as received. */
  rawHeaders: string[];
  body: Buffer;
}

export interface Http1PoolOptions {
  host: string;
  port: number;
  tls?: boolean;
  /** Open connections at most; further calls wait for one to be free. */
  maxConnections?: number;
  /** An idle connection is closed after this long (or the server's `Keep-Alive: timeout` − 1 s). */
  idleMs?: number;
  /** A call fails when the app sends nothing for this long (undici's default headers/body timeout). */
  silenceMs?: number;
}

/** Thrown when a connection ends before the answer is complete. */
export class ConnectionClosedError extends Error {
  constructor(message = 'the app closed the connection before answering') {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

interface Call {
  req: Http1Request;
  signal?: AbortSignal;
  resolve: (res: Http1Response) => void;
  reject: (err: Error) => void;
}

/** One connection: a socket, its parser, and the call it is answering (at most one). */
class Connection {
  readonly parser = new HTTPParser();
  call?: Call;
  idleTimer?: NodeJS.Timeout;
  /** Set by the server's `Keep-Alive: timeout=N` hint. */
  idleMs: number;
  private status = 0;
  private rawHeaders: string[] = [];
  private chunks: Buffer[] = [];
  private keepAlive = true;
  private onAbort?: () => void;

  constructor(
    readonly socket: Socket,
    private readonly pool: Http1Pool,
    idleMs: number,
  ) {
    this.idleMs = idleMs;
    this.reset();
    socket.setNoDelay(true);
    socket.on('timeout', () => {
      if (!this.call) return;
      this.fail(new Error(`the app sent nothing for ${pool.silenceMs / 1000} s`));
    });
    socket.on('data', (d: Buffer) => {
      // Bytes on an idle connection answer nothing we asked: do not let them answer the next call.
      if (!this.call) return void socket.destroy();
      const r = this.parser.execute(d);
      if (r instanceof Error) this.fail(r);
    });
    socket.on('end', () => {
      // A body delimited by the end of the connection ends here.
      const r = this.parser.finish();
      if (r instanceof Error) this.fail(r);
      socket.destroy();
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      this.fail(new ConnectionClosedError());
      this.parser.close();
      pool.forget(this);
    });
  }

  send(call: Call): void {
    clearTimeout(this.idleTimer);
    this.call = call;
    this.socket.setTimeout(this.pool.silenceMs);
    const { req, signal } = call;
    if (signal) {
      this.onAbort = () => {
        this.fail(abortReason(signal));
        this.socket.destroy();
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
    let head = `${req.method} ${requestTarget(req.path)} HTTP/1.1\r\nhost: ${this.pool.hostHeader}\r\nconnection: keep-alive\r\n`;
    for (const name in req.headers) {
      if (FRAMING.has(name.toLowerCase())) continue;
      const value = req.headers[name];
      if (UNSAFE.test(name) || UNSAFE.test(value)) {
        this.fail(new TypeError(`invalid character in the header '${name}'`));
        return;
      }
      head += `${name}: ${value}\r\n`;
    }
    const body = req.body;
    if (body === undefined || body.length === 0) {
      if (req.method !== 'GET') head += 'content-length: 0\r\n';
      this.socket.write(head + '\r\n', 'latin1');
      return;
    }
    head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
    this.socket.cork();
    this.socket.write(head, 'latin1');
    this.socket.write(body);
    this.socket.uncork();
  }

  private reset(): void {
    const p = this.parser;
    p.initialize(HTTPParser.RESPONSE, {});
    p[HTTPParser.kOnHeaders] = (headers: string[]) => this.rawHeaders.push(...headers);
    p[HTTPParser.kOnHeadersComplete] = (
      _major: number,
      _minor: number,
      headers: string[] | undefined,
      _method: unknown,
      _url: unknown,
      statusCode: number,
      _statusMessage: unknown,
      _upgrade: boolean,
      shouldKeepAlive: boolean,
    ) => {
      if (headers) this.rawHeaders.push(...headers);
      this.status = statusCode;
      this.keepAlive = shouldKeepAlive;
      return 0;
    };
    // A slice of the socket's read buffer, which Node allocates per read: safe to keep.
    p[HTTPParser.kOnBody] = (chunk: Buffer) => this.chunks.push(chunk);
    p[HTTPParser.kOnMessageComplete] = () => this.complete();
  }

  private complete(): void {
    const { status, rawHeaders, chunks } = this;
    this.rawHeaders = [];
    this.chunks = [];
    // 1xx (100 Continue, 103 Early Hints): the real answer follows on the same call.
    if (status < 200) return;
    const call = this.detach();
    if (!call) return;
    this.idleMs = keepAliveHint(rawHeaders) ?? this.idleMs;
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    if (this.keepAlive && this.idleMs > 0) this.pool.release(this);
    else this.socket.destroy();
    call.resolve({ status, rawHeaders, body });
  }

  private fail(err: Error): void {
    const call = this.detach();
    if (!call) return;
    this.socket.destroy();
    call.reject(err);
  }

  private detach(): Call | undefined {
    const call = this.call;
    this.call = undefined;
    if (call) this.socket.setTimeout(0);
    if (call?.signal && this.onAbort) call.signal.removeEventListener('abort', this.onAbort);
    this.onAbort = undefined;
    return call;
  }
}

/** Headers this client sets itself (framing and hop-by-hop): callers' values are ignored. */
const FRAMING = new Set([
  'host',
  'content-length',
  'connection',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
]);
const UNSAFE = /[\r\n\0]/;

/** The path as a request target: spaces, controls and non-ASCII percent-encoded (never a broken request line). */
function requestTarget(path: string): string {
  return NOT_VISIBLE_ASCII.test(path)
    ? path.replace(NOT_VISIBLE_ASCII_ALL, (m) => encodeURIComponent(m))
    : path;
}
const NOT_VISIBLE_ASCII = /[^\x21-\x7e]/;
const NOT_VISIBLE_ASCII_ALL = /[^\x21-\x7e]+/g;

/** Idle time the server allows, from `Keep-Alive: timeout=N`, minus a second of margin. */
function keepAliveHint(raw: string[]): number | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length !== 10 || raw[i].toLowerCase() !== 'keep-alive') continue;
    const m = /timeout=(\d+)/i.exec(raw[i + 1]);
    if (m) return Number(m[1]) * 1000 - 1000;
  }
  return undefined;
}

function abortReason(signal: AbortSignal): Error {
  const reason = signal.reason as unknown;
  return reason instanceof Error ? reason : new Error('the request was aborted');
}

export class Http1Pool {
  readonly hostHeader: string;
  readonly silenceMs: number;
  /** Idle connections, most recently used last. */
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly waiting: Call[] = [];
  private closed = false;

  constructor(private readonly opts: Http1PoolOptions) {
    this.silenceMs = opts.silenceMs ?? 300_000;
    this.hostHeader = `${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${opts.port}`;
  }

  request(req: Http1Request, signal?: AbortSignal): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the app channel is closed'));
      if (signal?.aborted) return reject(abortReason(signal));
      const call: Call = { req, signal, resolve, reject };
      this.dispatch(call);
    });
  }

  /** Closes every connection; calls in flight fail. */
  close(): void {
    this.closed = true;
    for (const c of this.waiting.splice(0)) c.reject(new Error('the app channel is closed'));
    for (const conn of [...this.all]) conn.socket.destroy();
  }

  /** A connection finished its call and may take the next. */
  release(conn: Connection): void {
    const next = this.waiting.shift();
    if (next) return conn.send(next);
    this.idle.push(conn);
    conn.idleTimer = setTimeout(() => conn.socket.destroy(), conn.idleMs);
    conn.idleTimer.unref();
  }

  /** A connection closed. */
  forget(conn: Connection): void {
    clearTimeout(conn.idleTimer);
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
    const next = this.waiting.shift();
    if (next) this.dispatch(next);
  }

  private dispatch(call: Call): void {
    const conn = this.idle.pop();
    if (conn) return conn.send(call);
    if (this.all.size >= (this.opts.maxConnections ?? 128)) {
      this.waiting.push(call);
      call.signal?.addEventListener(
        'abort',
        () => {
          const i = this.waiting.indexOf(call);
          if (i >= 0) this.waiting.splice(i, 1)[0].reject(abortReason(call.signal as AbortSignal));
        },
        { once: true },
      );
      return;
    }
    this.open(call);
  }

  private open(call: Call): void {
    const { host, port, tls } = this.opts;
    const socket = tls
      ? // As daprd's https app channel: the app's certificate is not verified (apps commonly
        // serve a self-signed one), TLS 1.2 at least.
        tlsConnect({
          host,
          port,
          ALPNProtocols: ['http/1.1'],
          rejectUnauthorized: false,
          minVersion: 'TLSv1.2',
          ...(isIP(host) ? {} : { servername: host }),
        })
      : connect({ host, port });
    const conn = new Connection(socket, this, this.opts.idleMs ?? 4_000);
    this.all.add(conn);
    // Written once connected (net buffers writes made while connecting).
    conn.send(call);
  }
}
