import {
  Client,
  credentials,
  Metadata,
  type ClientDuplexStream,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { daprProtos } from './protos.js';
import { STATUS_DETAILS_KEY } from './status.js';
import { decodeStatus, type DecodedStatus } from './wire.js';

/** A plain grpc-js client of a service from the Dapr protos, for tests. */
export class TestGrpcClient {
  private readonly client: Client;

  constructor(
    port: number,
    private readonly service: ServiceDefinition = daprProtos().dapr,
    private readonly token?: string,
  ) {
    this.client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  }

  /** A unary call; rejects with the grpc-js ServiceError. */
  call<Res>(method: string, request: object, md: Record<string, string | Buffer> = {}): Promise<Res> {
    const def = this.service[method];
    return new Promise((resolve, reject) =>
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata(md),
        (err: ServiceError | null, res?: unknown) => (err ? reject(err) : resolve(res as Res)),
      ),
    );
  }

  /** A unary call that resolves the response headers (initial metadata) the server sent. */
  callHeaders(method: string, request: object, md: Record<string, string | Buffer> = {}): Promise<Metadata> {
    const def = this.service[method];
    return new Promise((resolve, reject) => {
      let headers = new Metadata();
      const call = this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        request,
        this.metadata(md),
        (err: ServiceError | null) => (err ? reject(err) : resolve(headers)),
      );
      call.on('metadata', (m: Metadata) => (headers = m));
    });
  }

  /** A bidirectional stream. */
  stream<Req, Res>(method: string, md: Record<string, string> = {}): ClientDuplexStream<Req, Res> {
    const def = this.service[method];
    return this.client.makeBidiStreamRequest(
      def.path,
      def.requestSerialize as (r: Req) => Buffer,
      def.responseDeserialize as (b: Buffer) => Res,
      this.metadata(md),
    );
  }

  close(): void {
    this.client.close();
  }

  private metadata(md: Record<string, string | Buffer>): Metadata {
    const out = new Metadata();
    if (this.token) out.set('dapr-api-token', this.token);
    for (const [k, v] of Object.entries(md)) out.set(k, v);
    return out;
  }
}

/** The `google.rpc.Status` a gRPC error carries in `grpc-status-details-bin`, if any. */
export function richStatus(err: unknown): DecodedStatus | undefined {
  const md = (err as Partial<ServiceError>).metadata;
  const bin = md?.get(STATUS_DETAILS_KEY)[0];
  return Buffer.isBuffer(bin) ? decodeStatus(bin) : undefined;
}
