import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LiveSecretStores, type SecretStore } from '../components/secretstores/interface.js';
import { EnvSecretStore } from '../components/secretstores/local/env/index.js';
import { LocalFileSecretStore } from '../components/secretstores/local/file/index.js';
import { silentLogger } from '../diagnostics/logger.js';
import type { ComponentResource } from './component-schema.js';
import { loadResources, type LoadedComponent } from './loader.js';
import { redactComponentMetadata } from './redact.js';
import { resolveComponentMetadata } from './resolve.js';
import {
  createSecretResolver,
  defaultSecretStore,
  orderForSecretStores,
  withBuiltinKubernetesSecretStore,
} from './secret-refs.js';

const logger = silentLogger();
const dir = mkdtempSync(join(tmpdir(), 'daprts-secret-refs-'));

async function fileStore(name: string, secrets: unknown, multiValued = true): Promise<SecretStore> {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(secrets));
  const s = new LocalFileSecretStore({
    name,
    metadata: { secretsFile: path, multiValued: String(multiValued) },
    logger,
  });
  await s.init();
  return s;
}

function live(stores: Record<string, SecretStore>): LiveSecretStores {
  const l = new LiveSecretStores();
  for (const [name, store] of Object.entries(stores))
    l.add({ name, type: 'secretstores.local.file', version: 'v1', store });
  return l;
}

describe('createSecretResolver', () => {
  it('resolves name/key, one store lookup per secret name, with the namespace as request metadata', async () => {
    const store = await fileStore('local', { db: { user: 'u', password: 'p' } });
    const calls: unknown[] = [];
    const original = store.getSecret.bind(store);
    store.getSecret = (name, md) => {
      calls.push([name, md]);
      return original(name, md);
    };
    const resolve = createSecretResolver(live({ local: store }));
    expect(await resolve({ store: 'local', name: 'db', key: 'user', namespace: 'shop' })).toBe('u');
    expect(await resolve({ store: 'local', name: 'db', key: 'password', namespace: 'shop' })).toBe('p');
    expect(calls).toEqual([['db', { namespace: 'shop' }]]);
    await resolve({ store: 'local', name: 'db', key: 'user', namespace: '' });
    expect(calls.at(-1)).toEqual(['db', {}]);
  });

  it('fails on an unloaded store, a store error, a missing key and an empty value (never a silent empty)', async () => {
    const file = await fileStore('local', { db: { user: 'u' } });
    const env = new EnvSecretStore({ name: 'env', metadata: {}, logger, env: { SET: 'v' } });
    await env.init();
    const resolve = createSecretResolver(live({ local: file, env }));
    const r = (store: string, name: string, key: string) => resolve({ store, name, key, namespace: '' });
    await expect(r('vault', 'db', 'user')).rejects.toThrow('secret store "vault" is not loaded');
    await expect(r('local', 'nope', 'user')).rejects.toThrow('secret nope not found');
    await expect(r('local', 'db', 'password')).rejects.toThrow('secret "db" has no key "password"');
    await expect(r('env', 'UNSET', 'UNSET')).rejects.toThrow('secret "UNSET" key "UNSET" is empty');
    expect(await r('env', 'SET', 'SET')).toBe('v');
    await expect(
      createSecretResolver(new LiveSecretStores())({ store: 's', name: 'n', key: 'k', namespace: '' }),
    ).rejects.toThrow(/no secret store is loaded/);
  });
});

const comp = (
  name: string,
  type: string,
  extra: Partial<ComponentResource> = {},
  refs = false,
): LoadedComponent => ({
  file: `${name}.yaml`,
  resource: {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: {
      type,
      version: 'v1',
      metadata: refs ? [{ name: 'token', secretKeyRef: { name: 't', key: 't' } }] : [],
    },
    ...extra,
  },
});

