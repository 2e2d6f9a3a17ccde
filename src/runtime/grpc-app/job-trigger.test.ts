import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../diagnostics/logger.js';
import { daprProtos } from '../../api/grpc/protos.js';
import { VALUE_TYPE_URL } from '../../components/scheduler/interface.js';
import { GrpcAppChannel } from './channel.js';
import { grpcJobTrigger } from './job-trigger.js';

const logger = createLogger({ appId: 't', level: 'silent' });
type Req = { name: string; contentType: string; method: string; data: { type_url: string } | null };
type Seen = Req & { rpc: string };

/** A gRPC app with the given job event handlers: stable (AppCallback) and/or alpha. */
async function app(seen: Seen[], stable: boolean, alpha: boolean) {
  const handler = (rpc: string) => (call: ServerUnaryCall<Req, unknown>, cb: sendUnaryData<unknown>) => {
    seen.push({ ...call.request, rpc });
    cb(null, {});
  };
  const server = new Server();
  if (stable)
    server.addService(daprProtos().appCallback, {
      OnJobEvent: handler('OnJobEvent'),
    } as UntypedServiceImplementation);
  if (alpha)
    server.addService(daprProtos().appCallbackAlpha, { OnJobEventAlpha1: handler('OnJobEventAlpha1') });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) =>
      e ? reject(e) : resolve(p),
    ),
  );
  return { server, port };
}

describe('grpcJobTrigger', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });
  const job = { name: 'j1', data: { typeUrl: VALUE_TYPE_URL, value: Buffer.from('"ping"') } };

  it('calls AppCallback.OnJobEvent first, with the data type URL as content type (daprd 1.18)', async () => {
    const seen: Seen[] = [];
    const a = await app(seen, true, true);
    const channel = new GrpcAppChannel({ host: '127.0.0.1', port: a.port });
    cleanup.push(
      () => a.server.forceShutdown(),
      () => channel.close(),
    );
    const trigger = grpcJobTrigger(channel, logger);
    expect(await trigger(job, new AbortController().signal)).toBe('success');
    expect(seen).toEqual([
      expect.objectContaining({
        rpc: 'OnJobEvent',
        name: 'j1',
        method: 'job/j1',
        contentType: VALUE_TYPE_URL,
        data: expect.objectContaining({ type_url: VALUE_TYPE_URL }),
      }),
    ]);
    // No data: an empty content type.
    expect(await trigger({ name: 'j2' }, new AbortController().signal)).toBe('success');
    expect(seen[1]).toMatchObject({ rpc: 'OnJobEvent', name: 'j2', contentType: '', data: null });
  });

  it('falls back to AppCallbackAlpha.OnJobEventAlpha1 when OnJobEvent is UNIMPLEMENTED', async () => {
    const seen: Seen[] = [];
    const a = await app(seen, false, true);
    const channel = new GrpcAppChannel({ host: '127.0.0.1', port: a.port });
    cleanup.push(
      () => a.server.forceShutdown(),
      () => channel.close(),
    );
    const trigger = grpcJobTrigger(channel, logger);
    expect(await trigger(job, new AbortController().signal)).toBe('success');
    expect(seen.map((s) => s.rpc)).toEqual(['OnJobEventAlpha1']);
    expect(seen[0]).toMatchObject({ name: 'j1', contentType: VALUE_TYPE_URL });
  });
});
