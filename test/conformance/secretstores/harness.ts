import type {
  BulkSecretData,
  SecretStore,
  SecretStoreFeature,
} from '../../../src/components/secretstores/interface.js';
import type { FakeKubeApi, TestPki } from '../../../src/components/secretstores/kubernetes/testing.js';

/** A value that must come back byte for byte: non-ASCII, quotes, backslash, newline. */
export const AWKWARD = 'wörld ✓ "quoted" \\ back\nline2';

/** What every store of the suite holds, in the shape its kind gives it. */
export const FIXTURE = {
  single: { 'api-key': 'k-123', unicode: AWKWARD },
  /** A multi-key secret (and a nested object inside it, for file stores). */
  db: { user: 'admin', password: 'p@ss:w0rd', replica: { host: 'db-2', port: 5433 } },
} as const;

/** Optional behaviours a store claims; each claim brings its cases. */
export type SecretStoreClaim = 'multiValued' | 'nested' | 'namespaces';

/** Shared servers and files, started once for the whole suite. */
export interface ConformanceEnv {
  dir: string;
  pki: TestPki;
  /** Plain HTTP, bearer token `CONF_TOKEN`. */
  kubeHttp: FakeKubeApi;
  /** HTTPS, accepts a client certificate signed by the test CA. */
  kubeMtls: FakeKubeApi;
  /** HTTPS, bearer token (the in-cluster service account token). */
  kubeTls: FakeKubeApi;
}

export interface SecretStoreConfig {
  /** Name shown in the output, e.g. `local.file-multivalued`. */
  name: string;
  /** `spec.type`. */
  type: string;
  claims: readonly SecretStoreClaim[];
  features: readonly SecretStoreFeature[];
  /** Exactly what bulk answers (default namespace), and what get answers for each name. */
  expected: BulkSecretData;
  /** An unknown name: `empty` = `{name: ''}` (local.env), `error` = rejected with `missingError`. */
  missing: 'empty' | 'error';
  missingError?: RegExp;
  /** Names the store must never expose (local.env: `DAPR_*`, `APP_API_TOKEN`). */
  reserved?: readonly string[];
  /** Claim `nested`: the flattened name of `db.replica.host` and of `hosts[1]`. */
  nestedNames?: { replicaHost: string; secondHost: string };
  /** Creates the (not yet initialised) store. */
  create(env: ConformanceEnv): Promise<SecretStore> | SecretStore;
}

export interface Suite {
  readonly config: SecretStoreConfig;
  readonly store: SecretStore;
  claims(c: SecretStoreClaim): boolean;
}

export type CaseGroup = (s: Suite) => void;