describe('initialisation order', () => {
  it('puts secret stores first, a store referencing another after it, the rest in file order', () => {
    const ordered = orderForSecretStores([
      comp('state', 'state.redis', { auth: { secretStore: 'vault' } }, true),
      comp('vault', 'secretstores.hashicorp.vault', { auth: { secretStore: 'env' } }, true),
      comp('pubsub', 'pubsub.kafka'),
      comp('env', 'secretstores.local.env'),
      comp('loop', 'secretstores.local.file', { auth: { secretStore: 'loop' } }, true),
    ]);
    expect(ordered.map((c) => c.resource.metadata.name)).toEqual(['env', 'vault', 'loop', 'state', 'pubsub']);
  });

  it('adds the built-in kubernetes store unless one is defined, and picks the default store', () => {
    const loaded = [comp('state', 'state.redis')];
    const withK8s = withBuiltinKubernetesSecretStore(loaded);
    expect(withK8s.map((c) => [c.resource.metadata.name, c.resource.spec.type])).toEqual([
      ['kubernetes', 'secretstores.kubernetes'],
      ['state', 'state.redis'],
    ]);
    expect(withBuiltinKubernetesSecretStore(withK8s)).toBe(withK8s);
    expect(defaultSecretStore('kubernetes', loaded)).toBe('kubernetes');
    expect(defaultSecretStore('standalone', loaded)).toBeUndefined();
    expect(defaultSecretStore('standalone', [comp('kubernetes', 'secretstores.local.file')])).toBe(
      'kubernetes',
    );
  });
});

describe('the seeds’ component files with a local file secret store', () => {
  // infra/dapr-components/{state-postgresql,kafka-pubsub}.yaml from the seeds, unchanged.
  const seeds = `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: statestore
  namespace: default
spec:
  type: state.postgresql
  version: v1
  metadata:
  # PostgreSQL connection string (from Kubernetes Secret)
  - name: connectionString
    secretKeyRef:
      name: app-secrets
      key: database-url
  - name: tableName
    value: "dapr_state"
  - name: keyPrefix
    value: "todo-app"
  - name: timeout
    value: "20"
  - name: actorStateStore
    value: "true"
scopes:
- backend
- chat-api
---
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: kafka-pubsub
  namespace: default
spec:
  type: pubsub.kafka
  version: v1
  metadata:
  - name: brokers
    value: "seed-abc123.cloud.redpanda.com:9092"
  - name: authType
    value: "password"
  - name: saslUsername
    secretKeyRef:
      name: kafka-secrets
      key: username
  - name: saslPassword
    secretKeyRef:
      name: kafka-secrets
      key: password
  - name: saslMechanism
    value: "SCRAM-SHA-256"
scopes:
- backend
- chat-api
`;

  it('resolves connectionString and the SASL credentials, and redacts them for logs', async () => {
    const res = join(dir, 'seeds');
    mkdirSync(res);
    writeFileSync(join(res, 'components.yaml'), seeds);
    const store = await fileStore('kubernetes', {
      'app-secrets': { 'database-url': 'postgres://todo:pw@db:5432/todo', 'cohere-api-key': 'c-1' },
      'kafka-secrets': { username: 'redpanda-user', password: 'redpanda-pass' },
    });
    const loaded = (await loadResources({ paths: [res], appId: 'backend', namespace: 'default', logger }))
      .components;
    const stores = live({ kubernetes: store });
    const resolved = await Promise.all(
      loaded.map(({ file, resource }) =>
        resolveComponentMetadata(resource, {
          file,
          appId: 'backend',
          namespace: 'default',
          env: {},
          defaultSecretStore: defaultSecretStore('standalone', [
            comp('kubernetes', 'secretstores.local.file'),
          ]),
          resolveSecret: createSecretResolver(stores),
        }),
      ),
    );
    expect(resolved[0].connectionString).toBe('postgres://todo:pw@db:5432/todo');
    expect(resolved[1]).toMatchObject({ saslUsername: 'redpanda-user', saslPassword: 'redpanda-pass' });
    const safe = redactComponentMetadata(loaded[1].resource, resolved[1]);
    expect(safe).toEqual({
      brokers: 'seed-abc123.cloud.redpanda.com:9092',
      authType: 'password',
      saslUsername: '***',
      saslPassword: '***',
      saslMechanism: 'SCRAM-SHA-256',
    });
    expect(JSON.stringify(redactComponentMetadata(loaded[0].resource, resolved[0]))).not.toContain('pw@db');
  });
});
