import { DaprError, errorInfo, GrpcCode, isDaprError } from '../../../errors/dapr-error.js';
import { Errors } from '../../../errors/catalogue.js';
import { KEY_SEPARATOR } from '../../../components/state/key-prefix.js';

/**
 * Errors daprd's gRPC state handlers build with `apierrors.Basic`: a dapr/kit error whose only
 * detail is an ErrorInfo with the legacy code as reason and no metadata (pkg/api/grpc/grpc.go).
 * Over HTTP the same failures are legacy `{errorCode, message}` bodies without details.
 */
const BASIC = new Set([
  'ERR_STATE_GET',
  'ERR_STATE_SAVE',
  'ERR_STATE_DELETE',
  'ERR_STATE_BULK_DELETE',
  'ERR_STATE_TRANSACTION',
  'ERR_NOT_SUPPORTED_STATE_OPERATION',
]);

/** Store lookups, which daprd's gRPC API makes with an empty app id: ErrorInfo without metadata. */
const LOOKUP = new Set(['ERR_STATE_STORE_NOT_FOUND', 'ERR_STATE_STORE_NOT_CONFIGURED']);

/** A state API error as daprd's gRPC API answers it. */
export function grpcStateError(err: unknown): unknown {
  if (!isDaprError(err)) return err;
  if (BASIC.has(err.errorCode) && !err.details?.length)
    return err.with({ details: [errorInfo(err.errorCode)] });
  if (LOOKUP.has(err.errorCode) && err.details?.length === 1) {
    const reason = (err.details[0] as { reason?: string }).reason ?? '';
    return err.with({ details: [errorInfo(reason)] });
  }
  // GetBulkState hands the store's error back unwrapped: a plain Go error is gRPC Unknown.
  if (err.errorCode === 'ERR_STATE_BULK_GET')
    return err.with({ details: undefined, grpcCode: GrpcCode.UNKNOWN });
  return err;
}

/** Runs a state RPC with its errors shaped as daprd's gRPC API shapes them. */
export function grpcState<Req, Res>(fn: (req: Req) => Promise<Res>): (req: Req) => Promise<Res> {
  return async (req) => {
    try {
      return await fn(req);
    } catch (err) {
      throw grpcStateError(err);
    }
  };
}

/**
 * SaveState's per-item key checks, in daprd's order: an empty key is InvalidArgument ERR_STATE_SAVE
 * "state key cannot be empty", then a key with '||' is the illegal key error.
 */
export function checkSaveKeys(storeName: string, keys: string[]): void {
  for (const key of keys) {
    if (key === '')
      throw new DaprError({
        errorCode: 'ERR_STATE_SAVE',
        httpStatus: 400,
        grpcCode: GrpcCode.INVALID_ARGUMENT,
        message: 'state key cannot be empty',
      });
    if (key.includes(KEY_SEPARATOR)) throw Errors.stateIllegalKey(key, storeName);
  }
}
