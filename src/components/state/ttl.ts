import { getMetadataValue } from '../common/metadata.js';
import { StateRequestError } from './errors.js';
import { rfc3339Seconds } from '../common/time.js';

/**
 * Reads `ttlInSeconds` from request metadata. Undefined when absent; `-1` (and any value <= 0)
 * means "no expiry", which on a write also clears a previous TTL. Non-integers are a request error.
 */
export function parseTtlSeconds(metadata: Record<string, string> | undefined): number | undefined {
  const raw = getMetadataValue(metadata, 'ttlInSeconds');
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n))
    throw new StateRequestError(`incorrect value for metadata 'ttlInSeconds': '${raw}' is not an integer`);
  if (n < -1)
    throw new StateRequestError(`incorrect value for metadata 'ttlInSeconds': ${n} must be -1 or greater`);
  return n;
}

/** RFC 3339 in UTC as Dapr renders `ttlExpireTime` (seconds precision, `Z`). */
export const formatExpireTime = rfc3339Seconds;
