import { BulkStoreError, BulkStoreErrors } from './errors.js';
import type { BulkGetItem, DeleteRequest, GetRequest, GetResponse, SetRequest } from './interface.js';

/** Runs `fn` over `items` with at most `limit` in flight (limit <= 0: all at once). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  if (limit <= 0 || limit >= items.length) return Promise.all(items.map(fn));
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** Bulk get by single gets: each key's error is reported on its own item. */
export async function bulkGetBySingle(
  get: (r: GetRequest) => Promise<GetResponse | undefined>,
  reqs: GetRequest[],
  parallelism: number,
): Promise<BulkGetItem[]> {
  return mapLimit(reqs, parallelism, async (r) => {
    try {
      const res = await get(r);
      return res ? { key: r.key, data: res.data, etag: res.etag, metadata: res.metadata } : { key: r.key };
    } catch (err) {
      return { key: r.key, error: err instanceof Error ? err.message : String(err) };
    }
  });
}

/** Applies each request on its own; the failures are thrown together, the successes stay applied. */
export async function applyEach<T extends SetRequest | DeleteRequest>(
  reqs: T[],
  apply: (r: T) => Promise<void>,
): Promise<void> {
  const errors: BulkStoreError[] = [];
  await Promise.all(
    reqs.map(async (r) => {
      try {
        await apply(r);
      } catch (err) {
        errors.push(new BulkStoreError(r.key, err));
      }
    }),
  );
  if (errors.length > 0) throw new BulkStoreErrors(errors);
}
