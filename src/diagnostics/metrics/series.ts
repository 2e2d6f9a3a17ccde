import type { MetricValue, MetricValueWithName } from 'prom-client';

/** What the registry reads from a metric at scrape time (prom-client's `get()` shape). */
interface Scraped {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  values: MetricValue<string>[];
  aggregator: 'sum';
}

/**
 * Counters and histograms whose hot path is a few number updates on a series bound once per label
 * set. prom-client's own `labels(...).inc()` hashes the label object on every call (≈10 µs per API
 * request for daprd's five HTTP series); these keep prom-client's registry and text format and only
 * replace the recording. They register as custom metrics: the registry calls `get()` at scrape time.
 */
export abstract class LabeledMetric<S = unknown> {
  private readonly series = new Map<string, { labels: Record<string, string>; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    /** `metrics.rules` of this metric: applied once per bound label set, before it is keyed. */
    private readonly rewrite?: (values: readonly string[]) => string[],
  ) {}

  /** The series of these label values (in `labelNames` order), created on first use. Cache it. */
  protected bindState(raw: readonly string[]): S {
    const values = this.rewrite ? this.rewrite(raw) : raw;
    const key = values.join('\u0000');
    let s = this.series.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      this.series.set(key, (s = { labels, state: this.newState() }));
    }
    return s.state;
  }

  protected abstract newState(): S;
  protected abstract valuesOf(labels: Record<string, string>, state: S): MetricValue<string>[];
  abstract readonly type: 'counter' | 'gauge' | 'histogram';

  get(): Scraped {
    const values: MetricValue<string>[] = [];
    for (const { labels, state } of this.series.values()) values.push(...this.valuesOf(labels, state));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum' };
  }
}

export interface CounterSeries {
  inc(by?: number): void;
}

export class LabeledCounter extends LabeledMetric<{ value: number }> {
  readonly type = 'counter';

  bind(values: readonly string[]): CounterSeries {
    const s = this.bindState(values);
    return { inc: (by = 1) => void (s.value += by) };
  }

  protected newState() {
    return { value: 0 };
  }

  protected valuesOf(labels: Record<string, string>, s: { value: number }): MetricValue<string>[] {
    return [{ labels, value: s.value }];
  }
}

export interface GaugeSeries {
  set(v: number): void;
}

export class LabeledGauge extends LabeledMetric<{ value: number }> {
  readonly type = 'gauge';

  bind(values: readonly string[]): GaugeSeries {
    const s = this.bindState(values);
    return { set: (v) => void (s.value = v) };
  }

  protected newState() {
    return { value: 0 };
  }

  protected valuesOf(labels: Record<string, string>, s: { value: number }): MetricValue<string>[] {
    return [{ labels, value: s.value }];
  }
}

export interface HistogramSeries {
  observe(v: number): void;
}

interface HistogramState {
  /** Per-bucket (non-cumulative) counts; the last slot is +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

export class LabeledHistogram extends LabeledMetric<HistogramState> {
  readonly type = 'histogram';
  private readonly upper: Float64Array;

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: number[],
    rewrite?: (values: readonly string[]) => string[],
  ) {
    super(name, help, labelNames, rewrite);
    this.upper = Float64Array.from([...new Set(buckets)].sort((a, b) => a - b));
  }

  bind(values: readonly string[]): HistogramSeries {
    const s = this.bindState(values);
    const upper = this.upper;
    return {
      observe: (v) => {
        // Binary search for the first bound >= v (Prometheus buckets are `le`).
        let lo = 0;
        let hi = upper.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (upper[mid] < v) lo = mid + 1;
          else hi = mid;
        }
        s.counts[lo]++;
        s.sum += v;
        s.count++;
      },
    };
  }

  protected newState(): HistogramState {
    return { counts: new Float64Array(this.upper.length + 1), sum: 0, count: 0 };
  }

  /** prom-client's histogram shape: cumulative `_bucket` lines with `le` first, then `_sum`, `_count`. */
  protected valuesOf(labels: Record<string, string>, s: HistogramState): MetricValueWithName<string>[] {
    const out: MetricValueWithName<string>[] = [];
    let cumulative = 0;
    const bucket = (le: string | number, i: number) => {
      cumulative += s.counts[i];
      out.push({
        metricName: `${this.name}_bucket`,
        labels: { le } as never,
        sharedLabels: labels,
        value: cumulative,
      } as MetricValueWithName<string>);
    };
    this.upper.forEach((le, i) => bucket(le, i));
    bucket('+Inf', this.upper.length);
    out.push({ metricName: `${this.name}_sum`, labels, value: s.sum });
    out.push({ metricName: `${this.name}_count`, labels, value: s.count });
    return out;
  }
}
