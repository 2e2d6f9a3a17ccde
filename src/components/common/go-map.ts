/**
 * A map as Go's encoding/json writes it (daprd answers with Go maps): keys in sorted order, each
 * value converted by `value` when given. The keys become own properties (`__proto__` included).
 */
export function goMap<V, W = V>(m: Record<string, V>, value?: (v: V) => W): Record<string, V | W> {
  const keys = Object.keys(m).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((k) => [k, value ? value(m[k]) : m[k]]));
}
