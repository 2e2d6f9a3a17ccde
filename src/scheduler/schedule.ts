import { Cron } from 'croner';
import { parseGoDuration, parseRfc3339 } from './duration.js';

/**
 * A parsed `schedule`: gives the next fire time strictly after an instant, or undefined when
 * there is none. Cron schedules fire on whole seconds; `@every` keeps sub-second precision.
 */
export interface Schedule {
  readonly kind: 'cron' | 'every' | 'instant';
  next(afterMs: number): number | undefined;
}

/** A schedule string the scheduler rejects (the message is the cron parser's, as in daprd). */
export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const SECONDS: Bounds = { min: 0, max: 59 };
const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: {
    jan: 1,
    feb: 2,
    mar: 3,
    apr: 4,
    may: 5,
    jun: 6,
    jul: 7,
    aug: 8,
    sep: 9,
    oct: 10,
    nov: 11,
    dec: 12,
  },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const FIELDS = [SECONDS, MINUTES, HOURS, DOM, MONTHS, DOW];

/** The 6-field equivalents of the descriptors (dapr/kit cron `parseDescriptor`). */
const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

/** One parsed field: the values it matches, and whether it was a plain `*`/`?` (robfig's star bit). */
interface Field {
  values: Set<number>;
  star: boolean;
}

/**
 * Parses a job schedule as dapr/kit's cron parser (a robfig/cron fork) configured by the scheduler
 * with seconds and descriptors: `sec min hour dom month dow` (names, ranges, steps, lists, `*`, `?`),
 * `@yearly|@annually|@monthly|@weekly|@daily|@midnight|@hourly`, `@every <Go duration>`, each
 * optionally prefixed by `CRON_TZ=<zone> ` or `TZ=<zone> ` (IANA name; `@every` takes no zone).
 * Without a zone, wall-clock schedules use this process's local time zone, as daprd's scheduler does.
 *
 * daprts extension: an RFC 3339 instant (`2026-02-09T11:00:00Z`) is accepted as a schedule that
 * fires once at that instant. daprd rejects it; the seeds' reminder clients send it.
 */
export function parseSchedule(spec: string): Schedule {
  if (spec.length === 0) throw new ScheduleError('empty spec string');
  let rest = spec;
  let zone: string | undefined;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const name = rest.slice(rest.indexOf('=') + 1, space < 0 ? undefined : space);
    if (space < 0) throw new ScheduleError(`provided bad location ${name}: missing schedule after the zone`);
    zone = checkZone(name);
    rest = rest.slice(space).trim();
  }
  if (rest.startsWith('@every ')) {
    if (zone !== undefined) throw new ScheduleError(`a time zone cannot apply to ${rest}`);
    return every(rest);
  }
  if (rest.startsWith('@')) {
    const expr = DESCRIPTORS[rest];
    if (!expr) throw new ScheduleError(`unrecognized descriptor: ${rest}`);
    return cron(expr, zone);
  }
  if (zone === undefined) {
    const at = parseRfc3339(rest);
    if (at !== undefined) return { kind: 'instant', next: (after) => (at > after ? at : undefined) };
  }
  return cron(rest, zone);
}

/** Go's LoadLocation: "" and "UTC" are UTC, "Local" is this process's zone, else an IANA name. */
function checkZone(name: string): string | undefined {
  if (name === '' || name === 'UTC') return 'UTC';
  if (name === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    throw new ScheduleError(`provided bad location ${name}: unknown time zone ${name}`);
  }
  return name;
}

function every(spec: string): Schedule {
  const text = spec.slice('@every '.length);
  const ms = parseGoDuration(text);
  if (ms === undefined)
    throw new ScheduleError(`failed to parse duration ${spec}: invalid duration "${text}"`);
  if (ms <= 0) throw new ScheduleError(`failed to parse duration ${spec}: the interval must be positive`);
  // Stored times are whole milliseconds: a sub-millisecond interval fires at most once a millisecond.
  const step = Math.max(1, ms);
  return { kind: 'every', next: (after) => after + step };
}

const cronCache = new Map<string, Schedule>();

function cron(expr: string, zone: string | undefined): Schedule {
  const key = `${zone ?? ''}|${expr}`;
  const cached = cronCache.get(key);
  if (cached) return cached;
  const parts = expr.split(/\s+/).filter(Boolean);
  if (parts.length !== 6)
    throw new ScheduleError(`expected exactly 6 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const fields = parts.map((p, i) => parseField(p, FIELDS[i]));
  // robfig: day-of-month and day-of-week are ANDed when either is a star, else ORed.
  const domAndDow = fields[3].star || fields[5].star;
  const pattern = fields.map((f, i) => (f.star ? '*' : render(f, FIELDS[i], i === 3 || i === 5))).join(' ');
  const job = new Cron(pattern, { paused: true, timezone: zone, domAndDow, mode: '6-part' });
  const schedule: Schedule = {
    kind: 'cron',
    next: (after) => job.nextRun(new Date(after))?.getTime() ?? undefined,
  };
  if (cronCache.size > 10_000) cronCache.clear();
  cronCache.set(key, schedule);
  return schedule;
}

/**
 * The explicit list croner gets: every value the field matches. Day fields keep the full list even
 * when it covers every day, so that croner's OR of day-of-month and day-of-week sees no wildcard.
 */
function render(f: Field, b: Bounds, dayField: boolean): string {
  const values = [...f.values].sort((x, y) => x - y);
  return !dayField && values.length === b.max - b.min + 1 ? '*' : values.join(',');
}

/** One field: a comma-separated list of `*`, `?`, `n`, `n-m`, each with an optional `/step`. */
function parseField(text: string, b: Bounds): Field {
  const values = new Set<number>();
  let star = false;
  for (const expr of text.split(',').filter(Boolean)) {
    const r = parseRange(expr, b);
    star ||= r.star;
    for (let v = r.start; v <= r.end; v += r.step) values.add(v);
  }
  if (values.size === 0) throw new ScheduleError(`failed to parse int from ${text}`);
  return { values, star };
}

function parseRange(expr: string, b: Bounds): { start: number; end: number; step: number; star: boolean } {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = intOrName(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = intOrName(lowAndHigh[1], b);
    else throw new ScheduleError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = goInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new ScheduleError(`too many slashes: ${expr}`);
  }
  if (start < b.min)
    throw new ScheduleError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new ScheduleError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end)
    throw new ScheduleError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new ScheduleError(`step of range should be a positive number: ${expr}`);
  return { start, end, step, star };
}

function intOrName(text: string, b: Bounds): number {
  const named = b.names?.[text.toLowerCase()];
  return named ?? goInt(text);
}

function goInt(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new ScheduleError(`failed to parse int from ${text}`);
  const n = Number(text);
  if (n < 0) throw new ScheduleError(`negative number (${n}) not allowed: ${text}`);
  return n;
}
