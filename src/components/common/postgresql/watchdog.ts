import { QUERY_TIMEOUT } from './errors.js';

/** The part of a node-postgres client the watchdog reads (pg 8 internals; pg is pinned). */
interface WatchedClient {
  _getActiveQuery?(): { callback?: (err: Error) => void } | null;
}

/**
 * The component `timeout` for every statement of a pool, enforced by one coarse timer that looks
 * at the pool's connections, instead of node-postgres' `query_timeout`, which arms and clears a
 * timer per query. Those per-query timers cost the state GET path about a quarter of its CPU
 * (measured: 0.72 → 0.89 of the baseline's throughput without them), mostly in garbage collection.
 *
 * A statement still running `timeout` after it was first seen fails for its caller exactly as with
 * `query_timeout` ("Query read timeout"; node-postgres then drops the connection when it goes back
 * to the pool). Detection is late by at most one tick: a tenth of the timeout, at most a second.
 */
export class QueryWatchdog {
  private readonly watched = new Map<WatchedClient, { query: object | null; since: number }>();
  private readonly tickMs: number;
  private timer?: NodeJS.Timeout;

  constructor(private readonly timeoutMs: number) {
    this.tickMs = Math.max(5, Math.min(1000, Math.floor(timeoutMs / 10)));
  }

  watch(client: object): void {
    this.watched.set(client as WatchedClient, { query: null, since: 0 });
    this.timer ??= setInterval(() => this.check(), this.tickMs).unref();
  }

  unwatch(client: object): void {
    this.watched.delete(client as WatchedClient);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const [client, seen] of this.watched) {
      const query = client._getActiveQuery?.() ?? null;
      if (query !== seen.query) {
        seen.query = query;
        seen.since = now;
      } else if (query && now - seen.since >= this.timeoutMs) {
        // As node-postgres' own timeout: answer the caller now, discard the late result.
        const callback = query.callback;
        query.callback = () => undefined;
        seen.query = null;
        callback?.(new Error(QUERY_TIMEOUT));
      }
    }
  }
}
