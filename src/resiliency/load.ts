import type { Logger } from '../diagnostics/logger.js';
import type { RawResource } from '../resources/loader.js';
import type { ResiliencyClock } from './clock.js';
import { ResiliencyPolicies } from './policies.js';
import { parseResiliencies } from './resource.js';

/**
 * The runtime's policies from the loaded Resiliency resources, logging what daprd logs: breaker
 * state changes at info, each retry at debug (never the request itself).
 */
export function loadResiliency(
  others: RawResource[],
  opts: { logger: Logger; clock?: ResiliencyClock },
): ResiliencyPolicies {
  const resources = parseResiliencies(others);
  const log = opts.logger.child({ scope: 'dapr.runtime.resiliency' });
  if (resources.length > 0)
    log.info(
      `loaded ${resources.length} resiliency configuration(s): ${resources.map((r) => r.metadata.name).join(', ')}`,
    );
  return new ResiliencyPolicies(resources, {
    clock: opts.clock,
    onBreakerStateChange: ({ breaker, from, to }) =>
      log.info({ breaker, from, to }, `Circuit breaker "${breaker}" changed state from ${from} to ${to}`),
    onRetry: ({ target, attempt, delayMs, err }) =>
      log.debug(
        { target, attempt, delayMs, err: err instanceof Error ? err.message : String(err) },
        `Error processing operation ${target}. Retrying in ${Math.round(delayMs)} ms`,
      ),
  });
}
