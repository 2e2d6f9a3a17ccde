import { StateRequestError } from './errors.js';
import { rfc3339Seconds } from '../common/time.js';

/** Go's strconv.ParseInt syntax in base 10: an optional sign and digits, nothing else. */
const GO_INT = /^[+-]?\d+$/;
const MAX_INT32 = 2_147_483_647;

export interface TtlRules {
  /**
   * Take any negative value as "no expiry", as components-contrib's in-memory and redis stores do;
   * by default values below -1 (or above int32) are refused, as its shared ParseTTL (postgres, sqlite) does.
   */
  anyNegative?: boolean;
}

/**
 * Reads `ttlInSeconds` from request metadata (exact key, as every daprd store reads it). Undefined
 * when absent or empty; a value <= 0 means "no expiry", which on a write also clears a previous TTL.
 * A value that is not a base-10 integer is a request error (500 ERR_STATE_SAVE at the API).
 */
export function parseTtlSeconds(
  metadata: Record<string, string> | undefined,
  rules: TtlRules = {},
): number | undefined {
  const raw = metadata?.ttlInSeconds;
  if (raw === undefined || raw === '') return undefined;
  if (!GO_INT.test(raw))
    throw new StateRequestError(`incorrect value for metadata 'ttlInSeconds': '${raw}' is not an integer`);
  const n = Number(raw);
  if (!rules.anyNegative && (n < -1 || n > MAX_INT32))
    throw new StateRequestError(`incorrect value for metadata 'ttlInSeconds': must be -1 or greater`);
  return n;
}

/** RFC 3339 in UTC as Dapr renders `ttlExpireTime` (seconds precision, `Z`). */
export const formatExpireTime = rfc3339Seconds;
