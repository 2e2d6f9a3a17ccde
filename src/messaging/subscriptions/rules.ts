import { parse } from '@marcbachmann/cel-js';
import type { RouteRule } from './types.js';

/** A subscription whose routing cannot be built; names the subscription. */
export class SubscriptionError extends Error {
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'SubscriptionError';
  }
}

/**
 * Compiles `routes.rules` (CEL over `event`, the CloudEvent) plus the default route, in order.
 * A rule that does not parse is an error naming the subscription. At evaluation, an expression that
 * errors (a missing field, a type mismatch) counts as not matching.
 */
export function compileRules(
  source: string,
  rules: { match?: string; path?: string }[],
  defaultPath?: string,
): RouteRule[] {
  const out: RouteRule[] = rules.map((r, i) => {
    if (!r.path) throw new SubscriptionError(source, `routes.rules[${i}] has no path`);
    const match = (r.match ?? '').trim();
    if (match === '') return { match: '', path: r.path };
    let evaluate: ReturnType<typeof parse>;
    try {
      evaluate = parse(match);
    } catch (err) {
      throw new SubscriptionError(
        source,
        `routes.rules[${i}].match '${match}' is not a valid expression: ${(err as Error).message.split('\n')[0]}`,
      );
    }
    return {
      match,
      path: r.path,
      test: (event) => {
        try {
          return evaluate({ event }) === true;
        } catch {
          return false;
        }
      },
    };
  });
  if (defaultPath) out.push({ match: '', path: defaultPath });
  return out;
}

/** The path for an event, or undefined when no rule matches. */
export function selectRoute(rules: RouteRule[], event: Record<string, unknown>): string | undefined {
  for (const r of rules) if (!r.test || r.test(event)) return r.path;
  return undefined;
}
