import { describe, expect, it } from 'vitest';
import { flattenSecrets } from './flatten.js';

const doc = {
  'api-key': 'k-123',
  db: { user: 'admin', replica: { host: 'db-2', port: 5433 } },
  hosts: ['a', { name: 'b' }],
  flags: { on: true, ratio: 1.5, none: null },
  empty: {},
};

describe('local.file flattening (§5.4)', () => {
  it('plain: every leaf is a single-value secret named by its path', () => {
    const { secrets, duplicates, skipped } = flattenSecrets(doc, { separator: ':', multiValued: false });
    expect(Object.fromEntries(secrets)).toEqual({
      'api-key': 'k-123',
      'db:user': 'admin',
      'db:replica:host': 'db-2',
      'db:replica:port': '5433',
      'hosts:0': 'a',
      'hosts:1:name': 'b',
      'flags:on': 'true',
      'flags:ratio': '1.5',
      'flags:none': '',
    });
    expect(duplicates).toEqual([]);
    expect(skipped).toEqual([]);
  });

  it('plain: honours a custom separator', () => {
    const { secrets } = flattenSecrets({ a: { b: { c: 'x' } } }, { separator: '__', multiValued: false });
    expect([...secrets.keys()]).toEqual(['a__b__c']);
  });

  it('multiValued: top-level objects become multi-key secrets flattened with the separator', () => {
    const { secrets, skipped } = flattenSecrets(
      { ...doc, count: 3, list: ['x'], nothing: null },
      { separator: '.', multiValued: true },
    );
    expect(Object.fromEntries(secrets)).toEqual({
      'api-key': 'k-123',
      db: { user: 'admin', 'replica.host': 'db-2', 'replica.port': '5433' },
      flags: { on: 'true', ratio: '1.5', none: '' },
      empty: {},
    });
    // daprd ignores top-level values that are neither strings nor objects.
    expect(skipped).toEqual(['hosts', 'count', 'list', 'nothing']);
  });

  it('keeps the first value of a path met twice and reports it', () => {
    const { secrets, duplicates } = flattenSecrets(
      { 'a:b': '1', a: { b: '2', c: '3' } },
      { separator: ':', multiValued: false },
    );
    expect(Object.fromEntries(secrets)).toEqual({ 'a:b': '1', 'a:c': '3' });
    expect(duplicates).toEqual(['a:b']);
  });

  it('keeps names such as __proto__ as ordinary secrets', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": "c"}') as Record<
      string,
      unknown
    >;
    const { secrets } = flattenSecrets(parsed, { separator: ':', multiValued: true });
    expect(secrets.get('__proto__')).toEqual({ polluted: 'yes' });
    expect(secrets.get('constructor')).toBe('c');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
