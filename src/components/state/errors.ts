/**
 * Semantic errors thrown by state stores. The API layer maps them to statuses
 * (mismatch → 409/ABORTED, invalid → 400/INVALID_ARGUMENT); stores never pick HTTP codes.
 */
export class EtagMismatchError extends Error {
  readonly kind = 'mismatch' as const;
  constructor(message = 'possible etag mismatch. error from state store', options?: ErrorOptions) {
    super(message, options);
    this.name = 'EtagMismatchError';
  }
}

export class EtagInvalidError extends Error {
  readonly kind = 'invalid' as const;
  constructor(message = 'invalid etag value', options?: ErrorOptions) {
    super(message, options);
    this.name = 'EtagInvalidError';
  }
}

export type EtagError = EtagMismatchError | EtagInvalidError;

export function isEtagError(err: unknown): err is EtagError {
  return err instanceof EtagMismatchError || err instanceof EtagInvalidError;
}

/** One failed item of a non-atomic bulk operation. */
export class BulkStoreError extends Error {
  constructor(
    readonly key: string,
    override readonly cause: unknown,
  ) {
    super(`failed to process key ${key}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'BulkStoreError';
  }
}

/** All the failed items of a bulk operation; the others were applied. */
export class BulkStoreErrors extends Error {
  constructor(readonly errors: BulkStoreError[]) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'BulkStoreErrors';
  }
  /** The error that decides the response status: an etag error if any item had one. */
  get primary(): unknown {
    return this.errors.find((e) => isEtagError(e.cause))?.cause ?? this.errors[0]?.cause;
  }
}

/** Bad request-level input to a store (e.g. `ttlInSeconds: "foo"`). */
export class StateRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateRequestError';
  }
}
