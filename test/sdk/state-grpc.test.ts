import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaprClient } from '@dapr/dapr';
import type { Runtime } from '../../src/index.js';
import { startSdkClient } from '../helpers/sdk.js';

/** The official SDK in gRPC mode against daprts: the same cases as state-http.test.ts, plus secrets. */
describe('@dapr/dapr DaprClient (gRPC) state, secrets, metadata', () => {
  let rt: Runtime;
  let client: DaprClient;
  const dir = mkdtempSync(join(tmpdir(), 'daprts-sdk-grpc-'));

  beforeAll(async () => {
    const secretsFile = join(dir, 'secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ db: { password: 'pw', user: 'admin' }, token: 't0k' }));
    ({ rt, client } = await startSdkClient('grpc', {
      appId: 'sdkgrpc',
      components: [
        { name: 'statestore', type: 'state.in-memory' },
        { name: 'files', type: 'secretstores.local.file', metadata: { secretsFile, nestedSeparator: '.' } },
      ],
      apiToken: 'tok',
    }));
  });

  afterAll(async () => {
    await client.stop();
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves and gets JSON values and strings', async () => {
    await client.state.save('statestore', [
      { key: 'board:123', value: { name: 'My Board', type: 'PRM' } },
      { key: 'greeting', value: 'hello' },
    ]);
    expect(await client.state.get('statestore', 'board:123')).toEqual({ name: 'My Board', type: 'PRM' });
    expect(await client.state.get('statestore', 'greeting')).toBe('hello');
    // gRPC values are opaque bytes: stored as sent (no JSON quotes added), as daprd does; HTTP
    // reads return the same bytes.
    const res = await fetch(`${rt.httpUrl}/v1.0/state/statestore/greeting`, {
      headers: { 'dapr-api-token': 'tok' },
    });
    expect(await res.text()).toBe('hello');
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
    expect(byKey).toEqual({ b1: 1, b2: { two: 2 }, missing: '' });
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
      { operation: 'upsert', request: { key: 't2', value: JSON.stringify({ v: 2 }) } },
    ]);
    expect(await client.state.get('statestore', 't1')).toBe('');
    expect(await client.state.get('statestore', 't2')).toEqual({ v: 2 });
  });

  it('saves with an etag and fails on a stale one (ABORTED)', async () => {
    await client.state.save('statestore', [{ key: 'e', value: 1 }]);
    const etag = (await rt.state.getEntry('statestore', 'e'))!.etag!;
    await client.state.save('statestore', [{ key: 'e', value: 2, etag }]);
    const stale = client.state.save('statestore', [{ key: 'e', value: 3, etag }]);
    await expect(stale).rejects.toMatchObject({ code: 10 });
    expect(await client.state.get('statestore', 'e')).toBe(2);
  });

  it('reads secrets, one and in bulk', async () => {
    expect(await client.secret.get('files', 'db.password')).toEqual({ 'db.password': 'pw' });
    const all = await client.secret.getBulk('files');
    expect(all).toEqual({
      'db.password': { 'db.password': 'pw' },
      'db.user': { 'db.user': 'admin' },
      token: { token: 't0k' },
    });
  });

  it('reads and sets metadata', async () => {
    expect(await client.metadata.set('team', 'blue')).toBe(true);
    const md = await client.metadata.get();
    expect(md.id).toBe('sdkgrpc');
    expect(md.components.map((c) => c.name)).toEqual(expect.arrayContaining(['statestore', 'files']));
    expect(md.extended).toMatchObject({ team: 'blue', daprRuntimeVersion: expect.any(String) });
  });

  it('is healthy', async () => {
    expect(await client.health.isHealthy()).toBe(true);
  });
});
