import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleError } from './schedule.js';

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
/** Next fire after `from` of a UTC-pinned schedule. */
const nextUtc = (spec: string, from: string) => iso(parseSchedule(`CRON_TZ=UTC ${spec}`).next(t(from)));

describe('cron with seconds (6 fields)', () => {
  it('fires on whole seconds strictly after the given instant', () => {
    expect(nextUtc('* * * * * *', '2026-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:01.000Z');
    expect(nextUtc('* * * * * *', '2026-01-01T00:00:00.500Z')).toBe('2026-01-01T00:00:01.000Z');
    expect(nextUtc('*/15 * * * * *', '2026-01-01T00:00:01Z')).toBe('2026-01-01T00:00:15.000Z');
    expect(nextUtc('0 30 * * * *', '2026-01-01T00:31:00Z')).toBe('2026-01-01T01:30:00.000Z');
    expect(nextUtc('0 15 3 * * *', '2026-01-01T04:00:00Z')).toBe('2026-01-02T03:15:00.000Z');
    // dom 4 OR Saturday, in May: Saturday the 2nd comes first.
    expect(nextUtc('1 2 3 4 5 6', '2026-01-01T00:00:00Z')).toBe('2026-05-02T03:02:01.000Z');
  });

  it('reads month and weekday names, ranges, lists, steps and N/step', () => {
    expect(nextUtc('0 0 12 * jan-mar mon', '2026-01-01T00:00:00Z')).toBe('2026-01-05T12:00:00.000Z');
    expect(nextUtc('0 0 0 1 JUN *', '2026-01-01T00:00:00Z')).toBe('2026-06-01T00:00:00.000Z');
    expect(nextUtc('10,20 * * * * *', '2026-01-01T00:00:10Z')).toBe('2026-01-01T00:00:20.000Z');
    expect(nextUtc('5/20 * * * * *', '2026-01-01T00:00:06Z')).toBe('2026-01-01T00:00:25.000Z');
    expect(nextUtc('0 0 0 ? * sun', '2026-01-01T00:00:00Z')).toBe('2026-01-04T00:00:00.000Z');
  });

  it('ORs day-of-month and day-of-week when neither is a star, as robfig/cron', () => {
    // 2026-01-01 is a Thursday: "the 15th or a Monday" fires on Monday the 5th first.
    expect(nextUtc('0 0 0 15 * mon', '2026-01-01T00:00:00Z')).toBe('2026-01-05T00:00:00.000Z');
    // With dom a star, only the weekday counts.
    expect(nextUtc('0 0 0 * * mon', '2026-01-06T00:00:00Z')).toBe('2026-01-12T00:00:00.000Z');
    // dom 1-31 is not a star: OR with Monday = every day.
    expect(nextUtc('0 0 0 1-31 * mon', '2026-01-01T00:00:00Z')).toBe('2026-01-02T00:00:00.000Z');
  });

  it('rejects what the scheduler rejects, with its messages', () => {
    const bad: [string, RegExp][] = [
      ['', /empty spec string/],
      ['* * * * *', /expected exactly 6 fields, found 5/],
      ['* * * * * * *', /expected exactly 6 fields, found 7/],
      ['60 * * * * *', /above maximum \(59\)/],
      ['* * * * * 7', /above maximum \(6\)/],
      ['* * * 0 * *', /below minimum \(1\)/],
      ['5-1 * * * * *', /beyond end of range/],
      ['*/0 * * * * *', /step of range should be a positive number/],
      ['L * * * * *', /failed to parse int from L/],
      ['1-2-3 * * * * *', /too many hyphens/],
      ['1/2/3 * * * * *', /too many slashes/],
      ['@reboot', /unrecognized descriptor/],
      ['@every 1x', /failed to parse duration/],
      ['@every 0s', /must be positive/],
      ['2026-02-09 10:00', /expected exactly 6 fields/],
    ];
    for (const [spec, msg] of bad) {
      expect(() => parseSchedule(spec), spec).toThrow(ScheduleError);
      expect(() => parseSchedule(spec), spec).toThrow(msg);
    }
  });
});

describe('descriptors', () => {
  it('match their 6-field equivalents', () => {
    const from = '2026-03-15T10:20:30Z';
    expect(nextUtc('@yearly', from)).toBe('2027-01-01T00:00:00.000Z');
    expect(nextUtc('@annually', from)).toBe('2027-01-01T00:00:00.000Z');
    expect(nextUtc('@monthly', from)).toBe('2026-04-01T00:00:00.000Z');
    expect(nextUtc('@weekly', from)).toBe('2026-03-22T00:00:00.000Z');
    expect(nextUtc('@daily', from)).toBe('2026-03-16T00:00:00.000Z');
    expect(nextUtc('@midnight', from)).toBe('2026-03-16T00:00:00.000Z');
    expect(nextUtc('@hourly', from)).toBe('2026-03-15T11:00:00.000Z');
  });
});

describe('@every', () => {
  it('adds the Go duration to the last time, keeping sub-second precision', () => {
    expect(parseSchedule('@every 1h30m').next(1000)).toBe(1000 + 5_400_000);
    expect(parseSchedule('@every 500ms').next(1234)).toBe(1734);
    expect(parseSchedule('@every 24h').next(0)).toBe(86_400_000);
    expect(parseSchedule('@every 1ms').kind).toBe('every');
  });

  it('takes no time zone', () => {
    expect(() => parseSchedule('CRON_TZ=Europe/Rome @every 1h')).toThrow(ScheduleError);
  });
});

describe('time zones (CRON_TZ= / TZ=)', () => {
  it("fires at the zone's wall clock", () => {
    // 09:30 in Kolkata (UTC+5:30) is 04:00 UTC.
    expect(iso(parseSchedule('CRON_TZ=Asia/Kolkata 0 30 9 * * *').next(t('2026-01-01T00:00:00Z')))).toBe(
      '2026-01-01T04:00:00.000Z',
    );
    expect(iso(parseSchedule('TZ=America/New_York 0 0 9 * * *').next(t('2026-07-01T00:00:00Z')))).toBe(
      '2026-07-01T13:00:00.000Z',
    );
    expect(iso(parseSchedule('TZ=Asia/Tokyo @daily').next(t('2026-01-01T00:00:00Z')))).toBe(
      '2026-01-01T15:00:00.000Z',
    );
  });

  it('rejects an unknown zone', () => {
    expect(() => parseSchedule('CRON_TZ=Not/AZone 0 0 9 * * *')).toThrow(/provided bad location Not\/AZone/);
  });
});

describe('an RFC 3339 instant as schedule (daprts extension for the seeds)', () => {
  it('fires once at that instant', () => {
    const s = parseSchedule('2026-02-09T11:00:00Z');
    expect(s.kind).toBe('instant');
    expect(s.next(t('2026-02-09T10:00:00Z'))).toBe(t('2026-02-09T11:00:00Z'));
    expect(s.next(t('2026-02-09T11:00:00Z'))).toBeUndefined();
  });
});
