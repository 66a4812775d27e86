import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../signaling/index.js';
import { connectClient, refusal } from '../support/client.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

const claims = { caseId: 'CASE-1', sessionId: 'SESSION-1', role: 'party', name: '张三' };

function sign(payload: object, options: jwt.SignOptions, secret = TEST_SECRET): string {
  const base: jwt.SignOptions = {
    algorithm: 'HS256',
    subject: 'p1',
    issuer: TOKEN_ISSUER,
    audience: SESSION_TOKEN_AUDIENCE,
  };
  const withExpiry = 'exp' in payload ? base : { ...base, expiresIn: 300 };
  return jwt.sign(payload, secret, { ...withExpiry, ...options });
}

describe('Socket.IO handshake authentication', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts a valid token', async () => {
    const client = await connectClient(t.url, await t.token({ sub: 'p1' }));
    expect(client.socket.connected).toBe(true);
    client.close();
  });

  it('refuses a missing token', async () => {
    expect(await refusal(t.url, undefined)).toMatchObject({ reason: 'TOKEN_MISSING' });
  });

  it('refuses an expired token', async () => {
    const expired = sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 10 }, {});
    expect(await refusal(t.url, expired)).toMatchObject({ reason: 'TOKEN_EXPIRED' });
  });

  it('refuses a token signed with another secret (forged)', async () => {
    const forged = sign(claims, {}, 'another-secret-another-secret-another-secret');
    expect(await refusal(t.url, forged)).toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const body = Buffer.from(
      JSON.stringify({
        ...claims,
        sub: 'p1',
        iss: TOKEN_ISSUER,
        aud: SESSION_TOKEN_AUDIENCE,
        iat: now,
        exp: now + 300,
      }),
    ).toString('base64url');
    expect(await refusal(t.url, `${header}.${body}.`)).toMatchObject({ reason: 'TOKEN_INVALID' });
  });

  it('refuses a token for another audience or issuer', async () => {
    expect(await refusal(t.url, sign(claims, { audience: 'court-api' }))).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    expect(await refusal(t.url, sign(claims, { issuer: 'someone-else' }))).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
  });

  it('refuses a token without an expiry or with an unknown role', async () => {
    const noExp = jwt.sign({ ...claims }, TEST_SECRET, {
      algorithm: 'HS256',
      subject: 'p1',
      issuer: TOKEN_ISSUER,
      audience: SESSION_TOKEN_AUDIENCE,
    });
    expect(await refusal(t.url, noExp)).toMatchObject({ reason: 'TOKEN_INVALID' });
    expect(await refusal(t.url, sign({ ...claims, role: 'clerk' }, {}))).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
  });

  it('refuses a token signed with RS256-style confusion (HS512)', async () => {
    const other = jwt.sign(claims, TEST_SECRET, {
      algorithm: 'HS512',
      subject: 'p1',
      issuer: TOKEN_ISSUER,
      audience: SESSION_TOKEN_AUDIENCE,
      expiresIn: 300,
    });
    expect(await refusal(t.url, other)).toMatchObject({ reason: 'TOKEN_INVALID' });
  });
});
