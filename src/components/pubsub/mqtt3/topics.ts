/** MQTT topic filters: shared-subscription prefixes and wildcard matching (MQTT 3.1.1 §4.7). */

const SHARED = /^\$share\/[^/+#]+\/(.+)$/;

/** The filter messages arrive on: `$share/<group>/a/b` delivers messages published to `a/b`. */
export function deliveredFilter(filter: string): string {
  return SHARED.exec(filter)?.[1] ?? filter;
}

/**
 * Whether a topic name matches a filter: `+` is one level, a trailing `#` is any number of levels
 * (including none: `a/#` matches `a`), and wildcards at the first level do not match `$` topics.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if (!filter.includes('+') && !filter.includes('#')) return false;
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
