import { describe, expect, it } from 'vitest';
import { isTransactional } from '../../../../src/components/state/interface.js';
import { delReq, expectAbsent, expectJsonValue, getReq, parseJson, setReq, type Suite } from '../harness.js';

/** Key suffixes that break naive SQL, LIKE patterns, Lua, or Redis glob handling. */
const HOSTILE_KEYS: Array<[string, string]> = [
  ['SQL injection', "'; DROP TABLE x; --"],
  ['SQL injection in parentheses', "x') OR ('1'='1"],
  ['single quotes', "it's 'quoted'"],
  ['double quotes', 'say "hi"'],
  ['backslashes', 'back\\slash\\\\double\\'],
  ['percent', '100%'],
  ['underscore', 'snake_case_key'],
  ['LIKE escape', '\\%\\_'],
  ['Redis glob', 'glob*?[a-z]{tag}'],
  ['unicode', 'ключ-日本語-🎉-é'],
  ['spaces and tabs', ' lead trail\t'],
  ['1000 characters', 'k'.repeat(1000)],
];

/** Keys are data, never code: hostile keys round-trip through every operation. */
export function keyCases(s: Suite): void {
  describe('hostile keys', () => {
    for (const [name, suffix] of HOSTILE_KEYS) {
      it(`round-trips a key with ${name}`, async () => {
        const key = `${s.key('hostile')}:${suffix}`;
        await s.store.set(setReq(key, { name }));
        await expectJsonValue(s.store, key, { name });
        const [item] = await s.store.bulkGet([getReq(key)], 0);
        expect(item.key).toBe(key);
        expect(parseJson(item.data)).toEqual({ name });
        await s.store.bulkSet([setReq(key, { name, bulk: true })]);
        await expectJsonValue(s.store, key, { name, bulk: true });
        await s.store.delete(delReq(key));
        await expectAbsent(s.store, key);
        if (isTransactional(s.store)) {
          await s.store.multi([{ operation: 'upsert', request: setReq(key, { name, tx: true }) }], {});
          await expectJsonValue(s.store, key, { name, tx: true });
          await s.store.multi([{ operation: 'delete', request: delReq(key) }], {});
          await expectAbsent(s.store, key);
        }
      });
    }

    it('wildcard characters in a key match only that key', async () => {
      const base = s.key('wild');
      const pairs: Array<[string, string]> = [
        [`${base}:a%`, `${base}:abc`],
        [`${base}:a_c`, `${base}:abc`],
        [`${base}:a*`, `${base}:ab`],
        [`${base}:a?`, `${base}:ab`],
      ];
      for (const [wild, plain] of pairs) {
        await s.store.set(setReq(plain, 'plain'));
        await expectAbsent(s.store, wild);
        await s.store.set(setReq(wild, 'wild'));
        await expectJsonValue(s.store, wild, 'wild');
        await expectJsonValue(s.store, plain, 'plain');
        await s.store.delete(delReq(wild));
        await expectJsonValue(s.store, plain, 'plain');
        await s.store.delete(delReq(plain));
      }
    });

    it('keys are case-sensitive', async () => {
      const base = s.key('case');
      await s.store.set(setReq(`${base}:Key`, 'upper'));
      await s.store.set(setReq(`${base}:key`, 'lower'));
      await expectJsonValue(s.store, `${base}:Key`, 'upper');
      await expectJsonValue(s.store, `${base}:key`, 'lower');
    });
  });
}
