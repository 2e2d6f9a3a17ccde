import { GrpcCode, errorMessage, isDaprError, type DaprError } from '../../errors/dapr-error.js';
import { Errors } from '../../errors/catalogue.js';
import {
  BulkStoreError,
  BulkStoreErrors,
  EtagInvalidError,
  EtagMismatchError,
  StateRequestError,
} from '../../components/state/errors.js';
import type {
  BulkGetItem,
  Consistency,
  DeleteRequest,
  GetResponse,
  QueryResponse,
  SetRequest,
  StateOptions,
  TransactionalOperation,
} from '../../components/state/interface.js';
import { isTransactional } from '../../components/state/interface.js';
import { KEY_SEPARATOR, prefixKey } from '../../components/state/key-prefix.js';
import type { LiveStateStore } from '../../runtime/compstore.js';
import { componentOutbound, type UniversalContext } from './context.js';
import { queryState } from './state-query.js';
import { publishOutbox } from './state-outbox.js';

export interface StateItemInput {
  key: string;
  value: Buffer;
  isBinary?: boolean;
  etag?: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
  contentType?: string;
}

export interface DeleteInput {
  key: string;
  etag?: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
}

/** Operation names of component calls, for metrics and spans (daprd's `operation` label values). */
const OP = {
  get: { operation: 'get' },
  bulkGet: { operation: 'bulk_get' },
  set: { operation: 'set' },
  delete: { operation: 'delete' },
  bulkDelete: { operation: 'bulk_delete' },
  transaction: { operation: 'transaction' },
} as const;

/** One operation; a missing `request` is daprd's zero request (key ""). */
export type TransactionInput = { operation: string; request?: StateItemInput | DeleteInput };

/**
 * The state API written once for every transport: validation, store lookup, key prefix,
 * resiliency, and the mapping of store errors to Dapr's errors.
 */
export class StateApi {
  constructor(private readonly ctx: UniversalContext) {}

  /** The store or the Dapr error for a missing one. */
  store(name: string): LiveStateStore {
    const s = this.ctx.compStore.getStateStore(name);
    if (s) return s;
    if (this.ctx.compStore.stateStoreCount() === 0)
      throw Errors.stateStoresNotConfigured(this.ctx.appId, name);
    throw Errors.stateStoreNotFound(name, this.ctx.appId);
  }

  /** `allowEmptyKey`: gRPC's GetState looks key "" up like any other (daprd only rejects '||'). */
  async get(
    storeName: string,
    key: string,
    metadata: Record<string, string> = {},
    consistency?: Consistency,
    allowEmptyKey = false,
  ): Promise<GetResponse | undefined> {
    const s = this.store(storeName);
    const k = this.key(s, key, allowEmptyKey);
    try {
      const item = await componentOutbound(
        this.ctx,
        s.name,
        'state',
      )(() => s.store.get({ key: k, metadata, consistency }), OP.get);
      return item && s.encryption ? { ...item, data: s.encryption.decrypt(item.data, s.name) } : item;
    } catch (err) {
      throw Errors.stateGet(key, storeName, err);
    }
  }

  /** The Query API (alpha): `queryText` is Dapr's query JSON; see state-query.ts. */
  query(storeName: string, queryText: string, metadata: Record<string, string> = {}): Promise<QueryResponse> {
    return queryState(this.ctx, this.store(storeName), queryText, metadata);
  }

  async getBulk(
    storeName: string,
    keys: string[],
    parallelism = 0,
    metadata: Record<string, string> = {},
  ): Promise<BulkGetItem[]> {
    const s = this.store(storeName);
    // daprd checks only for '||' here: an empty key is looked up like any other.
    const reqs = keys.map((key) => ({ key: this.key(s, key, true), metadata }));
    let items: BulkGetItem[];
    try {
      items = await componentOutbound(
        this.ctx,
        s.name,
        'state',
      )(() => s.store.bulkGet(reqs, parallelism), OP.bulkGet);
    } catch (err) {
      throw Errors.stateBulkGet(err);
    }
    // Answer with the caller's keys, one item per requested key, in request order.
    const byStoredKey = new Map(items.map((i) => [i.key, i]));
    return keys.map((key, i) => decryptItem(s, { ...(byStoredKey.get(reqs[i].key) ?? {}), key }));
  }

