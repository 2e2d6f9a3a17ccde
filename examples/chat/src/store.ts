import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { StateConcurrencyEnum, StateConsistencyEnum, type DaprClient } from '@dapr/dapr';
import {
  appendMessages,
  emptyIndex,
  newConversation,
  parseConversation,
  parseIndex,
  summaryOf,
  withSummary,
  type ConversationIndex,
  type ConversationState,
  type Message,
} from './conversation.js';
import { assertOwnedKey, indexKey } from './keys.js';
import { Semaphore } from './lock.js';

/** One operation of `client.state.transaction` (the SDK does not export the type by name). */
type OperationType = NonNullable<Parameters<DaprClient['state']['transaction']>[1]>[number];
type SdkEtag = NonNullable<OperationType['request']['etag']>;

/**
 * The SDK types a transaction's etag as gRPC's `{value}`, but its HTTP client sends the request as
 * given and Dapr's HTTP API takes the etag as a string (`"etag": "123"`), as every other HTTP call.
 */
const httpEtag = (etag: string | undefined): SdkEtag | undefined => etag as unknown as SdkEtag | undefined;

/** What the store needs of a logger (pino's and Fastify's loggers fit). */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

export interface StoreOptions {
  stateStore: string;
  maxMessages: number;
  conversationTtlSeconds: number;
  stateTimeoutMs: number;
  degradedRetryMs: number;
  appendMaxAttempts: number;
  appendBackoffBaseMs: number;
  appendBackoffCapMs: number;
  /** State calls in flight at once; the rest wait in line (their timeout starts when they go). */
  maxInflightStateCalls: number;
}

/** The state store could not be reached (or did not answer in time): degraded mode (HTTP 503). */
export class StateUnavailableError extends Error {
  readonly statusCode = 503;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StateUnavailableError';
  }
}

/** Every attempt of an ETag-guarded write collided with another writer (HTTP 503, retry later). */
export class WriteContentionError extends Error {
  readonly statusCode = 503;
  constructor(key: string, attempts: number) {
    super(`could not update ${key} after ${attempts} attempts: other writers kept changing it`);
    this.name = 'WriteContentionError';
  }
}

/** The conversation and the user's index as read together, with their ETags. */
export interface Snapshot {
  conversation?: ConversationState;
  conversationEtag?: string;
  /** When the store will expire the conversation (`metadata.ttlExpireTime` of the bulk read). */
  conversationExpiresAt?: string;
  index?: ConversationIndex;
  indexEtag?: string;
}

/**
 * After a failure the store is skipped for `retryMs` (callers answer in degraded mode at once instead
 * of each waiting for a timeout); the first call after that tries the store again, and one success
 * closes the breaker. No restart, no background timer.
 */
export class Breaker {
  private openUntil = 0;
  constructor(private readonly retryMs: number) {}
  get open(): boolean {
    return this.openUntil > Date.now();
  }
  failure(): void {
    this.openUntil = Date.now() + this.retryMs;
  }
  success(): void {
    this.openUntil = 0;
  }
}

const FIRST_WRITE = {
  concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE,
  consistency: StateConsistencyEnum.CONSISTENCY_STRONG,
};

/**
 * Conversations in a Dapr state store through the official SDK (`@dapr/dapr` DaprClient, HTTP).
 *
 * Every method checks the key against the authenticated subject before any I/O. Writes go through
 * one Dapr transaction that updates the conversation and the user's index together, each guarded by
 * its ETag (first-write when the entry does not exist yet), so a concurrent writer makes the whole
 * write fail instead of being overwritten; the write is then retried on a fresh read, with jittered
 * backoff, a bounded number of times. Each message carries an id, so a write that failed ambiguously
 * (timeout) but did land is recognised on the re-read and not appended twice.
 */
export class ConversationStore {
  readonly breaker: Breaker;
  private readonly inflight: Semaphore;

  constructor(
    readonly client: DaprClient,
    private readonly opts: StoreOptions,
    private readonly log: Log = silentLog,
    private readonly now: () => number = Date.now,
  ) {
    this.breaker = new Breaker(opts.degradedRetryMs);
    this.inflight = new Semaphore(opts.maxInflightStateCalls);
  }

  /** The conversation (history endpoint); `undefined` when it does not exist. */
  async getConversation(subject: string, key: string): Promise<ConversationState | undefined> {
    assertOwnedKey(subject, key);
    const value = await this.call('get', key, () => this.client.state.get(this.opts.stateStore, key));
    return parseConversation(key, value);
  }

  /** The user's conversation index; `undefined` when the user has none. */
  async getIndex(subject: string): Promise<ConversationIndex | undefined> {
    const key = indexKey(subject);
    const value = await this.call('get', key, () => this.client.state.get(this.opts.stateStore, key));
    return parseIndex(key, value);
  }

