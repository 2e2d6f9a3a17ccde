import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfiguration, loadConfiguration, parseConfiguration } from './configuration.js';
import { expandEnv } from './expand-env.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const full = `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: appconfig
spec:
  tracing:
    samplingRate: 1
    stdout: true
    zipkin:
      endpointAddress: http://\${ZIPKIN_HOST}:9411/api/v2/spans
    otel:
      endpointAddress: localhost:4317
      protocol: grpc
      isSecure: false
  metric:
    enabled: false
    http:
      increasedCardinality: true
      pathMatching: ["/orders/{id}"]
  logging:
    apiLogging: {enabled: true, obfuscateURLs: true}
  features:
    - {name: HotReload, enabled: true}
    - {name: Other, enabled: false}
  accessControl: {defaultAction: deny, trustDomain: public}
  secrets:
    scopes:
      - storeName: vault
        defaultAccess: deny
        allowedSecrets: ["db", "api-key"]
      - storeName: local
        deniedSecrets: [admin]
`;

describe('Configuration resource (--config)', () => {
  it('loads tracing, metrics, logging, features and secrets scopes, expanding ${VAR}', async () => {
    const c = await loadConfiguration(file('full.yaml', full), { ZIPKIN_HOST: 'zipkin' });
    expect(c.name).toBe('appconfig');
    expect(c.spec.tracing).toMatchObject({
      samplingRate: '1',
      stdout: true,
      zipkin: { endpointAddress: 'http://zipkin:9411/api/v2/spans' },
      otel: { endpointAddress: 'localhost:4317', protocol: 'grpc', isSecure: false },
    });
    expect(c.metrics).toMatchObject({ enabled: false, http: { increasedCardinality: true } });
    expect(c.spec.logging?.apiLogging).toEqual({ enabled: true, obfuscateURLs: true });
    expect(c.enabledFeatures).toEqual(['HotReload']);
    expect(c.spec.accessControl).toEqual({ defaultAction: 'deny', trustDomain: 'public' });
    expect(c.secretScopes.isAllowed('vault', 'db')).toBe(true);
    expect(c.secretScopes.isAllowed('vault', 'other')).toBe(false);
    expect(c.secretScopes.isAllowed('local', 'admin')).toBe(false);
    expect(c.secretScopes.isAllowed('local', 'user')).toBe(true);
    expect(c.secretScopes.isAllowed('unscoped', 'x')).toBe(true);
  });

  it('applies several files in order, a later section replacing the earlier one', async () => {
    const a = file('a.yaml', full);
    const b = file(
      'b.yaml',
      'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: second}\nspec:\n  secrets:\n    scopes: [{storeName: vault, defaultAccess: allow}]\n',
    );
    const c = await loadConfiguration([a, b], {});
    expect(c.name).toBe('second');
    expect(c.secretScopes.isAllowed('vault', 'other')).toBe(true);
    expect(c.secretScopes.isAllowed('local', 'admin')).toBe(true);
    expect(c.spec.tracing?.stdout).toBe(true);
  });

  it('merges spec.metrics over spec.metric field by field, as daprd does', async () => {
    const c = await loadConfiguration(
      file(
        'both.yaml',
        'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: both}\nspec:\n  metric:\n    enabled: false\n  metrics:\n    rules: [{name: dapr_http_server_request_count, labels: [{name: method, regex: {}}]}]\n',
      ),
      {},
    );
    expect(c.metrics?.enabled).toBe(false);
    expect(c.metrics?.rules?.[0]?.name).toBe('dapr_http_server_request_count');
  });

  it('without --config, allows every secret', async () => {
    expect((await loadConfiguration(undefined)).secretScopes.isAllowed('s', 'k')).toBe(true);
    expect(defaultConfiguration().enabledFeatures).toEqual([]);
  });

  // docs.dapr.io "Configure tracing" → "Environment variables": OTEL_EXPORTER_OTLP_ENDPOINT turns
  // tracing on (as daprd's SetTracingSpecFromEnv: sampling "1", scheme stripped, http* → http).
  it('OTEL_EXPORTER_OTLP_* environment variables turn on OTLP tracing', async () => {
    const c = await loadConfiguration(undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_INSECURE: 'true',
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=k1,x-team=obs',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
    });
    expect(c.spec.tracing).toEqual({
      samplingRate: '1',
      otel: {
        endpointAddress: 'localhost:4318',
        protocol: 'http',
        isSecure: false,
        headers: ['api-key=k1', 'x-team=obs'],
        timeout: '5000ms',
      },
    });
    // The traces-specific variables win; a protocol that is not http* is grpc; secure by default.
    const t = await loadConfiguration(undefined, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://ignored:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector:4317',
    });
    expect(t.spec.tracing?.otel).toEqual({ endpointAddress: 'collector:4317', protocol: 'grpc' });
  });

  it("a Configuration's own otel endpoint and sampling rate win over the environment", async () => {
    const cfg = file(
      'otel.yaml',
      'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  tracing:\n    samplingRate: "0.5"\n    otel: {endpointAddress: "mine:4317", protocol: grpc}\n',
    );
    const c = await loadConfiguration(cfg, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' });
    expect(c.spec.tracing).toEqual({
      samplingRate: '0.5',
      otel: { endpointAddress: 'mine:4317', protocol: 'grpc' },
    });
    const rate = file(
      'rate.yaml',
      'apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n  tracing:\n    samplingRate: "0.5"\n',
    );
    const r = await loadConfiguration(rate, { OTEL_EXPORTER_OTLP_ENDPOINT: 'env:4318' });
    expect(r.spec.tracing?.samplingRate).toBe('0.5');
    expect(r.spec.tracing?.otel?.endpointAddress).toBe('env:4318');
    expect((await loadConfiguration(undefined, {})).spec.tracing).toBeUndefined();
  });

  it('names the file and the field of an invalid document', () => {
    const bad = (spec: string) =>
      `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}\nspec:\n${spec}`;
    expect(() =>
      parseConfiguration('x.yaml', bad('  secrets:\n    scopes: [{storeName: s, defaultAccess: maybe}]\n')),
    ).toThrow(
      /x\.yaml: Configuration "c": field 'spec\.secrets\.scopes\[0\]\.defaultAccess': .*allow or deny/,
    );
    expect(() =>
      parseConfiguration('x.yaml', bad('  secrets:\n    scopes: [{storeName: s}, {storeName: s}]\n')),
    ).toThrow(/field 'spec\.secrets\.scopes\[1\]\.storeName': s storeName is repeated/);
    expect(() => parseConfiguration('x.yaml', bad('  features: [{name: F, enabled: sometimes}]\n'))).toThrow(
      /field 'spec\.features\[0\]\.enabled'/,
    );
    expect(() => parseConfiguration('y.yaml', 'apiVersion: v1\nkind: Configuration\n')).toThrow(
      /y\.yaml: Configuration "\(unnamed\)": field 'apiVersion'/,
    );
    expect(() => parseConfiguration('y.yaml', 'apiVersion: dapr.io/v1alpha1\nkind: Component\n')).toThrow(
      /field 'kind'/,
    );
    expect(() => parseConfiguration('z.yaml', 'spec: [unclosed')).toThrow(
      /z\.yaml: Configuration: invalid YAML/,
    );
  });

  it('reports a missing file with its path', async () => {
    await expect(loadConfiguration(join(dir, 'nope.yaml'))).rejects.toThrow(
      /nope\.yaml: Configuration: cannot read/,
    );
  });
});

describe('expandEnv (Go os.ExpandEnv)', () => {
  const env = { A: 'x', B_2: 'y' };
  it.each([
    ['plain', 'plain'],
    ['${A}-$A-$B_2', 'x-x-y'],
    ['$UNSET|${UNSET}', '|'],
    ['cost $ 5 and trailing $', 'cost $ 5 and trailing $'],
    ['${}gone', 'gone'],
    ['${unclosed', 'unclosed'],
    ['$$', ''],
    ['a$1b', 'ab'],
  ])('%s', (input, want) => {
    expect(expandEnv(input, env)).toBe(want);
  });
});
