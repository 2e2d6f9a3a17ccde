import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LiveSecretStores,
  type BulkSecretData,
  type SecretData,
  type SecretStore,
} from '../../components/secretstores/interface.js';
import { silentLogger } from '../../diagnostics/logger.js';
import { DaprError } from '../../errors/dapr-error.js';
import { noResiliency, type ResiliencyProvider } from '../../resiliency/provider.js';
import { secretScopes } from '../../resources/secret-scopes.js';
import { HttpApiServer } from '../http/server.js';
import { secretRoutes } from '../http/routes/secrets.js';
import { SecretsApi } from './secrets.js';

/** An in-process store: `secrets` answers get/bulk; names in `failing` make the store throw. */
class FakeStore implements SecretStore {
  calls: { op: string; name?: string; metadata: Record<string, string> }[] = [];
  constructor(
    private readonly secrets: BulkSecretData | undefined,
    private readonly failing = new Set<string>(),
  ) {}
  async init() {}
  async close() {}
  features() {
    return [] as const;
  }
  async getSecret(name: string, metadata: Record<string, string>): Promise<SecretData | undefined> {
    this.calls.push({ op: 'get', name, metadata });
    if (this.failing.has(name)) throw new Error(`backend refused ${name}`);
    return this.secrets?.[name];
  }
  async bulkGetSecret(metadata: Record<string, string>): Promise<BulkSecretData | undefined> {
    this.calls.push({ op: 'bulk', metadata });
    if (this.failing.has('*')) throw new Error('backend down');
    return this.secrets;
  }
}

const data: BulkSecretData = {
  db: { user: 'u', password: 'p' },
  'api-key': { 'api-key': 'k' },
  admin: { admin: 'root' },
};

function setup(opts: { stores?: Record<string, FakeStore>; resiliency?: ResiliencyProvider } = {}) {
  const live = new LiveSecretStores();
  for (const [name, store] of Object.entries(opts.stores ?? {}))
    live.add({ name, type: 'secretstores.fake', version: 'v1', store });
  return new SecretsApi({
    appId: 'app',
    secretStores: live,
    secretScopes: secretScopes([
      { storeName: 'scoped', deniedSecrets: ['admin'] },
      { storeName: 'allowlist', allowedSecrets: ['db'] },
    ]),
    resiliency: opts.resiliency ?? noResiliency,
    logger: silentLogger(),
  });
}

async function failure(p: Promise<unknown>): Promise<DaprError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DaprError);
  return err as DaprError;
}

