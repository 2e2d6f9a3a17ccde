import { describe, expect, it } from 'vitest';
import {
  binaryFromTraceparent,
  formatTraceparent,
  isSampled,
  parseTraceparent,
  traceparentFromBinary,
  unsampledTraceparent,
} from './w3c.js';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('traceparent', () => {
  it('parses a valid header and writes it back', () => {
    const p = parseTraceparent(TP)!;
    expect(p).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', flags: 1 });
    expect(isSampled(p)).toBe(true);
    expect(formatTraceparent(p.traceId, p.spanId, p.flags)).toBe(TP);
    expect(isSampled(parseTraceparent(TP.replace(/01$/, '00'))!)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['all-zero span id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
    ['upper case', TP.toUpperCase()],
    ['version ff', TP.replace(/^00/, 'ff')],
    ['extra field on version 00', `${TP}-xyz`],
    ['short trace id', '00-0af7651916cd43dd8448eb211c8031-b7ad6b7169203331-01'],
    ['bad flags', TP.replace(/01$/, 'zz')],
  ])('rejects %s', (_what, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it('accepts a later version with extra fields', () => {
    expect(parseTraceparent(`01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra`)?.spanId).toBe(
      'b7ad6b7169203331',
    );
  });
});

describe('unsampledTraceparent', () => {
  it('makes valid, unsampled, distinct contexts, also across refills of its random pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const tp = unsampledTraceparent();
      const p = parseTraceparent(tp);
      expect(p, tp).toBeDefined();
      expect(isSampled(p!)).toBe(false);
      expect(p!.traceId).not.toBe('0'.repeat(32));
      seen.add(p!.traceId).add(p!.spanId);
    }
    expect(seen.size).toBe(2_000);
  });
});

// docs.dapr.io "W3C trace context": gRPC requests carry the context in `grpc-trace-bin`
// (OpenCensus' binary format: version 0, field 0 trace id, field 1 span id, field 2 options).
describe('grpc-trace-bin', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanId = 'b7ad6b7169203331';
  const bin = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'hex') : Buffer.from(p))));

  it('reads trace id, span id and options as a traceparent', () => {
    expect(traceparentFromBinary(bin([0, 0], traceId, [1], spanId, [2, 1]))).toBe(TP);
    expect(traceparentFromBinary(bin([0, 0], traceId, [1], spanId, [2, 0]))).toBe(TP.replace(/01$/, '00'));
    expect(traceparentFromBinary(bin([0, 0], traceId, [1], spanId))).toBe(TP.replace(/01$/, '00'));
  });

  it('writes a traceparent back in the same format', () => {
    expect(traceparentFromBinary(binaryFromTraceparent(TP)!)).toBe(TP);
    expect(binaryFromTraceparent('nonsense')).toBeUndefined();
  });

  it('rejects other versions, a missing trace id and all-zero ids', () => {
    expect(traceparentFromBinary(bin([1, 0], traceId, [1], spanId, [2, 1]))).toBeUndefined();
    expect(traceparentFromBinary(bin([0, 1], spanId))).toBeUndefined();
    expect(traceparentFromBinary(bin([0, 0], traceId))).toBeUndefined();
    expect(traceparentFromBinary(bin([0, 0], '0'.repeat(32), [1], spanId))).toBeUndefined();
  });
});
