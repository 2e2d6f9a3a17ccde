/** One `metrics.rules` entry of the Configuration (as parsed). */
export interface MetricRule {
  name: string;
  labels?: { name: string; regex?: Record<string, string> | null }[] | null;
}

/** A label value rewrite: every match of the regex is replaced by the rule's key. */
type Rewrite = [regex: RegExp, replacement: string];

/**
 * The Configuration's `metrics.rules`, as daprd applies them: a rule names a metric
 * (`dapr_http_server_request_count`) and, per label, `replacement: regex` pairs; each pair replaces
 * every match in that label's value (`orders/a746dhsk` with `"orders/": "orders/.+"` → `orders/`).
 * Returns the rewriter of one metric's label values, or undefined when no rule names it. A regex
 * that does not compile throws (daprd does not start its metrics then).
 */
export function metricRules(
  rules: MetricRule[] | null | undefined,
): (metric: string, labelNames: readonly string[]) => ((values: readonly string[]) => string[]) | undefined {
  const byMetric = new Map<string, Map<string, Rewrite[]>>();
  for (const rule of rules ?? []) {
    const key = metricKey(rule.name);
    const labels = byMetric.get(key) ?? new Map<string, Rewrite[]>();
    for (const label of rule.labels ?? []) {
      // As in daprd, a later rule for the same metric and label replaces the earlier one.
      labels.set(
        label.name,
        Object.entries(label.regex ?? {}).map(([replacement, pattern]) => {
          try {
            return [goRegExp(pattern), replacement];
          } catch (err) {
            throw new Error(
              `failed to compile regex for rule ${rule.name}/${label.name}: ${(err as Error).message}`,
              { cause: err },
            );
          }
        }),
      );
    }
    byMetric.set(key, labels);
  }
  return (metric, labelNames) => {
    const labels = byMetric.get(metricKey(metric));
    if (!labels) return undefined;
    const perLabel = labelNames.map((n) => labels.get(n));
    if (perLabel.every((r) => r === undefined)) return undefined;
    return (values) =>
      values.map((v, i) =>
        // daprd leaves empty values out of the series, so rules never see them.
        v === '' ? v : (perLabel[i] ?? []).reduce((out, [re, to]) => out.replace(re, to), v),
      );
  };
}

/** daprd matches rule names without the `dapr_` prefix and with `/` and `_` alike. */
function metricKey(name: string): string {
  return name.replace('dapr_', '').replaceAll('/', '_');
}

/** Go's leading inline flags (`(?i)`, `(?is)`) as JavaScript flags; JavaScript has no inline form. */
function goRegExp(pattern: string): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  if (!inline) return new RegExp(pattern, 'g');
  return new RegExp(pattern.slice(inline[0].length), 'g' + [...new Set(inline[1])].join(''));
}
