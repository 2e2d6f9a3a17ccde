import { isJsonObject } from '../../components/common/json-object.js';
import type { RawResource } from '../../resources/loader.js';
import { ResourceError } from '../../resources/errors.js';
import { normalizeSubscription, type RawSubscription } from './normalize.js';
import type { SubscriptionSpec } from './types.js';

const VERSIONS = new Set(['dapr.io/v1alpha1', 'dapr.io/v2alpha1']);

/** `Subscription` resources (v1alpha1 `route`, v2alpha1 `routes`) from the resources path. */
export function declarativeSubscriptions(raw: RawResource[]): SubscriptionSpec[] {
  return raw
    .filter((r) => r.kind === 'Subscription')
    .map((r) => {
      const where = `Subscription "${r.name}"`;
      if (!VERSIONS.has(String(r.doc.apiVersion)))
        throw new ResourceError(r.file, where, 'apiVersion', 'must be dapr.io/v1alpha1 or dapr.io/v2alpha1');
      const spec = r.doc.spec;
      if (!spec || typeof spec !== 'object')
        throw new ResourceError(r.file, where, 'spec', 'spec is required');
      try {
        return normalizeSubscription(
          withBulkSubscribeObject(spec as RawSubscription),
          `${r.file}: ${where}`,
          'DECLARATIVE',
        );
      } catch (err) {
        throw new ResourceError(
          r.file,
          where,
          'spec',
          (err as Error).message.replace(`${r.file}: ${where}: `, ''),
        );
      }
    });
}

/**
 * The docs' v1alpha1 Subscription sample writes `bulkSubscribe` as a list of one-key maps
 * (`- enabled: true`, `- maxMessagesCount: 10`): read as the one object they spell out.
 */
function withBulkSubscribeObject(spec: RawSubscription): RawSubscription {
  const b = spec.bulkSubscribe;
  const items = Array.isArray(b) ? (b as unknown[]) : undefined;
  if (!items?.every(isJsonObject)) return spec;
  return { ...spec, bulkSubscribe: Object.assign({}, ...items) as unknown };
}
