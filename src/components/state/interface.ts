import type { Component } from '../component.js';
import type { StateFeature } from './features.js';
import type { StateQuery } from './query.js';

export type Concurrency = 'first-write' | 'last-write';
export type Consistency = 'strong' | 'eventual';

export interface StateOptions {
  concurrency?: Concurrency;
  consistency?: Consistency;
}

export interface GetRequest {
  /** Key as stored (already prefixed by the runtime). */
  key: string;
  metadata: Record<string, string>;
  consistency?: Consistency;
}

export interface GetResponse {
  /** The stored bytes, returned verbatim (JSON text for values saved over HTTP). */
  data: Buffer;
  etag?: string;
  /** Response metadata, e.g. `ttlExpireTime` (RFC 3339 UTC). */
  metadata?: Record<string, string>;
  contentType?: string;
}

export interface SetRequest {
  key: string;
  /** Value bytes. Over HTTP this is the JSON encoding of the request's `value`. */
  value: Buffer;
  /**
   * True when `value` is opaque bytes (gRPC `bytes`) rather than JSON text: stores that keep JSON
   * natively (postgres v1 jsonb) then store it base64-encoded with their binary marker, as daprd does.
   */
  isBinary?: boolean;
  /** Expected current etag; empty string means none. */
  etag?: string;
  metadata: Record<string, string>;
  options: StateOptions;
  contentType?: string;
}

export interface DeleteRequest {
  key: string;
  etag?: string;
  metadata: Record<string, string>;
  options: StateOptions;
}

export interface BulkGetItem {
  key: string;
  data?: Buffer;
  etag?: string;
  metadata?: Record<string, string>;
  error?: string;
}

export type TransactionalOperation =
  { operation: 'upsert'; request: SetRequest } | { operation: 'delete'; request: DeleteRequest };

/**
 * The core every state store implements. Keys arrive already prefixed (`app||key`); stores know
 * nothing of prefixes. Errors are semantic (see errors.ts), never HTTP statuses.
 */
export interface StateStore extends Component {
  /** Capabilities; must agree with real behaviour (the conformance suite checks both ways). */
  features(): readonly StateFeature[];
  /** The item, or undefined when absent or expired. */
  get(req: GetRequest): Promise<GetResponse | undefined>;
  set(req: SetRequest): Promise<void>;
  /** Succeeds when the key does not exist (and no etag was given). */
  delete(req: DeleteRequest): Promise<void>;
  /** One item per requested key, missing keys with no `data`; order is not significant. */
  bulkGet(reqs: GetRequest[], parallelism: number): Promise<BulkGetItem[]>;
  /** Not atomic: failures are reported per key in a BulkStoreErrors, the rest are applied. */
  bulkSet(reqs: SetRequest[]): Promise<void>;
  /** Not atomic, like bulkSet. */
  bulkDelete(reqs: DeleteRequest[]): Promise<void>;
}

/** Optional capability: all-or-nothing multi-operation transactions. */
export interface TransactionalStateStore {
  multi(ops: TransactionalOperation[], metadata: Record<string, string>): Promise<void>;
  /** Max operations per transaction, when the store has a limit. */
  multiMaxSize?(): number;
}

export function isTransactional(s: StateStore): s is StateStore & TransactionalStateStore {
  return typeof (s as Partial<TransactionalStateStore>).multi === 'function';
}

/** One row of a query result: the stored key (prefixed), the stored JSON bytes and the etag. */
export interface QueryItem {
  key: string;
  data: Buffer;
  etag?: string;
}

export interface QueryResponse {
  results: QueryItem[];
  /** Continuation token for the next page (when the query had a page limit). */
  token?: string;
}

/**
 * Optional capability: the state Query API (alpha). `keyPrefix` is the runtime's prefix including
 * its separator (`app||`, or '' for none): only keys under it are searched, so one app never sees
 * another's state. Throws QuerySyntaxError for a query the store cannot run.
 */
export interface QueryableStateStore {
  query(q: StateQuery, opts: { keyPrefix: string; metadata: Record<string, string> }): Promise<QueryResponse>;
}

export function isQueryable(s: StateStore): s is StateStore & QueryableStateStore {
  return typeof (s as Partial<QueryableStateStore>).query === 'function';
}
