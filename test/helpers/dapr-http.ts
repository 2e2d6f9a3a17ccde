import { expect } from 'vitest';
import { DaprtsProcess, inMemoryStateYaml, type DaprtsProcessOptions } from './daprts-process.js';

/**
 * Curl-shaped requests to the Dapr HTTP API and the assertions every black-box case repeats
 * (exact status, empty 204 bodies, Dapr's error JSON).
 */

export const STORE = 'statestore';

/** A sidecar with one `state.in-memory` store named `statestore` (plus any extra resources). */
export function startWithStateStore(opts: DaprtsProcessOptions = {}): Promise<DaprtsProcess> {
  return DaprtsProcess.start({
    ...opts,
    resources: { 'statestore.yaml': inMemoryStateYaml(), ...opts.resources },
  });
}

/** The error body Dapr writes: `{"errorCode","message"[,"details"]}`. */
export interface DaprErrorBody {
  errorCode: string;
  message: string;
  details?: Record<string, unknown>[];
}

export interface StateItem {
  key: string;
  value?: unknown;
  etag?: string;
  metadata?: Record<string, string>;
  options?: { concurrency?: string; consistency?: string };
}

/** `curl -X POST -H 'Content-Type: application/json' -d '<body>' …` (a string body is sent as is). */
export function postJson(p: DaprtsProcess, path: string, body: unknown, method = 'POST'): Promise<Response> {
  return p.fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** `POST /v1.0/state/{store}[?query]` with `[{key, value, …}]`. */
export function saveState(
  p: DaprtsProcess,
  items: StateItem[] | string,
  opts: { store?: string; query?: string; method?: string } = {},
): Promise<Response> {
  const q = opts.query ? `?${opts.query}` : '';
  return postJson(p, `/v1.0/state/${opts.store ?? STORE}${q}`, items, opts.method);
}

/** `GET /v1.0/state/{store}/{key}`; the key is percent-encoded like the SDKs do. */
export function getState(p: DaprtsProcess, key: string, store = STORE): Promise<Response> {
  return p.fetch(`/v1.0/state/${store}/${encodeURIComponent(key)}`);
}

/** `DELETE /v1.0/state/{store}/{key}` with an optional `If-Match` etag. */
export function deleteState(p: DaprtsProcess, key: string, etag?: string, store = STORE): Promise<Response> {
  return p.fetch(`/v1.0/state/${store}/${encodeURIComponent(key)}`, {
    method: 'DELETE',
    headers: etag === undefined ? {} : { 'if-match': etag },
  });
}

/** `POST /v1.0/state/{store}/bulk` with `{"keys": [...]}`. */
export function bulkGet(p: DaprtsProcess, body: unknown, store = STORE): Promise<Response> {
  return postJson(p, `/v1.0/state/${store}/bulk`, body);
}

/** `POST /v1.0/state/{store}/transaction` with `{"operations": [...]}`. */
export function transaction(p: DaprtsProcess, body: unknown, store = STORE): Promise<Response> {
  return postJson(p, `/v1.0/state/${store}/transaction`, body);
}

/** `POST /v1.0/state/{store}/transaction` with `{"operations": operations}` and nothing else. */
export function transact(p: DaprtsProcess, operations: unknown[], store = STORE): Promise<Response> {
  return transaction(p, { operations }, store);
}

/** A transaction operation `{"operation":"upsert","request":{key, value, ...rest}}`. */
export function upsertOp(key: string, value: unknown, rest: Record<string, unknown> = {}) {
  return { operation: 'upsert', request: { key, value, ...rest } };
}

/** A transaction operation `{"operation":"delete","request":{key, ...rest}}`. */
export function deleteOp(key: string, rest: Record<string, unknown> = {}) {
  return { operation: 'delete', request: { key, ...rest } };
}

/** Saves one item and returns its ETag as a GET reports it. */
export async function saveAndGetEtag(p: DaprtsProcess, key: string, value: unknown): Promise<string> {
  await expectNoContent(await saveState(p, [{ key, value }]));
  const res = await getState(p, key);
  await expectStatus(res, 200);
  const etag = res.headers.get('etag');
  expect(etag).toBeTruthy();
  return etag!;
}

/** Asserts the status, showing the body when it differs; returns the body text. */
export async function expectStatus(res: Response, status: number): Promise<string> {
  const text = await res.text();
  expect(res.status, `unexpected status; body: ${text.slice(0, 500)}`).toBe(status);
  return text;
}

/** 204 with an empty body and no ETag (Dapr's answer to every successful write and to a missing key). */
export async function expectNoContent(res: Response): Promise<void> {
  expect(await expectStatus(res, 204)).toBe('');
  expect(res.headers.get('etag')).toBeNull();
}

/** A Dapr JSON error with exactly this status and errorCode; returns the parsed body. */
export async function expectDaprError(
  res: Response,
  status: number,
  errorCode: string,
): Promise<DaprErrorBody> {
  const text = await expectStatus(res, status);
  expect(res.headers.get('content-type')).toBe('application/json');
  const body = JSON.parse(text) as DaprErrorBody;
  expect(body.errorCode).toBe(errorCode);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  return body;
}

/** The GET value as text (the stored JSON bytes), asserting 200 and `application/json`. */
export async function expectValue(res: Response): Promise<string> {
  const text = await expectStatus(res, 200);
  expect(res.headers.get('content-type')).toBe('application/json');
  return text;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `fn` until it returns true or `timeoutMs` passes. */
export async function eventually(
  fn: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return true;
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}
