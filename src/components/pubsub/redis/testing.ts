import { createLogger } from '../../../diagnostics/logger.js';
import type { ComponentContext } from '../../component.js';
import type { MessageHandler, PubSubMessage } from '../interface.js';

const silent = createLogger({ appId: 'test', level: 'silent' });

/** A component context for broker tests (silent logger, real clock). */
export function testContext(type: string, metadata: Record<string, string>, appId = 'app'): ComponentContext {
  const base = { name: `${type.replace('pubsub.', '')}-test`, type, version: 'v1', appId, namespace: '' };
  return { ...base, metadata, logger: silent, dataDir: '/nonexistent', now: Date.now };
}

/** One handler call as an Inbox records it. */
export interface Delivery {
  msg: PubSubMessage;
  /** The payload as text, for readable assertions. */
  text: string;
  startedAt: number;
  endedAt?: number;
}

/**
 * A recording handler for broker tests: every call is kept; `behaviour` decides per call whether it
 * resolves, rejects or waits. Tracks the largest number of calls in flight at once.
 */
export class Inbox {
  readonly deliveries: Delivery[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private readonly waiters: { pred: () => boolean; resolve: () => void }[] = [];

  constructor(private behaviour: (d: Delivery, calls: number) => Promise<void> | void = () => undefined) {}

  /** Changes what later calls do. */
  set(behaviour: (d: Delivery, calls: number) => Promise<void> | void): void {
    this.behaviour = behaviour;
  }

  readonly handler: MessageHandler = async (msg) => {
    const d: Delivery = { msg, text: msg.data.toString('utf8'), startedAt: Date.now() };
    this.deliveries.push(d);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.notify();
    try {
      await this.behaviour(d, this.deliveries.filter((x) => x.text === d.text).length);
    } finally {
      this.inFlight--;
      d.endedAt = Date.now();
      this.notify();
    }
  };

  texts(): string[] {
    return this.deliveries.map((d) => d.text);
  }

  /** How many times each payload was delivered. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const t of this.texts()) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  }

  /** Resolves once `pred` holds (checked on every delivery start and end); rejects after `timeoutMs`. */
  until(pred: (inbox: this) => boolean, timeoutMs = 10_000): Promise<void> {
    if (pred(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(
          new Error(`inbox: condition not met within ${timeoutMs} ms (${this.deliveries.length} deliveries)`),
        );
      }, timeoutMs);
      const w = {
        pred: () => pred(this),
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(w);
    });
  }

  /** Waits for at least `n` deliveries. */
  count(n: number, timeoutMs?: number): Promise<void> {
    return this.until((i) => i.deliveries.length >= n, timeoutMs);
  }

  private notify(): void {
    for (const w of [...this.waiters]) {
      if (w.pred()) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}

/** Resolves after `ms`. */
export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
