import { status as Code } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../index.js';
import { richStatus, TestGrpcClient } from './testing.js';

/** daprd's apierrors.Basic detail: an ErrorInfo with the legacy code as reason, no metadata. */
const basicInfo = (reason: string) => [
  { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'dapr.io' },
];

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
}

describe('gRPC state API errors as daprd answers them', () => {
  let rt: Runtime;
  let bare: Runtime;
  let client: TestGrpcClient;
  let bareClient: TestGrpcClient;

  beforeAll(async () => {
    rt = await startRuntime({
      appId: 'grpc-state-errors',
      components: [{ name: 'statestore', type: 'state.in-memory' }],
    });
    bare = await startRuntime({
      appId: 'grpc-no-stores',
      components: [{ name: 'pubsub', type: 'pubsub.in-memory' }],
    });
    client = new TestGrpcClient(rt.grpcPort);
    bareClient = new TestGrpcClient(bare.grpcPort);
  });

  afterAll(async () => {
    client.close();
    bareClient.close();
    await rt.close();
    await bare.close();
  });

  it('unknown store: its ErrorInfo has no metadata (daprd looks the store up with an empty app id)', async () => {
    const err = await failure(
      client.call('SaveState', { storeName: 'nope', states: [{ key: 'k', value: Buffer.from('v') }] }),
    );
    expect(err).toMatchObject({ code: Code.INVALID_ARGUMENT, details: 'state store nope is not found' });
    expect(richStatus(err)?.details).toEqual(basicInfo('DAPR_STATE_NOT_FOUND'));
  });

  it('no state store: FAILED_PRECONDITION, ErrorInfo without metadata', async () => {
    const err = await failure(bareClient.call('GetState', { storeName: 'mystore', key: 'k' }));
    expect(err).toMatchObject({
      code: Code.FAILED_PRECONDITION,
      details: 'state store mystore is not configured',
    });
    expect(richStatus(err)?.details).toEqual(basicInfo('DAPR_STATE_NOT_CONFIGURED'));
  });

  it('SaveState etag mismatch: ABORTED with an ErrorInfo ERR_STATE_SAVE', async () => {
    await client.call('SaveState', {
      storeName: 'statestore',
      states: [{ key: 'e', value: Buffer.from('1') }],
    });
    const err = await failure(
      client.call('SaveState', {
        storeName: 'statestore',
        states: [{ key: 'e', value: Buffer.from('2'), etag: { value: '999' } }],
      }),
    );
    expect(err).toMatchObject({ code: Code.ABORTED });
    expect((err as Error & { details: string }).details).toMatch(
      /^failed saving state in state store statestore: /,
    );
    expect(richStatus(err)?.details).toEqual(basicInfo('ERR_STATE_SAVE'));
  });

  it('SaveState with an empty key: INVALID_ARGUMENT "state key cannot be empty" (ERR_STATE_SAVE)', async () => {
    const err = await failure(
      client.call('SaveState', {
        storeName: 'statestore',
        states: [
          { key: 'ok', value: Buffer.from('1') },
          { key: '', value: Buffer.from('2') },
        ],
      }),
    );
    expect(err).toMatchObject({ code: Code.INVALID_ARGUMENT, details: 'state key cannot be empty' });
    expect(richStatus(err)?.details).toEqual(basicInfo('ERR_STATE_SAVE'));
  });

  it('GetState and DeleteState take key "" like any other key (daprd only rejects "||")', async () => {
    await expect(client.call('GetState', { storeName: 'statestore', key: '' })).resolves.toMatchObject({
      etag: '',
    });
    await expect(client.call('DeleteState', { storeName: 'statestore', key: '' })).resolves.toEqual({});
  });

  it('DeleteBulkState etag mismatch: ABORTED, ERR_STATE_BULK_DELETE "failed deleting state in state store …"', async () => {
    await client.call('SaveState', {
      storeName: 'statestore',
      states: [{ key: 'b', value: Buffer.from('1') }],
    });
    const err = await failure(
      client.call('DeleteBulkState', {
        storeName: 'statestore',
        states: [{ key: 'b', etag: { value: '999' } }],
      }),
    );
    expect(err).toMatchObject({ code: Code.ABORTED });
    expect((err as Error & { details: string }).details).toMatch(
      /^failed deleting state in state store statestore: /,
    );
    expect(richStatus(err)?.details).toEqual(basicInfo('ERR_STATE_BULK_DELETE'));
  });

  it('DeleteState etag mismatch: ErrorInfo ERR_STATE_DELETE', async () => {
    await client.call('SaveState', {
      storeName: 'statestore',
      states: [{ key: 'd', value: Buffer.from('1') }],
    });
    const err = await failure(
      client.call('DeleteState', { storeName: 'statestore', key: 'd', etag: { value: '999' } }),
    );
    expect(err).toMatchObject({ code: Code.ABORTED });
    expect(richStatus(err)?.details).toEqual(basicInfo('ERR_STATE_DELETE'));
  });

  it('transaction with an unknown operation: UNIMPLEMENTED with ErrorInfo ERR_NOT_SUPPORTED_STATE_OPERATION', async () => {
    const err = await failure(
      client.call('ExecuteStateTransaction', {
        storeName: 'statestore',
        operations: [{ operationType: 'merge', request: { key: 'k', value: Buffer.from('1') } }],
      }),
    );
    expect(err).toMatchObject({ code: Code.UNIMPLEMENTED, details: 'operation type merge not supported' });
    expect(richStatus(err)?.details).toEqual(basicInfo('ERR_NOT_SUPPORTED_STATE_OPERATION'));
  });

  it('transaction etag mismatch: INTERNAL with ErrorInfo ERR_STATE_TRANSACTION', async () => {
    const err = await failure(
      client.call('ExecuteStateTransaction', {
        storeName: 'statestore',
        operations: [
          { operationType: 'upsert', request: { key: 'e', value: Buffer.from('3'), etag: { value: '999' } } },
        ],
      }),
    );
    expect(err).toMatchObject({ code: Code.INTERNAL });
    expect(richStatus(err)?.details).toEqual(basicInfo('ERR_STATE_TRANSACTION'));
  });

  it('transaction upserts keep the bytes sent, even with contentType application/json', async () => {
    const value = Buffer.from('{ "a": 1 }');
    await client.call('ExecuteStateTransaction', {
      storeName: 'statestore',
      operations: [
        {
          operationType: 'upsert',
          request: { key: 'tx', value, metadata: { contentType: 'application/json' } },
        },
      ],
    });
    const got = await client.call<{ data: Buffer }>('GetState', { storeName: 'statestore', key: 'tx' });
    expect(got.data.toString()).toBe('{ "a": 1 }');
  });
});
