import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaprClient } from '@dapr/dapr';
import type { Runtime } from '../../src/index.js';
import { startSdkClient } from '../helpers/sdk.js';

/** The official SDK (HTTP protocol) against daprts, unchanged. */
describe('@dapr/dapr DaprClient (HTTP) state', () => {
  let rt: Runtime;
  let client: DaprClient;

  beforeAll(async () => {
    ({ rt, client } = await startSdkClient('http', {
      appId: 'sdkapp',
      components: [{ name: 'statestore', type: 'state.in-memory' }],
      apiToken: 'tok',
    }));
  });

  afterAll(async () => {
    await client.stop();
    await rt.close();
  });

  it('saves and gets JSON values and strings', async () => {
    await client.state.save('statestore', [
      { key: 'board:123', value: { name: 'My Board', type: 'PRM' } },
      { key: 'greeting', value: 'hello' },
    ]);
    expect(await client.state.get('statestore', 'board:123')).toEqual({ name: 'My Board', type: 'PRM' });
    expect(await client.state.get('statestore', 'greeting')).toBe('hello');
    // Stored as JSON: the runtime sees the quotes, like daprd.
    expect((await rt.state.getEntry('statestore', 'greeting'))?.value).toBe('hello');
  });

  it('gets in bulk, with missing keys', async () => {
    await client.state.save('statestore', [
      { key: 'b1', value: 1 },
      { key: 'b2', value: { two: 2 } },
    ]);
    const items = (await client.state.getBulk('statestore', ['b1', 'b2', 'missing'])) as {
      key: string;
      data?: unknown;
    }[];
    const byKey = Object.fromEntries(items.map((i) => [i.key, i.data]));
    expect(byKey).toEqual({ b1: 1, b2: { two: 2 }, missing: undefined });
  });

  it('deletes', async () => {
    await client.state.save('statestore', [{ key: 'gone', value: true }]);
    await client.state.delete('statestore', 'gone');
    expect(await client.state.get('statestore', 'gone')).toBe('');
  });

  it('runs transactions', async () => {
    await client.state.save('statestore', [{ key: 't1', value: 'old' }]);
    await client.state.transaction('statestore', [
      { operation: 'delete', request: { key: 't1' } },
      { operation: 'upsert', request: { key: 't2', value: { v: 2 } } },
    ]);
    expect(await client.state.get('statestore', 't1')).toBe('');
    expect(await client.state.get('statestore', 't2')).toEqual({ v: 2 });
  });

  it('saves with an etag and fails on a stale one', async () => {
    await client.state.save('statestore', [{ key: 'e', value: 1 }]);
    const etag = (await rt.state.getEntry('statestore', 'e'))!.etag!;
    const ok = await client.state.save('statestore', [{ key: 'e', value: 2, etag }]);
    expect(ok.error).toBeUndefined();
    const stale = await client.state.save('statestore', [{ key: 'e', value: 3, etag }]);
    expect(stale.error).toBeDefined();
    expect(await client.state.get('statestore', 'e')).toBe(2);
  });

  it('reads metadata', async () => {
    const md = await client.metadata.get();
    expect(md.id).toBe('sdkapp');
    expect(md.components.map((c) => c.name)).toContain('statestore');
  });
});
