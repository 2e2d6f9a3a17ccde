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
 * A rule's expression failed on an event (a missing key, a type mismatch) or gave no boolean: as
 * daprd's findMatchingRoute, the delivery fails (dead-letter topic if any, else back to the broker).
 */
export class RouteMatchError extends Error {
  constructor(match: string, detail: string) {
    super(`error evaluating routing rule '${match}': ${detail}`);
    this.name = 'RouteMatchError';
  }
}

/**
 * Compiles `routes.rules` (CEL over `event`, the CloudEvent) plus the default route, in order.
 * A rule that does not parse is an error naming the subscription. At evaluation, an expression that
 * errors or yields no boolean throws a RouteMatchError (CEL's `&&`/`||` still absorb an error when
 * the other side decides, as cel-go does).
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
        let result: unknown;
        try {
          result = evaluate({ event });
        } catch (err) {
          throw new RouteMatchError(match, (err as Error).message.split('\n')[0] ?? '');
        }
        if (typeof result !== 'boolean')
          throw new RouteMatchError(match, 'the result of the match expression was not a boolean');
        return result;
      },
    };
  });
  if (defaultPath) out.push({ match: '', path: defaultPath });
  return out;
}

/** The path for an event, or undefined when no rule matches; throws a RouteMatchError as above. */
export function selectRoute(rules: RouteRule[], event: Record<string, unknown>): string | undefined {
  for (const r of rules) if (!r.test || r.test(event)) return r.path;
  return undefined;
}
