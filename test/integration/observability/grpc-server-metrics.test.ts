import { expect, it } from 'vitest';
import { TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { freePort } from '../../helpers/daprts-process.js';
import { startWithStateStore } from '../../helpers/dapr-http.js';
import { sampleValue, scrape } from './helpers.js';

// daprd's metrics reference, "gRPC Server metrics": every call to the gRPC API is counted by
// method and status, with its latency.
it('gRPC API calls are counted in dapr_grpc_io_server_completed_rpcs by method and status', async () => {
  const metricsPort = await freePort();
  await using p = await startWithStateStore({
    appId: 'grpcm',
    args: ['--metrics-port', String(metricsPort)],
  });
  const c = new TestGrpcClient(p.grpcPort);
  try {
    await c.call('GetState', { storeName: 'statestore', key: 'k' });
    await c.call('GetState', { storeName: 'nope', key: 'k' }).catch(() => undefined);
  } finally {
    c.close();
  }
  const { samples } = await scrape(metricsPort);
  const rpcs = (status: string) =>
    sampleValue(samples, 'dapr_grpc_io_server_completed_rpcs', {
      app_id: 'grpcm',
      grpc_server_method: '/dapr.proto.runtime.v1.Dapr/GetState',
      grpc_server_status: status,
    });
  expect([rpcs('OK'), rpcs('InvalidArgument')]).toEqual([1, 1]);
  expect(
    sampleValue(samples, 'dapr_grpc_io_server_server_latency_count', {
      grpc_server_method: '/dapr.proto.runtime.v1.Dapr/GetState',
      grpc_server_status: 'OK',
    }),
  ).toBe(1);
});
