/**
 * The state Query API's request (alpha; dapr-api.md §1.9): `{filter, sort, page}` with Dapr's
 * filter tree. Keys are dotted paths into the stored JSON value. Parsed here once, with Dapr's
 * rules and messages, so that each store only translates a checked tree.
 */

export type QueryValue = string | number | boolean | null | QueryValue[] | { [k: string]: QueryValue };

export type QueryFilter =
  | { op: 'EQ' | 'NEQ' | 'GT' | 'GTE' | 'LT' | 'LTE'; key: string; value: QueryValue }
  | { op: 'IN'; key: string; values: QueryValue[] }
  | { op: 'AND' | 'OR'; filters: QueryFilter[] };

export interface QuerySort {
  key: string;
  order: 'ASC' | 'DESC';
}

export interface StateQuery {
  filter?: QueryFilter;
  sort: QuerySort[];
  /** `limit` 0 means no limit; `token` is the store's continuation token from a previous page. */
  page: { limit: number; token?: string };
}

/** A query the API cannot run as written (Dapr answers these with ERR_STATE_QUERY). */
export class QuerySyntaxError extends Error {
  override readonly name = 'QuerySyntaxError';
}

const COMPARISONS = new Set(['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE']);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a decoded query body; throws QuerySyntaxError naming what is wrong. */
export function parseStateQuery(body: unknown): StateQuery {
  if (!isMap(body)) throw new QuerySyntaxError('the query must be a JSON object');
  const { filter, sort, page } = body;
  return {
    filter:
      filter === undefined || filter === null || (isMap(filter) && Object.keys(filter).length === 0)
        ? undefined
        : parseFilter(filter),
    sort: parseSort(sort),
    page: parsePage(page),
  };
}

function parseFilter(obj: unknown): QueryFilter {
  if (!isMap(obj)) throw new QuerySyntaxError('filter unit must be a map');
  const entries = Object.entries(obj);
  if (entries.length !== 1) throw new QuerySyntaxError('filter unit must have a single element');
  const [op, operand] = entries[0];
  if (COMPARISONS.has(op)) {
    const [key, value] = singlePair(op, operand);
    return { op: op as 'EQ', key, value: value as QueryValue };
  }
  if (op === 'IN') {
    const [key, values] = singlePair(op, operand);
    if (!Array.isArray(values)) throw new QuerySyntaxError('IN filter value must be an array');
    if (values.length === 0) throw new QuerySyntaxError(`empty IN operator for key "${key}"`);
    return { op, key, values: values as QueryValue[] };
  }
  if (op === 'AND' || op === 'OR') {
    if (!Array.isArray(operand)) throw new QuerySyntaxError(`${op} filter must be an array`);
    if (operand.length < 2) throw new QuerySyntaxError(`${op} filter must contain at least two entries`);
    return { op, filters: operand.map(parseFilter) };
  }
  throw new QuerySyntaxError(`unsupported filter "${op}"`);
}

function singlePair(op: string, operand: unknown): [string, unknown] {
  if (!isMap(operand)) throw new QuerySyntaxError(`${op} filter must be a map`);
  const entries = Object.entries(operand);
  if (entries.length !== 1) throw new QuerySyntaxError(`${op} filter must contain a single key/value pair`);
  return entries[0];
}

function parseSort(sort: unknown): QuerySort[] {
  if (sort === undefined || sort === null) return [];
  if (!Array.isArray(sort)) throw new QuerySyntaxError('sort must be an array');
  return sort.map((s: unknown) => {
    if (!isMap(s) || typeof s.key !== 'string' || s.key === '')
      throw new QuerySyntaxError('each sort entry needs a "key"');
    const order = s.order === undefined || s.order === '' ? 'ASC' : s.order;
    if (order !== 'ASC' && order !== 'DESC')
      throw new QuerySyntaxError(`sort order of "${s.key}" must be "ASC" or "DESC"`);
    return { key: s.key, order };
  });
}

function parsePage(page: unknown): StateQuery['page'] {
  if (page === undefined || page === null) return { limit: 0 };
  if (!isMap(page)) throw new QuerySyntaxError('page must be an object');
  const { limit = 0, token } = page;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)
    throw new QuerySyntaxError('page.limit must be a non-negative integer');
  if (token !== undefined && typeof token !== 'string')
    throw new QuerySyntaxError('page.token must be a string');
  return { limit, token: token || undefined };
}
