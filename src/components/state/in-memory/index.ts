import { randomUUID } from 'node:crypto';
import type { ComponentContext } from '../../component.js';
import { applyEach, bulkGetBySingle } from '../bulk.js';
import { EtagMismatchError } from '../errors.js';
import { StateFeature } from '../features.js';
import type {
  BulkGetItem,
  DeleteRequest,
  GetRequest,
  GetResponse,
  SetRequest,
  StateStore,
  TransactionalOperation,
  TransactionalStateStore,
} from '../interface.js';
import { formatExpireTime, parseTtlSeconds } from '../ttl.js';

/** contrib's in-memory store takes any negative TTL as "no expiry" (it clamps it to 0). */
const TTL_RULES = { anyNegative: true } as const;

interface Entry {
  data: Buffer;
  etag: string;
  /** Expiry in ms since epoch. */
  expiresAt?: number;
}

/**
 * `state.in-memory`: the reference store. Per process, lost on restart. ETags are random UUIDs;
 * `first-write` without etag on an existing key is an etag mismatch, for writes and deletes alike.
 */
export class InMemoryStateStore implements StateStore, TransactionalStateStore {
  private readonly items = new Map<string, Entry>();
  private readonly now: () => number;
  private sweeper?: NodeJS.Timeout;

  constructor(ctx: Pick<ComponentContext, 'now'>) {
    this.now = ctx.now;
  }

  async init(): Promise<void> {
    // Expired entries are invisible on read; the sweep only bounds memory.
    this.sweeper = setInterval(() => this.sweep(), 10_000);
    this.sweeper.unref();
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.items.clear();
  }

  features() {
    return [StateFeature.ETAG, StateFeature.TRANSACTIONAL, StateFeature.TTL] as const;
  }

  async get(req: GetRequest): Promise<GetResponse | undefined> {
    const e = this.live(req.key);
    if (!e) return undefined;
    return {
      data: e.data,
      etag: e.etag,
      metadata: e.expiresAt !== undefined ? { ttlExpireTime: formatExpireTime(e.expiresAt) } : undefined,
    };
  }

  async set(req: SetRequest): Promise<void> {
    this.checkSet(req);
    this.applySet(req);
  }

  async delete(req: DeleteRequest): Promise<void> {
    this.checkDelete(req);
    this.items.delete(req.key);
  }

  bulkGet(reqs: GetRequest[], parallelism: number): Promise<BulkGetItem[]> {
    return bulkGetBySingle((r) => this.get(r), reqs, parallelism);
  }

  bulkSet(reqs: SetRequest[]): Promise<void> {
    return applyEach(reqs, (r) => this.set(r));
  }

  bulkDelete(reqs: DeleteRequest[]): Promise<void> {
    return applyEach(reqs, (r) => this.delete(r));
  }

  async multi(ops: TransactionalOperation[]): Promise<void> {
    // Validate every operation against the state as the transaction would see it, then apply all.
    const shadow = new Map<string, Entry | undefined>();
    const view = (key: string) => (shadow.has(key) ? shadow.get(key) : this.live(key));
    for (const op of ops) {
      const current = view(op.request.key);
      if (op.operation === 'upsert') {
        parseTtlSeconds(op.request.metadata, TTL_RULES);
        this.checkEtag(op.request.etag, current, op.request.options.concurrency === 'first-write');
        shadow.set(op.request.key, { data: op.request.value, etag: 'pending' });
      } else {
        this.checkEtag(op.request.etag, current, op.request.options.concurrency === 'first-write');
        shadow.set(op.request.key, undefined);
      }
    }
    for (const op of ops) {
      if (op.operation === 'upsert') this.applySet(op.request);
      else this.items.delete(op.request.key);
    }
  }

  private live(key: string): Entry | undefined {
    const e = this.items.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= this.now()) {
      this.items.delete(key);
      return undefined;
    }
    return e;
  }

  private checkSet(req: SetRequest): void {
    parseTtlSeconds(req.metadata, TTL_RULES);
    this.checkEtag(req.etag, this.live(req.key), req.options.concurrency === 'first-write');
  }

  /** As contrib's in-memory store: `first-write` without etag only deletes a key that is absent. */
  private checkDelete(req: DeleteRequest): void {
    this.checkEtag(req.etag, this.live(req.key), req.options.concurrency === 'first-write');
  }

  private checkEtag(etag: string | undefined, current: Entry | undefined, firstWrite: boolean): void {
    if (etag) {
      if (!current || current.etag !== etag) throw new EtagMismatchError();
    } else if (firstWrite && current) {
      throw new EtagMismatchError('key already exists and concurrency is first-write');
    }
  }

  private applySet(req: SetRequest): void {
    const ttl = parseTtlSeconds(req.metadata, TTL_RULES);
    this.items.set(req.key, {
      data: req.value,
      etag: randomUUID(),
      expiresAt: ttl !== undefined && ttl > 0 ? this.now() + ttl * 1000 : undefined,
    });
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.items)
      if (e.expiresAt !== undefined && e.expiresAt <= now) this.items.delete(k);
  }
}
