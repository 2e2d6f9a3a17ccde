import { expect } from 'vitest';
import { expectStatus } from './dapr-http.js';
import { DaprtsProcess, type DaprtsProcessOptions } from './daprts-process.js';
import { componentYaml, resourceDir, type MetadataEntry } from './resources.js';

/**
 * Secret stores, Configuration `secrets.scopes` and the checks the secrets/scoping cases repeat:
 * a `secretstores.local.file` over a JSON file written by the test, a `secretstores.local.env`,
 * and `--config` files.
 */

/** A `secretstores.local.file` Component reading `secretsFile` (absolute path). */
export function localFileStoreYaml(
  name: string,
  secretsFile: string,
  opts: { nestedSeparator?: string; multiValued?: boolean; scopes?: string[] } = {},
): string {
  const metadata: MetadataEntry[] = [{ name: 'secretsFile', value: secretsFile }];
  if (opts.nestedSeparator !== undefined)
    metadata.push({ name: 'nestedSeparator', value: opts.nestedSeparator });
  if (opts.multiValued !== undefined) metadata.push({ name: 'multiValued', value: String(opts.multiValued) });
  return componentYaml({ name, type: 'secretstores.local.file', metadata, scopes: opts.scopes });
}

/** A `secretstores.local.env` Component, with an optional `prefix`. */
export function localEnvStoreYaml(name: string, prefix?: string): string {
  return componentYaml({
    name,
    type: 'secretstores.local.env',
    metadata: prefix === undefined ? [] : [{ name: 'prefix', value: prefix }],
  });
}

/** One `spec.secrets.scopes[]` entry (dapr-api.md §5.3). */
export interface SecretsScopeSpec {
  storeName: string;
  defaultAccess?: 'allow' | 'deny';
  allowedSecrets?: string[];
  deniedSecrets?: string[];
}

/** A Configuration resource with `spec.secrets.scopes`, as users pass it with `--config`. */
export function secretsConfigYaml(scopes: SecretsScopeSpec[]): string {
  const lines = [
    'apiVersion: dapr.io/v1alpha1',
    'kind: Configuration',
    'metadata:',
    '  name: secretsconfig',
    'spec:',
    '  secrets:',
    '    scopes:',
  ];
  for (const s of scopes) {
    lines.push(`    - storeName: ${s.storeName}`);
    if (s.defaultAccess) lines.push(`      defaultAccess: ${s.defaultAccess}`);
    if (s.allowedSecrets) lines.push(`      allowedSecrets: ${JSON.stringify(s.allowedSecrets)}`);
    if (s.deniedSecrets) lines.push(`      deniedSecrets: ${JSON.stringify(s.deniedSecrets)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A temporary folder holding `secrets.json` (and a `config.yaml` when given), removed on dispose.
 * It is not a resources path: the sidecar reads these files through the store and `--config`.
 */
export function secretFiles(
  secrets: Record<string, unknown>,
  config?: string,
): { dir: string; secretsFile: string; configFile: string } & Disposable {
  const files: Record<string, string> = { 'secrets.json': JSON.stringify(secrets, null, 2) };
  if (config !== undefined) files['config.yaml'] = config;
  const d = resourceDir(files);
  return { ...d, secretsFile: `${d.dir}/secrets.json`, configFile: `${d.dir}/config.yaml` };
}

export interface SecretScopesSidecarOptions extends Omit<DaprtsProcessOptions, 'noWait'> {
  /** The contents of `secrets.json`. */
  secrets: Record<string, unknown>;
  /** The Configuration's `spec.secrets.scopes`, passed with `--config` (before any other `args`). */
  scopes: SecretsScopeSpec[];
  /** `secretstores.local.file` stores over `secrets.json`, resource file name → store name (default `{'secrets.yaml': 'localsecrets'}`). */
  stores?: Record<string, string>;
}

/**
 * Writes `secrets.json` and a scopes Configuration (`secretFiles`), then starts a sidecar with a
 * `secretstores.local.file` store over it (plus any other `resources`) and `--config`. Disposing
 * stops the sidecar, then removes the files.
 */
export async function startWithSecretScopes(
  opts: SecretScopesSidecarOptions,
): Promise<{ sidecar: DaprtsProcess; files: ReturnType<typeof secretFiles> } & AsyncDisposable> {
  const { secrets, scopes, stores = { 'secrets.yaml': 'localsecrets' }, ...rest } = opts;
  const files = secretFiles(secrets, secretsConfigYaml(scopes));
  const storeYamls = Object.fromEntries(
    Object.entries(stores).map(([file, name]) => [file, localFileStoreYaml(name, files.secretsFile)]),
  );
  let sidecar: DaprtsProcess;
  try {
    sidecar = await DaprtsProcess.start({
      ...rest,
      resources: { ...storeYamls, ...rest.resources },
      args: ['--config', files.configFile, ...(rest.args ?? [])],
    });
  } catch (err) {
    files[Symbol.dispose]();
    throw err;
  }
  return {
    sidecar,
    files,
    [Symbol.asyncDispose]: async () => {
      await sidecar[Symbol.asyncDispose]();
      files[Symbol.dispose]();
    },
  };
}

/** `GET /v1.0/secrets/{store}/{name}[?query]` exactly as typed (SDKs do not encode the name). */
export function getSecret(p: DaprtsProcess, store: string, name: string, query = ''): Promise<Response> {
  return p.fetch(`/v1.0/secrets/${store}/${name}${query ? `?${query}` : ''}`);
}

/** `GET /v1.0/secrets/{store}/bulk[?query]`. */
export function getBulkSecret(p: DaprtsProcess, store: string, query = ''): Promise<Response> {
  return p.fetch(`/v1.0/secrets/${store}/bulk${query ? `?${query}` : ''}`);
}

/** A 200 `application/json` answer, parsed. */
export async function expectJson<T = unknown>(res: Response): Promise<T> {
  const text = await expectStatus(res, 200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return JSON.parse(text) as T;
}
