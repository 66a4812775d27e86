/**
 * The public page's proof of work, so that sending codes and links costs a requester some
 * seconds of computation and needs no third-party service (no CAPTCHA provider): the server
 * hands out a signed challenge (its id, the difficulty, ten minutes of life); the page finds a
 * nonce such that SHA-256(`challenge:nonce`) starts with `bits` zero bits (2^bits hashes on
 * average); the server checks the signature, the life and the hash, and the caller spends the
 * challenge's id once (a unique column, so across every node).
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { SignedTokens } from '../auth/SignedTokens.js';
import { fail } from '../errors.js';

export const CHALLENGE_AUDIENCE = 'mediation-application-challenge';
export const CHALLENGE_TTL_SECONDS = 10 * 60;

const challengeClaims = z.object({
  sub: z.string().uuid(),
  bits: z.number().int().min(0).max(32),
});

class ChallengeTokens extends SignedTokens<typeof challengeClaims> {
  constructor(secret: string) {
    super(secret, CHALLENGE_AUDIENCE, challengeClaims, CHALLENGE_TTL_SECONDS);
  }
}

/** Leading zero bits of a digest. */
export function leadingZeroBits(digest: Uint8Array): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export function powDigest(challenge: string, nonce: string): Buffer {
  return createHash('sha256').update(`${challenge}:${nonce}`).digest();
}

export class ProofOfWork {
  readonly #tokens: ChallengeTokens;
  readonly #bits: number;
  readonly #now: () => Date;

  constructor(secret: string, bits: number, now: () => Date = () => new Date()) {
    this.#tokens = new ChallengeTokens(secret);
    this.#bits = bits;
    this.#now = now;
  }

  challenge(): { challenge: string; bits: number; expiresAt: string } {
    const challenge = this.#tokens.issue(
      { sub: randomUUID(), bits: this.#bits },
      CHALLENGE_TTL_SECONDS,
    );
    const expiresAt = new Date(this.#now().getTime() + CHALLENGE_TTL_SECONDS * 1000);
    return { challenge, bits: this.#bits, expiresAt: expiresAt.toISOString() };
  }

  /** The challenge's id when the solution holds (spend it once); refuses otherwise. */
  check(solution: { challenge: string; nonce: string }): string {
    let claims: { sub: string; bits: number };
    try {
      claims = this.#tokens.verify(solution.challenge);
    } catch {
      throw fail('APPLICATION_CHALLENGE_INVALID');
    }
    // A challenge issued at a lower difficulty than the current one is not honoured.
    if (claims.bits < this.#bits) throw fail('APPLICATION_CHALLENGE_INVALID');
    if (leadingZeroBits(powDigest(solution.challenge, solution.nonce)) < claims.bits)
      throw fail('APPLICATION_CHALLENGE_INVALID');
    return claims.sub;
  }
}

/** Finds a nonce (tests, scripts): what the page's worker does. */
export function solveChallenge(challenge: string, bits: number): string {
  for (let n = 0; ; n += 1) {
    const nonce = n.toString(36);
    if (leadingZeroBits(powDigest(challenge, nonce)) >= bits) return nonce;
  }
}
