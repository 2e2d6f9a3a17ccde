import { randomUUID } from 'node:crypto';
import { status as Code } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../index.js';
import { TestGrpcClient } from './testing.js';

describe('gRPC SaveState with contentType application/json (Redis)', () => {
  let rt: Runtime;
  let client: TestGrpcClient;
  const key = `grpc-json-${randomUUID()}`;

  beforeAll(async () => {
    rt = await startRuntime({
      appId: 'grpc-state-json',
      components: [{ name: 'statestore', type: 'state.redis', metadata: { redisHost: '127.0.0.1:6379' } }],
    });
    client = new TestGrpcClient(rt.grpcPort);
  });

  afterAll(async () => {
    await client.call('DeleteState', { storeName: 'statestore', key }).catch(() => undefined);
    client.close();
    await rt.close();
  });

  it('stores the value re-encoded as daprd does (unmarshal to any, marshal): compact, map keys sorted', async () => {
    await client.call('SaveState', {
      storeName: 'statestore',
      states: [
        {
          key,
          value: Buffer.from('{ "b": [1, {"z": true, "y": null}], "a": "<tag> & more" }'),
          metadata: { contentType: 'application/json' },
        },
      ],
    });
    const got = await client.call<{ data: Buffer }>('GetState', { storeName: 'statestore', key });
    expect(got.data.toString()).toBe('{"a":"<tag> & more","b":[1,{"y":null,"z":true}]}');
  });

  it('invalid JSON is the decoder error, gRPC UNKNOWN', async () => {
    const err = await client
      .call('SaveState', {
        storeName: 'statestore',
        states: [{ key, value: Buffer.from('{nope'), metadata: { contentType: 'application/json' } }],
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ code: Code.UNKNOWN });
  });
});
