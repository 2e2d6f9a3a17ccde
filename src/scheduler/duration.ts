/**
 * The time formats of the Jobs API, parsed exactly as Dapr's scheduler parses them:
 * Go's `time.ParseDuration`, RFC 3339 instants (`time.Parse(time.RFC3339, …)`), dapr/kit's
 * non-repeating ISO 8601 durations, and protobuf's JSON `Duration` (`"3s"`, `"1.500s"`).
 * All results are milliseconds (durations keep fractions); instants are whole ms since the epoch (UTC).
 */

const GO_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Go's `time.ParseDuration`: an optional sign, then one or more `<decimal><unit>` parts
 * (`1h30m`, `500ms`, `1.5h`, `-2s`); `"0"` alone needs no unit. Undefined when invalid.
 */
export function parseGoDuration(text: string): number | undefined {
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  const part = /([0-9]*)(?:\.([0-9]*))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    part.lastIndex = pos;
    const m = part.exec(s);
    if (!m || m.index !== pos) return undefined;
    const [whole, intPart, frac] = m;
    if (intPart === '' && (frac === undefined || frac === '')) return undefined;
    const value = Number(`${intPart || '0'}.${frac ?? ''}0`);
    total += value * GO_UNITS[m[3]];
    pos += whole.length;
  }
  return sign * total;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Go's `time.Parse(time.RFC3339, …)`: `2026-02-09T10:00:00Z`, fractional seconds and numeric
 * offsets allowed, every field range-checked. Undefined when the text is not such an instant.
 */
export function parseRfc3339(text: string): number | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s));
  // Whole milliseconds: job stores keep integer ms, and a sub-millisecond part that does not
  // survive the round trip made an instant schedule fire a second time.
  const fraction = frac ? Number(`${frac.slice(1)}00`.slice(0, 3)) : 0;
  return utc + fraction - offsetMin * 60_000;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** An ISO 8601 duration as dapr/kit reads it: calendar parts apart, `repetitions` -1 when not given. */
export interface IsoDuration {
  years: number;
  months: number;
  days: number;
  /** Hours, minutes and seconds, in ms. */
  timeMs: number;
  repetitions: number;
}

/**
 * dapr/kit `ParseISO8601Duration`: `P1Y2M3W4DT5H6M7S`, `PT1H`, optionally `R<n>/` in front.
 * Integers only; a designator needs digits before it; `T` must directly follow `P` or a designator.
 */
export function parseIso8601Duration(text: string): IsoDuration | undefined {
  const out: IsoDuration = { years: 0, months: 0, days: 0, timeMs: 0, repetitions: -1 };
  if (text.length < 2) return undefined;
  let i = 0;
  if (text[0] === 'R') {
    const slash = text.indexOf('/');
    const end = slash < 0 ? text.length : slash;
    if (end - 1 < 1) return undefined;
    const reps = goAtoi(text.slice(1, end));
    if (reps === undefined) return undefined;
    out.repetitions = reps;
    i = end + 1;
    if (i >= text.length) return out;
  }
  if (text[i] !== 'P') return undefined;
  i++;
  let start = i;
  let inTime = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === 'T') {
      if (start !== i) return undefined;
      inTime = true;
      start = i + 1;
      continue;
    }
    if (!'YWDHSM'.includes(c)) continue;
    const dateOnly = c === 'Y' || c === 'W' || c === 'D';
    const timeOnly = c === 'H' || c === 'S';
    if ((dateOnly && inTime) || (timeOnly && !inTime) || start === i) return undefined;
    const n = goAtoi(text.slice(start, i));
    if (n === undefined) return undefined;
    if (c === 'Y') out.years = n;
    else if (c === 'W') out.days += n * 7;
    else if (c === 'D') out.days += n;
    else if (c === 'H') out.timeMs += n * 3_600_000;
    else if (c === 'S') out.timeMs += n * 1000;
    else if (inTime) out.timeMs += n * 60_000;
    else out.months = n;
    start = i + 1;
  }
  return out;
}

/** Go's `strconv.Atoi`: optional sign and decimal digits only. */
function goAtoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** Adds an ISO 8601 duration to a UTC instant with Go's `AddDate` normalisation (Jan 31 + 1M = Mar 3). */
function addIso(baseMs: number, d: IsoDuration): number {
  const date = new Date(baseMs);
  date.setUTCFullYear(
    date.getUTCFullYear() + d.years,
    date.getUTCMonth() + d.months,
    date.getUTCDate() + d.days,
  );
  return date.getTime() + d.timeMs;
}

/**
 * A "point in time" of `dueTime`/`ttl` (go-etcd-cron `parsePointInTime`): an RFC 3339 instant, a Go
 * duration after `baseMs`, or a non-repeating ISO 8601 duration after `baseMs`. Throws an Error with
 * go-etcd-cron's message when the text is none of these.
 */
export function parsePointInTime(text: string, baseMs: number): number {
  const instant = parseRfc3339(text);
  if (instant !== undefined) return instant;
  const dur = parseGoDuration(text);
  if (dur !== undefined) return baseMs + dur;
  const iso = parseIso8601Duration(text);
  if (!iso) throw new Error('due time format not recognized');
  if (iso.repetitions > 0) throw new Error('repeats not supported for due time');
  return addIso(baseMs, iso);
}

/**
 * protobuf JSON `Duration`: decimal seconds with an `s` suffix (`"3s"`, `"0.5s"`, `"-1.5s"`), at most
 * nine fractional digits. Undefined when invalid (protojson rejects `"1m"` or `"500ms"`).
 */
export function parseProtoDuration(text: string): number | undefined {
  const m = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[2]) * 1000 + (m[3] ? Number(`0.${m[3]}`) * 1000 : 0);
  if (Number(m[2]) > 315_576_000_000) return undefined;
  return m[1] ? -ms : ms;
}

/** protobuf JSON `Duration` text for ms: `"3s"`, `"1.500s"`, `"0.000001s"` (0, 3, 6 or 9 fractional digits). */
export function formatProtoDuration(ms: number): string {
  const negative = ms < 0;
  const totalNs = Math.round(Math.abs(ms) * 1e6);
  const seconds = Math.floor(totalNs / 1e9);
  const nanos = totalNs - seconds * 1e9;
  let frac = '';
  if (nanos !== 0) {
    const digits = String(nanos).padStart(9, '0');
    frac =
      '.' +
      (digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits);
  }
  return `${negative ? '-' : ''}${seconds}${frac}s`;
}

/**
 * Go's `time.Duration.String()` for a whole, non-negative number of ms (as daprd prints
 * durations in its metadata): `0s`, `500ms`, `5s`, `1.5s`, `1m30s`, `2h0m0s`.
 */
export function formatGoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const rest = total % 60_000;
  const frac =
    rest % 1000 === 0
      ? ''
      : '.' +
        String(rest % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '');
  const s = `${Math.floor(rest / 1000)}${frac}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}
