import * as z from 'zod';
import { md, parseComponentMetadata } from '../../common/metadata.js';
import { parseRedisSettings, type RedisConnectionSettings } from '../../common/redis/settings.js';

export interface RedisStateMetadata {
  connection: RedisConnectionSettings;
  /** Store-wide default TTL in seconds, applied when a request sets none (`ttlInSeconds`). */
  defaultTtlSeconds?: number;
}

/**
 * State-only fields. `queryIndexes` (RediSearch schemas for the query API) is accepted and ignored:
 * this store does not advertise QUERY_API.
 */
const stateSchema = z.object({
  ttlInSeconds: md.int().optional(),
  queryIndexes: md.string().optional(),
});

export function parseRedisStateMetadata(component: string, raw: Record<string, string>): RedisStateMetadata {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const state = parseComponentMetadata(component, stateSchema, present);
  return { connection: parseRedisSettings(component, raw, 'state'), defaultTtlSeconds: state.ttlInSeconds };
}
