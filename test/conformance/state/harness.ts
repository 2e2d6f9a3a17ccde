import { expect } from 'vitest';
import {
  BulkStoreErrors,
  EtagInvalidError,
  EtagMismatchError,
} from '../../../src/components/state/errors.js';
import type {
  DeleteRequest,
  GetRequest,
  GetResponse,
  SetRequest,
  StateOptions,
  StateStore,
} from '../../../src/components/state/interface.js';

/** Optional operations a component may claim (components-contrib `tests.yml` names). */
export type StateOperation = 'transaction' | 'etag' | 'first-write' | 'ttl' | 'query';

/** Which semantic etag error a store throws for a given etag. */
export type EtagErrorKind = 'mismatch' | 'invalid';

/** One entry of the conformance config: a component, what it claims, and its overrides. */
export interface StateComponentConfig {
  /** Name shown in the test output, e.g. `postgresql-v2`. */
  name: string;
  /** `spec.type` as written in component YAML. */
  type: string;
  /** `spec.version`. */
  version: string;
  /** `spec.metadata`, with unique table names per run. */
  metadata: Record<string, string>;
  /** Prefix of every key the suite writes (unique per run; plays the runtime's `appId||`). */
  keyPrefix: string;
  /** Optional operations claimed; anything not listed must not be advertised. */
  operations: readonly StateOperation[];
  /** A well-formed etag that does not match `current` (the key's etag, when it has one). */
  badEtag: (current: string | undefined) => string;
  /** The error the store throws for `badEtag` (default `mismatch`). */
  badEtagError?: EtagErrorKind;
  /** An etag the store cannot parse, and the error set and delete throw for it. */
  malformedEtag?: { etag: string; set: EtagErrorKind; delete: EtagErrorKind };
  /**
   * What a write without `ttlInSeconds` does to an existing TTL: `cleared` (default; postgres,
   * sqlite, in-memory) or `kept` (daprd's Redis store only sets or persists expiry when asked).
   */
  ttlOnWriteWithoutTtl?: 'cleared' | 'kept';
  /** Removes what the run left behind (tables, keys, files); runs after the store is closed. */
  cleanup?: () => Promise<void>;
}

/** What each case file gets: the config and the live store of the component under test. */
export interface Suite {
  readonly config: StateComponentConfig;
  /** The initialised store; only valid inside tests and hooks. */
  readonly store: StateStore;
  /** A fresh key, unique within the run, labelled for debugging. */
  key(label: string): string;
  claims(op: StateOperation): boolean;
}

/** Registers one area's cases on a component's suite. */
export type CaseGroup = (s: Suite) => void;

/** The bytes of `value` as JSON text, as the HTTP API hands them to a store. */
export function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Parses stored bytes as JSON (undefined data fails the assertion). */
export function parseJson(data: Buffer | undefined): unknown {
  expect(data, 'expected data, got none').toBeDefined();
  return JSON.parse((data as Buffer).toString('utf8'));
}

export function getReq(key: string, metadata: Record<string, string> = {}): GetRequest {
  return { key, metadata };
}

export interface WriteOptions {
  etag?: string;
  metadata?: Record<string, string>;
  options?: StateOptions;
  isBinary?: boolean;
  contentType?: string;
}

/** A set request for JSON `value` (or raw bytes when `value` is a Buffer). */
export function setReq(key: string, value: unknown, o: WriteOptions = {}): SetRequest {
  return {
    key,
    value: Buffer.isBuffer(value) ? value : json(value),
    etag: o.etag,
    metadata: o.metadata ?? {},
    options: o.options ?? {},
    isBinary: o.isBinary,
    contentType: o.contentType,
  };
}

export function delReq(key: string, o: Omit<WriteOptions, 'isBinary' | 'contentType'> = {}): DeleteRequest {
  return { key, etag: o.etag, metadata: o.metadata ?? {}, options: o.options ?? {} };
}

export const firstWrite: StateOptions = { concurrency: 'first-write' };

