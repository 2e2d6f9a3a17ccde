import { Client, credentials, Metadata, status as Code, type ServiceError } from '@grpc/grpc-js';
import { daprProtos, type DaprProtos } from '../../api/grpc/protos.js';

export interface GrpcAppChannelOptions {
  host: string;
  port: number;
  /** `grpc` (h2c, default) or `grpcs` (TLS; the app's certificate is not verified, as daprd). */
  protocol?: string;
  /** `APP_API_TOKEN`: sent to the app as `dapr-api-token` on every call. */
  appApiToken?: string;
  /** Max calls in flight to the app; <= 0 is unlimited (`--app-max-concurrency`). */
  maxConcurrency?: number;
  /** Max message size in bytes, both ways. Default 4 MB. */
  maxMessageBytes?: number;
}

/** The app-side services daprts calls. */
export type AppService = 'appCallback' | 'appCallbackAlpha' | 'appCallbackHealthCheck';

export interface AppCallOptions {
  /** Sent as gRPC metadata (keys that are not valid metadata names are left out). */
  metadata?: Record<string, string>;
  signal?: AbortSignal;
  /** Deadline in ms from now. */
  timeoutMs?: number;
}

const METADATA_KEY = /^[0-9a-z_.-]+$/;
const METADATA_VALUE = /^[\x20-\x7e]*$/;

/**
 * The runtime's gRPC client to its app (`--app-protocol grpc`): one HTTP/2 connection for
 * `AppCallback`, `AppCallbackAlpha` and `AppCallbackHealthCheck`; a semaphore enforces
 * `--app-max-concurrency`. Errors are grpc-js `ServiceError`s (with `code`).
 */
export class GrpcAppChannel {
  private client?: Client;
  private readonly protos: DaprProtos;
  private inFlight = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly opts: GrpcAppChannelOptions) {
    this.protos = daprProtos();
  }

  /** Calls `service.method` with `request` (protobuf fields in camelCase) and resolves the response. */
  async call<Res>(
    service: AppService,
    method: string,
    request: object,
    opts: AppCallOptions = {},
  ): Promise<Res> {
    const def = this.protos[service][method];
    if (!def) throw new Error(`unknown app callback ${service}.${method}`);
    await this.acquire();
    try {
      return await new Promise<Res>((resolve, reject) => {
        const md = this.metadata(opts.metadata);
        const options = opts.timeoutMs ? { deadline: Date.now() + opts.timeoutMs } : {};
        const call = this.connection().makeUnaryRequest(
          def.path,
          def.requestSerialize,
          def.responseDeserialize,
          request,
          md,
          options,
          (err: ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res as Res)),
        );
        opts.signal?.addEventListener('abort', () => call.cancel(), { once: true });
      });
    } finally {
      this.release();
    }
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }

  private connection(): Client {
    if (this.client) return this.client;
    const size = this.opts.maxMessageBytes ?? 4 * 1024 * 1024;
    const creds =
      this.opts.protocol === 'grpcs'
        ? credentials.createSsl(null, null, null, { rejectUnauthorized: false })
        : credentials.createInsecure();
    this.client = new Client(`${this.opts.host}:${this.opts.port}`, creds, {
      'grpc.max_receive_message_length': size,
      'grpc.max_send_message_length': size,
      'grpc.enable_channelz': 0,
    });
    return this.client;
  }

  private metadata(extra: Record<string, string> | undefined): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries(extra ?? {})) {
      const key = k.toLowerCase();
      if (!METADATA_KEY.test(key) || key.startsWith('grpc-') || key.endsWith('-bin')) continue;
      if (METADATA_VALUE.test(v)) md.set(key, v);
    }
    if (this.opts.appApiToken) md.set('dapr-api-token', this.opts.appApiToken);
    return md;
  }

  private acquire(): Promise<void> {
    const max = this.opts.maxConcurrency ?? -1;
    if (max <= 0 || this.inFlight < max) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(() => (this.inFlight++, resolve())));
  }

  private release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }
}

/** The gRPC status code of an error from the app (undefined when it is not a gRPC error). */
export function grpcCodeOf(err: unknown): number | undefined {
  const code = (err as Partial<ServiceError> | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * An `AppCallback` method with an `AppCallbackAlpha` predecessor, called as daprd's channel calls
 * it: the stable name first; once the app answers UNIMPLEMENTED, the alpha name from then on.
 */
export class StableOrAlphaMethod {
  private alphaOnly = false;

  constructor(
    private readonly channel: GrpcAppChannel,
    private readonly stable: string,
    private readonly alpha: string,
  ) {}

  async call<Res>(request: object, opts: AppCallOptions = {}): Promise<Res> {
    if (!this.alphaOnly) {
      try {
        return await this.channel.call<Res>('appCallback', this.stable, request, opts);
      } catch (err) {
        if (grpcCodeOf(err) !== Code.UNIMPLEMENTED) throw err;
        this.alphaOnly = true;
      }
    }
    return this.channel.call<Res>('appCallbackAlpha', this.alpha, request, opts);
  }
}
