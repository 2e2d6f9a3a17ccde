import { describe, expect, it } from 'vitest';
import { isQueryable, type QueryResponse } from '../../../../src/components/state/interface.js';
import { parseStateQuery, QuerySyntaxError } from '../../../../src/components/state/query.js';
import { getReq, pollUntil, rejection, setReq, type Suite } from '../harness.js';

/** People as in Dapr's query how-to; ids chosen so that text order and number order differ. */
const PEOPLE: Record<string, { person: { org: string; id: number }; city: string; state: string }> = {
  '1': { person: { org: 'Dev Ops', id: 1036 }, city: 'Seattle', state: 'WA' },
  '2': { person: { org: 'Hardware', id: 1028 }, city: 'Portland', state: 'OR' },
  '3': { person: { org: 'Finance', id: 1071 }, city: 'Sacramento', state: 'CA' },
  '4': { person: { org: 'Dev Ops', id: 1042 }, city: 'Spokane', state: 'WA' },
  '5': { person: { org: 'Hardware', id: 1007 }, city: 'Los Angeles', state: 'CA' },
  '6': { person: { org: 'Finance', id: 994 }, city: 'San Francisco', state: 'CA' },
  '7': { person: { org: 'Dev Ops', id: 10 }, city: 'Redmond', state: 'WA' },
};

