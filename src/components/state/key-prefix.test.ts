import { describe, expect, it } from 'vitest';
import { prefixKey, resolveKeyPrefix, unprefixKey } from './key-prefix.js';

const base = { appId: 'myapp', componentName: 'statestore', namespace: '' };

describe('key prefix strategies', () => {
  it.each([
    [undefined, 'myapp'],
    ['appid', 'myapp'],
    ['AppID', 'myapp'],
    ['name', 'statestore'],
    ['none', ''],
    ['Todo-App', 'todo-app'],
  ])('keyPrefix %s → %s', (value, expected) => {
    expect(resolveKeyPrefix({ ...base, metadata: value === undefined ? {} : { keyPrefix: value } })).toBe(
      expected,
    );
  });

  it('namespace uses NAMESPACE.appId and falls back to appid', () => {
    expect(resolveKeyPrefix({ ...base, namespace: 'prod', metadata: { keyPrefix: 'namespace' } })).toBe(
      'prod.myapp',
    );
    expect(resolveKeyPrefix({ ...base, metadata: { keyPrefix: 'namespace' } })).toBe('myapp');
  });

  it('matches the metadata name case-insensitively and refuses || in a custom prefix', () => {
    expect(resolveKeyPrefix({ ...base, metadata: { KEYPREFIX: 'none' } })).toBe('');
    expect(() => resolveKeyPrefix({ ...base, metadata: { keyPrefix: 'a||b' } })).toThrow(/\|\|/);
  });

  it('prefixes and strips at the first ||', () => {
    expect(prefixKey('myapp', 'k')).toBe('myapp||k');
    expect(prefixKey('', 'k')).toBe('k');
    expect(unprefixKey('myapp||a||b')).toBe('a||b');
  });
});
