import { DaprError, GrpcCode, errorInfo, errorMessage, helpLink, resourceInfo } from './dapr-error.js';

/**
 * The catalogue of API errors, one factory per code. Codes, statuses and messages follow
 * daprd (pkg/messages/predefined.go, pkg/api/errors/*.go). The codes are API contract:
 * `catalogue.test.ts` checks that each factory yields its own code.
 */
export const Errors = {
  // ### Common
  malformedRequest: (msg: string, reason?: string) =>
    new DaprError({
      errorCode: 'ERR_MALFORMED_REQUEST',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `failed deserializing HTTP body: ${msg}`,
      details: reason ? [errorInfo(reason)] : undefined,
    }),
  badRequest: (msg: string) =>
    new DaprError({
      errorCode: 'ERR_BAD_REQUEST',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: msg,
    }),
  bodyRead: (msg: string) =>
    new DaprError({
      errorCode: 'ERR_BODY_READ',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: msg,
    }),
  /**
   * daprd caps bodies with a LimitReadCloser: the read fails with "stream too large" and the handler
   * reports it as its own read/parse error, always a 400 (ERR_BODY_READ here; JSON routes turn it
   * into ERR_MALFORMED_REQUEST as daprd's json.Decoder does).
   */
  bodyTooLarge: (limit: number) =>
    new DaprError({
      errorCode: 'ERR_BODY_READ',
      httpStatus: 400,
      grpcCode: GrpcCode.RESOURCE_EXHAUSTED,
      message: `failed to read request body: stream too large (the limit is ${limit} bytes)`,
    }),
  notFound: (path: string) =>
    new DaprError({
      errorCode: 'ERR_NOT_FOUND',
      httpStatus: 404,
      grpcCode: GrpcCode.NOT_FOUND,
      message: `the path ${path} does not exist on this runtime`,
    }),
  /** daprd's answer to a path no route matches: its fallback is service invocation by `dapr-app-id`. */
  directInvokeNoAppId: () =>
    new DaprError({
      errorCode: 'ERR_DIRECT_INVOKE',
      httpStatus: 404,
      grpcCode: GrpcCode.NOT_FOUND,
      message: 'failed getting app id either from the URL path or the header dapr-app-id',
    }),
  methodNotAllowed: (method: string, path: string) =>
    new DaprError({
      errorCode: 'ERR_METHOD_NOT_ALLOWED',
      httpStatus: 405,
      grpcCode: GrpcCode.UNIMPLEMENTED,
      message: `method ${method} is not allowed on ${path}`,
    }),
  internal: (err: unknown) =>
    new DaprError({
      errorCode: 'ERR_INTERNAL',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `internal error: ${errorMessage(err)}`,
      cause: err,
    }),
  apiUnimplemented: (what: string) =>
    new DaprError({
      errorCode: 'ERR_API_UNIMPLEMENTED',
      httpStatus: 501,
      grpcCode: GrpcCode.UNIMPLEMENTED,
      message: `${what} is not implemented`,
    }),

  // ### Health
  /**
   * daprd formats its unhealthy health targets into the message (`dapr is not ready: [runtime]`);
   * while the API answers, the one still pending is `runtime` (components, then the app port).
   */
  healthNotReady: (unhealthyTargets: readonly string[] = ['runtime']) =>
    new DaprError({
      errorCode: 'ERR_HEALTH_NOT_READY',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `dapr is not ready: [${unhealthyTargets.join(' ')}]`,
    }),
  outboundHealthNotReady: () =>
    new DaprError({
      errorCode: 'ERR_OUTBOUND_HEALTH_NOT_READY',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: 'dapr outbound is not ready',
    }),
  healthAppIdNotMatch: () =>
    new DaprError({
      errorCode: 'ERR_HEALTH_APPID_NOT_MATCH',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: 'dapr app-id does not match',
    }),

  // ### State management
  stateStoresNotConfigured: (appId: string, name = '') =>
    new DaprError({
      errorCode: 'ERR_STATE_STORE_NOT_CONFIGURED',
      httpStatus: 500,
      grpcCode: GrpcCode.FAILED_PRECONDITION,
      message: name ? `state store ${name} is not configured` : 'state store is not configured',
      details: [errorInfo('DAPR_STATE_NOT_CONFIGURED', { appID: appId })],
    }),
  stateStoreNotFound: (name: string, appId: string) =>
    new DaprError({
      errorCode: 'ERR_STATE_STORE_NOT_FOUND',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `state store ${name} is not found`,
      // daprd sets skipResourceInfo here: ErrorInfo only (pkg/api/errors/state.go NotFound).
      details: [errorInfo('DAPR_STATE_NOT_FOUND', appId ? { appID: appId } : undefined)],
    }),
  /** daprd's StateStore(name).InvalidKeyName: BadRequest field violation, ResourceInfo and ErrorInfo. */
  stateIllegalKey: (key: string, store: string) => {
    const message = `input key/keyPrefix '${key}' can't contain '||'`;
    return new DaprError({
      errorCode: 'ERR_MALFORMED_REQUEST',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message,
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.BadRequest',
          field_violations: [{ field: key, description: message }],
        },
        resourceInfo('state', store, ''),
        errorInfo('DAPR_STATE_ILLEGAL_KEY'),
      ],
    });
  },
  /** A save item without `key` (daprd's legacy error: no details). */
  stateKeyMissing: () =>
    new DaprError({
      errorCode: 'ERR_MALFORMED_REQUEST',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: '"key" is a required field',
    }),
  stateGet: (key: string, store: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_GET',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `fail to get ${key} from state store ${store}: ${errorMessage(err)}`,
      cause: err,
    }),
  /** daprd's bulk GET failure carries the store's error as is (`NewAPIErrorHTTP(err.Error(), …)`). */
  stateBulkGet: (err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_BULK_GET',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: errorMessage(err),
      cause: err,
    }),
  stateSave: (httpStatus: number, grpcCode: GrpcCode, store: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_SAVE',
      httpStatus,
      grpcCode,
      message: `failed saving state in state store ${store}: ${errorMessage(err)}`,
      cause: err,
    }),
  stateDelete: (httpStatus: number, grpcCode: GrpcCode, key: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_DELETE',
      httpStatus,
      grpcCode,
      message: `failed deleting state with key ${key}: ${errorMessage(err)}`,
      cause: err,
    }),
  /** gRPC's DeleteBulkState (there is no HTTP bulk delete). */
  stateBulkDelete: (httpStatus: number, grpcCode: GrpcCode, store: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_BULK_DELETE',
      httpStatus,
      grpcCode,
      message: `failed deleting state in state store ${store}: ${errorMessage(err)}`,
      cause: err,
    }),
  stateTransaction: (err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_TRANSACTION',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `error while executing state transaction: ${errorMessage(err)}`,
      cause: err,
    }),
  // The next ones are dapr/kit rich errors built as pkg/api/errors/state.go builds them: any help
  // link first, then ResourceInfo, then ErrorInfo (details keep that order in the body).
  stateTransactionsNotSupported: (store: string) =>
    new DaprError({
      errorCode: 'ERR_STATE_STORE_NOT_SUPPORTED',
      httpStatus: 500,
      grpcCode: GrpcCode.UNIMPLEMENTED,
      message: `state store ${store} doesn't support transactions`,
      details: [
        helpLink(
          'https://docs.dapr.io/reference/components-reference/supported-state-stores/',
          'Check the list of state stores and the features they support',
        ),
        resourceInfo('state', store, ''),
        errorInfo('DAPR_STATE_TRANSACTIONS_NOT_SUPPORTED'),
      ],
    }),
  stateQueryNotSupported: (store: string) =>
    new DaprError({
      errorCode: 'ERR_STATE_STORE_NOT_SUPPORTED',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: 'state store does not support querying',
      details: [resourceInfo('state', store, ''), errorInfo('DAPR_STATE_QUERYING_NOT_SUPPORTED')],
    }),
  stateTooManyTransactionalOps: (store: string, count: number, max: number) =>
    new DaprError({
      errorCode: 'ERR_STATE_STORE_TOO_MANY_TRANSACTIONS',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `the transaction contains ${count} operations, which is more than what the state store supports: ${max}`,
      details: [
        resourceInfo('state', store, ''),
        errorInfo('DAPR_STATE_TOO_MANY_TRANSACTIONS', {
          currentOpsTransaction: String(count),
          maxOpsPerTransaction: String(max),
        }),
      ],
    }),
  stateNotSupportedOperation: (op: string) =>
    new DaprError({
      errorCode: 'ERR_NOT_SUPPORTED_STATE_OPERATION',
      httpStatus: 400,
      grpcCode: GrpcCode.UNIMPLEMENTED,
      message: `operation type ${op} not supported`,
    }),
  stateQuery: (store: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_STATE_QUERY',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `state store ${store} query failed: ${errorMessage(err)}`,
      details: [resourceInfo('state', store, ''), errorInfo('DAPR_STATE_QUERY_FAILED')],
      cause: err,
    }),

  // ### Pub/sub
  // As daprd's apierrors.PubSub builder (pkg/api/errors/pubsub.go): a ResourceInfo for the pubsub
  // first (not for not-found / not-configured), then an ErrorInfo whose metadata is what the
  // builder was given: the request's `metadata.*` map, `{appID, error}` or `{topic, error}`.
  pubsubNotFound: (name: string, reqMetadata: Record<string, string> | null) =>
    pubsubError(name, {
      errorCode: 'ERR_PUBSUB_NOT_FOUND',
      reason: 'DAPR_PUBSUB_NOT_FOUND',
      httpStatus: 404,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `pubsub ${name} is not found`,
      metadata: reqMetadata,
      noResourceInfo: true,
    }),
  pubsubNotConfigured: (name: string, reqMetadata: Record<string, string> | null) =>
    pubsubError(name, {
      errorCode: 'ERR_PUBSUB_NOT_CONFIGURED',
      reason: 'DAPR_PUBSUB_NOT_CONFIGURED',
      httpStatus: 400,
      grpcCode: GrpcCode.FAILED_PRECONDITION,
      message: `pubsub ${name} is not configured`,
      metadata: reqMetadata,
      noResourceInfo: true,
    }),
  pubsubEmpty: (reqMetadata: Record<string, string> | null) =>
    pubsubError('', {
      errorCode: 'ERR_PUBSUB_EMPTY',
      reason: 'DAPR_PUBSUB_NAME_EMPTY',
      httpStatus: 404,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: 'pubsub name is empty',
      metadata: reqMetadata,
    }),
  topicEmpty: (pubsub: string, reqMetadata: Record<string, string> | null) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_TOPIC_NAME_EMPTY',
      reason: 'DAPR_PUBSUB_TOPIC_NAME_EMPTY',
      httpStatus: 404,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `topic is empty in pubsub ${pubsub}`,
      metadata: reqMetadata,
    }),
  pubsubForbidden: (topic: string, pubsub: string, appId: string) => {
    const message = `topic ${topic} is not allowed for app id ${appId}`;
    return pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_FORBIDDEN',
      reason: 'DAPR_PUBSUB_FORBIDDEN',
      httpStatus: 403,
      grpcCode: GrpcCode.PERMISSION_DENIED,
      message,
      metadata: { topic, error: message },
    });
  },
  /** `reason`: the contrib error, e.g. "rawPayload value must be a valid boolean: actual is 'x'". */
  pubsubRequestMetadata: (pubsub: string, reqMetadata: Record<string, string>, reason: string) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_REQUEST_METADATA',
      reason: 'DAPR_PUBSUB_METADATA_DESERIALIZATION',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `failed deserializing metadata. Error: ${reason}`,
      metadata: reqMetadata,
    }),
  /** The CloudEvent could not be made (an `application/cloudevents+json` body that is no JSON object). */
  pubsubCloudEventsSer: (pubsub: string, appId: string, err: unknown) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_CLOUD_EVENTS_SER',
      reason: 'DAPR_PUBSUB_CLOUD_EVENT_CREATION',
      httpStatus: 500,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: 'cannot create cloudevent',
      metadata: { appID: appId, error: errorMessage(err) },
    }),
  /** A bulk entry's `event` does not fit its `contentType` (daprd's MarshalEnvelope). */
  pubsubMarshalEnvelope: (topic: string, pubsub: string, appId: string, err: string) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_EVENTS_SER',
      reason: 'DAPR_PUBSUB_MARSHAL_ENVELOPE',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `error when marshalling cloud event envelope for topic ${topic} pubsub ${pubsub}: ${err}`,
      metadata: { appID: appId, error: err },
    }),
  /** A bulk entry without or with a duplicated `entryId` (daprd's MarshalEvents). */
  pubsubMarshalEvents: (topic: string, pubsub: string, appId: string, err: string) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_EVENTS_SER',
      reason: 'DAPR_PUBSUB_MARSHAL_EVENTS',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `error marshaling events to bytes for topic ${topic} pubsub ${pubsub}. error: ${err}`,
      metadata: { appID: appId, error: err },
    }),
  /** A bulk publish body that is not a JSON array of entries (HTTP only; daprd's UnmarshalEvents). */
  pubsubUnmarshalEvents: (topic: string, pubsub: string, appId: string, err: string) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_EVENTS_SER',
      reason: 'DAPR_PUBSUB_UNMARSHAL_EVENTS',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `error when unmarshaling the request for topic ${topic} pubsub ${pubsub}: ${err}`,
      metadata: { appID: appId },
    }),
  /** The internal event of a transaction on an outbox state store could not be published. */
  pubsubOutbox: (appId: string, err: unknown) =>
    pubsubError('', {
      errorCode: 'ERR_PUBLISH_OUTBOX',
      reason: 'DAPR_PUBSUB_OUTBOX',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `error while publishing outbox message: ${errorMessage(err)}`,
      metadata: { appID: appId, error: errorMessage(err) },
      noResourceInfo: true,
      cause: err,
    }),
  pubsubPublishMessage: (topic: string, pubsub: string, err: unknown) =>
    pubsubError(pubsub, {
      errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE',
      reason: 'DAPR_PUBSUB_PUBLISH_MESSAGE',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `error when publishing to topic ${topic} in pubsub ${pubsub}: ${errorMessage(err)}`,
      metadata: { topic, error: errorMessage(err) },
      cause: err,
    }),
  /**
   * Bulk publish with failed entries: daprd's body is only `{failedEntries, errorCode}` (no message),
   * and the publish error also goes out as the headers `metadata.responseData` / `metadata.error`.
   */
  pubsubBulkPublishFailed: (topic: string, pubsub: string, failed: { entryId: string; error: string }[]) => {
    const e = Errors.pubsubPublishMessage(topic, pubsub, failed[0]?.error ?? 'bulk publish failed');
    const body = { failedEntries: failed, errorCode: 'ERR_PUBSUB_PUBLISH_MESSAGE' };
    return e.with({
      body,
      headers: {
        'metadata.responseData': headerValue(JSON.stringify(body)),
        'metadata.error': headerValue(`api error: code = Internal desc = ${e.message}`),
      },
    });
  },

  // ### Secrets
  // Legacy bodies without details, as daprd's messages.ErrSecret* (pkg/messages/predefined.go).
  secretStoresNotConfigured: () =>
    new DaprError({
      errorCode: 'ERR_SECRET_STORES_NOT_CONFIGURED',
      httpStatus: 500,
      grpcCode: GrpcCode.FAILED_PRECONDITION,
      message: 'secret store is not configured',
    }),
  /** 401, not 404: daprd's status for an unknown secret store. */
  secretStoreNotFound: (name: string) =>
    new DaprError({
      errorCode: 'ERR_SECRET_STORE_NOT_FOUND',
      httpStatus: 401,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: `failed finding secret store with key ${name}`,
    }),
  secretPermissionDenied: (key: string, store: string) =>
    new DaprError({
      errorCode: 'ERR_PERMISSION_DENIED',
      httpStatus: 403,
      grpcCode: GrpcCode.PERMISSION_DENIED,
      message: `access denied by policy to get ${goQuote(key)} from ${goQuote(store)}`,
    }),
  secretGet: (key: string, store: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_SECRET_GET',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `failed getting secret with key ${key} from secret store ${store}: ${errorMessage(err)}`,
      cause: err,
    }),
  secretBulkGet: (store: string, err: unknown) =>
    new DaprError({
      errorCode: 'ERR_SECRET_GET',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `failed getting secrets from secret store ${store}: ${errorMessage(err)}`,
      cause: err,
    }),

  // ### Jobs
  // daprd builds these with dapr/kit's rich errors and no legacy tag, so `errorCode` is the
  // ErrorInfo reason; `metadata` is `{appID, namespace}` (pkg/api/errors/scheduler.go).
  jobEmpty: (metadata: Record<string, string>) => schedulerEmpty('Job', 'DAPR_SCHEDULER_EMPTY', metadata),
  jobNameEmpty: (metadata: Record<string, string>) =>
    schedulerEmpty('Name', 'DAPR_SCHEDULER_JOB_NAME_EMPTY', metadata),
  jobScheduleEmpty: (metadata: Record<string, string>) =>
    schedulerEmpty('Schedule', 'DAPR_SCHEDULER_SCHEDULE_EMPTY', metadata),
  /** `name` given in the body of `POST /jobs/{name}`. */
  jobNameInBody: (appId: string) =>
    new DaprError({
      errorCode: 'DAPR_SCHEDULER_JOB_NAME',
      httpStatus: 400,
      grpcCode: GrpcCode.INVALID_ARGUMENT,
      message: 'Set the job name in the url only',
      details: [errorInfo('DAPR_SCHEDULER_JOB_NAME', { appID: appId })],
    }),
  /** The scheduler refused the job; the HTTP status follows the gRPC code (409 AlreadyExists, else 500). */
  jobSchedule: (grpcCode: GrpcCode, reason: string, metadata: Record<string, string>, cause?: unknown) =>
    new DaprError({
      errorCode: 'DAPR_SCHEDULER_SCHEDULE_JOB',
      httpStatus:
        grpcCode === GrpcCode.ALREADY_EXISTS ? 409 : grpcCode === GrpcCode.INVALID_ARGUMENT ? 400 : 500,
      grpcCode,
      message: `failed to schedule job due to: ${reason}`,
      details: [errorInfo('DAPR_SCHEDULER_SCHEDULE_JOB', metadata)],
      cause,
    }),
  /** Any GET failure, a missing job included (daprd answers 500 for it). */
  jobGet: (reason: string, metadata: Record<string, string>, cause?: unknown) =>
    schedulerInternal('DAPR_SCHEDULER_GET_JOB', `failed to get job due to: ${reason}`, metadata, cause),
  jobDelete: (reason: string, metadata: Record<string, string>, cause?: unknown) =>
    schedulerInternal('DAPR_SCHEDULER_DELETE_JOB', `failed to delete job due to: ${reason}`, metadata, cause),
  jobList: (reason: string, metadata: Record<string, string>, cause?: unknown) =>
    schedulerInternal('DAPR_SCHEDULER_LIST_JOBS', `failed to list jobs due to: ${reason}`, metadata, cause),

  // ### Metadata
  metadataGet: (err: unknown) =>
    new DaprError({
      errorCode: 'ERR_METADATA_GET',
      httpStatus: 500,
      grpcCode: GrpcCode.INTERNAL,
      message: `failed deserializing metadata: ${errorMessage(err)}`,
    }),
} as const;

