import type { Logger } from '../diagnostics/logger.js';
import type { RawResource } from '../resources/loader.js';
import type { ResiliencyClock } from './clock.js';
import { goDuration } from './duration.js';
import { ResiliencyPolicies } from './policies.js';
import { parseResiliencies } from './resource.js';

/**
 * The runtime's policies from the loaded Resiliency resources, logging what daprd logs: breaker
 * state changes at info, retries at warn (once per call) and debug (never the request itself).
 */
export function loadResiliency(
  others: RawResource[],
  opts: { logger: Logger; clock?: ResiliencyClock },
): ResiliencyPolicies {
  const log = opts.logger.child({ scope: 'dapr.runtime.resiliency' });
  // Like daprd, a Resiliency that cannot be used is logged and skipped; the sidecar still starts.
  const resources = parseResiliencies(others, (err) =>
    log.error(`Could not parse resiliency file ${err.message}`),
  );
  for (const r of resources) log.info(`Loading Resiliency configuration: ${r.metadata.name}`);
  return new ResiliencyPolicies(resources, {
    clock: opts.clock,
    onProblem: (level, message) => log[level](message),
    onBreakerStateChange: ({ breaker, from, to }) =>
      log.info({ breaker, from, to }, `Circuit breaker "${breaker}" changed state from ${from} to ${to}`),
    // As daprd: a warning on the first retry of a call, the error itself at debug, and a line
    // when a call that needed retries succeeds.
    onRetry: ({ target, attempt, delayMs, err }) => {
      if (attempt === 1)
        log.warn(`Error processing operation ${target}. Retrying in ${goDuration(delayMs)}…`);
      log.debug(
        { target, attempt, err: err instanceof Error ? err.message : String(err) },
        `Error for operation ${target} was: ${err instanceof Error ? err.message : String(err)}`,
      );
    },
    onRecovered: ({ target, attempts }) =>
      log.info(`Recovered processing operation ${target} after ${attempts} attempts`),
  });
}