  /** Reads the conversation and the user's index with their ETags, in one bulk request. */
  async load(subject: string, key: string): Promise<Snapshot> {
    assertOwnedKey(subject, key);
    const ikey = indexKey(subject);
    const items = (await this.call('getBulk', key, () =>
      this.client.state.getBulk(this.opts.stateStore, [key, ikey]),
    )) as { key: string; data?: unknown; etag?: string; metadata?: Record<string, string> }[];
    const conv = items.find((i) => i.key === key);
    const idx = items.find((i) => i.key === ikey);
    let index: ConversationIndex | undefined;
    try {
      index = parseIndex(ikey, idx?.data);
    } catch (err) {
      // The index is derived data: rebuild it rather than block the user's conversations.
      this.log.error({ err, key: ikey }, 'malformed conversation index; it will be rewritten');
    }
    return {
      conversation: parseConversation(key, conv?.data),
      conversationEtag: conv?.data === undefined ? undefined : conv.etag,
      conversationExpiresAt: conv?.metadata?.ttlExpireTime,
      index,
      indexEtag: idx?.data === undefined ? undefined : idx.etag,
    };
  }

  /**
   * Appends messages to a conversation (creating it if needed) and updates the index, retrying on
   * ETag conflicts. `snapshot` is the state the caller already read (saves one read). Returns the
   * conversation as stored.
   */
  async append(
    subject: string,
    key: string,
    messages: Message[],
    snapshot?: Snapshot,
  ): Promise<ConversationState> {
    const { conversationId } = assertOwnedKey(subject, key);
    const ids = new Set(messages.map((m) => m.id));
    return this.update(subject, key, snapshot, (snap) => {
      // Already there: an earlier attempt landed although its answer was lost.
      if (snap.conversation?.messages.some((m) => ids.has(m.id))) return { done: snap.conversation };
      const base = snap.conversation ?? newConversation(subject, conversationId, messages[0].created_at);
      const next = appendMessages(base, messages, this.opts.maxMessages);
      return { conversation: next };
    });
  }

  /** Stores a whole conversation only if none exists under its key (migration); never overwrites. */
  async create(
    state: ConversationState,
  ): Promise<{ created: boolean; existing?: ConversationState; indexed: boolean }> {
    const key = `chat:${state.user_id}:${state.conversation_id}`;
    assertOwnedKey(state.user_id, key);
    let created = false;
    let existing: ConversationState | undefined;
    let indexed = false;
    await this.update(state.user_id, key, undefined, (snap) => {
      // Decided afresh on every attempt: a lost race can turn "create" into "exists".
      created = false;
      existing = undefined;
      indexed = false;
      if (snap.conversation) {
        existing = snap.conversation;
        const entry = snap.index?.conversations[state.conversation_id];
        if (entry) return { done: snap.conversation };
        indexed = true;
        return { conversation: snap.conversation, indexOnly: true };
      }
      created = true;
      indexed = true;
      return { conversation: state };
    });
    return { created, existing, indexed };
  }

  /** Deletes a conversation and its index entry; false when it did not exist. */
  async remove(subject: string, key: string): Promise<boolean> {
    const { conversationId } = assertOwnedKey(subject, key);
    const ikey = indexKey(subject);
    for (let attempt = 1; ; attempt++) {
      const snap = await this.load(subject, key);
      const listed = snap.index?.conversations[conversationId] !== undefined;
      if (!snap.conversation && !listed) return false;
      const ops: OperationType[] = [];
      if (snap.conversation)
        ops.push({
          operation: 'delete',
          request: { key, etag: httpEtag(snap.conversationEtag), options: FIRST_WRITE },
        });
      const index = withSummary(snap.index ?? emptyIndex(subject), conversationId, undefined, this.now());
      ops.push({ operation: 'upsert', request: this.upsertRequest(ikey, index, snap.indexEtag) });
      if (await this.tryTransaction(key, ops)) return true;
      if (attempt >= this.opts.appendMaxAttempts) throw new WriteContentionError(key, attempt);
      await this.backoff(attempt);
    }
  }

