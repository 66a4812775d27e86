/**
 * Session tokens: JWTs naming the case, the session, the person and the role.
 * HS256 only (the algorithm list is pinned, so `alg: none` and RS/HS confusion
 * are refused); issuer, audience and expiry are always checked.
 */
import jwt from 'jsonwebtoken';
import {
  SESSION_TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  sessionClaimsSchema,
  type HandshakeRefusal,
  type SessionClaims,
} from '../../signaling/index.js';

const ALGORITHM = 'HS256' as const;
const MAX_TTL_SECONDS = 7 * 24 * 3600;

export class TokenRefusedError extends Error {
  readonly reason: HandshakeRefusal;

  constructor(reason: HandshakeRefusal, message: string) {
    super(message);
    this.name = 'TokenRefusedError';
    this.reason = reason;
  }
}

export interface VerifiedSessionToken extends SessionClaims {
  /** Token id, so a single token can be revoked. */
  jti: string | undefined;
  expiresAt: Date;
}

export class SessionTokens {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error('The token secret must be at least 32 characters');
    this.#secret = secret;
  }

  issue(claims: SessionClaims, ttlSeconds: number): string {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) {
      throw new RangeError(`Token lifetime must be 1..${MAX_TTL_SECONDS} seconds`);
    }
    const { sub, ...rest } = sessionClaimsSchema.parse(claims);
    return jwt.sign(rest, this.#secret, {
      algorithm: ALGORITHM,
      subject: sub,
      issuer: TOKEN_ISSUER,
      audience: SESSION_TOKEN_AUDIENCE,
      expiresIn: ttlSeconds,
      jwtid: globalThis.crypto.randomUUID(),
    });
  }

  verify(token: unknown): VerifiedSessionToken {
    if (typeof token !== 'string' || token.length === 0) {
      throw new TokenRefusedError('TOKEN_MISSING', 'No session token was presented');
    }
    if (token.length > 4096)
      throw new TokenRefusedError('TOKEN_INVALID', 'The session token is malformed');
    let decoded: string | jwt.JwtPayload;
    try {
      decoded = jwt.verify(token, this.#secret, {
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: SESSION_TOKEN_AUDIENCE,
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) {
        throw new TokenRefusedError(
          'TOKEN_EXPIRED',
          'The session link has expired; ask for a new one',
        );
      }
      throw new TokenRefusedError('TOKEN_INVALID', 'The session token is not valid');
    }
    if (typeof decoded === 'string' || typeof decoded.exp !== 'number') {
      throw new TokenRefusedError('TOKEN_INVALID', 'The session token has no expiry');
    }
    const claims = sessionClaimsSchema.safeParse(decoded);
    if (!claims.success)
      throw new TokenRefusedError('TOKEN_INVALID', 'The session token lacks required claims');
    return { ...claims.data, jti: decoded.jti, expiresAt: new Date(decoded.exp * 1000) };
  }
}
