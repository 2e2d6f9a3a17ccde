import { expect } from 'vitest';
import { ComponentMetadataError } from '../../src/components/common/metadata.js';

/** The `field` of the ComponentMetadataError that `fn` throws (fails if it throws something else, or nothing). */
export function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ComponentMetadataError);
    return (err as ComponentMetadataError).field;
  }
  throw new Error('expected a metadata error');
}