  async save(storeName: string, items: StateItemInput[]): Promise<void> {
    const s = this.store(storeName);
    if (items.length === 0) return;
    try {
      const reqs: SetRequest[] = items.map((i) => this.setRequest(s, i));
      const run = componentOutbound(this.ctx, s.name, 'state');
      if (reqs.length === 1) {
        checkOptions(reqs[0].options);
        await run(() => s.store.set(reqs[0]), OP.set);
      } else await withValidOptions(reqs, (valid) => run(() => s.store.bulkSet(valid), OP.set));
    } catch (err) {
      throw storeWriteError(err, (status, code, e) => Errors.stateSave(status, code, storeName, e));
    }
  }

  /** `allowEmptyKey`: gRPC's DeleteState deletes key "" like any other (daprd only rejects '||'). */
  async delete(storeName: string, input: DeleteInput, allowEmptyKey = false): Promise<void> {
    const s = this.store(storeName);
    try {
      const req = this.deleteRequest(s, input, allowEmptyKey);
      checkOptions(req.options);
      await componentOutbound(this.ctx, s.name, 'state')(() => s.store.delete(req), OP.delete);
    } catch (err) {
      throw storeWriteError(err, (status, code, e) => Errors.stateDelete(status, code, input.key, e));
    }
  }

  async deleteBulk(storeName: string, inputs: DeleteInput[]): Promise<void> {
    const s = this.store(storeName);
    if (inputs.length === 0) return;
    try {
      // gRPC only: as daprd, key "" is deleted like any other (only '||' is rejected).
      const reqs = inputs.map((i) => this.deleteRequest(s, i, true));
      const run = componentOutbound(this.ctx, s.name, 'state');
      await withValidOptions(reqs, (valid) => run(() => s.store.bulkDelete(valid), OP.bulkDelete));
    } catch (err) {
      throw storeWriteError(err, (status, code, e) => Errors.stateBulkDelete(status, code, storeName, e));
    }
  }

  async transaction(
    storeName: string,
    operations: TransactionInput[],
    metadata: Record<string, string> = {},
  ): Promise<void> {
    const s = this.store(storeName);
    if (!isTransactional(s.store)) throw Errors.stateTransactionsNotSupported(storeName);
    const max = s.store.multiMaxSize?.();
    if (max !== undefined && max > 0 && operations.length > max)
      throw Errors.stateTooManyTransactionalOps(storeName, operations.length, max);
    if (operations.length === 0) return;
    let ops: TransactionalOperation[] = this.transactionOps(s, operations);
    if (s.outbox) {
      try {
        ops = await publishOutbox(this.ctx, s.outbox, ops);
      } catch (err) {
        throw Errors.pubsubOutbox(this.ctx.appId, err);
      }
    }
    const store = s.store;
    try {
      // The store validates options inside Multi in daprd, so a bad one fails the transaction.
      for (const op of ops) checkOptions(op.request.options);
      await componentOutbound(this.ctx, s.name, 'state')(() => store.multi(ops, metadata), OP.transaction);
    } catch (err) {
      throw Errors.stateTransaction(err);
    }
  }

  private transactionOps(s: LiveStateStore, operations: TransactionInput[]): TransactionalOperation[] {
    return operations.map((op): TransactionalOperation => {
      // As in daprd, an operation without request (or key) targets key "" and an upsert without
      // value stores none; the transaction's own metadata goes to the store's Multi call only,
      // not into each operation (adapters merge URL metadata into the operations themselves).
      const request = op.request ?? { key: '' };
      if (op.operation === 'upsert') {
        const item = request as StateItemInput;
        return {
          operation: 'upsert',
          request: this.setRequest(s, { ...item, value: item.value ?? Buffer.alloc(0) }, true),
        };
      }
      if (op.operation === 'delete')
        return { operation: 'delete', request: this.deleteRequest(s, request, true) };
      throw Errors.stateNotSupportedOperation(op.operation);
    });
  }