describe('SecretsApi error mapping (daprd pkg/api/universal/secrets.go)', () => {
  it('no secret store at all: 500 ERR_SECRET_STORES_NOT_CONFIGURED', async () => {
    const e = await failure(setup().getSecret('any', 'k'));
    expect([e.httpStatus, e.errorCode, e.message]).toEqual([
      500,
      'ERR_SECRET_STORES_NOT_CONFIGURED',
      'secret store is not configured',
    ]);
    expect((await failure(setup().bulkGetSecret('any'))).errorCode).toBe('ERR_SECRET_STORES_NOT_CONFIGURED');
  });

  it('unknown store: 401 ERR_SECRET_STORE_NOT_FOUND', async () => {
    const api = setup({ stores: { local: new FakeStore(data) } });
    const e = await failure(api.getSecret('nope', 'k'));
    expect(e.toJSON()).toEqual({
      errorCode: 'ERR_SECRET_STORE_NOT_FOUND',
      message: 'failed finding secret store with key nope',
    });
    expect(e.httpStatus).toBe(401);
    expect((await failure(api.bulkGetSecret('nope'))).httpStatus).toBe(401);
  });

  it('denied by scopes: 403 ERR_PERMISSION_DENIED, without calling the store', async () => {
    const store = new FakeStore(data);
    const api = setup({ stores: { scoped: store } });
    const e = await failure(api.getSecret('scoped', 'admin'));
    expect([e.httpStatus, e.errorCode, e.message]).toEqual([
      403,
      'ERR_PERMISSION_DENIED',
      'access denied by policy to get "admin" from "scoped"',
    ]);
    expect(store.calls).toEqual([]);
    expect(await api.getSecret('scoped', 'db')).toEqual({ user: 'u', password: 'p' });
  });

  it('store failure: 500 ERR_SECRET_GET with the store message', async () => {
    const api = setup({ stores: { local: new FakeStore(data, new Set(['db', '*'])) } });
    const e = await failure(api.getSecret('local', 'db'));
    expect([e.httpStatus, e.errorCode, e.message]).toEqual([
      500,
      'ERR_SECRET_GET',
      'failed getting secret with key db from secret store local: backend refused db',
    ]);
    const b = await failure(api.bulkGetSecret('local'));
    expect([b.httpStatus, b.errorCode, b.message]).toEqual([
      500,
      'ERR_SECRET_GET',
      'failed getting secrets from secret store local: backend down',
    ]);
  });

  it('passes request metadata and runs the store call under the component outbound policy', async () => {
    const store = new FakeStore(data);
    const seen: string[] = [];
    const resiliency: ResiliencyProvider = {
      componentOutbound: (name, kind) => (op) => {
        seen.push(`${name}/${kind}`);
        return op(undefined);
      },
      componentInbound: () => (op) => op(undefined),
    };
    const api = setup({ stores: { local: store }, resiliency });
    await api.getSecret('local', 'db', { namespace: 'shop' });
    await api.bulkGetSecret('local', { version_id: '2' });
    expect(store.calls).toEqual([
      { op: 'get', name: 'db', metadata: { namespace: 'shop' } },
      { op: 'bulk', metadata: { version_id: '2' } },
    ]);
    expect(seen).toEqual(['local/secretstores', 'local/secretstores']);
  });

  it('bulk leaves out denied secrets silently; a store answering nothing gives undefined', async () => {
    const api = setup({
      stores: {
        scoped: new FakeStore(data),
        allowlist: new FakeStore(data),
        empty: new FakeStore(undefined),
      },
    });
    expect(await api.bulkGetSecret('scoped')).toEqual({ db: data.db, 'api-key': data['api-key'] });
    expect(await api.bulkGetSecret('allowlist')).toEqual({ db: data.db });
    expect(await api.bulkGetSecret('empty')).toBeUndefined();
    expect(await api.getSecret('empty', 'x')).toBeUndefined();
  });
});

describe('secret routes over HTTP', () => {
  let server: HttpApiServer;
  let base: string;
  beforeAll(async () => {
    const api = setup({
      stores: {
        scoped: new FakeStore(data),
        empty: new FakeStore(undefined),
        bulkname: new FakeStore({ bulk: { bulk: 'shadowed' } }),
      },
    });
    server = new HttpApiServer({ routes: secretRoutes(api), logger: silentLogger(), maxBodyBytes: 1024 });
    base = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}/v1.0/secrets`;
  });
  afterAll(() => server.close());

  const get = async (path: string) => {
    const res = await fetch(base + path);
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  it('answers the secret object, bulk, 204, 401, 403 and metadata.* as daprd', async () => {
    expect(await get('/scoped/db')).toEqual({ status: 200, body: { user: 'u', password: 'p' } });
    expect(await get('/scoped/bulk')).toEqual({
      status: 200,
      body: { db: data.db, 'api-key': data['api-key'] },
    });
    expect(await get('/empty/anything')).toEqual({ status: 204, body: undefined });
    expect(await get('/empty/bulk')).toEqual({ status: 204, body: undefined });
    expect(await get('/scoped/admin')).toMatchObject({
      status: 403,
      body: { errorCode: 'ERR_PERMISSION_DENIED' },
    });
    expect(await get('/ghost/db')).toMatchObject({
      status: 401,
      body: { errorCode: 'ERR_SECRET_STORE_NOT_FOUND' },
    });
    expect(await get('/ghost/bulk')).toMatchObject({ status: 401 });
    // `bulk` is the bulk route, as in daprd.
    expect(await get('/bulkname/bulk')).toEqual({ status: 200, body: { bulk: { bulk: 'shadowed' } } });
    // A percent-encoded name reaches the store decoded.
    expect(await get('/scoped/api%2Dkey')).toEqual({ status: 200, body: { 'api-key': 'k' } });
  });
});
