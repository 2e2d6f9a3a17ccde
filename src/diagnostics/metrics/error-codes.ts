/**
 * The `category` label of `dapr_error_code_total`, as daprd's errorcodes catalogue files each
 * code (pkg/messages/errorcodes): by building block, `common` for the API-wide ones.
 */
const EXACT: Record<string, string> = {
  ERR_MALFORMED_REQUEST: 'state',
  ERR_NOT_SUPPORTED_STATE_OPERATION: 'state',
  ERR_PERMISSION_DENIED: 'secret',
  ERR_DIRECT_INVOKE: 'service-invocation',
  ERR_PUBLISH_OUTBOX: 'pubsub',
  ERR_TOPIC_NAME_EMPTY: 'pubsub',
};

const PREFIXES: [string, string][] = [
  ['ERR_STATE_', 'state'],
  ['ERR_PUBSUB_', 'pubsub'],
  ['ERR_SECRET', 'secret'],
  ['ERR_HEALTH_', 'health'],
  ['ERR_OUTBOUND_HEALTH_', 'health'],
  ['DAPR_SCHEDULER_', 'job'],
  ['ERR_LOCK_', 'lock'],
  ['ERR_TRY_LOCK', 'lock'],
  ['ERR_UNLOCK', 'lock'],
  ['ERR_CONFIGURATION_', 'configuration'],
  ['ERR_INVOKE_OUTPUT_BINDING', 'binding'],
  ['ERR_ACTOR_', 'actor'],
  ['ERR_CRYPTO', 'crypto'],
  ['DAPR_STATE_', 'state'],
  ['DAPR_PUBSUB_', 'pubsub'],
];

export function errorCategory(code: string): string {
  const exact = EXACT[code];
  if (exact) return exact;
  for (const [prefix, category] of PREFIXES) if (code.startsWith(prefix)) return category;
  return 'common';
}
