import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from '../../../src/components/component.js';
import { SecretStoreFeature } from '../../../src/components/secretstores/interface.js';
import { KubernetesSecretStore } from '../../../src/components/secretstores/kubernetes/index.js';
import {
  kubeconfigYaml,
  type SecretFixtures,
} from '../../../src/components/secretstores/kubernetes/testing.js';
import { secretStoreRegistry } from '../../../src/components/secretstores/registry.js';
import { silentLogger } from '../../../src/diagnostics/logger.js';
import { AWKWARD, FIXTURE, type ConformanceEnv, type SecretStoreConfig } from './harness.js';

/**
 * The secret store conformance config: every store kind and connection mode, with the data it is
 * given and exactly what it must answer. `CONFORMANCE_SECRETSTORES=name,name` runs only those.
 */

export const CONF_TOKEN = 'conformance-token';

/** `db` as a multi-key secret: nested keys flattened with `.`. */
const DB_MULTI = { user: 'admin', password: 'p@ss:w0rd', 'replica.host': 'db-2', 'replica.port': '5433' };
/** Single-value secrets: `name → { name: value }`. */
const singles = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { [k]: v }]));
const SINGLES = singles(FIXTURE.single);

/** What the fake Kubernetes API servers hold. */
export const KUBE_SECRETS: SecretFixtures = {
  default: { 'api-key': { 'api-key': 'k-123' }, unicode: { unicode: AWKWARD }, db: DB_MULTI },
  staging: { 'staging-only': { x: 'y' } },
};

function ctx(
  name: string,
  type: string,
  metadata: Record<string, string>,
  env?: NodeJS.ProcessEnv,
): ComponentContext {
  return {
    name,
    type,
    version: 'v1',
    metadata,
    appId: 'conformance',
    namespace: '',
    logger: silentLogger(),
    dataDir: '',
    now: Date.now,
    env,
  };
}

function fromRegistry(name: string, type: string, metadata: Record<string, string>, env?: NodeJS.ProcessEnv) {
  return secretStoreRegistry.find(type, 'v1')(ctx(name, type, metadata, env));
}

function secretsFile(env: ConformanceEnv, name: string, doc: unknown): string {
  const path = join(env.dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

const fileDoc = { ...FIXTURE.single, db: FIXTURE.db, hosts: ['h0', 'h1'] };
const kubeMissing = /secrets "conformance-missing" not found/;

/** What every `secretstores.kubernetes` configuration below shares (it differs in how it connects). */
const KUBERNETES = {
  type: 'secretstores.kubernetes',
  claims: ['multiValued', 'namespaces'],
  features: [],
  expected: { ...SINGLES, db: DB_MULTI },
  missing: 'error',
  missingError: kubeMissing,
} satisfies Partial<SecretStoreConfig>;

const all: SecretStoreConfig[] = [
  {
    name: 'local.env',
    type: 'secretstores.local.env',
    claims: [],
    features: [],
    expected: SINGLES,
    missing: 'empty',
    reserved: ['DAPR_API_TOKEN', 'APP_API_TOKEN', 'dapr_http_port'],
    create: () =>
      fromRegistry(
        'env',
        'secretstores.local.env',
        {},
        {
          ...FIXTURE.single,
          DAPR_API_TOKEN: 'dapr-token',
          APP_API_TOKEN: 'app-token',
          dapr_http_port: '3500',
        },
      ),
  },
  {
    name: 'local.env-prefix',
    type: 'secretstores.local.env',
    claims: [],
    features: [],
    expected: SINGLES,
    missing: 'empty',
    reserved: ['APP_API_TOKEN'],
    create: () =>
      fromRegistry(
        'env',
        'secretstores.local.env',
        { prefix: 'CONF_' },
        {
          'CONF_api-key': 'k-123',
          CONF_unicode: AWKWARD,
          'api-key': 'not-prefixed',
          CONF_: 'name-is-only-the-prefix',
          conf_lower: 'prefix-is-case-sensitive',
          APP_API_TOKEN: 'app-token',
        },
      ),
  },
  {
    name: 'local.file',
    type: 'secretstores.local.file',
    claims: ['nested'],
    features: [],
    expected: singles({
      ...FIXTURE.single,
      'db:user': 'admin',
      'db:password': 'p@ss:w0rd',
      'db:replica:host': 'db-2',
      'db:replica:port': '5433',
      'hosts:0': 'h0',
      'hosts:1': 'h1',
    }),
    missing: 'error',
    missingError: /secret conformance-missing not found/,
    nestedNames: { replicaHost: 'db:replica:host', secondHost: 'hosts:1' },
    create: (env) =>
      fromRegistry('file', 'secretstores.local.file', { secretsFile: secretsFile(env, 'plain', fileDoc) }),
  },
  {
    name: 'local.file-multivalued',
    type: 'secretstores.local.file',
    claims: ['multiValued'],
    features: [SecretStoreFeature.MULTIPLE_KEY_VALUES_PER_SECRET],
    expected: { ...SINGLES, db: DB_MULTI },
    missing: 'error',
    missingError: /secret conformance-missing not found/,
    create: (env) =>
      fromRegistry('file', 'secretstores.local.file', {
        secretsFile: secretsFile(env, 'multi', { ...fileDoc, port: 80 }),
        multiValued: 'true',
        nestedSeparator: '.',
      }),
  },
  {
    name: 'kubernetes-kubeconfig-token',
    ...KUBERNETES,
    create: (env) => {
      const path = join(env.dir, 'kubeconfig-token');
      writeFileSync(path, kubeconfigYaml({ server: env.kubeHttp.url, user: { token: CONF_TOKEN } }));
      return fromRegistry('k8s', 'secretstores.kubernetes', { kubeconfigPath: path }, {});
    },
  },
  {
    name: 'kubernetes-kubeconfig-mtls',
    ...KUBERNETES,
    create: (env) => {
      const path = join(env.dir, 'kubeconfig-mtls');
      const b64 = (b: Buffer) => b.toString('base64');
      writeFileSync(
        path,
        kubeconfigYaml({
          server: env.kubeMtls.url,
          cluster: { 'certificate-authority': env.pki.files.ca },
          user: {
            'client-certificate-data': b64(env.pki.clientCert),
            'client-key-data': b64(env.pki.clientKey),
          },
        }),
      );
      // Through KUBECONFIG this time.
      return fromRegistry('k8s', 'secretstores.kubernetes', {}, { KUBECONFIG: path });
    },
  },
  {
    name: 'kubernetes-in-cluster',
    ...KUBERNETES,
    create: (env) => {
      const sa = join(env.dir, 'serviceaccount');
      mkdirSync(sa, { recursive: true });
      writeFileSync(join(sa, 'token'), `${CONF_TOKEN}\n`);
      writeFileSync(join(sa, 'ca.crt'), env.pki.ca);
      writeFileSync(join(sa, 'namespace'), 'default');
      const podEnv = {
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: String(env.kubeTls.port),
      };
      return new KubernetesSecretStore(ctx('kubernetes', 'secretstores.kubernetes', {}, podEnv), {
        serviceAccountDir: sa,
      });
    },
  },
];

const only = (process.env.CONFORMANCE_SECRETSTORES ?? '').split(',').filter(Boolean);
export const secretStoreConfigs = only.length > 0 ? all.filter((c) => only.includes(c.name)) : all;
