import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../diagnostics/logger.js';
import type { Metrics } from '../../diagnostics/metrics/metrics.js';
import type { Span, SpanAttributes, Tracing } from '../../diagnostics/tracing/tracing.js';
import { MAX_TRACESTATE_LENGTH, unsampledChild } from '../../diagnostics/tracing/w3c.js';
import { TOKEN_EXEMPT } from './paths.js';

/** `logging.apiLogging` of the Configuration (with `--enable-api-logging` folded into `enabled`). */
export interface ApiLoggingOptions {
  enabled: boolean;
  /** Log the route template (`/v1.0/state/{storeName}/{key}`) instead of the URL. */
  obfuscateURLs?: boolean;
  /** Leave health checks out of the API log. */
  omitHealthChecks?: boolean;
}

export interface ObserveOptions {
  logger: Logger;
  tracing?: Tracing;
  metrics?: Metrics;
  apiLogging?: ApiLoggingOptions;
}

/** What the observer knows of a matched route. */
export interface RouteInfo {
  /** The router path (`/v1.0/state/:storeName/:key`). */
  path: string;
  /** The same as a metrics label / obfuscated URL: `/v1.0/state/{storeName}/{key}` ('' if unmatched). */
  template: string;
  isHealth: boolean;
}

/** `:name` → `{name}`, `*` → `{*}`: a bounded label for a route. */
export function routeTemplate(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*/g, '{*}');
}

export function routeInfo(path: string): RouteInfo {
  return { path, template: routeTemplate(path), isHealth: TOKEN_EXEMPT.has(path) };
}

/**
 * Per-request observation: the API span (a child of the caller's `traceparent`, or a new sampled
 * trace), `traceparent` on the response, daprd's HTTP server metrics (path label as daprd derives it), and the
 * API log line. When all are off, `begin` is never called (the server checks `active`).
 * An unsampled request still answers with a `traceparent` (the caller's trace, or a new one, with
 * a span id of its own), as daprd's trace middleware adds one to every API response unless the
 * sampling rate is 0.
 */
export class RequestObserver {
  readonly active: boolean;
  private readonly log: Logger;
  private readonly tracing?: Tracing;
  private readonly metrics?: Metrics;
  private readonly apiLog?: ApiLoggingOptions;
  private readonly propagate: boolean;

  constructor(opts: ObserveOptions) {
    this.tracing = opts.tracing?.enabled ? opts.tracing : undefined;
    this.metrics = opts.metrics?.enabled ? opts.metrics : undefined;
    this.apiLog = opts.apiLogging?.enabled ? opts.apiLogging : undefined;
    this.propagate = opts.tracing?.propagates ?? true;
    this.active = !!(this.tracing || this.metrics || this.apiLog || this.propagate);
    this.log = opts.logger.child({ scope: 'dapr.runtime.http-info' });
  }

  /** Starts observing; returns the API span (to make current while the handler runs). */
  begin(
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteInfo | undefined,
    params?: Record<string, string>,
  ): Span | undefined {
    const started = performance.now();
    const path = pathOf(req);
    let span: Span | undefined;
    // Health checks are not traced (as daprd's tracing middleware skips them).
    if (this.tracing && !route?.isHealth) {
      span = this.tracing.startSpan(path, {
        kind: 'server',
        parent: { traceparent: header(req, 'traceparent'), tracestate: header(req, 'tracestate') },
      });
      if (span) {
        res.setHeader('traceparent', span.traceparent);
        if (span.tracestate) res.setHeader('tracestate', span.tracestate);
      }
    }
    if (!span && this.propagate && !route?.isHealth) {
      const { traceparent, continued } = unsampledChild(header(req, 'traceparent'));
      res.setHeader('traceparent', traceparent);
      const tracestate = continued ? header(req, 'tracestate') : undefined;
      if (tracestate && tracestate.length <= MAX_TRACESTATE_LENGTH) res.setHeader('tracestate', tracestate);
    }
    // An unsampled request with neither metrics nor API logging on has nothing left to observe.
    if (span || this.metrics || this.apiLog) {
      // One shared listener and the state on the response, rather than a closure per request.
      (res as Observed)[OBSERVED] = { observer: this, req, route, params, path, span, started };
      res.on('close', onClose);
    }
    return span;
  }

