import { expect, it } from 'vitest';
import type { CaseGroup } from './harness.js';

const MISSING = 'conformance-missing';

/** Features advertised are exactly the claimed ones. */
export const featureCases: CaseGroup = (s) => {
  it('advertises exactly its features', () => {
    expect([...s.store.features()].sort()).toEqual([...s.config.features].sort());
  });
};

/** Get answers each secret exactly; answers are copies. */
export const getCases: CaseGroup = (s) => {
  it('gets every secret with exactly its keys and values', async () => {
    for (const [name, data] of Object.entries(s.config.expected)) {
      expect(await s.store.getSecret(name, {}), name).toEqual(data);
    }
  });

  it('returns values byte for byte (unicode, quotes, backslash, newline)', async () => {
    const data = await s.store.getSecret('unicode', {});
    expect(data?.unicode).toBe(s.config.expected.unicode.unicode);
  });

  it('hands out copies: changing an answer does not change the store', async () => {
    const first = await s.store.getSecret('api-key', {});
    if (first) first['api-key'] = 'changed';
    expect(await s.store.getSecret('api-key', {})).toEqual(s.config.expected['api-key']);
  });
};

/** Bulk answers every secret, and agrees with get. */
export const bulkCases: CaseGroup = (s) => {
  it('bulk-gets exactly the expected secrets', async () => {
    expect(await s.store.bulkGetSecret({})).toEqual(s.config.expected);
  });

  it('bulk and get agree on every secret', async () => {
    const bulk = (await s.store.bulkGetSecret({})) ?? {};
    for (const name of Object.keys(bulk)) expect(await s.store.getSecret(name, {}), name).toEqual(bulk[name]);
  });
};

/** An unknown name: empty value (local.env) or an error the API turns into ERR_SECRET_GET. */
export const missingCases: CaseGroup = (s) => {
  if (s.config.missing === 'empty') {
    it('answers an unknown name with an empty value', async () => {
      expect(await s.store.getSecret(MISSING, {})).toEqual({ [MISSING]: '' });
    });
  } else {
    it('rejects an unknown name', async () => {
      await expect(s.store.getSecret(MISSING, {})).rejects.toThrow(s.config.missingError ?? /./);
    });
  }

  for (const name of s.config.reserved ?? []) {
    it(`never exposes ${name}`, async () => {
      expect(await s.store.getSecret(name, {})).toEqual({ [name]: '' });
      expect(Object.keys((await s.store.bulkGetSecret({})) ?? {})).not.toContain(name);
    });
  }
};

/** Multi-valued stores: one secret, several keys (nested keys flattened with the separator). */
export const multiValuedCases: CaseGroup = (s) => {
  if (!s.claims('multiValued')) {
    it('keeps every secret single-valued', async () => {
      for (const [name, data] of Object.entries((await s.store.bulkGetSecret({})) ?? {}))
        expect(Object.keys(data), name).toEqual([name]);
    });
    return;
  }
  it('answers a multi-key secret with all its keys', async () => {
    expect(await s.store.getSecret('db', {})).toEqual({
      user: 'admin',
      password: 'p@ss:w0rd',
      'replica.host': 'db-2',
      'replica.port': '5433',
    });
  });
};

/** Nested files: objects and arrays flattened into names joined by the separator. */
export const nestedCases: CaseGroup = (s) => {
  if (!s.claims('nested')) return;
  it('names nested values by their path, arrays by index', async () => {
    const { replicaHost, secondHost } = s.config.nestedNames!;
    expect(await s.store.getSecret(replicaHost, {})).toEqual({ [replicaHost]: 'db-2' });
    expect(await s.store.getSecret(secondHost, {})).toEqual({ [secondHost]: 'h1' });
  });

  it('does not answer the parent object of nested values', async () => {
    await expect(s.store.getSecret('db', {})).rejects.toThrow(/not found/);
  });
};

/** Stores with namespaces (kubernetes): request metadata `namespace` selects one. */
export const namespaceCases: CaseGroup = (s) => {
  if (!s.claims('namespaces')) return;
  it('gets and bulk-gets in the namespace given as request metadata', async () => {
    expect(await s.store.getSecret('staging-only', { namespace: 'staging' })).toEqual({ x: 'y' });
    expect(await s.store.bulkGetSecret({ namespace: 'staging' })).toEqual({ 'staging-only': { x: 'y' } });
    await expect(s.store.getSecret('api-key', { namespace: 'staging' })).rejects.toThrow(/not found/);
    await expect(s.store.getSecret('staging-only', {})).rejects.toThrow(/not found/);
  });

  it('answers an empty namespace with an empty bulk', async () => {
    expect(await s.store.bulkGetSecret({ namespace: 'empty-ns' })).toEqual({});
  });
};
