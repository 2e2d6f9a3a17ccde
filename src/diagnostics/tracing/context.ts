import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from './tracing.js';

/**
 * The span of the work in progress, carried across awaits. Only entered for recording spans, so
 * with tracing off the async context machinery is never switched on.
 */
const storage = new AsyncLocalStorage<Span>();

/** The current span, if the work in progress is being traced. */
export function currentSpan(): Span | undefined {
  return storage.getStore();
}

/** Runs `fn` with `span` as the current span (or just runs it when there is none). */
export function runWithSpan<T>(span: Span | undefined, fn: () => T): T {
  return span ? storage.run(span, fn) : fn();
}
