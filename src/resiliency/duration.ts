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