/** daprd's `apierrors.Empty`: "<what> is empty", 400, with the reason as errorCode. */
function schedulerEmpty(what: string, reason: string, metadata: Record<string, string>): DaprError {
  return new DaprError({
    errorCode: reason,
    httpStatus: 400,
    grpcCode: GrpcCode.INVALID_ARGUMENT,
    message: `${what} is empty`,
    details: [errorInfo(reason, metadata)],
  });
}

function schedulerInternal(
  reason: string,
  message: string,
  metadata: Record<string, string>,
  cause: unknown,
): DaprError {
  return new DaprError({
    errorCode: reason,
    httpStatus: 500,
    grpcCode: GrpcCode.INTERNAL,
    message,
    details: [errorInfo(reason, metadata)],
    cause,
  });
}

/** Go's `%q` for ordinary text: a double-quoted string with `"` and `\` escaped. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** daprd's PubSubMetadataError.build: ResourceInfo (unless skipped), then ErrorInfo. */
function pubsubError(
  pubsub: string,
  o: {
    errorCode: string;
    reason: string;
    httpStatus: number;
    grpcCode: GrpcCode;
    message: string;
    metadata: Record<string, string> | null;
    noResourceInfo?: boolean;
    cause?: unknown;
  },
): DaprError {
  return new DaprError({
    errorCode: o.errorCode,
    httpStatus: o.httpStatus,
    grpcCode: o.grpcCode,
    message: o.message,
    details: [
      ...(o.noResourceInfo ? [] : [resourceInfo('pubsub', pubsub, o.message)]),
      errorInfo(o.reason, o.metadata),
    ],
    ...(o.cause === undefined ? {} : { cause: o.cause }),
  });
}

/** A header value Node accepts: Go writes newlines as spaces; other control or non-Latin-1 characters too. */
function headerValue(v: string): string {
  return v.replace(/[^\t\x20-\x7e\x80-\xff]/g, ' ');
}
