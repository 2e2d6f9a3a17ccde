import { compileRules, SubscriptionError } from './rules.js';
import type { BulkSubscribeSpec, SubscriptionSpec, SubscriptionType } from './types.js';

/** The fields both shapes share (daprd uses one struct for v1 and v2, programmatic and declarative). */
export interface RawSubscription {
  pubsubname?: unknown;
  topic?: unknown;
  route?: unknown;
  routes?: { rules?: unknown; default?: unknown } | null;
  deadLetterTopic?: unknown;
  metadata?: unknown;
  bulkSubscribe?: unknown;
}

/** True when the subscription names a route (`route`, `routes.default` or any `routes.rules`). */
export function hasRoute(raw: RawSubscription | null | undefined): boolean {
  if (!raw || typeof raw !== 'object') return true; // malformed: let normalizeSubscription say why
  const rules = raw.routes?.rules;
  return Boolean(raw.route) || Boolean(raw.routes?.default) || (Array.isArray(rules) && rules.length > 0);
}

/**
 * Turns a v1 (`route`) or v2 (`routes.rules` + `routes.default`) subscription into a spec.
 * `routes.default` takes precedence over `route`; a subscription with no route at all is an error.
 */
export function normalizeSubscription(
  raw: RawSubscription,
  source: string,
  type: SubscriptionType,
): SubscriptionSpec {
  const str = (v: unknown, field: string, required = false): string | undefined => {
    if (v === undefined || v === null || v === '') {
      if (required) throw new SubscriptionError(source, `${field} is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw new SubscriptionError(source, `${field} must be a string`);
    return v;
  };
  const pubsubName = str(raw.pubsubname, 'pubsubname', true)!;
  const topic = str(raw.topic, 'topic', true)!;
  const rulesRaw = raw.routes?.rules ?? [];
  if (!Array.isArray(rulesRaw)) throw new SubscriptionError(source, 'routes.rules must be a list');
  const defaultPath = str(raw.routes?.default, 'routes.default') ?? str(raw.route, 'route');
  const rules = compileRules(source, rulesRaw as { match?: string; path?: string }[], defaultPath);
  if (rules.length === 0)
    throw new SubscriptionError(source, `subscription to ${pubsubName}/${topic} has no route`);
  return {
    source,
    type,
    pubsubName,
    topic,
    rules,
    deadLetterTopic: str(raw.deadLetterTopic, 'deadLetterTopic'),
    metadata: stringMap(raw.metadata, source),
    bulkSubscribe: bulk(raw.bulkSubscribe, source),
  };
}

function stringMap(v: unknown, source: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v))
    throw new SubscriptionError(source, 'metadata must be a map of strings');
  return Object.fromEntries(Object.entries(v).map(([k, val]) => [k, String(val)]));
}

function bulk(v: unknown, source: string): BulkSubscribeSpec | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v))
    throw new SubscriptionError(source, 'bulkSubscribe must be an object');
  const b = v as { enabled?: unknown; maxMessagesCount?: unknown; maxAwaitDurationMs?: unknown };
  const enabled = b.enabled === true || b.enabled === 'true';
  if (!enabled) return undefined;
  // As daprd (GetIntValOrDefault), a limit that is absent, zero or negative is the default.
  const num = (x: unknown, def: number) => {
    const n = x === undefined || x === null ? 0 : Number(x);
    return n <= 0 ? def : n;
  };
  const spec = {
    enabled,
    maxMessagesCount: num(b.maxMessagesCount, 100),
    maxAwaitDurationMs: num(b.maxAwaitDurationMs, 1000),
  };
  if (Number.isNaN(spec.maxMessagesCount) || Number.isNaN(spec.maxAwaitDurationMs))
    throw new SubscriptionError(source, 'bulkSubscribe limits must be numbers');
  return spec;
}
