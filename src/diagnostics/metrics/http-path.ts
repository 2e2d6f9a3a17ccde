/**
 * The `path` label of daprd's HTTP server metrics, from the request's URL path:
 * - `metrics.http.pathMatching` patterns (`/orders/{id}`): the pattern a path matches;
 * - otherwise, with `increasedCardinality` (daprd's default), the path with its variable tail cut
 *   for the state and secrets APIs (`/v1.0/state/mystore`, not the key) and kept as is elsewhere;
 * - with `increasedCardinality: false`, no path at all ('').
 */
export interface HttpPathLabelOptions {
  /** `metrics.http.increasedCardinality` (default true). */
  increasedCardinality?: boolean;
  /** `metrics.http.pathMatching`. */
  pathMatching?: string[];
}

/** Paths daprd always reports as they are. */
const STATIC_PATHS = new Set(['/dapr/config', '/dapr/metrics', '/dapr/subscribe', '/healthz']);

export function httpPathLabeler(opts: HttpPathLabelOptions): (urlPath: string) => string {
  const legacy = opts.increasedCardinality ?? true;
  const patterns = (opts.pathMatching ?? []).map(compile);
  return (urlPath) => {
    if (legacy && patterns.length === 0) {
      const fast = stateOrSecretsStore(urlPath);
      if (fast !== undefined) return fast;
    }
    const path = normalize(decode(urlPath));
    if (STATIC_PATHS.has(path)) return path;
    const matched = bestMatch(patterns, path);
    if (matched !== undefined) return matched;
    return legacy ? lowCardinality(path) : '';
  };
}

/**
 * The hot path (every state call): `/<version>/state|secrets/<store>[/...]` with nothing to decode
 * or merge is cut without splitting; anything else goes the general way (same result).
 */
function stateOrSecretsStore(p: string): string | undefined {
  if (p.includes('%') || p.includes('//')) return undefined;
  const api = p.indexOf('/', 1);
  const store = api < 0 ? -1 : p.indexOf('/', api + 1);
  if (store < 0) return undefined;
  const name = p.slice(api + 1, store);
  if (name !== 'state' && name !== 'secrets') return undefined;
  if (store + 1 >= p.length) return undefined;
  const end = p.indexOf('/', store + 1);
  return end < 0 ? p : p.slice(0, end);
}

/** daprd's legacy reduction: `/v1.0/state/<store>/<key>` → `/v1.0/state/<store>` (same for secrets). */
function lowCardinality(path: string): string {
  const parts = path.slice(1).split('/');
  if (parts.length < 3) return path;
  if (parts[1] === 'state' || parts[1] === 'secrets') return '/' + parts.slice(0, 3).join('/');
  return path;
}

interface Pattern {
  text: string;
  segments: string[];
  literals: number;
}

function compile(text: string): Pattern {
  const segments = normalize(text).slice(1).split('/');
  return { text, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
}

/** The matching pattern with the most literal segments (the most specific, as Go's ServeMux picks). */
function bestMatch(patterns: Pattern[], path: string): string | undefined {
  const parts = path.slice(1).split('/');
  let best: Pattern | undefined;
  for (const p of patterns) if (matches(p, parts) && (!best || p.literals > best.literals)) best = p;
  return best?.text;
}

function matches(p: Pattern, parts: string[]): boolean {
  for (let i = 0; i < p.segments.length; i++) {
    const seg = p.segments[i];
    if (/^\{[^}]*\.\.\.\}$/.test(seg)) return true;
    if (i >= parts.length) return false;
    if (seg.startsWith('{') && seg.endsWith('}')) {
      if (parts[i] === '') return false;
      continue;
    }
    if (seg !== parts[i]) return false;
  }
  return p.segments.length === parts.length;
}

function normalize(p: string): string {
  const merged = p.replace(/\/{2,}/g, '/');
  return merged.startsWith('/') ? merged : '/' + merged;
}

function decode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
