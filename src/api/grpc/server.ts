import { timingSafeEqual } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  status as Code,
  Metadata,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { Metrics } from '../../diagnostics/metrics/metrics.js';
import type { Logger } from '../../diagnostics/logger.js';
import {
  binaryFromTraceparent,
  runWithSpan,
  type Span,
  type Tracing,
} from '../../diagnostics/tracing/index.js';
import type { DaprError } from '../../errors/dapr-error.js';
import { daprProtos } from './protos.js';
import { toGrpcStatus, unauthenticated, type GrpcStatus } from './status.js';
import { grpcTraceContext } from './trace-context.js';

const TOKEN_KEY = 'dapr-api-token';

/** A Dapr API method as gRPC names it on the wire (span names, metrics, the API log). */
const fullMethod = (name: string) => `/dapr.proto.runtime.v1.Dapr/${name}`;

/** What a handler gets besides its request. */
export interface RpcContext {
  /** The call's metadata (the API token already checked and removed). */
  metadata: Metadata;
  /** Aborted when the server shuts down: long-lived streams end then. */
  closing: AbortSignal;
}

/** A unary RPC: resolves the response object (protobuf fields in camelCase) or throws a DaprError. */
export type UnaryRpc = (request: never, ctx: RpcContext) => unknown;

/** A bidirectional stream RPC; `fail` ends the call with an error through the one exit point. */
export type StreamRpc = (
  call: ServerDuplexStream<unknown, unknown>,
  ctx: RpcContext & { fail(err: unknown): void },
) => void;

/** The handlers of the Dapr service, by RPC name; RPCs without one answer UNIMPLEMENTED. */
export interface RpcTable {
  unary: Record<string, UnaryRpc>;
  streams?: Record<string, StreamRpc>;
}

/** Declares a unary handler with a typed request. */
export function rpc<Req>(fn: (request: Req, ctx: RpcContext) => unknown): UnaryRpc {
  return fn as UnaryRpc;
}

export interface GrpcApiServerOptions {
  rpcs: RpcTable;
  logger: Logger;
  /** `DAPR_API_TOKEN`: when set, every RPC but health requires `dapr-api-token` metadata. */
  apiToken?: string;
  /** Max message size in bytes, both ways (daprd: `--max-body-size`, 4 MB). */
  maxMessageBytes: number;
  /** Whether the health service answers SERVING. */
  serving: () => boolean;
  /** Logs each call (method, code, duration) at info; never messages. */
  apiLogging?: boolean;
  /** Sees every DaprError answered (metrics). */
  onError?: (e: DaprError) => void;
  /** Counts each call by method and status (`dapr_grpc_io_server_*`). */
  metrics?: Pick<Metrics, 'grpcServerRequest'>;
  /** A span per unary call (child of the caller's context), current while the handler runs. */
  tracing?: Tracing;
}

/**
 * The gRPC API server: `dapr.proto.runtime.v1.Dapr` from the official `.proto` files, served by
 * thin adapters over the universal API, and `grpc.health.v1.Health`. Plain h2c, like daprd's
 * API port without mTLS.
 */
export class GrpcApiServer {
  private readonly server: Server;
  private readonly log: Logger;
  private readonly token?: Buffer;
  private readonly closing = new AbortController();

  constructor(private readonly opts: GrpcApiServerOptions) {
    this.log = opts.logger.child({ scope: 'dapr.runtime.grpc.api' });
    this.token = opts.apiToken ? Buffer.from(opts.apiToken) : undefined;
    this.server = new Server({
      'grpc.max_receive_message_length': opts.maxMessageBytes,
      'grpc.max_send_message_length': opts.maxMessageBytes,
      // Channelz bookkeeping costs on every call and nothing reads it.
      'grpc.enable_channelz': 0,
    });
    const protos = daprProtos();
    this.server.addService(protos.dapr, this.implementation(protos.dapr));
    this.server.addService(protos.health, this.health());
  }