  /** The stored key; `allowEmpty` where daprd only rejects '||' (bulk get, transactions). */
  private key(s: LiveStateStore, key: unknown, allowEmpty = false): string {
    if (typeof key !== 'string' || (key === '' && !allowEmpty)) throw Errors.stateKeyMissing();
    if (key.includes(KEY_SEPARATOR)) throw Errors.stateIllegalKey(key, s.name);
    return prefixKey(s.keyPrefix, key);
  }

  /**
   * Request checks only (key); options are checked where daprd's store checks them, per item with
   * the store call. `inTransaction`: an empty key is allowed, as daprd only rejects '||' there.
   */
  private setRequest(s: LiveStateStore, i: StateItemInput, inTransaction = false): SetRequest {
    const options = i.options ?? {};
    // An encrypted value is opaque bytes: stores keep it as binary, as daprd's do.
    const encrypted = s.encryption?.encrypt(i.value);
    return {
      key: this.key(s, i.key, inTransaction),
      value: encrypted ?? i.value,
      isBinary: encrypted ? true : i.isBinary,
      etag: i.etag ?? undefined,
      metadata: i.metadata ?? {},
      options,
      contentType: i.contentType,
    };
  }

  private deleteRequest(s: LiveStateStore, i: DeleteInput, allowEmptyKey = false): DeleteRequest {
    const options = i.options ?? {};
    return {
      key: this.key(s, i.key, allowEmptyKey),
      etag: i.etag || undefined,
      metadata: i.metadata ?? {},
      options,
    };
  }
}

/**
 * A bulk item of an encrypted store, decrypted: as daprd, an item without data stays without, and one
 * that cannot be decrypted carries the error instead of its data.
 */
function decryptItem(s: LiveStateStore, item: BulkGetItem): BulkGetItem {
  if (!s.encryption || !item.data) return item;
  const { data, ...rest } = item;
  if (item.error || data.length === 0) return rest;
  try {
    return { ...rest, data: s.encryption.decrypt(data, s.name) };
  } catch (err) {
    return { ...rest, error: errorMessage(err) };
  }
}

/** Unknown option values are a store error (500), as daprd's state.CheckRequestOptions makes them. */
function checkOptions(o: StateOptions): void {
  const c = o.concurrency as string | undefined;
  if (c !== undefined && c !== '' && c !== 'first-write' && c !== 'last-write') {
    throw new StateRequestError(`unrecognized concurrency model '${c}'`);
  }
  const k = o.consistency as string | undefined;
  if (k !== undefined && k !== '' && k !== 'strong' && k !== 'eventual') {
    throw new StateRequestError(`unrecognized consistency model '${k}'`);
  }
}

/**
 * A bulk write of the items whose options are valid: in daprd each item's store call checks its own
 * options, so an item with unknown ones fails alone and the others are still written.
 */
async function withValidOptions<T extends SetRequest | DeleteRequest>(
  reqs: T[],
  write: (valid: T[]) => Promise<void>,
): Promise<void> {
  const failed: BulkStoreError[] = [];
  const valid = reqs.filter((r) => {
    try {
      checkOptions(r.options);
      return true;
    } catch (err) {
      failed.push(new BulkStoreError(r.key, err));
      return false;
    }
  });
  if (failed.length === 0) return write(valid);
  if (valid.length > 0) {
    try {
      await write(valid);
    } catch (err) {
      failed.push(
        ...(err instanceof BulkStoreErrors ? err.errors : valid.map((r) => new BulkStoreError(r.key, err))),
      );
    }
  }
  throw new BulkStoreErrors(failed);
}

/** Maps a store write error: etag mismatch 409/ABORTED, invalid etag 400/INVALID_ARGUMENT, else 500. */
function storeWriteError(
  err: unknown,
  make: (status: number, code: GrpcCode, e: unknown) => DaprError,
): DaprError {
  if (isDaprError(err)) return err;
  const e = err instanceof BulkStoreErrors ? err.primary : err;
  if (e instanceof EtagMismatchError) return make(409, GrpcCode.ABORTED, err);
  if (e instanceof EtagInvalidError) return make(400, GrpcCode.INVALID_ARGUMENT, err);
  return make(500, GrpcCode.INTERNAL, err);
}