/** Gets `key`, asserting it exists; returns the response. */
export async function mustGet(store: StateStore, key: string): Promise<GetResponse> {
  const res = await store.get(getReq(key));
  expect(res, `key ${key} should exist`).toBeDefined();
  return res as GetResponse;
}

/** Asserts `key` holds JSON equal to `expected` (compared parsed: jsonb re-renders text). */
export async function expectJsonValue(
  store: StateStore,
  key: string,
  expected: unknown,
): Promise<GetResponse> {
  const res = await mustGet(store, key);
  expect(parseJson(res.data)).toEqual(expected);
  return res;
}

export async function expectAbsent(store: StateStore, key: string): Promise<void> {
  const res = await store.get(getReq(key));
  expect(res, `key ${key} should be absent`).toBeUndefined();
}

/** The etag of an existing key, asserting it is a non-empty string. */
export async function etagOf(store: StateStore, key: string): Promise<string> {
  const { etag } = await mustGet(store, key);
  expect(typeof etag === 'string' && etag.length > 0, `key ${key} should have a non-empty etag`).toBe(true);
  return etag as string;
}

export function etagErrorClass(kind: EtagErrorKind): typeof EtagMismatchError | typeof EtagInvalidError {
  return kind === 'invalid' ? EtagInvalidError : EtagMismatchError;
}

/** Awaits `p`, asserting it rejects; returns the error for further checks. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  expect.fail('expected the operation to fail, but it succeeded');
}

/** Asserts `p` rejects with the semantic etag error of `kind`. */
export async function expectEtagError(p: Promise<unknown>, kind: EtagErrorKind): Promise<void> {
  const err = await rejection(p);
  expect(err, `expected ${etagErrorClass(kind).name}, got ${describeError(err)}`).toBeInstanceOf(
    etagErrorClass(kind),
  );
}

/** Asserts `p` rejects with BulkStoreErrors naming exactly `keys`, each caused by an etag error of `kind`. */
export async function expectBulkEtagErrors(
  p: Promise<unknown>,
  keys: string[],
  kind: EtagErrorKind,
): Promise<void> {
  const err = await rejection(p);
  expect(err, `expected BulkStoreErrors, got ${describeError(err)}`).toBeInstanceOf(BulkStoreErrors);
  const bulk = err as BulkStoreErrors;
  expect(bulk.errors.map((e) => e.key).sort()).toEqual([...keys].sort());
  for (const e of bulk.errors) {
    expect(e.cause, `cause for ${e.key}: ${describeError(e.cause)}`).toBeInstanceOf(etagErrorClass(kind));
  }
  expect(bulk.primary).toBeInstanceOf(etagErrorClass(kind));
}

/** Asserts `err` is an instance of `cls`, directly or somewhere in its `cause` chain (wrapped errors). */
export function expectCausedBy(err: unknown, cls: abstract new (...args: never[]) => Error): void {
  for (let e: unknown = err; e !== undefined && e !== null; e = (e as { cause?: unknown }).cause) {
    if (e instanceof cls) return;
    if (!(e instanceof Error)) break;
  }
  expect.fail(`expected ${cls.name} (or an error caused by one), got ${describeError(err)}`);
}

export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; returns the last result. */
export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Asserts `metadata.ttlExpireTime` is RFC 3339 UTC and within `toleranceS` of now + `ttlS`. */
export function expectExpireTime(
  metadata: Record<string, string> | undefined,
  ttlS: number,
  writtenAtMs: number,
  toleranceS = 5,
): void {
  const text = metadata?.ttlExpireTime;
  expect(text, 'ttlExpireTime should be in the response metadata').toBeTypeOf('string');
  expect(text).toMatch(RFC3339);
  expect(text, 'ttlExpireTime should be in UTC').toMatch(/(Z|\+00:00)$/);
  const at = Date.parse(text as string);
  expect(Math.abs(at - (writtenAtMs + ttlS * 1000)) / 1000).toBeLessThanOrEqual(toleranceS);
}

export function expectNoExpireTime(metadata: Record<string, string> | undefined): void {
  expect(metadata?.ttlExpireTime, 'no ttlExpireTime expected').toBeUndefined();
}
