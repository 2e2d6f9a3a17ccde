import type { CallInfo, ComponentKind, PolicyRunner, ResiliencyProvider } from '../resiliency/provider.js';
import type { ComponentBlock, Metrics } from './metrics/metrics.js';
import { currentSpan } from './tracing/context.js';
import type { SpanAttributes, SpanKind, Tracing } from './tracing/tracing.js';

const BLOCK: Partial<Record<ComponentKind, ComponentBlock>> = {
  state: 'state',
  secretstores: 'secret',
  pubsub: 'pubsub_egress',
};

/** The span of one component call, with the attributes daprd puts on its API spans. */
function spanOf(
  kind: ComponentKind,
  name: string,
  call: CallInfo,
): { name: string; kind: SpanKind; attributes: SpanAttributes } {
  switch (kind) {
    case 'pubsub':
      return {
        name: `${call.topic ?? ''} ${call.operation}`.trim(),
        kind: 'producer',
        attributes: {
          'messaging.system': 'pubsub',
          'messaging.destination.name': call.topic ?? '',
          'messaging.operation': call.operation,
          'dapr.component': name,
        },
      };
    case 'secretstores':
      return {
        name: `${call.operation} ${name}`,
        kind: 'client',
        attributes: {
          'db.system': 'secrets',
          'db.name': name,
          'db.statement': call.operation,
          'dapr.component': name,
        },
      };
    default:
      return {
        name: `${call.operation} ${name}`,
        kind: 'client',
        attributes: {
          'db.system': kind === 'state' ? 'state' : kind,
          'db.name': name,
          'db.statement': call.operation,
          'dapr.component': name,
        },
      };
  }
}

/**
 * Wraps a resiliency provider so that every outbound component call that names its operation
 * (`run(op, { operation: 'get' })`) gets a child span of the current API span and daprd's
 * component metrics (`dapr_component_state_count{operation,success}`...). The span covers the
 * whole call, retries included. With tracing and metrics both off, the provider is returned as is.
 */
export function instrumentResiliency(
  inner: ResiliencyProvider,
  obs: { tracing: Tracing; metrics: Metrics },
): ResiliencyProvider {
  const { tracing, metrics } = obs;
  if (!tracing.enabled && !metrics.enabled) return inner;
  const wrap = (name: string, kind: ComponentKind, run: PolicyRunner): PolicyRunner => {
    const block = BLOCK[kind];
    return async <T>(op: (signal: AbortSignal | undefined) => Promise<T>, call?: CallInfo): Promise<T> => {
      if (!call) return run(op);
      const parent = tracing.enabled ? currentSpan() : undefined;
      let span = undefined;
      if (parent) {
        const s = spanOf(kind, name, call);
        span = tracing.startChild(s.name, parent, { kind: s.kind, attributes: s.attributes });
      }
      const counted = block !== undefined && metrics.enabled && !call.bulk;
      const started = counted ? performance.now() : 0;
      try {
        const result = await run(op);
        if (counted)
          metrics.componentCall(block, name, call.operation, true, performance.now() - started, call.topic);
        return result;
      } catch (err) {
        if (counted)
          metrics.componentCall(block, name, call.operation, false, performance.now() - started, call.topic);
        span?.recordError(err);
        throw err;
      } finally {
        span?.end();
      }
    };
  };
  const cache = new Map<string, PolicyRunner>();
  return {
    componentOutbound: (name, kind) => {
      const key = `${kind}\u0000${name}`;
      let run = cache.get(key);
      if (!run) cache.set(key, (run = wrap(name, kind, inner.componentOutbound(name, kind))));
      return run;
    },
    // Deliveries are instrumented where the app's answer is known (messaging/delivery).
    componentInbound: (name, kind) => inner.componentInbound(name, kind),
    app: inner.app ? (appId) => inner.app!(appId) : undefined,
  };
}
