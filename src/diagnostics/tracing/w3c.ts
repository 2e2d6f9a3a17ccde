/** W3C Trace Context (`traceparent` / `tracestate`), parsed and written without any SDK. */

import { randomFillSync } from 'node:crypto';

/** The trace headers of a request or message (either may be absent). */
export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

export interface ParsedTraceparent {
  traceId: string;
  spanId: string;
  /** Trace flags byte; bit 0 is "sampled". */
  flags: number;
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
const HEX2 = /^[0-9a-f]{2}$/;
const ZERO32 = '0'.repeat(32);
const ZERO16 = '0'.repeat(16);

/**
 * Parses a `traceparent` header: `version-traceid-parentid-flags`, lower-case hex, no all-zero
 * ids, version `ff` invalid; version 00 has exactly four fields, later versions may add more.
 */
export function parseTraceparent(header: string | undefined): ParsedTraceparent | undefined {
  if (!header) return undefined;
  const parts = header.trim().split('-');
  if (parts.length < 4) return undefined;
  const [version, traceId, spanId, flags] = parts;
  if (!HEX2.test(version) || version === 'ff') return undefined;
  if (version === '00' && parts.length !== 4) return undefined;
  if (!HEX32.test(traceId) || traceId === ZERO32) return undefined;
  if (!HEX16.test(spanId) || spanId === ZERO16) return undefined;
  if (!HEX2.test(flags)) return undefined;
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

export function formatTraceparent(traceId: string, spanId: string, flags: number): string {
  return `00-${traceId}-${spanId}-${(flags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * OpenCensus' binary trace context, the `grpc-trace-bin` metadata of gRPC calls, as a `traceparent`
 * (daprd reads it before any `traceparent` metadata): version 0, then field 0 the trace id
 * (16 bytes), field 1 the span id (8), field 2 the trace options (1). Undefined when not valid.
 */
export function traceparentFromBinary(b: Buffer): string | undefined {
  if (b.length < 18 || b[0] !== 0 || b[1] !== 0) return undefined;
  const traceId = b.toString('hex', 2, 18);
  let spanId = ZERO16;
  let flags = 0;
  let i = 18;
  if (b.length >= i + 9 && b[i] === 1) {
    spanId = b.toString('hex', i + 1, i + 9);
    i += 9;
  }
  if (b.length >= i + 2 && b[i] === 2) flags = b[i + 1];
  const traceparent = formatTraceparent(traceId, spanId, flags);
  return parseTraceparent(traceparent) ? traceparent : undefined;
}

/** A `traceparent` in OpenCensus' binary format, for a `grpc-trace-bin` response header. */
export function binaryFromTraceparent(traceparent: string): Buffer | undefined {
  const p = parseTraceparent(traceparent);
  if (!p) return undefined;
  return Buffer.concat([
    Buffer.from([0, 0]),
    Buffer.from(p.traceId, 'hex'),
    Buffer.from([1]),
    Buffer.from(p.spanId, 'hex'),
    Buffer.from([2, p.flags & 0xff]),
  ]);
}

/**
 * A new trace's context, not sampled: what daprd's always-present span carries when tracing is off
 * (its tracer provider exists with or without exporters, at a 1e-4 default sampling rate).
 */
export function unsampledTraceparent(): string {
  const ids = randomHex(24);
  return formatTraceparent(ids.slice(0, 32), ids.slice(32), 0);
}

/**
 * Random bytes as hex from a pool refilled 8 KB at a time: a `randomBytes` call per publish was ~4%
 * of the sidecar's CPU per message (each call goes down to the CSPRNG).
 */
const pool = Buffer.alloc(8192);
let poolUsed = pool.length;
function randomHex(bytes: number): string {
  if (poolUsed + bytes > pool.length) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  poolUsed += bytes;
  return pool.toString('hex', poolUsed - bytes, poolUsed);
}

/**
 * The context of a span that is not recorded: a child of `parent` (same trace and flags, a span id
 * of its own) when it is a valid `traceparent` (`continued`), else a new unsampled trace.
 */
export function unsampledChild(parent: string | undefined): { traceparent: string; continued: boolean } {
  const p = parseTraceparent(parent);
  return p
    ? { traceparent: formatTraceparent(p.traceId, randomHex(8), p.flags), continued: true }
    : { traceparent: unsampledTraceparent(), continued: false };
}

export function isSampled(p: ParsedTraceparent): boolean {
  return (p.flags & 1) === 1;
}

/** daprd drops a `tracestate` longer than this instead of forwarding it. */
export const MAX_TRACESTATE_LENGTH = 512;
