/**
 * Dapr decodes resource YAML through Go's case-insensitive JSON field matching (so the docs'
 * `auth.secretstore` works). This renames keys of known fields to their canonical spelling.
 * Metadata item values are left untouched.
 */
const CANONICAL = [
  'apiVersion',
  'kind',
  'metadata',
  'name',
  'namespace',
  'auth',
  'secretStore',
  'spec',
  'type',
  'version',
  'initTimeout',
  'ignoreErrors',
  'value',
  'envRef',
  'secretKeyRef',
  'key',
  'scopes',
  'pubsubname',
  'topic',
  'route',
  'routes',
  'rules',
  'match',
  'path',
  'default',
  'deadLetterTopic',
  'bulkSubscribe',
  'enabled',
  'maxMessagesCount',
  'maxAwaitDurationMs',
];
const byLower = new Map(CANONICAL.map((k) => [k.toLowerCase(), k]));

export function canonicalizeKeys(node: unknown, depth = 0): unknown {
  if (Array.isArray(node)) return node.map((n) => canonicalizeKeys(n, depth + 1));
  if (node === null || typeof node !== 'object' || depth > 8) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    const canon = byLower.get(k.toLowerCase()) ?? k;
    // Free-form maps (subscription metadata) keep their keys.
    out[canon] = canon === 'metadata' && depth >= 1 && !Array.isArray(v) ? v : canonicalizeKeys(v, depth + 1);
  }
  return out;
}

/**
 * The named fields of a JSON object as Go's `encoding/json` fills a struct: a key matches a field
 * whatever its case (the JS SDK sends `entryID` for `entryId`), and a later key overwrites an earlier.
 */
export function goFields<K extends string>(
  obj: Record<string, unknown>,
  fields: readonly K[],
): Partial<Record<K, unknown>> {
  const lower = new Map<string, K>(fields.map((f) => [f.toLowerCase(), f]));
  const out: Partial<Record<K, unknown>> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = lower.get(k.toLowerCase());
    if (f !== undefined) out[f] = v;
  }
  return out;
}
