import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../src/components/secretstores/interface.js';
import { KubeApiClient } from '../../../src/components/secretstores/kubernetes/client.js';
import { makeTestPki, startFakeKubeApi } from '../../../src/components/secretstores/kubernetes/testing.js';
import {
  bulkCases,
  featureCases,
  getCases,
  missingCases,
  multiValuedCases,
  namespaceCases,
  nestedCases,
} from './cases.js';
import { CONF_TOKEN, KUBE_SECRETS, secretStoreConfigs } from './components.js';
import type { CaseGroup, ConformanceEnv, SecretStoreConfig, Suite } from './harness.js';

/**
 * Secret store conformance: every store of components.ts, created as the runtime creates it,
 * through the same cases. The Kubernetes store talks to Kubernetes-API-compatible endpoints
 * started here (plain HTTP with a token, HTTPS with a client certificate, HTTPS in-cluster).
 */

const groups: CaseGroup[] = [
  featureCases,
  getCases,
  bulkCases,
  missingCases,
  multiValuedCases,
  nestedCases,
  namespaceCases,
];

let env: ConformanceEnv | undefined;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-conf-secrets-'));
  const pki = makeTestPki();
  const tls = { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca };
  env = {
    dir,
    pki,
    kubeHttp: await startFakeKubeApi({ secrets: KUBE_SECRETS, token: CONF_TOKEN }),
    kubeMtls: await startFakeKubeApi({
      secrets: KUBE_SECRETS,
      token: 'only-client-certs',
      tls: { ...tls, requestClientCert: true },
    }),
    kubeTls: await startFakeKubeApi({ secrets: KUBE_SECRETS, token: CONF_TOKEN, tls }),
  };
});

afterAll(async () => {
  if (!env) return;
  await Promise.all([env.kubeHttp.close(), env.kubeMtls.close(), env.kubeTls.close()]);
  rmSync(env.dir, { recursive: true, force: true });
  rmSync(env.pki.dir, { recursive: true, force: true });
});

function makeSuite(config: SecretStoreConfig): Suite & {
  open(): Promise<void>;
  dispose(): Promise<void>;
  initError?: unknown;
} {
  let store: SecretStore | undefined;
  return {
    config,
    initError: undefined,
    get store(): SecretStore {
      if (!store) throw new Error(`${config.name} is not initialised (see the init case for why)`);
      return store;
    },
    claims: (c) => config.claims.includes(c),
    async open() {
      const s = await config.create(env!);
      await s.init();
      store = s;
    },
    async dispose() {
      await store?.close();
    },
  };
}

describe.each(secretStoreConfigs.map((c) => [c.name, c] as const))('%s', (_name, config) => {
  const suite = makeSuite(config);
  beforeAll(() =>
    suite.open().catch((err: unknown) => {
      suite.initError = err;
    }),
  );
  afterAll(() => suite.dispose());

  it('initialises', () => {
    if (suite.initError) throw suite.initError;
    expect(() => suite.store).not.toThrow();
  });

  for (const group of groups) group(suite);
});

describe('kubernetes endpoints check who calls', () => {
  it('the test servers refuse callers without the token or a client certificate', async () => {
    const res = await fetch(`${env!.kubeHttp.url}/api/v1/namespaces/default/secrets/db`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    const calls = env!.kubeTls.requests.filter((r) => r.path.startsWith('/api/v1/namespaces/'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => r.authorization === `Bearer ${CONF_TOKEN}`)).toBe(true);
  });

  it('the client verifies the server against the configured CA', async () => {
    const stranger = new KubeApiClient({ server: env!.kubeTls.url, token: CONF_TOKEN, source: 'test' });
    await expect(stranger.getSecret('default', 'db')).rejects.toThrow();
    await stranger.close();
    const trusting = new KubeApiClient({
      server: env!.kubeTls.url,
      token: CONF_TOKEN,
      ca: env!.pki.ca,
      source: 'test',
    });
    await expect(trusting.getSecret('default', 'db')).resolves.toMatchObject({ kind: 'Secret' });
    await trusting.close();
  });
});
