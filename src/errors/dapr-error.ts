import { goMap } from '../components/common/go-map.js';
/** gRPC status codes used by the API (subset of google.rpc.Code). */
export const GrpcCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

/** One entry of a rich error's `details` array, rendered as Dapr renders google.rpc detail types. */
export type ErrorDetail =
  | {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo';
      domain: string;
      metadata?: Record<string, string>;
      reason: string;
    }
  | {
      '@type': 'type.googleapis.com/google.rpc.ResourceInfo';
      description: string;
      owner: string;
      resource_name: string;
      resource_type: string;
    }
  | {
      '@type': 'type.googleapis.com/google.rpc.BadRequest';
      field_violations: { field: string; description: string }[];
    }
  | {
      '@type': 'type.googleapis.com/google.rpc.Help';
      links: { description: string; url: string }[];
    };

export interface DaprErrorInit {
  /** The `ERR_...` tag clients branch on. */
  errorCode: string;
  httpStatus: number;
  grpcCode: GrpcCode;
  message: string;
  details?: ErrorDetail[];
  cause?: unknown;
  /** The whole HTTP body, where daprd writes something else than `{errorCode,message,details}` (bulk publish). */
  body?: Record<string, unknown>;
  /** Extra HTTP response headers daprd sets with this error (bulk publish's `metadata.*`). */
  headers?: Record<string, string>;
}

/**
 * The one error type the API layer understands: it carries everything both transports need
 * (HTTP status + body, gRPC code + details). Anything else reaching a transport is an internal error.
 */
export class DaprError extends Error {
  readonly errorCode: string;
  readonly httpStatus: number;
  readonly grpcCode: GrpcCode;
  readonly details: ErrorDetail[] | undefined;
  readonly body: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(init: DaprErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'DaprError';
    this.errorCode = init.errorCode;
    this.httpStatus = init.httpStatus;
    this.grpcCode = init.grpcCode;
    this.details = init.details;
    this.body = init.body;
    this.headers = init.headers;
  }

  /** The same error with some of its parts changed. */
  with(changes: Partial<DaprErrorInit>): DaprError {
    return new DaprError({
      errorCode: this.errorCode,
      httpStatus: this.httpStatus,
      grpcCode: this.grpcCode,
      message: this.message,
      details: this.details,
      cause: this.cause,
      body: this.body,
      headers: this.headers,
      ...changes,
    });
  }

  /** The JSON body Dapr writes for this error (HTTP). */
  toJSON(): Record<string, unknown> {
    if (this.body) return this.body;
    const body: Record<string, unknown> = { errorCode: this.errorCode, message: this.message };
    if (this.details && this.details.length > 0) body.details = this.details.map(httpDetail);
    return body;
  }
}

/**
 * A detail as dapr/kit's `JSONErrorValue` writes it: a Go map through `json.Marshal`, so its keys
 * (and an ErrorInfo's metadata keys) come out sorted, and an ErrorInfo without metadata has
 * `"metadata":null` (a nil Go map).
 */
function httpDetail(d: ErrorDetail): Record<string, unknown> {
  const src: Record<string, unknown> = { ...d };
  if (d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo')
    src.metadata = d.metadata ? goMap(d.metadata) : null;
  return goMap(src);
}

/** An ErrorInfo detail in the `dapr.io` domain; `null` metadata is daprd's nil map (none). */
export function errorInfo(reason: string, metadata?: Record<string, string> | null): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    domain: 'dapr.io',
    ...(metadata ? { metadata } : {}),
    reason,
  };
}

export function resourceInfo(resourceType: string, resourceName: string, description: string): ErrorDetail {
  return {
    '@type': 'type.googleapis.com/google.rpc.ResourceInfo',
    description,
    owner: '',
    resource_name: resourceName,
    resource_type: resourceType,
  };
}

/** A Help detail with one link (dapr/kit's `WithHelpLink`). */
export function helpLink(url: string, description: string): ErrorDetail {
  return { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description, url }] };
}

export function isDaprError(err: unknown): err is DaprError {
  return err instanceof DaprError;
}

/** Text of an unknown thrown value, for error messages. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
