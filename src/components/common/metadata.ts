import * as z from 'zod';

/** Raised when a component's metadata does not validate; names the component and the field. */
export class ComponentMetadataError extends Error {
  constructor(
    readonly component: string,
    readonly field: string,
    message: string,
  ) {
    super(`component ${component}: invalid metadata field '${field}': ${message}`);
    this.name = 'ComponentMetadataError';
  }
}

/**
 * Parses a Go-style duration ("20s", "1h30m", "500ms", "1.5h") or a bare number of seconds (Dapr's
 * `timeoutInSeconds` style). Returns milliseconds; undefined when the text is not a duration.
 */
export function parseDurationMs(
  text: string,
  bareUnit: 'seconds' | 'milliseconds' = 'seconds',
): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * (bareUnit === 'seconds' ? 1000 : 1);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  let sign = 1;
  let rest = t;
  if (rest.startsWith('-')) {
    sign = -1;
    rest = rest.slice(1);
  }
  let total = 0;
  let matched = 0;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) {
    total += Number(m[1]) * units[m[2]];
    matched = re.lastIndex;
  }
  if (matched !== rest.length || matched === 0) return undefined;
  return sign * total;
}

const TRUTHY = ['true', '1', 't', 'yes', 'y', 'on'];

/** dapr/kit's IsTruthy: a metadata flag that is on ("true", "1", "yes", "on", ...; any case). */
export function isTruthy(v: string | undefined): boolean {
  return TRUTHY.includes((v ?? '').trim().toLowerCase());
}

/** zod pieces for component metadata, whose values arrive as strings. */
export const md = {
  string: () => z.string(),
  /** A boolean written as "true"/"false"/"1"/"0" (Go's strconv.ParseBool). */
  bool: () =>
    z.union([z.boolean(), z.string()]).transform((v, ctx) => {
      if (typeof v === 'boolean') return v;
      const s = v.trim().toLowerCase();
      if (TRUTHY.includes(s)) return true;
      if (['false', '0', 'f', 'no', 'n', 'off', ''].includes(s)) return false;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${v}' is not a boolean` });
      return z.NEVER;
    }),
  int: () =>
    z.union([z.number(), z.string()]).transform((v, ctx) => {
      const n = typeof v === 'number' ? v : Number(v.trim());
      if (!Number.isInteger(n)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${v}' is not an integer` });
        return z.NEVER;
      }
      return n;
    }),
  /** A duration in ms from "20s", "1h", or bare seconds (or bare ms when `bareUnit` says so). */
  duration: (bareUnit: 'seconds' | 'milliseconds' = 'seconds') =>
    z.union([z.number(), z.string()]).transform((v, ctx) => {
      const ms =
        typeof v === 'number' ? v * (bareUnit === 'seconds' ? 1000 : 1) : parseDurationMs(v, bareUnit);
      if (ms === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `'${v}' is not a duration (e.g. "20s", "1h" or seconds)`,
        });
        return z.NEVER;
      }
      return ms;
    }),
};

/**
 * Validates raw string metadata against a zod object schema. Keys match case-insensitively, and
 * `aliases` maps alternative names (lower-cased) to schema keys, as Dapr's metadata decoder does.
 * Keys the schema does not know are ignored (runtime-level keys such as `keyPrefix` pass through here).
 */
export function parseComponentMetadata<S extends z.ZodObject<z.ZodRawShape>>(
  component: string,
  schema: S,
  raw: Record<string, string>,
  aliases: Record<string, string> = {},
): z.output<S> {
  const byLower = new Map<string, string>();
  for (const key of Object.keys(schema.shape)) byLower.set(key.toLowerCase(), key);
  for (const [alias, target] of Object.entries(aliases)) byLower.set(alias.toLowerCase(), target);
  const input: Record<string, string> = {};
  // Canonical names win over aliases when both are present.
  const entries = Object.entries(raw).sort(
    ([a], [b]) => Number(byLower.get(a.toLowerCase()) === a) - Number(byLower.get(b.toLowerCase()) === b),
  );
  for (const [k, v] of entries) {
    const target = byLower.get(k.toLowerCase());
    if (target !== undefined) input[target] = v;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ComponentMetadataError(component, issue.path.join('.') || '(root)', issue.message);
  }
  return parsed.data;
}

/** Case-insensitive lookup in a metadata map. */
export function getMetadataValue(raw: Record<string, string> | undefined, name: string): string | undefined {
  if (!raw) return undefined;
  if (Object.hasOwn(raw, name)) return raw[name];
  const lower = name.toLowerCase();
  // for..in, not Object.entries: called several times per published message (cloudevent.* overrides).
  for (const k in raw) if (Object.hasOwn(raw, k) && k.toLowerCase() === lower) return raw[k];
  return undefined;
}
