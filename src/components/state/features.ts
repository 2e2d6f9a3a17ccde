/** Capabilities a state store may advertise; strings as Dapr's metadata API reports them. */
export const StateFeature = {
  ETAG: 'ETAG',
  TRANSACTIONAL: 'TRANSACTIONAL',
  TTL: 'TTL',
  QUERY_API: 'QUERY_API',
  DELETE_WITH_PREFIX: 'DELETE_WITH_PREFIX',
  KEYS_LIKE: 'KEYS_LIKE',
} as const;
export type StateFeature = (typeof StateFeature)[keyof typeof StateFeature];
