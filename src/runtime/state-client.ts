import type { Consistency, StateOptions } from '../components/state/interface.js';
import type { StateApi, TransactionInput } from '../api/universal/state.js';

/** A value to save from code: any JSON value, or bytes kept as they are. */
export interface SaveItem {
  key: string;
  value: unknown;
  etag?: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
}

export interface StateEntry<T> {
  value: T;
  etag?: string;
  metadata?: Record<string, string>;
}

/**
 * The state building block as typed, in-process calls: same validation, key prefixes and errors
 * (DaprError) as the HTTP API, without the network hop. JSON values are encoded exactly as the HTTP
 * API encodes them, so data written here reads back identically over HTTP.
 */
export class StateClient {
  constructor(private readonly api: StateApi) {}

  /** The parsed JSON value, or undefined when the key is absent. */
  async get<T = unknown>(
    store: string,
    key: string,
    opts: { metadata?: Record<string, string>; consistency?: Consistency } = {},
  ): Promise<T | undefined> {
    return (await this.getEntry<T>(store, key, opts))?.value;
  }

  async getEntry<T = unknown>(
    store: string,
    key: string,
    opts: { metadata?: Record<string, string>; consistency?: Consistency } = {},
  ): Promise<StateEntry<T> | undefined> {
    const res = await this.api.get(store, key, opts.metadata, opts.consistency);
    if (!res) return undefined;
    return { value: JSON.parse(res.data.toString('utf8')) as T, etag: res.etag, metadata: res.metadata };
  }

  async getBulk<T = unknown>(
    store: string,
    keys: string[],
    opts: { metadata?: Record<string, string>; parallelism?: number } = {},
  ) {
    const items = await this.api.getBulk(store, keys, opts.parallelism ?? 0, opts.metadata);
    return items.map((i) => ({
      key: i.key,
      value: i.data === undefined ? undefined : (JSON.parse(i.data.toString('utf8')) as T),
      etag: i.etag,
      metadata: i.metadata,
      error: i.error,
    }));
  }

  save(store: string, items: SaveItem[], metadata: Record<string, string> = {}): Promise<void> {
    return this.api.save(
      store,
      items.map((i) => ({
        ...encode(i.value),
        key: i.key,
        etag: i.etag,
        metadata: { ...metadata, ...i.metadata },
        options: i.options,
      })),
    );
  }

  delete(
    store: string,
    key: string,
    opts: { etag?: string; metadata?: Record<string, string>; options?: StateOptions } = {},
  ): Promise<void> {
    return this.api.delete(store, { key, ...opts });
  }

  transaction(
    store: string,
    operations: (
      | { operation: 'upsert'; request: SaveItem }
      | { operation: 'delete'; request: { key: string; etag?: string; metadata?: Record<string, string> } }
    )[],
    metadata: Record<string, string> = {},
  ): Promise<void> {
    const ops: TransactionInput[] = operations.map((op) =>
      op.operation === 'upsert'
        ? { operation: 'upsert', request: { ...op.request, ...encode(op.request.value) } }
        : op,
    );
    return this.api.transaction(store, ops, metadata);
  }
}

function encode(value: unknown): { value: Buffer; isBinary: boolean } {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return { value: Buffer.from(value), isBinary: true };
  return { value: Buffer.from(value === undefined ? 'null' : JSON.stringify(value)), isBinary: false };
}
