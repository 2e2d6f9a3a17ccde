import { expect, it } from 'vitest';
import { TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { startWithStateStore } from '../../helpers/dapr-http.js';

it('gRPC Shutdown answers, then the sidecar exits 0', async () => {
  await using p = await startWithStateStore();
  const c = new TestGrpcClient(p.grpcPort);
  try {
    await expect(c.call('Shutdown', {})).resolves.toEqual({});
    expect(await p.exited).toBe(0);
  } finally {
    c.close();
  }
});
