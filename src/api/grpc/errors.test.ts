import { status as Code } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../index.js';
import { createLogger } from '../../diagnostics/logger.js';
import { Errors } from '../../errors/catalogue.js';
import { daprProtos } from './protos.js';
import { STATUS_DETAILS_KEY, toGrpcStatus } from './status.js';
import { richStatus, TestGrpcClient } from './testing.js';
import { decodeStatus } from './wire.js';

describe('gRPC API errors and token', () => {
  let rt: Runtime;
  let client: TestGrpcClient;
  let anonymous: TestGrpcClient;

  beforeAll(async () => {
    rt = await startRuntime({
      appId: 'grpc-errors',
      components: [{ name: 'statestore', type: 'state.in-memory' }],
      apiToken: 'secret',
    });
    client = new TestGrpcClient(rt.grpcPort, undefined, 'secret');
    anonymous = new TestGrpcClient(rt.grpcPort);
  });

  afterAll(async () => {
    client.close();
    anonymous.close();
    await rt.close();
  });

  it('unknown state store: INVALID_ARGUMENT with an ErrorInfo without metadata, as daprd', async () => {
    const err = await client.call('GetState', { storeName: 'nope', key: 'k' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.INVALID_ARGUMENT, details: 'state store nope is not found' });
    expect(richStatus(err)).toEqual({
      code: Code.INVALID_ARGUMENT,
      message: 'state store nope is not found',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'DAPR_STATE_NOT_FOUND',
          domain: 'dapr.io',
        },
      ],
    });
  });

  it('etag mismatch: ABORTED', async () => {
    await client.call('SaveState', {
      storeName: 'statestore',
      states: [{ key: 'e', value: Buffer.from('1') }],
    });
    const err = await client
      .call('SaveState', {
        storeName: 'statestore',
        states: [{ key: 'e', value: Buffer.from('2'), etag: { value: 'not-the-etag' } }],
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.ABORTED });
    const del = await client
      .call('DeleteState', { storeName: 'statestore', key: 'e', etag: { value: 'not-the-etag' } })
      .catch((e: unknown) => e);
    expect(del).toMatchObject({ code: Code.ABORTED });
  });

  it('illegal key: INVALID_ARGUMENT with BadRequest, ResourceInfo and ErrorInfo', async () => {
    const err = await client
      .call('GetState', { storeName: 'statestore', key: 'a||b' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.INVALID_ARGUMENT });
    expect(richStatus(err)?.details.map((d) => d['@type'])).toEqual([
      'type.googleapis.com/google.rpc.BadRequest',
      'type.googleapis.com/google.rpc.ResourceInfo',
      'type.googleapis.com/google.rpc.ErrorInfo',
    ]);
  });

  it('missing token: UNAUTHENTICATED with the reason in an ErrorInfo', async () => {
    const err = await anonymous.call('GetMetadata', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.UNAUTHENTICATED, details: 'Unauthorized' });
    expect(richStatus(err)?.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'Unauthorized',
        domain: 'dapr.io',
        metadata: { 'http.code': '401', 'http.error_message': 'missing api token in request metadata' },
      },
    ]);
  });

  it('wrong token: UNAUTHENTICATED; streams too', async () => {
    const wrong = new TestGrpcClient(rt.grpcPort, undefined, 'guess');
    try {
      await expect(wrong.call('GetState', { storeName: 'statestore', key: 'k' })).rejects.toMatchObject({
        code: Code.UNAUTHENTICATED,
      });
      const stream = wrong.stream('SubscribeTopicEventsAlpha1');
      const ended = new Promise((resolve) => stream.on('error', resolve));
      stream.write({ initialRequest: { pubsubName: 'p', topic: 't' } });
      await expect(ended).resolves.toMatchObject({ code: Code.UNAUTHENTICATED });
    } finally {
      wrong.close();
    }
  });

  it('health is exempt from the token', async () => {
    const health = new TestGrpcClient(rt.grpcPort, daprProtos().health);
    try {
      expect(await health.call('Check', { service: '' })).toEqual({ status: 'SERVING' });
      await expect(health.call('Check', { service: 'other' })).rejects.toMatchObject({
        code: Code.NOT_FOUND,
      });
    } finally {
      health.close();
    }
  });

  it('RPCs daprts does not serve: UNIMPLEMENTED', async () => {
    await expect(client.call('InvokeBinding', { name: 'b' })).rejects.toMatchObject({
      code: Code.UNIMPLEMENTED,
    });
  });
});

describe('toGrpcStatus', () => {
  const logger = createLogger({ appId: 't', level: 'silent' });

  it('maps anything that is not a DaprError to INTERNAL, without details', () => {
    const s = toGrpcStatus(new TypeError('boom'), logger);
    expect(s.code).toBe(Code.INTERNAL);
    expect(s.details).toBe('internal error: boom');
    expect(s.metadata.get(STATUS_DETAILS_KEY)).toEqual([]);
  });

  it('packs DaprError details into grpc-status-details-bin', () => {
    const seen: string[] = [];
    const s = toGrpcStatus(Errors.pubsubNotFound('p', { k: 'v' }), logger, (e) => seen.push(e.errorCode));
    expect(seen).toEqual(['ERR_PUBSUB_NOT_FOUND']);
    const status = decodeStatus(s.metadata.get(STATUS_DETAILS_KEY)[0] as Buffer);
    expect(status.details[0]).toMatchObject({ reason: 'DAPR_PUBSUB_NOT_FOUND', metadata: { k: 'v' } });
  });
});
