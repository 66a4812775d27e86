import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { SessionTokens, TokenRefusedError } from '../../server/auth/SessionTokens.js';

const secret = 'unit-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
const claims = { sub: 'p1', caseId: 'C1', sessionId: 'S1', role: 'party' as const, name: '张三' };

function refusedWith(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof TokenRefusedError) return error.reason;
    throw error;
  }
  throw new Error('accepted');
}

describe('SessionTokens', () => {
  const tokens = new SessionTokens(secret);

  it('round-trips the claims with an expiry and a token id', () => {
    const verified = tokens.verify(tokens.issue(claims, 60));
    expect(verified).toMatchObject(claims);
    expect(verified.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(verified.expiresAt.getTime() - Date.now()).toBeGreaterThan(55_000);
  });

  it('pins HS256 and checks the signature', () => {
    const token = tokens.issue(claims, 60);
    expect(jwt.decode(token, { complete: true })?.header.alg).toBe('HS256');
    expect(refusedWith(() => new SessionTokens('x'.repeat(40)).verify(token))).toBe(
      'TOKEN_INVALID',
    );
    const [h, p] = token.split('.');
    expect(refusedWith(() => tokens.verify(`${h}.${p}.`))).toBe('TOKEN_INVALID');
  });

  it('tells a missing token from a malformed one', () => {
    expect(refusedWith(() => tokens.verify(undefined))).toBe('TOKEN_MISSING');
    expect(refusedWith(() => tokens.verify(''))).toBe('TOKEN_MISSING');
    expect(refusedWith(() => tokens.verify(42))).toBe('TOKEN_MISSING');
    expect(refusedWith(() => tokens.verify('not.a.jwt'))).toBe('TOKEN_INVALID');
    expect(refusedWith(() => tokens.verify('x'.repeat(5000)))).toBe('TOKEN_INVALID');
  });

  it('refuses lifetimes that are not positive or longer than a week, and bad claims', () => {
    expect(() => tokens.issue(claims, 0)).toThrow(RangeError);
    expect(() => tokens.issue(claims, 8 * 24 * 3600)).toThrow(RangeError);
    expect(() => tokens.issue({ ...claims, role: 'clerk' as never }, 60)).toThrow();
    expect(() => new SessionTokens('short')).toThrow(/32 characters/);
  });
});
