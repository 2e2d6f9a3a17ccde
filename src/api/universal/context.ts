import type { Logger } from '../../diagnostics/logger.js';
import type { Metrics } from '../../diagnostics/metrics/metrics.js';
import type { ComponentKind, PolicyRunner, ResiliencyProvider } from '../../resiliency/provider.js';
import type { CompStore } from '../../runtime/compstore.js';

/** What the universal API operations need from the runtime. */
export interface UniversalContext {
  appId: string;
  compStore: CompStore;
  resiliency: ResiliencyProvider;
  logger: Logger;
  /** Metrics an API operation records itself (bulk publish); component calls are instrumented in `resiliency`. */
  metrics?: Metrics;
}

/** Runners already resolved, per provider and kind (a provider's policies are fixed once it is built). */
const outboundRunners = new WeakMap<ResiliencyProvider, Map<ComponentKind, Map<string, PolicyRunner>>>();

/**
 * The outbound policy runner of a component, resolved once per provider instead of on every call:
 * resolving walks the reserved default policy names, which costs allocations on each request of a
 * hot path. The runtime swaps `ctx.resiliency` when resources load; the cache follows the provider.
 */
export function componentOutbound(ctx: UniversalContext, name: string, kind: ComponentKind): PolicyRunner {
  const provider = ctx.resiliency;
  let byKind = outboundRunners.get(provider);
  if (!byKind) outboundRunners.set(provider, (byKind = new Map()));
  let byName = byKind.get(kind);
  if (!byName) byKind.set(kind, (byName = new Map()));
  let run = byName.get(name);
  if (!run) byName.set(name, (run = provider.componentOutbound(name, kind)));
  return run;
}
