// Shared by the pub/sub bench processes: the 1 KB message, the clock, and the receiving side's
// bookkeeping (per-sequence delivery counts, publish-to-delivery latencies).
//
// Clock: process.hrtime.bigint() is CLOCK_MONOTONIC on Linux, the same clock in every process on
// the machine, so a publish time stamped in the load generator can be subtracted from a receive
// time read in the subscriber app. Times travel as integer nanoseconds (< 2^53 for ~100 days of
// uptime).

export const MSG_BYTES = 1024;
export const nowNs = () => Number(process.hrtime.bigint());

const PAD = 'x'.repeat(MSG_BYTES);

/** The JSON message: {"run","seq","t","pad"}, padded to exactly MSG_BYTES bytes. */
export function message(run, seq, tNs) {
  const head = `{"run":"${run}","seq":${seq},"t":${tNs},"pad":"`;
  return head + PAD.slice(0, MSG_BYTES - head.length - 2) + '"}';
}

/** Percentiles (ms) of a Float64Array of ms values (sorted in place). */
export function percentiles(values, n = values.length) {
  if (n === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN };
  const s = values.subarray(0, n).sort();
  const at = (p) => s[Math.min(n - 1, Math.floor((p / 100) * n))];
  return { n, p50: at(50), p90: at(90), p99: at(99), max: s[n - 1] };
}

/** A growable Float64Array. */
export class Samples {
  constructor(cap = 1 << 16) {
    this.a = new Float64Array(cap);
    this.n = 0;
  }
  push(v) {
    if (this.n === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  summary() {
    return percentiles(this.a, this.n);
  }
}

/**
 * The receiving side of one run: counts deliveries per sequence number and records
 * receive-time − publish-time. Messages of other runs (stragglers) are counted apart.
 */
export class Receiver {
  constructor() {
    this.reset('');
  }
  reset(run) {
    this.run = run;
    /** Called after each new delivery of this run (the publisher's backlog limit waits on it). */
    this.onDelivery = undefined;
    this.counts = new Uint8Array(1 << 16);
    this.e2e = new Samples();
    this.received = 0;
    this.dups = 0;
    this.foreign = 0;
    this.firstNs = 0;
    this.lastNs = 0;
  }
  /** One delivered message ({run, seq, t}). */
  record(m, recvNs = nowNs()) {
    if (m.run !== this.run) {
      this.foreign++;
      return;
    }
    const seq = m.seq;
    if (seq >= this.counts.length) {
      let len = this.counts.length;
      while (len <= seq) len *= 2;
      const c = new Uint8Array(len);
      c.set(this.counts);
      this.counts = c;
    }
    if (this.counts[seq] > 0) this.dups++;
    else {
      this.received++;
      this.onDelivery?.();
    }
    if (this.counts[seq] < 255) this.counts[seq]++;
    this.e2e.push((recvNs - m.t) / 1e6);
    if (this.firstNs === 0) this.firstNs = recvNs;
    this.lastNs = recvNs;
  }
  /** Progress only (cheap, for drain polling). */
  progress() {
    return { run: this.run, received: this.received, dups: this.dups, lastNs: this.lastNs };
  }
  /** The result: counts per seq (base64), latency percentiles. */
  collect() {
    return {
      run: this.run,
      received: this.received,
      dups: this.dups,
      foreign: this.foreign,
      firstNs: this.firstNs,
      lastNs: this.lastNs,
      e2e: this.e2e.summary(),
      counts: Buffer.from(this.counts.buffer, 0, this.counts.length).toString('base64'),
    };
  }
}

/** Losses and duplicates: `ok` (base64 bitmap-ish Uint8Array, 1 = publish answered 2xx) vs counts. */
export function reconcile(okB64, countsB64) {
  const ok = Buffer.from(okB64, 'base64');
  const counts = Buffer.from(countsB64, 'base64');
  let lost = 0;
  let published = 0;
  let extra = 0;
  for (let i = 0; i < ok.length; i++) {
    const c = i < counts.length ? counts[i] : 0;
    if (ok[i]) {
      published++;
      if (c === 0) lost++;
    } else if (c > 0) extra++; // delivered although the publish failed (allowed: at-least-once)
  }
  return { published, lost, deliveredOfFailed: extra };
}