  /**
   * The optimistic write loop: `plan` decides the new conversation from a snapshot, the conversation
   * and the index are written in one ETag-guarded transaction, and a failed write is followed by a
   * fresh read. If that read fails the store is unavailable; if it works the write lost a race and
   * is planned again on the new snapshot.
   */
  private async update(
    subject: string,
    key: string,
    first: Snapshot | undefined,
    plan: (
      snap: Snapshot,
    ) => { done: ConversationState } | { conversation: ConversationState; indexOnly?: boolean },
  ): Promise<ConversationState> {
    const { conversationId } = assertOwnedKey(subject, key);
    const ikey = indexKey(subject);
    let snap = first ?? (await this.load(subject, key));
    for (let attempt = 1; ; attempt++) {
      const decision = plan(snap);
      if ('done' in decision) return decision.done;
      const next = decision.conversation;
      const now = this.now();
      const summary = summaryOf(next, this.opts.conversationTtlSeconds, now);
      if (decision.indexOnly) {
        // The conversation is not rewritten, so its expiry stays what the store says it is.
        delete summary.expires_at;
        const expires = snap.conversationExpiresAt ? Date.parse(snap.conversationExpiresAt) : NaN;
        if (Number.isFinite(expires)) summary.expires_at = new Date(expires).toISOString();
      }
      const index = withSummary(snap.index ?? emptyIndex(subject), conversationId, summary, now);
      const ops: OperationType[] = [];
      if (!decision.indexOnly)
        ops.push({ operation: 'upsert', request: this.upsertRequest(key, next, snap.conversationEtag) });
      ops.push({ operation: 'upsert', request: this.upsertRequest(ikey, index, snap.indexEtag) });
      if (await this.tryTransaction(key, ops)) return next;
      if (attempt >= this.opts.appendMaxAttempts) throw new WriteContentionError(key, attempt);
      await this.backoff(attempt);
      snap = await this.load(subject, key); // throws StateUnavailableError when the store is down
    }
  }

  private upsertRequest(key: string, value: unknown, etag: string | undefined): OperationType['request'] {
    const ttl = this.opts.conversationTtlSeconds;
    return {
      key,
      value,
      // No ETag: the entry must not exist yet (first-write); an ETag: it must not have changed.
      ...(etag === undefined ? {} : { etag: httpEtag(etag) }),
      options: FIRST_WRITE,
      ...(ttl > 0 ? { metadata: { ttlInSeconds: String(ttl) } } : {}),
    };
  }

  /**
   * One transaction; false when it failed. Dapr reports a lost ETag race in a transaction as a 500
   * like any other failure, so the caller tells a race from an outage by reading again.
   */
  private async tryTransaction(key: string, ops: OperationType[]): Promise<boolean> {
    const release = await this.inflight.acquire();
    const started = performance.now();
    try {
      await this.withTimeout(this.client.state.transaction(this.opts.stateStore, ops), 'transaction');
      this.breaker.success();
      this.log.debug({ op: 'transaction', key, ms: elapsed(started) }, 'state write');
      return true;
    } catch (err) {
      this.log.debug(
        { op: 'transaction', key, ms: elapsed(started), err: errorText(err) },
        'state write failed',
      );
      // A 4xx other than a conflict (e.g. 413, value too large) will fail again: don't retry it.
      const status = httpStatus(err);
      if (status !== undefined && status >= 400 && status < 500 && status !== 409)
        throw new Error(`state write of ${key} rejected: ${errorText(err)}`, { cause: err });
      return false;
    } finally {
      release();
    }
  }

  private async backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(this.opts.appendBackoffCapMs, this.opts.appendBackoffBaseMs * 2 ** attempt);
    await sleep(Math.random() * ceiling);
  }

  /**
   * A read: skipped while the breaker is open, bounded by the timeout, timed and logged. At most
   * `maxInflightStateCalls` run at once and the timeout starts when the call does, so a burst queues
   * here (backpressure) instead of timing out in the runtime's queue and passing for an outage.
   */
  private async call<T>(op: string, key: string, fn: () => Promise<T>): Promise<T> {
    const unavailable = () => new StateUnavailableError('state store marked unavailable; retrying shortly');
    if (this.breaker.open) throw unavailable();
    const release = await this.inflight.acquire();
    if (this.breaker.open) {
      release();
      throw unavailable();
    }
    const started = performance.now();
    try {
      const result = await this.withTimeout(fn(), op);
      this.breaker.success();
      this.log.debug({ op, key, ms: elapsed(started) }, 'state read');
      return result;
    } catch (err) {
      this.breaker.failure();
      this.log.warn({ op, key, ms: elapsed(started), err: errorText(err) }, 'state store unavailable');
      throw new StateUnavailableError(`state store unavailable: ${errorText(err)}`, { cause: err });
    } finally {
      release();
    }
  }

  private withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} timed out after ${this.opts.stateTimeoutMs} ms`)),
        this.opts.stateTimeoutMs,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}

const elapsed = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;

/** The HTTP status in an error the SDK threw, if any. */
export function httpStatus(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  try {
    const parsed = JSON.parse(err.message) as { status?: unknown };
    return typeof parsed?.status === 'number' ? parsed.status : undefined;
  } catch {
    return undefined;
  }
}

/** The SDK throws `Error(JSON.stringify({error, error_msg, status}))`; keep logs short and readable. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  try {
    const parsed = JSON.parse(err.message) as { status?: number; error_msg?: string };
    if (parsed && typeof parsed === 'object' && 'status' in parsed)
      return `HTTP ${parsed.status}: ${parsed.error_msg ?? ''}`.trim();
  } catch {
    // not the SDK's JSON
  }
  return err.message;
}
