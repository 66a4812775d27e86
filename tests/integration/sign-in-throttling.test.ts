/**
 * Credential checks cannot be flooded or guessed at (issue 14, findings 5
 * and 6): a flood of token requests is refused beyond the limits while at
 * most PASSWORD_HASH_CONCURRENCY hashes run and the service keeps
 * answering; an account closes for a while after repeated failures from
 * rotating addresses, and its organisation's clerk is told; X-Forwarded-For
 * counts only from proxies named in TRUSTED_PROXIES.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_HASH_CONCURRENCY, passwordHashing } from '../../server/auth/passwords.js';
import { ACCOUNT_ATTEMPTS_PER_10_MINUTES, FREE_FAILURES } from '../../server/auth/SignInGuard.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { SqlSecurityEvents } from '../../server/db/SqlSecurityEvents.js';
import { TEST_PASSWORD, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient, errorCode, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

let ipSeq = 0;
/** A distinct source per request (the test acts as a trusted proxy). */
function rotatingAddress(): Record<string, string> {
  ipSeq += 1;
  return { 'x-forwarded-for': `203.0.${Math.floor(ipSeq / 250) % 250}.${(ipSeq % 250) + 1}` };
}

async function post(
  t: TestServer,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${t.url}/api${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

describe('credential endpoints under a flood', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let institutionId: string;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    ({
      institution: { id: institutionId },
      apiKey,
    } = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      clerk,
      { kind: 'court', name: '某区人民法院' },
    ));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('bounds concurrent hashing: a flood of token requests for many accounts gets 429 beyond the queue, health answers', async () => {
    passwordHashing.resetStats();
    const flood = Array.from({ length: 200 }, (_, i) =>
      post(
        t,
        '/institution/token',
        { institutionId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, apiKey: 'x' },
        rotatingAddress(),
      ),
    );
    const health = fetch(`${t.url}/healthz`).then((r) => r.status);
    const replies = await Promise.all(flood);
    expect(await health).toBe(200);
    const statuses = replies.map((r) => r.status);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    for (const r of replies.filter((x) => x.status === 429))
      expect(errorCode(r)).toBe('RATE_LIMITED');
    const stats = passwordHashing.stats();
    expect(stats.peak).toBeLessThanOrEqual(PASSWORD_HASH_CONCURRENCY);
    expect(stats.refused).toBe(statuses.filter((s) => s === 429).length);
    expect(stats.active + stats.queued).toBe(0);
    // Afterwards the right key still signs in.
    expect(
      (await post(t, '/institution/token', { institutionId, apiKey }, rotatingAddress())).status,
    ).toBe(200);
  });

  it('limits attempts per account whatever the source: one institution from 120 addresses', async () => {
    passwordHashing.resetStats();
    const replies = await Promise.all(
      Array.from({ length: 120 }, () =>
        post(t, '/institution/token', { institutionId, apiKey: 'wrong' }, rotatingAddress()),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(
      ACCOUNT_ATTEMPTS_PER_10_MINUTES,
    );
    expect(passwordHashing.stats().peak).toBeLessThanOrEqual(PASSWORD_HASH_CONCURRENCY);
    // The account is now closed for a while, even with the right key from a new address.
    const after = await post(t, '/institution/token', { institutionId, apiKey }, rotatingAddress());
    expect(after.status).toBe(429);
    expect(errorCode(after)).toBe('RATE_LIMITED');
  });

  it('closes a staff account after repeated failures from rotating addresses, tells its clerk, resets on success', async () => {
    const target = staff.mediator.username;
    for (let i = 0; i < FREE_FAILURES; i += 1) {
      const r = await post(
        t,
        '/auth/login',
        { username: target, password: `guess ${i}` },
        rotatingAddress(),
      );
      expect(r.status).toBe(401);
    }
    const closed = await post(
      t,
      '/auth/login',
      { username: target, password: TEST_PASSWORD },
      rotatingAddress(),
    );
    expect(closed.status).toBe(429);
    expect(JSON.stringify(closed.body)).toContain('Too many failed attempts');
    // The clerk of the organisation gets a notice; the event is recorded.
    const outbox = await new SqlDocumentRepository(t.server.database).listOutbox({
      personId: staff.clerk.id,
    });
    const notices = outbox.filter((m) => m.purpose === 'sign_in_backoff');
    expect(notices.some((m) => m.body.includes(target))).toBe(true);
    // (The institution closed by the flood above was reported too.)
    expect(notices.some((m) => m.body.includes('某区人民法院'))).toBe(true);
    const events = await new SqlSecurityEvents(t.server.database).list(staff.clerk.organisationId);
    expect(events.filter((e) => e.accountKind === 'staff')).toEqual([
      expect.objectContaining({
        kind: 'sign_in_backoff',
        accountKind: 'staff',
        accountId: staff.mediator.id,
      }),
    ]);

    // Another account: failures below the threshold are forgotten on a success.
    const other = staff.clerk.username;
    const fail = () =>
      post(t, '/auth/login', { username: other, password: 'nope' }, rotatingAddress());
    for (let i = 0; i < FREE_FAILURES - 1; i += 1) expect((await fail()).status).toBe(401);
    expect(
      (
        await post(
          t,
          '/auth/login',
          { username: other, password: TEST_PASSWORD },
          rotatingAddress(),
        )
      ).status,
    ).toBe(200);
    for (let i = 0; i < FREE_FAILURES - 1; i += 1) expect((await fail()).status).toBe(401);
  });
});

describe('forwarding headers count only from configured proxies', () => {
  async function attemptsFromRotatingForwardedAddresses(env: Record<string, string>) {
    const t = await startTestServer(env);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 21; i += 1) {
        const r = await post(
          t,
          '/auth/login',
          { username: `nobody-${i}`, password: 'guess' },
          rotatingAddress(),
        );
        statuses.push(r.status);
      }
      return statuses;
    } finally {
      await t.close();
    }
  }

  it('ignores X-Forwarded-For from loopback without TRUSTED_PROXIES: one source, limited', async () => {
    const statuses = await attemptsFromRotatingForwardedAddresses({ TRUSTED_PROXIES: '' });
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
  });

  it('believes X-Forwarded-For from a configured proxy: each address its own source', async () => {
    const statuses = await attemptsFromRotatingForwardedAddresses({
      TRUSTED_PROXIES: '127.0.0.1',
    });
    expect(statuses).toEqual(Array(21).fill(401));
  });
});
