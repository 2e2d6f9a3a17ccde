import type { Logger } from '../../diagnostics/logger.js';
import type { AppChannel } from '../../runtime/app-channel.js';
import { canonicalizeKeys } from '../../resources/case-insensitive.js';
import { hasRoute, normalizeSubscription, type RawSubscription } from './normalize.js';
import type { SubscriptionSpec } from './types.js';

export const SUBSCRIBE_SOURCE = 'GET /dapr/subscribe';

/**
 * Asks the app for its subscriptions (`GET /dapr/subscribe`, with daprd's built-in initialisation
 * retries: 3 tries, exponential from 500 ms). As daprd, only a 200 is read (an empty or `null` body
 * is none); 404 means none; any other status is logged as an error, none.
 * An entry that does not parse is an error naming it: routing rules must not be silently dropped.
 */
export async function programmaticSubscriptions(
  channel: AppChannel,
  appId: string,
  logger: Logger,
): Promise<SubscriptionSpec[]> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
    try {
      const res = await channel.request({
        method: 'GET',
        path: '/dapr/subscribe',
        headers: { 'dapr-app-id': appId },
      });
      if (res.status === 404) return [];
      if (res.status !== 200) {
        logger.error(
          { status: res.status },
          `app returned http status code ${res.status} from subscription endpoint; no programmatic subscriptions`,
        );
        return [];
      }
      const text = res.body.toString('utf8').trim();
      if (text === '') return [];
      const list = JSON.parse(text) as unknown;
      if (list === null) return [];
      if (!Array.isArray(list)) throw new Error('GET /dapr/subscribe must return a JSON array');
      const specs: SubscriptionSpec[] = [];
      for (const [i, item] of list.entries()) {
        // Field names match whatever their case, as Go decodes them (`pubsubName`, `deadlettertopic`).
        const raw = canonicalizeKeys(item, 1) as RawSubscription;
        // daprd drops an entry without any route (with a warning) and keeps the others.
        if (!hasRoute(raw)) {
          logger.warn(
            { topic: raw?.topic },
            'subscription has no route; removed from the subscriptions list',
          );
          continue;
        }
        specs.push(normalizeSubscription(raw, `${SUBSCRIBE_SOURCE} [${i}]`, 'PROGRAMMATIC'));
      }
      return specs;
    } catch (err) {
      if ((err as Error).name === 'SubscriptionError') throw err;
      lastErr = err;
    }
  }
  logger.warn({ err: lastErr }, 'could not read the app subscriptions (GET /dapr/subscribe); none');
  return [];
}