  /** @internal: called once per observed response, when it closes. */
  end(o: ObservedRequest, res: ServerResponse): void {
    const { req, route, params, path, span, started } = o;
    const elapsed = performance.now() - started;
    const status = res.statusCode;
    const method = req.method ?? '';
    if (span) {
      span.setAttributes(spanAttributes(req, route, params, method, path, status));
      span.setHttpStatus(status);
      span.end();
    }
    this.metrics?.httpServerRequest(
      method,
      path,
      status,
      elapsed,
      Number(req.headers['content-length']) || 0,
      Number(res.getHeader('content-length')) || 0,
    );
    if (this.apiLog && !(route?.isHealth && this.apiLog.omitHealthChecks)) {
      // daprd's fields: method ("VERB path" or the route), code, size, duration (ms), useragent.
      // Never the query string, a header value other than the user agent, or a body.
      const fields: Record<string, unknown> = {
        method: `${method} ${this.apiLog.obfuscateURLs ? (route?.template ?? '') : path}`,
        code: status,
        size: Number(res.getHeader('content-length')) || 0,
        duration: Math.round(elapsed),
      };
      const ua = req.headers['user-agent'];
      if (ua) fields.useragent = ua;
      this.log.info(fields, 'HTTP API Called');
    }
  }
}

const OBSERVED = Symbol('daprts.observed');

interface ObservedRequest {
  observer: RequestObserver;
  req: IncomingMessage;
  route: RouteInfo | undefined;
  params: Record<string, string> | undefined;
  path: string;
  span: Span | undefined;
  started: number;
}

type Observed = ServerResponse & { [OBSERVED]?: ObservedRequest };

function onClose(this: Observed): void {
  const o = this[OBSERVED];
  if (!o) return;
  this[OBSERVED] = undefined;
  o.observer.end(o, this);
}

/**
 * The API span's attributes as daprd sets them: protocol, API, status, method, URL path and the
 * local address, plus the building block's (`db.*` for state and secrets, `messaging.*` for publish).
 */
function spanAttributes(
  req: IncomingMessage,
  route: RouteInfo | undefined,
  params: Record<string, string> | undefined,
  method: string,
  path: string,
  status: number,
): SpanAttributes {
  const api = `${method} ${path}`;
  const attrs: SpanAttributes = {
    'dapr.protocol': 'http',
    'dapr.api': api,
    'dapr.status_code': String(status),
    'http.request.method': method,
    'url.full': path,
  };
  const local = localEndpoint(req);
  if (local.address) attrs['server.address'] = local.address;
  if (local.port) attrs['server.port'] = local.port;
  if (!route || !params) return attrs;
  if (params.storeName !== undefined || params.secretStoreName !== undefined) {
    const system = params.storeName !== undefined ? 'state' : 'secrets';
    attrs['db.system'] = system;
    attrs['db.connection_string'] = system;
    attrs['db.statement'] = api;
    attrs['db.name'] = params.storeName ?? params.secretStoreName;
  } else if (params.pubsubName !== undefined) {
    attrs['messaging.system'] = 'pubsub';
    attrs['messaging.destination.name'] = params['*'] ?? '';
  }
  return attrs;
}

/** A socket's local address and port, read once per connection (each read is a system call). */
const endpoints = new WeakMap<object, { address?: string; port?: number }>();
function localEndpoint(req: IncomingMessage): { address?: string; port?: number } {
  let e = endpoints.get(req.socket);
  if (!e) endpoints.set(req.socket, (e = { address: req.socket.localAddress, port: req.socket.localPort }));
  return e;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The URL path without the query string (query values may carry metadata; never logged). */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
