/**
 * The engine's wake-up times: a binary min-heap of (time, name) with one live entry per name.
 * Moving a name's time pushes a new entry and leaves the old one to be skipped when it surfaces,
 * so every operation is O(log n) in the number of jobs due soon, never in the number of jobs.
 */
export class DueQueue {
  private readonly heap: { at: number; name: string }[] = [];
  private readonly live = new Map<string, number>();

  get size(): number {
    return this.live.size;
  }

  /** Sets (or moves) when `name` is due. */
  set(name: string, at: number): void {
    if (this.live.get(name) === at) return;
    this.live.set(name, at);
    this.heap.push({ at, name });
    this.up(this.heap.length - 1);
    // Stale entries can pile up when times move often; rebuild once they dominate.
    if (this.heap.length > 64 && this.heap.length > this.live.size * 4) this.rebuild();
  }

  delete(name: string): void {
    this.live.delete(name);
  }

  /** The earliest live time, if any. */
  peek(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Removes and returns the names due at or before `now`. */
  popDue(now: number): string[] {
    const out: string[] = [];
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) return out;
      this.pop();
      this.live.delete(top.name);
      out.push(top.name);
    }
  }

  clear(): void {
    this.heap.length = 0;
    this.live.clear();
  }

  private dropStale(): void {
    while (this.heap.length > 0) {
      const top = this.heap[0];
      if (this.live.get(top.name) === top.at) return;
      this.pop();
    }
  }

  private rebuild(): void {
    this.heap.length = 0;
    for (const [name, at] of this.live) this.heap.push({ at, name });
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private pop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].at <= h[i].at) return;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < h.length && h[l].at < h[min].at) min = l;
      if (r < h.length && h[r].at < h[min].at) min = r;
      if (min === i) return;
      [h[min], h[i]] = [h[i], h[min]];
      i = min;
    }
  }
}
