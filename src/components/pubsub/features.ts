/** Capabilities a pub/sub component may advertise (daprd's pubsub.Feature strings). */
export const PubSubFeature = {
  /** The broker expires messages itself (publish metadata `ttlInSeconds` passed through). */
  MESSAGE_TTL: 'MESSAGE_TTL',
  SUBSCRIBE_WILDCARDS: 'SUBSCRIBE_WILDCARDS',
  BULK_PUBLISH: 'BULK_PUBLISH',
} as const;
export type PubSubFeature = (typeof PubSubFeature)[keyof typeof PubSubFeature];
