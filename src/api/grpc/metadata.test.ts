import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../index.js';
import { TestGrpcClient } from './testing.js';

describe('gRPC SetMetadata / GetMetadata', () => {
  let rt: Runtime;
  let client: TestGrpcClient;

  beforeAll(async () => {
    rt = await startRuntime({
      appId: 'grpc-metadata',
      components: [{ name: 'statestore', type: 'state.in-memory' }],
    });
    client = new TestGrpcClient(rt.grpcPort);
  });

  afterAll(async () => {
    client.close();
    await rt.close();
  });

  it('stores attributes in extendedMetadata; an empty key is ignored, as daprd', async () => {
    await client.call('SetMetadata', { key: 'team', value: 'blue' });
    await client.call('SetMetadata', { key: '', value: 'ignored' });
    const md = await client.call<{ extendedMetadata: Record<string, string> }>('GetMetadata', {});
    expect(md.extendedMetadata).toEqual({ daprRuntimeVersion: expect.any(String) as string, team: 'blue' });
  });
});
