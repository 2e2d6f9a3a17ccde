import type { IncomingMessage } from 'node:http';
import { Errors } from '../../errors/catalogue.js';
import { isDaprError } from '../../errors/dapr-error.js';

export type Query = Record<string, string | string[] | undefined>;

/** Reads the whole body, refusing more than `limit` bytes (the rest of the upload is not buffered). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) {
    req.resume();
    return Promise.reject(Errors.bodyTooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(Errors.bodyTooLarge(limit));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on('error', (err) => reject(Errors.bodyRead(`failed reading request body: ${err.message}`)));
  });
}

/**
 * Reads and parses a JSON body. Any failure, a body over the size limit included, is Dapr's
 * 400 ERR_MALFORMED_REQUEST: daprd decodes straight from the size-limited stream, so its JSON
 * decoder is what reports "stream too large".
 */
export async function readJson(body: () => Promise<Buffer>): Promise<unknown> {
  let buf: Buffer;
  try {
    buf = await body();
  } catch (err) {
    if (isDaprError(err) && err.errorCode === 'ERR_BODY_READ') throw Errors.malformedRequest(err.message);
    throw err;
  }
  return parseJson(buf);
}

/** Parses a JSON body or throws Dapr's ERR_MALFORMED_REQUEST. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw Errors.malformedRequest('the request body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw Errors.malformedRequest((err as Error).message);
  }
}

/** `metadata.<key>` query parameters as `<key> → value` (first value of a repeated parameter). */
export function queryMetadata(query: Query | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!query) return out;
  for (const k in query) {
    if (k.startsWith('metadata.') && k.length > 9) {
      const v = query[k];
      out[k.slice(9)] = Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
    }
  }
  return out;
}

export function queryValue(query: Query | undefined, name: string): string | undefined {
  const v = query?.[name];
  return Array.isArray(v) ? v[0] : v;
}
