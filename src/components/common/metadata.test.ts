import { describe, expect, it } from 'vitest';
import { getMetadataValue } from './metadata.js';

describe('getMetadataValue', () => {
  it('finds a key exactly, then case-insensitively', () => {
    expect(getMetadataValue({ ttlInSeconds: '5' }, 'ttlInSeconds')).toBe('5');
    expect(getMetadataValue({ TTLINSECONDS: '7' }, 'ttlInSeconds')).toBe('7');
    expect(getMetadataValue({ other: 'x' }, 'ttlInSeconds')).toBeUndefined();
    expect(getMetadataValue(undefined, 'ttlInSeconds')).toBeUndefined();
  });

  it('never answers with what an object inherits', () => {
    expect(getMetadataValue({}, 'toString')).toBeUndefined();
    expect(getMetadataValue({}, 'constructor')).toBeUndefined();
    expect(getMetadataValue({ TOSTRING: 'v' }, 'toString')).toBe('v');
  });
});
