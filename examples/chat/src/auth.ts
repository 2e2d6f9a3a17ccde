import { webcrypto } from 'node:crypto';
import { jwtVerify, errors as joseErrors } from 'jose';
import { isUserId } from './keys.js';

/** Missing or invalid credentials (HTTP 401). */
export class UnauthorizedError extends Error {
  readonly statusCode = 401;
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

export interface AuthOptions {
  secret: string;
  issuer?: string;
  audience?: string;
  /** Verified tokens remembered (default 10,000); 0 turns the cache off. */
  cacheSize?: number;
  /** Longest a verified token is remembered, in ms (default 5 minutes; never past its `exp`). */
  cacheMs?: number;
}

/**
 * Verifies `Authorization: Bearer <JWT>` (HS256 only; `exp` required and checked, `nbf` checked,
 * optional `iss`/`aud`) and returns the subject: the user id everything is scoped to.
 *
 * A browser sends the same token with every request, and a full verification (WebCrypto HMAC) costs
 * ~0.1 ms, as much as the state read it guards. So a token that verified is remembered, by its exact
 * text, until the earlier of its `exp` and `cacheMs`: a hit costs a map lookup. Only tokens that
 * passed verification are remembered; the oldest entry goes first when the cache is full.
 */
export class JwtVerifier {
  private readonly key: Uint8Array;
  private cryptoKey?: Promise<webcrypto.CryptoKey>;
  private readonly cache = new Map<string, { sub: string; until: number }>();
  private readonly cacheSize: number;
  private readonly cacheMs: number;

  constructor(private readonly opts: AuthOptions) {
    this.key = new TextEncoder().encode(opts.secret);
    this.cacheSize = opts.cacheSize ?? 10_000;
    this.cacheMs = opts.cacheMs ?? 5 * 60_000;
  }

  async subject(authorization: string | undefined): Promise<string> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) throw new UnauthorizedError('missing bearer token');
    const token = m[1];
    const now = Date.now();
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return hit.sub;
    if (hit) this.cache.delete(token);

    // Imported once: a CryptoKey verifies faster than raw bytes imported on every call.
    this.cryptoKey ??= webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    let sub: unknown;
    let exp: number | undefined;
    try {
      const { payload } = await jwtVerify(token, await this.cryptoKey, {
        algorithms: ['HS256'],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        requiredClaims: ['exp'],
      });
      sub = payload.sub;
      exp = payload.exp;
    } catch (err) {
      const why = err instanceof joseErrors.JOSEError ? err.code : 'invalid';
      throw new UnauthorizedError(`invalid token (${why})`);
    }
    if (!isUserId(sub)) throw new UnauthorizedError('token subject is not a valid user id');
    if (this.cacheSize > 0 && exp !== undefined) {
      if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(token, { sub, until: Math.min(exp * 1000, now + this.cacheMs) });
    }
    return sub;
  }
}
