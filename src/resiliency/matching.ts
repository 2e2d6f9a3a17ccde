/**
 * `matching.httpStatusCodes` / `matching.gRPCStatusCodes` of a retry policy: comma lists of codes
 * and ranges ("429,500-599"). A failure that carries a status code is retried only when the code
 * is listed; an empty list retries every code (as daprd's RetryConditionMatch).
 */

interface CodeRange {
  start: number;
  end: number;
}

const HTTP_RANGE: CodeRange = { start: 100, end: 599 };
const GRPC_RANGE: CodeRange = { start: 0, end: 16 };

export interface StatusMatcher {
  /** True when a failure with this status code should be retried. */
  shouldRetry(statusCode: number): boolean;
}

/** A failure that carries the status code the app (or peer) answered with. */
export interface StatusCodeError {
  statusCode: number;
}

export function statusCodeOf(err: unknown): number | undefined {
  const code = (err as Partial<StatusCodeError> | null)?.statusCode;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
}

/** Parses a retry's `matching`; throws an Error naming the bad pattern. */
export function statusMatcher(matching: {
  httpStatusCodes?: string;
  gRPCStatusCodes?: string;
}): StatusMatcher {
  const http = parsePatterns(matching.httpStatusCodes ?? '', HTTP_RANGE, 'httpStatusCodes');
  const grpc = parsePatterns(matching.gRPCStatusCodes ?? '', GRPC_RANGE, 'gRPCStatusCodes');
  return {
    shouldRetry(code) {
      // Codes 0-16 are gRPC codes, 100-599 HTTP ones; anything else is never retried.
      if (within(GRPC_RANGE, code)) return listed(grpc, code);
      if (within(HTTP_RANGE, code)) return listed(http, code);
      return false;
    },
  };
}

function listed(ranges: CodeRange[] | undefined, code: number): boolean {
  return ranges === undefined || ranges.some((r) => within(r, code));
}

function within(r: CodeRange, code: number): boolean {
  return r.start <= code && code <= r.end;
}

function parsePatterns(text: string, valid: CodeRange, field: string): CodeRange[] | undefined {
  if (text.trim() === '') return undefined;
  const out: CodeRange[] = [];
  for (const raw of text.split(',')) {
    const p = raw.trim();
    if (p === '') continue;
    const parts = p.split('-');
    if (parts.length > 2) throw new Error(`${field}: invalid pattern ${p}, more than one '-' exists`);
    const start = toCode(parts[0], p, field);
    const end = parts.length === 2 ? toCode(parts[1], p, field) : start;
    if (!within(valid, start))
      throw new Error(`${field}: invalid pattern ${p}, start code ${start} is not valid`);
    if (!within(valid, end)) throw new Error(`${field}: invalid pattern ${p}, end code ${end} is not valid`);
    if (end < start)
      throw new Error(`${field}: invalid pattern ${p}, start value should not be bigger than end value`);
    out.push({ start, end });
  }
  return out;
}

function toCode(text: string, pattern: string, field: string): number {
  if (!/^\s*\d+\s*$/.test(text)) throw new Error(`${field}: cannot parse '${text}' in pattern ${pattern}`);
  return Number(text);
}
