import { parseDurationMs } from '../components/common/metadata.js';

/**
 * A duration of a Resiliency policy, read as daprd reads it: a bare integer is milliseconds
 * (`"500"` = 500 ms, unlike component metadata where bare numbers are seconds); anything else is
 * Go duration syntax with units (`"5s"`, `"1m30s"`, `"250ms"`). Undefined when it is neither.
 */
export function policyDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (/^[-+]?\d+$/.test(t)) return Number(t);
  // A bare decimal ("1.5") has no unit: Go's time.ParseDuration rejects it.
  if (/^[-+]?[\d.]+$/.test(t)) return undefined;
  return parseDurationMs(t.startsWith('+') ? t.slice(1) : t);
}

/** Milliseconds as Go's time.Duration prints them ("500ms", "1.5s", "1m30s", "1h0m0s"). */
export function goDuration(ms: number): string {
  let ns = Math.round(ms * 1e6);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  ns = Math.abs(ns);
  const frac = (n: number, digits: number) => {
    const whole = Math.floor(n / 10 ** digits);
    const rest = (n % 10 ** digits).toString().padStart(digits, '0').replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : `${whole}`;
  };
  if (ns < 1000) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${frac(ns, 3)}µs`;
  if (ns < 1e9) return `${sign}${frac(ns, 6)}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns % 3.6e12) / 6e10);
  const s = frac(ns % 6e10, 9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
