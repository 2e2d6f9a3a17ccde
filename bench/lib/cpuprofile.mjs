// Summary of a V8 .cpuprofile (node --cpu-prof): self time by module and by function, as shares of
// the busy (non-idle) samples, plus inclusive ("total") time for functions of the project's own
// code (src/ or dist/). Same grouping as bench/profile.mjs.

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

export function summarizeProfile(file, root, top = 25) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = new Map();
  for (const id of prof.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const total = prof.samples.length;
  const moduleOf = (url) => {
    if (!url) return '(native / V8)';
    if (url.startsWith('node:'))
      return url
        .replace(/^node:internal\/(deps\/)?/, 'node:')
        .split('/')
        .slice(0, 2)
        .join('/');
    const p = url.replace('file://', '');
    const nm = p.lastIndexOf('node_modules/');
    if (nm >= 0) {
      const rest = p.slice(nm + 13);
      return rest
        .split('/')
        .slice(0, rest.startsWith('@') ? 2 : 1)
        .join('/');
    }
    return relative(root, p);
  };
  const nameOf = (cf) =>
    `${cf.functionName || '(anonymous)'} ${cf.url ? `${moduleOf(cf.url)}:${cf.lineNumber + 1}` : ''}`.trim();
  const self = new Map();
  const inclusive = new Map();
  const byModule = new Map();
  const special = ['(idle)', '(program)', '(garbage collector)'];
  for (const [id, n] of counts) {
    const cf = byId.get(id).callFrame;
    self.set(nameOf(cf), (self.get(nameOf(cf)) ?? 0) + n);
    const mod = special.includes(cf.functionName) ? cf.functionName : moduleOf(cf.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + n);
    // Inclusive time of project functions: every distinct project frame on the stack.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur).callFrame;
      if (!/\/(src|dist)\//.test(f.url) || f.url.includes('node_modules')) continue;
      const k = nameOf(f);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + n);
    }
  }
  const busy = total - (byModule.get('(idle)') ?? 0);
  const share = (n) => (100 * n) / busy;
  const sorted = (m, filter = () => true) =>
    [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, n]) => ({ name: k, pct: share(n) }));
  return {
    samples: total,
    busyPct: (100 * busy) / total,
    byModule: sorted(byModule, (k) => k !== '(idle)'),
    bySelf: sorted(self, (k) => !k.startsWith('(idle)')),
    byInclusive: sorted(inclusive),
  };
}
