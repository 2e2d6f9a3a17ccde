import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import FindMyWay from 'find-my-way';
import type { Logger } from '../../diagnostics/logger.js';
import type { Metrics } from '../../diagnostics/metrics/metrics.js';
import { runWithSpan } from '../../diagnostics/tracing/context.js';
import type { Tracing } from '../../diagnostics/tracing/tracing.js';
import { Errors } from '../../errors/catalogue.js';
import type { DaprError } from '../../errors/dapr-error.js';
import { RequestObserver, routeInfo, type ApiLoggingOptions, type RouteInfo } from './observe.js';
import { readBody, type Query } from './request.js';
import { unauthorized, writeError } from './respond.js';
import { TOKEN_EXEMPT } from './paths.js';
import type { HandlerContext, Route } from './route.js';

export interface HttpApiServerOptions {
  routes: Route[];
  logger: Logger;
  /** `DAPR_API_TOKEN`: when set, every route but health requires `dapr-api-token`. */
  apiToken?: string;
  /** Max request body in bytes (daprd's default is 4 MB). */
  maxBodyBytes: number;
  /** Logs each call (method, path, status, duration) at info; never bodies or values. */
  apiLogging?: boolean | ApiLoggingOptions;
  /** A span per API call (child of the caller's `traceparent`) made current for the handler. */
  tracing?: Tracing;
  /** daprd's HTTP server metrics, and `dapr_error_code_total` at the error exit point. */
  metrics?: Metrics;
}

/**
 * The HTTP API server. A plain node:http server with a radix router: the per-request work is one
 * route lookup, the token check and the handler, which keeps the hop close to a bare Node server.
 */
export class HttpApiServer {
  private readonly server: Server;
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly log: Logger;
  private readonly token?: Buffer;
  private readonly observer: RequestObserver;
  private readonly onError?: (e: DaprError) => void;

  constructor(private readonly opts: HttpApiServerOptions) {
    this.log = opts.logger.child({ scope: 'dapr.runtime.http' });
    this.token = opts.apiToken ? Buffer.from(opts.apiToken) : undefined;
    const apiLogging = typeof opts.apiLogging === 'boolean' ? { enabled: opts.apiLogging } : opts.apiLogging;
    this.observer = new RequestObserver({
      logger: opts.logger,
      tracing: opts.tracing,
      metrics: opts.metrics,
      apiLogging,
    });
    const metrics = opts.metrics;
    if (metrics?.enabled) this.onError = (e) => metrics.errorCode(e.errorCode);
    this.router = FindMyWay({
      ignoreTrailingSlash: true,
      caseSensitive: true,
      maxParamLength: 4096,
      // daprd checks the token before routing, and routes anything unmatched to service
      // invocation, which answers ERR_DIRECT_INVOKE when there is no `dapr-app-id`.
      defaultRoute: (req, res) => {
        req.resume();
        if (this.observer.active) this.observer.begin(req, res, undefined);
        if (this.token && !this.tokenMatches(req.headers['dapr-api-token'])) return unauthorized(res);
        writeError(res, Errors.directInvokeNoAppId(), this.log, this.onError);
      },
      onBadUrl: (path, req, res) => {
        req.resume();
        if (this.observer.active) this.observer.begin(req, res, undefined);
        writeError(
          res,
          Errors.badRequest(`malformed request URL: invalid percent-encoding in ${path}`),
          this.log,
          this.onError,
        );
      },
    });
    for (const route of opts.routes) {
      const exempt = TOKEN_EXEMPT.has(route.path);
      const info = routeInfo(route.path);
      this.router.on(route.methods, route.path, (req, res, params, _store, query) =>
        this.dispatch(req, res, route, params as Record<string, string>, query as Query, exempt, info),
      );
    }
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.onRequest(req, res));
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }

  /** Forcibly ends connections still open after a drain. */
  closeAllConnections(): void {
    this.server.closeAllConnections();
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.router.lookup(req, res);
    } catch (err) {
      // Malformed URLs (bad percent-encoding) throw inside the router.
      writeError(
        res,
        Errors.badRequest(`malformed request URL: ${(err as Error).message}`),
        this.log,
        this.onError,
      );
    }
  }

  private dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    params: Record<string, string>,
    query: Query,
    exempt: boolean,
    info: RouteInfo,
  ): void {
    const span = this.observer.active ? this.observer.begin(req, res, info, params) : undefined;
    if (this.token && !exempt && !this.tokenMatches(req.headers['dapr-api-token'])) {
      req.resume();
      unauthorized(res);
      return;
    }
    const ctx = { params, query, body: () => readBody(req, this.opts.maxBodyBytes) };
    if (span) runWithSpan(span, () => this.run(req, res, route, ctx));
    else this.run(req, res, route, ctx);
  }

  private run(req: IncomingMessage, res: ServerResponse, route: Route, ctx: HandlerContext): void {
    try {
      const out = route.handler(req, res, ctx);
      if (out) out.catch((err: unknown) => this.fail(req, res, err));
    } catch (err) {
      this.fail(req, res, err);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    // Drain an unread body so keep-alive connections stay usable.
    if (!req.readableEnded) req.resume();
    writeError(res, err, this.log, this.onError);
  }

  private tokenMatches(header: string | string[] | undefined): boolean {
    if (typeof header !== 'string' || !this.token) return false;
    const given = Buffer.from(header);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }
}
