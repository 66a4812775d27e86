/**
 * JWTs with one audience each (session, staff, invitation), so a token made
 * for one purpose is refused for another. HS256 only (the algorithm list is
 * pinned: `alg: none` and algorithm confusion are refused); issuer, audience
 * and expiry always checked; claims parsed by a schema.
 */
import jwt from 'jsonwebtoken';
import type { z } from 'zod';
import {
  TOKEN_ISSUER,
  reasonMessage,
  type HandshakeRefusal,
  type Reason,
  type ReasonParams,
} from '../../signaling/index.js';
import { fail } from '../errors.js';

const ALGORITHM = 'HS256' as const;

export class TokenRefusedError extends Error {
  readonly reason: HandshakeRefusal;
  /** The finer reason a client renders, where the refusal alone does not say it. */
  readonly detail: Reason | undefined;

  constructor(reason: HandshakeRefusal, message: string, detail?: Reason) {
    super(message);
    this.name = 'TokenRefusedError';
    this.reason = reason;
    this.detail = detail;
  }

  /** A refusal for a finer reason, its message that reason's English sentence. */
  static because(reason: HandshakeRefusal, detail: Reason): TokenRefusedError {
    return new TokenRefusedError(reason, reasonMessage(detail), detail);
  }
}

export type Verified<C> = C & { sub: string; jti: string | undefined; expiresAt: Date };

/** A reason that takes no parameters (a refusal that says it all by its code). */
export type PlainReason = {
  [R in Reason]: Record<string, never> extends ReasonParams<R> ? R : never;
}[Reason];

export class SignedTokens<S extends z.ZodType<Record<string, unknown> & { sub: string }>> {
  readonly #secret: string;
  readonly #audience: string;
  readonly #schema: S;
  readonly #maxTtlSeconds: number;

  constructor(secret: string, audience: string, schema: S, maxTtlSeconds: number) {
    if (secret.length < 32) throw new Error('The token secret must be at least 32 characters');
    this.#secret = secret;
    this.#audience = audience;
    this.#schema = schema;
    this.#maxTtlSeconds = maxTtlSeconds;
  }

  issue(
    claims: z.input<S>,
    ttlSeconds: number,
    tokenId: string = globalThis.crypto.randomUUID(),
  ): string {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > this.#maxTtlSeconds) {
      throw new RangeError(`Token lifetime must be 1..${this.#maxTtlSeconds} seconds`);
    }
    const { sub, ...rest } = this.#schema.parse(claims);
    return jwt.sign(rest, this.#secret, {
      algorithm: ALGORITHM,
      subject: sub,
      issuer: TOKEN_ISSUER,
      audience: this.#audience,
      expiresIn: ttlSeconds,
      jwtid: tokenId,
    });
  }

  /**
   * `verify` for a token a request presents: any refusal becomes a 401 for
   * one of two reasons, one for an expired token and one for any other bad one.
   */
  verifyOrFail(
    token: unknown,
    reasons: { expired: PlainReason; invalid: PlainReason },
  ): Verified<z.output<S>> {
    try {
      return this.verify(token);
    } catch (error) {
      throw fail(
        error instanceof TokenRefusedError && error.reason === 'TOKEN_EXPIRED'
          ? reasons.expired
          : reasons.invalid,
      );
    }
  }

  verify(token: unknown): Verified<z.output<S>> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenRefusedError('TOKEN_MISSING', 'No token was presented');
    }
    if (token.length > 4096) throw new TokenRefusedError('TOKEN_INVALID', 'The token is malformed');
    let decoded: string | jwt.JwtPayload;
    try {
      decoded = jwt.verify(token, this.#secret, {
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: this.#audience,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        throw new TokenRefusedError(
          'TOKEN_EXPIRED',
          'The link or sign-in has expired; ask for a new one',
        );
      }
      throw new TokenRefusedError('TOKEN_INVALID', 'The token is not valid');
    }
    if (typeof decoded === 'string' || typeof decoded.exp !== 'number') {
      throw new TokenRefusedError('TOKEN_INVALID', 'The token has no expiry');
    }
    const claims = this.#schema.safeParse(decoded);
    if (!claims.success)
      throw new TokenRefusedError('TOKEN_INVALID', 'The token lacks required claims');
    return { ...claims.data, jti: decoded.jti, expiresAt: new Date(decoded.exp * 1000) };
  }
}
