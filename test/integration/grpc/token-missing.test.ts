import { status as Code } from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { daprProtos } from '../../../src/api/grpc/protos.js';
import { richStatus, TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { startWithStateStore, STORE } from '../../helpers/dapr-http.js';

it('with DAPR_API_TOKEN set, a gRPC call without dapr-api-token is UNAUTHENTICATED; health is exempt', async () => {
  await using p = await startWithStateStore({ env: { DAPR_API_TOKEN: 'secret' } });
  const anonymous = new TestGrpcClient(p.grpcPort);
  const health = new TestGrpcClient(p.grpcPort, daprProtos().health);
  const allowed = new TestGrpcClient(p.grpcPort, undefined, 'secret');
  try {
    const err = await anonymous.call('GetState', { storeName: STORE, key: 'k' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: Code.UNAUTHENTICATED, details: 'Unauthorized' });
    expect(richStatus(err)?.details[0]).toMatchObject({
      reason: 'Unauthorized',
      metadata: { 'http.code': '401' },
    });
    expect(await health.call('Check', { service: '' })).toEqual({ status: 'SERVING' });
    expect(await allowed.call('GetState', { storeName: STORE, key: 'k' })).toMatchObject({ etag: '' });
  } finally {
    anonymous.close();
    health.close();
    allowed.close();
  }
});
