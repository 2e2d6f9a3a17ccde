import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../diagnostics/logger.js';
import { loadResources, parseFile } from './loader.js';
import { resolveComponentMetadata } from './resolve.js';

const logger = silentLogger();
const comp = (name: string, extra = '') => `apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: state.in-memory
  version: v1
${extra}`;

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'daprts-res-'));
  for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, f), t);
  return dir;
}

describe('loadResources', () => {
  it('reads multi-document files and several folders, ignoring subfolders and other extensions', async () => {
    const a = folder({ 'a.yaml': comp('one') + '---\n' + comp('two'), 'notes.txt': 'x' });
    mkdirSync(join(a, 'sub'));
    writeFileSync(join(a, 'sub', 'c.yaml'), comp('ignored'));
    const b = folder({ 'b.yml': comp('three') });
    const res = await loadResources({ paths: [a, b], appId: 'app', logger });
    expect(res.components.map((c) => c.resource.metadata.name)).toEqual(['one', 'two', 'three']);
  });

  it('applies scopes and namespaces', async () => {
    const dir = folder({
      'a.yaml': comp('mine', 'scopes: [app]\n') + '---\n' + comp('theirs', 'scopes: [other]\n'),
      'b.yaml': comp('elsewhere').replace('  name: elsewhere', '  name: elsewhere\n  namespace: prod'),
    });
    const res = await loadResources({ paths: [dir], appId: 'app', namespace: 'dev', logger });
    expect(res.components.map((c) => c.resource.metadata.name)).toEqual(['mine']);
  });

  it('names the file, the resource and the field of a bad component', async () => {
    const dir = folder({ 'bad.yaml': comp('broken').replace('  type: state.in-memory\n', '') });
    await expect(loadResources({ paths: [dir], appId: 'app', logger })).rejects.toThrow(
      /bad\.yaml: Component "broken": field 'spec\.type'/,
    );
  });

  it('rejects duplicate names of one kind', async () => {
    const dir = folder({ 'a.yaml': comp('same'), 'b.yaml': comp('same') });
    await expect(loadResources({ paths: [dir], appId: 'app', logger })).rejects.toThrow(/duplicate name/);
  });

  it('matches field names case-insensitively like daprd', () => {
    const [r] = parseFile(
      'x.yaml',
      'apiversion: dapr.io/v1alpha1\nKind: Component\nmetadata: {name: n}\nauth: {secretstore: vault}\nspec: {type: state.redis, version: v1}\n',
    );
    expect(r.kind).toBe('Component');
    expect((r.doc.auth as Record<string, string>).secretStore).toBe('vault');
  });

  it('reports invalid YAML with the file name', () => {
    expect(() => parseFile('y.yaml', 'kind: [unclosed')).toThrow(/y\.yaml/);
  });
});

describe('resolveComponentMetadata', () => {
  const base = {
    file: 'f.yaml',
    appId: 'app',
    namespace: 'ns',
    env: { PGURL: 'postgres://x', DAPR_API_TOKEN: 't' },
    resolveSecret: async () => 's3cret',
  };
  const resource = (metadata: unknown[], auth?: { secretStore?: string }) =>
    ({
      apiVersion: 'dapr.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'c' },
      auth,
      spec: { type: 'state.x', version: 'v1', metadata },
    }) as never;

  it('stringifies values, reads envRef, expands templates and resolves secretKeyRef', async () => {
    const md = await resolveComponentMetadata(
      resource(
        [
          { name: 'n', value: 30 },
          { name: 'b', value: true },
          { name: 'url', envRef: 'PGURL' },
          { name: 'id', value: 'x-{appID}-{namespace}' },
          { name: 'pw', secretKeyRef: { name: 'db', key: 'password' } },
        ],
        { secretStore: 'vault' },
      ),
      base,
    );
    expect(md).toEqual({ n: '30', b: 'true', url: 'postgres://x', id: 'x-app-ns.app', pw: 's3cret' });
  });

  it('expands {namespace} with daprd`s self-hosted namespace `default` when NAMESPACE is not set', async () => {
    const md = await resolveComponentMetadata(resource([{ name: 'consumerID', value: '{namespace}' }]), {
      ...base,
      namespace: '',
    });
    expect(md).toEqual({ consumerID: 'default.app' });
  });

  it('refuses DAPR_* env refs and unset variables', async () => {
    await expect(
      resolveComponentMetadata(resource([{ name: 't', envRef: 'DAPR_API_TOKEN' }]), base),
    ).rejects.toThrow(/not allowed/);
    await expect(resolveComponentMetadata(resource([{ name: 't', envRef: 'NOPE' }]), base)).rejects.toThrow(
      /NOPE/,
    );
  });

  it('fails a secretKeyRef without a secret store, naming component, field and key', async () => {
    await expect(
      resolveComponentMetadata(
        resource([{ name: 'pw', secretKeyRef: { name: 'db', key: 'password' } }]),
        base,
      ),
    ).rejects.toThrow(/Component "c": field 'metadata\.pw'.*db\/password/);
  });
});