  /** Binds `host:port` (0 picks a free port) and resolves the port bound. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      this.server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) =>
        err ? reject(err) : resolve(bound),
      );
    });
  }

  /** Ends open streams, lets unary calls finish for up to `graceMs`, then closes every connection. */
  async close(graceMs = 5000): Promise<void> {
    this.closing.abort();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private implementation(service: ServiceDefinition): UntypedServiceImplementation {
    const impl: UntypedServiceImplementation = {};
    for (const [name, fn] of Object.entries(this.opts.rpcs.unary)) {
      if (!service[name]) throw new Error(`gRPC handler for unknown RPC ${name}`);
      impl[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) =>
        this.unary(name, fn, call, callback);
    }
    for (const [name, fn] of Object.entries(this.opts.rpcs.streams ?? {})) {
      if (!service[name]) throw new Error(`gRPC handler for unknown RPC ${name}`);
      impl[name] = (call: ServerDuplexStream<unknown, unknown>) => this.stream(name, fn, call);
    }
    return impl;
  }

  private unary(
    name: string,
    fn: UnaryRpc,
    call: ServerUnaryCall<unknown, unknown>,
    callback: sendUnaryData<unknown>,
  ): void {
    const started = this.observed ? performance.now() : 0;
    const span = this.startSpan(name, call);
    const done = (status: GrpcStatus | null, res?: unknown) => {
      if (this.observed) this.observe(name, call.metadata, status?.code ?? Code.OK, started);
      if (span) {
        if (status) span.recordError(new Error(status.details));
        span.end();
      }
      if (status) callback(status);
      else callback(null, res ?? {});
    };
    const denied = this.checkToken(call.metadata);
    if (denied) return done(denied);
    const ctx: RpcContext = { metadata: call.metadata, closing: this.closing.signal };
    let out: unknown;
    try {
      out = runWithSpan(span, () => fn(call.request as never, ctx));
    } catch (err) {
      return done(this.status(err));
    }
    if (out instanceof Promise)
      out.then(
        (res: unknown) => done(null, res),
        (err: unknown) => done(this.status(err)),
      );
    else done(null, out);
  }

  private stream(name: string, fn: StreamRpc, call: ServerDuplexStream<unknown, unknown>): void {
    const started = this.observed ? performance.now() : 0;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      if (this.observed) this.observe(name, call.metadata, code, started);
    };
    const fail = (err: unknown) => {
      const status = this.status(err);
      finish(status.code);
      call.emit('error', status);
    };
    const denied = this.checkToken(call.metadata);
    if (denied) {
      finish(denied.code);
      call.emit('error', denied);
      return;
    }
    call.once('finish', () => finish(Code.OK));
    try {
      fn(call, { metadata: call.metadata, closing: this.closing.signal, fail });
    } catch (err) {
      fail(err);
    }
  }

  private status(err: unknown): GrpcStatus {
    return toGrpcStatus(err, this.log, this.opts.onError);
  }

  /** UNAUTHENTICATED when a token is configured and the call lacks it; removes it from the metadata. */
  private checkToken(md: Metadata): GrpcStatus | undefined {
    if (!this.token) return undefined;
    const given = md.get(TOKEN_KEY);
    if (given.length === 0) return unauthenticated('missing api token in request metadata');
    const first = Buffer.from(String(given[0]));
    if (first.length !== this.token.length || !timingSafeEqual(first, this.token))
      return unauthenticated('authentication error: api token mismatch');
    md.remove(TOKEN_KEY);
    return undefined;
  }

  /** `grpc.health.v1.Health`, exempt from the API token like the HTTP health endpoints. */
  private health(): UntypedServiceImplementation {
    const known = new Set(['', 'dapr.proto.runtime.v1.Dapr']);
    const statusOf = (service: string) => {
      if (!known.has(service)) return undefined;
      return this.opts.serving() ? 'SERVING' : 'NOT_SERVING';
    };
    return {
      Check: (call: ServerUnaryCall<{ service: string }, unknown>, callback: sendUnaryData<unknown>) => {
        const status = statusOf(call.request.service);
        if (!status) callback({ code: Code.NOT_FOUND, details: 'unknown service' });
        else callback(null, { status });
      },
      Watch: (call: ServerWritableStream<{ service: string }, unknown>) => {
        call.write({ status: statusOf(call.request.service) ?? 'SERVICE_UNKNOWN' });
        const end = () => call.end();
        this.closing.signal.addEventListener('abort', end, { once: true });
        call.once('cancelled', () => this.closing.signal.removeEventListener('abort', end));
      },
    };
  }

  /**
   * The call's span as daprd starts it (named by the full method, a client span under the caller's
   * `grpc-trace-bin` / `traceparent`), its context sent back in the `grpc-trace-bin` header.
   */
  private startSpan(name: string, call: ServerUnaryCall<unknown, unknown>): Span | undefined {
    const tracing = this.opts.tracing;
    if (!tracing?.enabled) return undefined;
    const span = tracing.startSpan(fullMethod(name), {
      kind: 'client',
      parent: grpcTraceContext(call.metadata),
    });
    const bin = span && binaryFromTraceparent(span.traceparent);
    if (bin) {
      const md = new Metadata();
      md.set('grpc-trace-bin', bin);
      call.sendMetadata(md);
    }
    return span;
  }

  /** Whether calls are logged or measured (else nothing is timed). */
  private get observed(): boolean {
    return this.opts.apiLogging === true || this.opts.metrics !== undefined;
  }

  private observe(method: string, md: Metadata, code: number, started: number): void {
    const elapsed = performance.now() - started;
    const full = fullMethod(method);
    this.opts.metrics?.grpcServerRequest(full, code, elapsed);
    if (!this.opts.apiLogging) return;
    this.log.info(
      {
        method: full,
        code: Code[code] ?? String(code),
        duration: Math.round(elapsed * 1000) / 1000,
        useragent: md.get('user-agent')[0],
      },
      'gRPC API Called',
    );
  }
}
