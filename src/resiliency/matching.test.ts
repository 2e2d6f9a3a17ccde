import { describe, expect, it } from 'vitest';
import { statusMatcher } from './matching.js';

describe('statusMatcher', () => {
  it('retries listed HTTP codes and ranges only', () => {
    const m = statusMatcher({ httpStatusCodes: '429,500-599' });
    expect([429, 500, 503, 599].map((c) => m.shouldRetry(c))).toEqual([true, true, true, true]);
    expect([400, 404, 428, 430].map((c) => m.shouldRetry(c))).toEqual([false, false, false, false]);
  });

  it('an empty list retries every code of that protocol', () => {
    const m = statusMatcher({ gRPCStatusCodes: '14' });
    expect(m.shouldRetry(404)).toBe(true);
    expect(m.shouldRetry(14)).toBe(true);
    expect(m.shouldRetry(5)).toBe(false);
  });

  it('codes outside both ranges are never retried', () => {
    expect(statusMatcher({}).shouldRetry(700)).toBe(false);
  });

  it('rejects malformed patterns with the reason', () => {
    expect(() => statusMatcher({ httpStatusCodes: '500-400' })).toThrow(/start value should not be bigger/);
    expect(() => statusMatcher({ httpStatusCodes: '1-2-3' })).toThrow(/more than one '-'/);
    expect(() => statusMatcher({ httpStatusCodes: '99' })).toThrow(/start code 99 is not valid/);
    expect(() => statusMatcher({ gRPCStatusCodes: '1-17' })).toThrow(/end code 17 is not valid/);
    expect(() => statusMatcher({ httpStatusCodes: 'abc' })).toThrow(/cannot parse/);
  });
});
