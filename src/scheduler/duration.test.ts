import { describe, expect, it } from 'vitest';
import {
  formatGoDuration,
  formatProtoDuration,
  parseGoDuration,
  parseIso8601Duration,
  parsePointInTime,
  parseProtoDuration,
  parseRfc3339,
} from './duration.js';

describe('Go durations (time.ParseDuration)', () => {
  it('reads every unit, fractions, signs and sums', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('24h')).toBe(86_400_000);
    expect(parseGoDuration('-2s')).toBe(-2000);
    expect(parseGoDuration('+.5s')).toBe(500);
    expect(parseGoDuration('1us')).toBeCloseTo(0.001);
    expect(parseGoDuration('1µs')).toBeCloseTo(0.001);
    expect(parseGoDuration('100ns')).toBeCloseTo(0.0001);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('0s')).toBe(0);
    expect(parseGoDuration('1h2m3s4ms')).toBe(3_723_004);
  });

  it('rejects what Go rejects', () => {
    for (const bad of ['', '5', '1d', 'h', '.s', '1 h', '1h ', 'abc', '-', '1.2.3s']) {
      expect(parseGoDuration(bad), bad).toBeUndefined();
    }
  });
});

describe('RFC 3339 instants', () => {
  it('reads UTC, offsets and fractional seconds', () => {
    expect(parseRfc3339('2026-02-09T10:00:00Z')).toBe(Date.UTC(2026, 1, 9, 10));
    expect(parseRfc3339('2026-02-09T11:00:00+01:00')).toBe(Date.UTC(2026, 1, 9, 10));
    // Sub-millisecond digits are cut: job stores keep whole ms (see the seed reminder test).
    expect(parseRfc3339('2026-02-09T10:00:00.123456Z')).toBe(Date.UTC(2026, 1, 9, 10) + 123);
    expect(parseRfc3339('2026-02-09T10:00:00.1Z')).toBe(Date.UTC(2026, 1, 9, 10) + 100);
    expect(parseRfc3339('2026-02-09T10:00:00.999999999Z')).toBe(Date.UTC(2026, 1, 9, 10) + 999);
  });

  it('rejects impossible dates and other shapes', () => {
    for (const bad of [
      '2026-02-30T10:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-02-09T24:00:00Z',
      '2026-02-09 10:00:00Z',
      '2026-02-09T10:00:00',
      '2026-02-09',
    ]) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
  });
});

describe('ISO 8601 durations (dapr/kit)', () => {
  it('reads calendar and clock parts and repetitions', () => {
    expect(parseIso8601Duration('PT1H')).toEqual({
      years: 0,
      months: 0,
      days: 0,
      timeMs: 3_600_000,
      repetitions: -1,
    });
    expect(parseIso8601Duration('P1Y2M3W4DT5H6M7S')).toEqual({
      years: 1,
      months: 2,
      days: 25,
      timeMs: 5 * 3_600_000 + 6 * 60_000 + 7000,
      repetitions: -1,
    });
    expect(parseIso8601Duration('R5/PT10S')?.repetitions).toBe(5);
  });

  it('rejects misplaced designators', () => {
    for (const bad of ['P', 'PT', 'P1H', 'PT1D', 'T1H', 'PxD', 'R/PT1S']) {
      const r = parseIso8601Duration(bad);
      expect(r === undefined || (r.timeMs === 0 && r.days === 0), bad).toBe(true);
    }
    expect(parseIso8601Duration('P1H')).toBeUndefined();
    expect(parseIso8601Duration('PT1D')).toBeUndefined();
  });
});

describe('points in time (dueTime, ttl)', () => {
  const base = Date.UTC(2026, 0, 31, 12);
  it('takes an instant, a Go duration or an ISO duration after the base', () => {
    expect(parsePointInTime('2026-02-09T10:00:00Z', base)).toBe(Date.UTC(2026, 1, 9, 10));
    expect(parsePointInTime('30s', base)).toBe(base + 30_000);
    expect(parsePointInTime('0s', base)).toBe(base);
    expect(parsePointInTime('PT1H', base)).toBe(base + 3_600_000);
    // Go's AddDate: Jan 31 + 1 month normalises to Mar 3.
    expect(parsePointInTime('P1M', base)).toBe(Date.UTC(2026, 2, 3, 12));
  });

  it("rejects repeating ISO durations and unknown text with go-etcd-cron's messages", () => {
    expect(() => parsePointInTime('R2/PT1H', base)).toThrow('repeats not supported for due time');
    expect(() => parsePointInTime('tomorrow', base)).toThrow('due time format not recognized');
    expect(() => parsePointInTime('', base)).toThrow('due time format not recognized');
  });
});

describe('protobuf JSON durations', () => {
  it('parses and formats as protojson does', () => {
    expect(parseProtoDuration('3s')).toBe(3000);
    expect(parseProtoDuration('1.5s')).toBe(1500);
    expect(parseProtoDuration('0.000001s')).toBeCloseTo(0.001);
    expect(parseProtoDuration('1m')).toBeUndefined();
    expect(parseProtoDuration('500ms')).toBeUndefined();
    expect(formatProtoDuration(3000)).toBe('3s');
    expect(formatProtoDuration(1500)).toBe('1.500s');
    expect(formatProtoDuration(0)).toBe('0s');
    expect(formatProtoDuration(0.001)).toBe('0.000001s');
  });
});

describe('formatGoDuration (Go time.Duration.String)', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [500, '500ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [1050, '1.05s'],
    [5000, '5s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [3_723_004, '1h2m3.004s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatGoDuration(ms)).toBe(text);
    expect(parseGoDuration(text)).toBe(ms);
  });
});
