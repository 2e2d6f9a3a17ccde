import { Errors } from '../../errors/catalogue.js';
import { isDaprError } from '../../errors/dapr-error.js';
import { isQueryable, type QueryResponse } from '../../components/state/interface.js';
import { KEY_SEPARATOR } from '../../components/state/key-prefix.js';
import { parseStateQuery } from '../../components/state/query.js';
import type { LiveStateStore } from '../../runtime/compstore.js';
import { componentOutbound, type UniversalContext } from './context.js';

const OP_QUERY = { operation: 'query' } as const;

/**
 * The state Query API (alpha), as daprd's QueryStateAlpha1: the store must have the capability
 * (else ERR_STATE_STORE_NOT_SUPPORTED), must not be encrypted, the body must be Dapr's query JSON
 * and the store must run it (else ERR_STATE_QUERY). Only this app's keys are searched, and they
 * come back unprefixed.
 */
export async function queryState(
  ctx: UniversalContext,
  s: LiveStateStore,
  queryText: string,
  metadata: Record<string, string>,
): Promise<QueryResponse> {
  const store = s.store;
  if (!isQueryable(store)) throw Errors.stateQueryNotSupported(s.name);
  // Encrypted values cannot be filtered or sorted by the store (daprd refuses too).
  if (s.encryption) throw Errors.stateQuery(s.name, 'cannot query encrypted store');
  let query;
  try {
    query = parseStateQuery(JSON.parse(queryText) as unknown);
  } catch (err) {
    const reason = err instanceof SyntaxError ? `failed to parse JSON query body: ${err.message}` : err;
    throw Errors.stateQuery(s.name, reason);
  }
  const keyPrefix = s.keyPrefix === '' ? '' : s.keyPrefix + KEY_SEPARATOR;
  try {
    const res = await componentOutbound(
      ctx,
      s.name,
      'state',
    )(() => store.query(query, { keyPrefix, metadata }), OP_QUERY);
    // The store searched under keyPrefix only: every key starts with it.
    return { ...res, results: res.results.map((r) => ({ ...r, key: r.key.slice(keyPrefix.length) })) };
  } catch (err) {
    if (isDaprError(err)) throw err;
    throw Errors.stateQuery(s.name, err);
  }
}
