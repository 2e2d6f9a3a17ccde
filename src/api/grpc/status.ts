import { Metadata, status as Code, type StatusObject } from '@grpc/grpc-js';
import type { Logger } from '../../diagnostics/logger.js';
import { Errors } from '../../errors/catalogue.js';
import { errorInfo, isDaprError, type DaprError } from '../../errors/dapr-error.js';
import { encodeStatus } from './wire.js';

/** The trailer carrying a `google.rpc.Status` with rich error details. */
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** An error as grpc-js sends it: code, message and trailers. */
export type GrpcStatus = StatusObject;

/**
 * The single exit point for errors on gRPC: a DaprError becomes its gRPC code and message, with
 * its details (`google.rpc.ErrorInfo`, `ResourceInfo`, `BadRequest`) packed into a
 * `google.rpc.Status` in `grpc-status-details-bin`, as daprd sends them; anything else is an
 * internal error (logged, never a stack on the wire). `onError` sees every DaprError answered.
 */
export function toGrpcStatus(err: unknown, logger: Logger, onError?: (e: DaprError) => void): GrpcStatus {
  const e: DaprError = isDaprError(err) ? err : Errors.internal(err);
  onError?.(e);
  if (!isDaprError(err)) logger.error({ err }, 'unexpected error in gRPC API handler');
  else logger.debug({ errorCode: e.errorCode, msg: e.message }, 'API error');
  return statusWithDetails(e.grpcCode, e.message, e);
}

function statusWithDetails(code: number, message: string, e: DaprError): GrpcStatus {
  const metadata = new Metadata();
  if (e.details && e.details.length > 0)
    metadata.set(STATUS_DETAILS_KEY, encodeStatus(code, message, e.details));
  return { code, details: message, metadata };
}

/**
 * daprd's API token rejection on gRPC: `Unauthenticated` "Unauthorized" with an ErrorInfo carrying
 * the HTTP code and the reason (invokev1.ErrorFromHTTPResponseCode).
 */
export function unauthenticated(reason: string): GrpcStatus {
  const message = 'Unauthorized';
  const metadata = new Metadata();
  const info = errorInfo(message, { 'http.code': '401', 'http.error_message': reason.slice(0, 64) });
  metadata.set(STATUS_DETAILS_KEY, encodeStatus(Code.UNAUTHENTICATED, message, [info]));
  return { code: Code.UNAUTHENTICATED, details: message, metadata };
}
