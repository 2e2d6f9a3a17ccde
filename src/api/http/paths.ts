/** HTTP API routes, in one place. */
export const V1 = '/v1.0';
export const ALPHA1 = '/v1.0-alpha1';

export const Paths = {
  stateStore: `${V1}/state/:storeName`,
  stateKey: `${V1}/state/:storeName/:key`,
  stateBulk: `${V1}/state/:storeName/bulk`,
  stateTransaction: `${V1}/state/:storeName/transaction`,
  stateQueryAlpha: `${ALPHA1}/state/:storeName/query`,
  publish: `${V1}/publish/:pubsubName/*`,
  publishNoTopic: `${V1}/publish/:pubsubName`,
  bulkPublish: `${V1}/publish/bulk/:pubsubName/*`,
  bulkPublishAlpha: `${ALPHA1}/publish/bulk/:pubsubName/*`,
  secretsBulk: `${V1}/secrets/:secretStoreName/bulk`,
  secretKey: `${V1}/secrets/:secretStoreName/:key`,
  /** daprts extension (seed 003): one key of a multi-key secret. daprd has no such route. */
  secretKeyField: `${V1}/secrets/:secretStoreName/:key/:field`,
  jobs: `${V1}/jobs/:name`,
  jobsAlpha: `${ALPHA1}/jobs/:name`,
  metadata: `${V1}/metadata`,
  metadataKey: `${V1}/metadata/:key`,
  healthz: `${V1}/healthz`,
  healthzOutbound: `${V1}/healthz/outbound`,
  shutdown: `${V1}/shutdown`,
} as const;

/** Routes that answer without the API token (daprd exempts health). */
export const TOKEN_EXEMPT: ReadonlySet<string> = new Set([Paths.healthz, Paths.healthzOutbound]);