/** The state Query API (claim `query`): Dapr's filter tree, sort and pages over JSON values. */
export function queryCases(s: Suite): void {
  if (!s.claims('query')) return; // negative twin: features.ts checks QUERY_API is not advertised

  let n = 0;
  /** A fresh runtime key prefix (`app||`) holding the people, so each case sees only its own rows. */
  async function seed(): Promise<string> {
    const prefix = `${s.config.keyPrefix}-query${++n}||`;
    for (const [k, v] of Object.entries(PEOPLE)) await s.store.set(setReq(prefix + k, v));
    return prefix;
  }
  async function query(prefix: string, q: unknown): Promise<QueryResponse> {
    if (!isQueryable(s.store)) throw new Error('claims query but is not queryable');
    return s.store.query(parseStateQuery(q), { keyPrefix: prefix, metadata: {} });
  }
  const keys = (prefix: string, r: QueryResponse) => r.results.map((x) => x.key.slice(prefix.length));
  const sorted = (a: string[]) => [...a].sort();

  describe('query', () => {
    it('implements the query interface', () => {
      expect(isQueryable(s.store)).toBe(true);
    });

    it('EQ on a nested field returns the matching keys with their values and etags', async () => {
      const p = await seed();
      const r = await query(p, { filter: { EQ: { 'person.org': 'Dev Ops' } } });
      expect(sorted(keys(p, r))).toEqual(['1', '4', '7']);
      for (const item of r.results) {
        expect(JSON.parse(item.data.toString('utf8'))).toEqual(PEOPLE[item.key.slice(p.length)]);
        const got = await s.store.get(getReq(item.key));
        expect(item.etag).toBe(got?.etag);
      }
      expect(r.token).toBeUndefined();
    });

    it('OR of EQ and AND(EQ, IN), as in the docs', async () => {
      const p = await seed();
      const r = await query(p, {
        filter: {
          OR: [
            { EQ: { 'person.org': 'Dev Ops' } },
            { AND: [{ EQ: { 'person.org': 'Finance' } }, { IN: { state: ['CA', 'WA'] } }] },
          ],
        },
      });
      expect(sorted(keys(p, r))).toEqual(['1', '3', '4', '6', '7']);
    });

    it('NEQ, and comparisons of numbers as numbers (994 < 1007)', async () => {
      const p = await seed();
      expect(sorted(keys(p, await query(p, { filter: { NEQ: { state: 'CA' } } })))).toEqual([
        '1',
        '2',
        '4',
        '7',
      ]);
      expect(sorted(keys(p, await query(p, { filter: { GT: { 'person.id': 1000 } } })))).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
      ]);
      expect(sorted(keys(p, await query(p, { filter: { LTE: { 'person.id': 994 } } })))).toEqual(['6', '7']);
      expect(
        sorted(
          keys(
            p,
            await query(p, {
              filter: { AND: [{ GTE: { 'person.id': 1028 } }, { LT: { 'person.id': 1042 } }] },
            }),
          ),
        ),
      ).toEqual(['1', '2']);
      expect(sorted(keys(p, await query(p, { filter: { EQ: { 'person.id': 1036 } } })))).toEqual(['1']);
    });

    it('sorts numbers numerically, both ways, several keys', async () => {
      const p = await seed();
      const asc = await query(p, { sort: [{ key: 'person.id' }] });
      expect(keys(p, asc)).toEqual(['7', '6', '5', '2', '1', '4', '3']);
      const desc = await query(p, { sort: [{ key: 'person.id', order: 'DESC' }] });
      expect(keys(p, desc)).toEqual(['3', '4', '1', '2', '5', '6', '7']);
      const two = await query(p, {
        sort: [
          { key: 'state', order: 'DESC' },
          { key: 'person.id', order: 'ASC' },
        ],
      });
      expect(keys(p, two)).toEqual(['7', '1', '4', '2', '6', '5', '3']);
    });

    it('pages with limit and the token of the previous page', async () => {
      const p = await seed();
      const q = (token?: string) => ({ sort: [{ key: 'person.id' }], page: { limit: 3, token } });
      const first = await query(p, q());
      expect(keys(p, first)).toEqual(['7', '6', '5']);
      expect(first.token).toBe('3');
      const second = await query(p, q(first.token));
      expect(keys(p, second)).toEqual(['2', '1', '4']);
      const third = await query(p, q(second.token));
      expect(keys(p, third)).toEqual(['3']);
      expect(third.token).toBe('7');
      expect((await query(p, q(third.token))).results).toEqual([]);
    });

    it('searches only under its key prefix', async () => {
      const p = await seed();
      const other = await seed();
      const r = await query(p, {});
      expect(r.results).toHaveLength(7);
      expect(r.results.every((x) => x.key.startsWith(p) && !x.key.startsWith(other))).toBe(true);
    });

    if (s.claims('ttl'))
      it('does not return expired items', async () => {
        const p = await seed();
        await s.store.set(setReq(p + 'short', { city: 'Seattle' }, { metadata: { ttlInSeconds: '1' } }));
        expect(sorted(keys(p, await query(p, { filter: { EQ: { city: 'Seattle' } } })))).toEqual([
          '1',
          'short',
        ]);
        const gone = await pollUntil(
          async () => (await s.store.get(getReq(p + 'short'))) === undefined,
          5_000,
        );
        expect(gone).toBe(true);
        expect(keys(p, await query(p, { filter: { EQ: { city: 'Seattle' } } }))).toEqual(['1']);
      });

    it('treats SQL in field names and values as data', async () => {
      const p = await seed();
      const evil = "x'); DROP TABLE t; --";
      expect((await query(p, { filter: { EQ: { [evil]: evil } }, sort: [{ key: evil }] })).results).toEqual(
        [],
      );
      expect((await query(p, { filter: { EQ: { state: "WA' OR '1'='1" } } })).results).toEqual([]);
      expect(sorted(keys(p, await query(p, { filter: { EQ: { state: 'WA' } } })))).toEqual(['1', '4', '7']);
    });

    it('refuses a string operand for GT and a malformed page token', async () => {
      const p = await seed();
      expect(await rejection(query(p, { filter: { GT: { state: 'CA' } } }))).toBeInstanceOf(QuerySyntaxError);
      expect(await rejection(query(p, { page: { limit: 1, token: 'abc' } }))).toBeInstanceOf(
        QuerySyntaxError,
      );
    });
  });
}
