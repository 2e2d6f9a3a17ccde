import { expect, it } from 'vitest';
import { TestGrpcClient } from '../../../src/api/grpc/testing.js';
import { startWithStateStore, STORE } from '../../helpers/dapr-http.js';

it('gRPC SaveState stores bytes as sent (JSON only with contentType application/json); HTTP reads them back', async () => {
  await using p = await startWithStateStore();
  const c = new TestGrpcClient(p.grpcPort);
  try {
    await c.call('SaveState', {
      storeName: STORE,
      states: [
        { key: 'raw', value: Buffer.from('hello') },
        { key: 'json', value: Buffer.from('{ "a" : 1 }'), metadata: { contentType: 'application/json' } },
      ],
    });
    expect(await (await p.fetch(`/v1.0/state/${STORE}/raw`)).text()).toBe('hello');
    expect(await (await p.fetch(`/v1.0/state/${STORE}/json`)).text()).toBe('{"a":1}');
    await p.fetch(`/v1.0/state/${STORE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ key: 'fromhttp', value: 'text' }]),
    });
    const got = await c.call<{ data: Buffer; etag: string }>('GetState', {
      storeName: STORE,
      key: 'fromhttp',
    });
    expect(got.data.toString()).toBe('"text"');
    expect(got.etag).not.toBe('');
  } finally {
    c.close();
  }
});
