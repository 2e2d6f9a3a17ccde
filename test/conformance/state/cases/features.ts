import { describe, expect, it } from 'vitest';
import { isPinger } from '../../../../src/components/component.js';
import { StateFeature } from '../../../../src/components/state/features.js';
import { isTransactional } from '../../../../src/components/state/interface.js';
import type { Suite, StateOperation } from '../harness.js';

/** The feature flag each claimable operation implies (first-write has none, as in Dapr). */
const FLAG_OF: Partial<Record<StateOperation, StateFeature>> = {
  etag: StateFeature.ETAG,
  transaction: StateFeature.TRANSACTIONAL,
  ttl: StateFeature.TTL,
  query: StateFeature.QUERY_API,
};

/** Features advertised if and only if claimed, in both directions (negative twins included). */
export function featureCases(s: Suite): void {
  describe('features', () => {
    for (const [op, flag] of Object.entries(FLAG_OF) as Array<[StateOperation, StateFeature]>) {
      if (s.claims(op)) {
        it(`advertises ${flag} (claims ${op})`, () => {
          expect(s.store.features()).toContain(flag);
        });
      } else {
        it(`does not advertise ${flag} (does not claim ${op})`, () => {
          expect(s.store.features()).not.toContain(flag);
        });
      }
    }

    it('advertises no feature that this suite does not verify', () => {
      // DELETE_WITH_PREFIX, KEYS_LIKE...: advertising one needs its cases and claim here first.
      const verified = new Set(Object.values(FLAG_OF));
      const unverified = s.store.features().filter((f) => !verified.has(f));
      expect(unverified).toEqual([]);
    });

    it('advertises each feature once', () => {
      const features = s.store.features();
      expect(new Set(features).size).toBe(features.length);
    });

    if (s.claims('transaction')) {
      it('implements the transactional interface', () => {
        expect(isTransactional(s.store)).toBe(true);
      });
    } else {
      it('does not implement the transactional interface (does not claim transaction)', () => {
        expect(isTransactional(s.store)).toBe(false);
      });
    }

    it('answers ping when it implements it', async () => {
      // Dapr's ping may be "not implemented"; a store that has ping() must answer it.
      if (isPinger(s.store)) await expect(s.store.ping()).resolves.toBeUndefined();
    });
  });
}
