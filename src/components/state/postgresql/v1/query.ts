import { QuerySyntaxError, type QueryFilter, type QueryValue, type StateQuery } from '../../query.js';

/** The SELECT for one page of a query; `offset` and `limit` make the next page's token. */
export interface V1QueryPlan {
  text: string;
  values: unknown[];
  offset: number;
  limit: number;
}

/**
 * Translates a parsed query into v1 SQL over the jsonb `value` (daprd's postgresql v1 querier, made
 * safe and exact): field paths and operands are parameters, never spliced into the SQL; a string
 * operand compares with the field's text (`value #>> path`, as daprd does), a number numerically
 * and only with number fields (daprd compares the text, so 10 < 9 there), other JSON values as
 * jsonb; sort uses jsonb ordering (numbers numerically) and then the key, so pages are stable.
 * Only live rows under `keyPrefix` are searched. `token` is the offset of the page.
 */
export function buildV1Query(table: string, q: StateQuery, keyPrefix: string): V1QueryPlan {
  const values: unknown[] = [];
  const param = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = ['(expiredate IS NULL OR expiredate >= CURRENT_TIMESTAMP)'];
  if (keyPrefix !== '') where.push(`starts_with(key, ${param(keyPrefix)})`);
  if (q.filter) where.push(filterSql(q.filter, param));
  const orderBy = [...q.sort.map((s) => `value #> ${param(pathOf(s.key))}::text[] ${s.order}`), 'key'];
  const offset = parseToken(q.page.token);
  let text = `SELECT key, value, xmin::text FROM ${table} WHERE ${where.join(' AND ')} ORDER BY ${orderBy.join(', ')}`;
  if (q.page.limit > 0) text += ` LIMIT ${q.page.limit}`;
  if (offset > 0) text += ` OFFSET ${offset}`;
  return { text, values, offset, limit: q.page.limit };
}

type Param = (v: unknown) => string;

function filterSql(f: QueryFilter, param: Param): string {
  switch (f.op) {
    case 'AND':
    case 'OR':
      return `(${f.filters.map((x) => filterSql(x, param)).join(` ${f.op} `)})`;
    case 'IN':
      return `(${f.values.map((v) => comparison(f.key, '=', v, param)).join(' OR ')})`;
    case 'EQ':
      return comparison(f.key, '=', f.value, param);
    case 'NEQ':
      return comparison(f.key, '<>', f.value, param);
    default: {
      if (typeof f.value !== 'number')
        throw new QuerySyntaxError(
          `unsupported type of value ${JSON.stringify(f.value)} for ${f.op} on "${f.key}"; only numbers compare`,
        );
      const op = { GT: '>', GTE: '>=', LT: '<', LTE: '<=' }[f.op];
      return comparison(f.key, op, f.value, param);
    }
  }
}

function comparison(key: string, op: string, value: QueryValue, param: Param): string {
  const path = `${param(pathOf(key))}::text[]`;
  if (typeof value === 'string') return `(value #>> ${path}) ${op} ${param(value)}`;
  if (typeof value === 'number')
    return (
      `(CASE WHEN jsonb_typeof(value #> ${path}) = 'number' THEN (value #>> ${path})::numeric END)` +
      ` ${op} ${param(String(value))}::numeric`
    );
  return `(value #> ${path}) ${op} ${param(JSON.stringify(value))}::jsonb`;
}

/** `person.org` → `{person,org}`: the path into the stored JSON value. */
function pathOf(key: string): string[] {
  return key.split('.');
}

function parseToken(token: string | undefined): number {
  if (token === undefined) return 0;
  if (!/^\d{1,15}$/.test(token)) throw new QuerySyntaxError(`invalid page token '${token}'`);
  return Number(token);
}
