import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../diagnostics/logger.js';
import { SecretStoreFeature } from '../../interface.js';
import { LocalFileSecretStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'daprts-localfile-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const store = (metadata: Record<string, string>) =>
  new LocalFileSecretStore({ name: 'files', metadata, logger: silentLogger() });

describe('secretstores.local.file init', () => {
  it('requires secretsFile', async () => {
    await expect(store({}).init()).rejects.toThrow(
      "component files: invalid metadata field 'secretsFile': missing local secrets file in metadata",
    );
  });

  it('names an unreadable file', async () => {
    await expect(store({ secretsFile: join(dir, 'absent.json') }).init()).rejects.toThrow(
      /cannot read secretsFile .*absent\.json/,
    );
  });

  it('reports invalid JSON without quoting the file (it holds secrets)', async () => {
    const p = file('bad.json', '{"password": hunter2}');
    const err = await store({ secretsFile: p })
      .init()
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(err?.message).toMatch(/bad\.json is not valid JSON/);
    expect(err?.message).not.toContain('hunter2');
    expect(JSON.stringify(err)).not.toContain('hunter2');
    expect(err?.cause).toBeUndefined();
  });

  it('requires a JSON object', async () => {
    await expect(store({ secretsFile: file('arr.json', '["a"]') }).init()).rejects.toThrow(
      /must hold a JSON object/,
    );
  });

  it('reads metadata case-insensitively and advertises multi-values only when multiValued', async () => {
    const p = file('ok.json', '{"a": {"b": "c"}}');
    const multi = store({ SecretsFile: p, MULTIVALUED: '1' });
    await multi.init();
    expect(multi.features()).toEqual([SecretStoreFeature.MULTIPLE_KEY_VALUES_PER_SECRET]);
    expect(await multi.getSecret('a')).toEqual({ b: 'c' });
    const plain = store({ secretsFile: p, nestedSeparator: '/' });
    await plain.init();
    expect(plain.features()).toEqual([]);
    expect(await plain.getSecret('a/b')).toEqual({ 'a/b': 'c' });
    await plain.close();
    await expect(plain.getSecret('a/b')).rejects.toThrow('secret a/b not found');
  });
});
