import { describe, expect, it } from 'vitest';
import { parseStateQuery, QuerySyntaxError } from './query.js';

describe('parseStateQuery (Dapr query JSON)', () => {
  it('parses the docs example: nested OR/AND/IN, sort, page', () => {
    const q = parseStateQuery({
      filter: {
        OR: [
          { EQ: { 'person.org': 'Dev Ops' } },
          { AND: [{ EQ: { 'person.org': 'Finance' } }, { IN: { state: ['CA', 'WA'] } }] },
        ],
      },
      sort: [{ key: 'state', order: 'DESC' }, { key: 'person.id' }],
      page: { limit: 3, token: '6' },
    });
    expect(q).toEqual({
      filter: {
        op: 'OR',
        filters: [
          { op: 'EQ', key: 'person.org', value: 'Dev Ops' },
          {
            op: 'AND',
            filters: [
              { op: 'EQ', key: 'person.org', value: 'Finance' },
              { op: 'IN', key: 'state', values: ['CA', 'WA'] },
            ],
          },
        ],
      },
      sort: [
        { key: 'state', order: 'DESC' },
        { key: 'person.id', order: 'ASC' },
      ],
      page: { limit: 3, token: '6' },
    });
  });

  it('an empty query (or empty filter) selects everything, without limit', () => {
    expect(parseStateQuery({})).toEqual({ filter: undefined, sort: [], page: { limit: 0 } });
    expect(parseStateQuery({ filter: {} })).toEqual({ filter: undefined, sort: [], page: { limit: 0 } });
  });

  const bad: [string, unknown, RegExp][] = [
    ['not an object', [], /must be a JSON object/],
    ['two operators in one unit', { filter: { EQ: { a: 1 }, NEQ: { b: 2 } } }, /single element/],
    ['unknown operator', { filter: { LIKE: { a: 'x' } } }, /unsupported filter "LIKE"/],
    ['EQ with two pairs', { filter: { EQ: { a: 1, b: 2 } } }, /single key\/value pair/],
    ['IN without array', { filter: { IN: { a: 1 } } }, /must be an array/],
    ['empty IN', { filter: { IN: { a: [] } } }, /empty IN/],
    ['AND with one entry', { filter: { AND: [{ EQ: { a: 1 } }] } }, /at least two entries/],
    ['OR not an array', { filter: { OR: { EQ: { a: 1 } } } }, /must be an array/],
    ['sort order', { sort: [{ key: 'a', order: 'asc; DROP TABLE x' }] }, /must be "ASC" or "DESC"/],
    ['sort without key', { sort: [{ order: 'ASC' }] }, /needs a "key"/],
    ['negative limit', { page: { limit: -1 } }, /non-negative integer/],
    ['token not a string', { page: { limit: 1, token: 2 } }, /token must be a string/],
  ];
  for (const [what, body, message] of bad)
    it(`refuses ${what}`, () => {
      expect(() => parseStateQuery(body)).toThrow(QuerySyntaxError);
      expect(() => parseStateQuery(body)).toThrow(message);
    });
});
