import type { ServerResponse } from 'node:http';
import { Errors } from '../../errors/catalogue.js';
import { isDaprError, type DaprError } from '../../errors/dapr-error.js';
import type { Logger } from '../../diagnostics/logger.js';

const JSON_TYPE = 'application/json';

export function noContent(res: ServerResponse, headers?: Record<string, string>): void {
  res.writeHead(204, headers);
  res.end();
}

/** Writes pre-serialised JSON (or raw JSON bytes) with a 200; `headers` (the caller's own) is added to. */
export function rawJson(
  res: ServerResponse,
  body: string | Buffer,
  headers: Record<string, string | number> = {},
): void {
  headers['content-type'] = JSON_TYPE;
  headers['content-length'] = Buffer.byteLength(body);
  res.writeHead(200, headers);
  res.end(body);
}

export function json(
  res: ServerResponse,
  value: unknown,
  status = 200,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The single exit point for errors on HTTP: a DaprError is written as Dapr writes it; anything
 * else is an internal error (logged, never a crash, never a stack in the body). `onError` sees
 * every error answered (the server counts them in `dapr_error_code_total`).
 */
export function writeError(
  res: ServerResponse,
  err: unknown,
  logger: Logger,
  onError?: (e: DaprError) => void,
): void {
  const e: DaprError = isDaprError(err) ? err : Errors.internal(err);
  onError?.(e);
  if (!isDaprError(err)) logger.error({ err }, 'unexpected error in API handler');
  else logger.debug({ errorCode: e.errorCode, msg: e.message }, 'API error');
  // The caller already has its complete answer: keep the connection (destroying it here would cut
  // a keep-alive socket the client may already have sent its next request on).
  if (res.writableEnded) return;
  // A half-written answer cannot be repaired: end the connection so the client sees it broke.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  json(res, e.toJSON(), e.httpStatus, e.headers);
}

/** Dapr's token rejection is plain text, not a JSON error: exactly what Go's http.Error writes. */
export function unauthorized(res: ServerResponse): void {
  res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end('invalid api token\n');
}
