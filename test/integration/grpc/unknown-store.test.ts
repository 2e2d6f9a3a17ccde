import { status as Code } from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { richStatus, TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { startWithStateStore } from '../../helpers/dapr-http.js';

it('GetState on an unknown store is INVALID_ARGUMENT with ErrorInfo DAPR_STATE_NOT_FOUND (no metadata on gRPC)', async () => {
  await using p = await startWithStateStore();
  const c = new TestGrpcClient(p.grpcPort);
  try {
    const err = await c.call('GetState', { storeName: 'nope', key: 'k' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.INVALID_ARGUMENT, details: 'state store nope is not found' });
    expect(richStatus(err)?.details).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'DAPR_STATE_NOT_FOUND',
        domain: 'dapr.io',
      },
    ]);
  } finally {
    c.close();
  }
});
