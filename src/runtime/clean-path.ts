/**
 * The path daprd's HTTP app channel calls for a method (`constructRequest`): Go's `path.Clean`
 * (duplicate slashes, `.` and `..` segments resolved, no trailing slash), then a leading `/`.
 * So a subscription route `/orders/` is delivered to `/orders`, `a//b/../c` to `/a/c`.
 */
export function appPath(method: string): string {
  const cleaned = goPathClean(method);
  if (cleaned === '.') return '/';
  return cleaned.startsWith('/') ? cleaned : `/${cleaned}`;
}

/** Go's `path.Clean`. */
export function goPathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(seg);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}
