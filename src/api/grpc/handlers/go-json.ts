/**
 * JSON text for a value daprd read with `json.Unmarshal` into `any` and hands to the store, which
 * marshals it again: compact, numbers as float64 (the same text as JavaScript's for doubles), and
 * object keys in Go map order: sorted by encoding/json (in-memory store), in any order by the Redis
 * store's jsoniter, so sorted here. HTML characters are left as they are (jsoniter's ConfigFastest;
 * encoding/json would escape them).
 */
export function goMarshal(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort(byUtf8);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${goMarshal(obj[k])}`).join(',')}}`;
}

/** Go sorts map keys by their bytes (UTF-8), which differs from UTF-16 order past the BMP. */
function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
