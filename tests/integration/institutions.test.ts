/**
 * Courts and arbitration commissions as API clients: registered by a
 * clerk, signed in with their API key (a token of their own audience), they
 * read the service certificates of cases referred to them — and nothing
 * else; every read is in the case's audit chain; a revoked credential is
 * refused at once.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../../server/db/SqliteAuditLog.js';
import { SqliteCaseRepository } from '../../server/db/SqliteCaseRepository.js';
import { TEST_PASSWORD, caseInSession, registrationInput, seedStaff } from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';

describe('institutions: referred cases only, audited, revocable', () => {
  let t: TestServer;
  let api: Api;
  let clerk: string;
  let mediator: string;
  let caseId: string;
  let otherCaseId: string;
  let deliveryId: string;
  let institutionId: string;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    const staff = await seedStaff(new SqliteCaseRepository(t.server.database));
    const made = await caseInSession(t.server.cases, staff);
    caseId = made.case.id;
    otherCaseId = (
      await t.server.cases.register(staff.clerk, registerCaseSchema.parse(registrationInput()))
    ).id;
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
    // The applicant consents to e-service and is served the acceptance notice.
    const applicant = made.people.find((p) => p.kind === 'applicant')!;
    const { token: invitation } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      { personId: applicant.id },
    );
    await api.ok('POST', `/cases/${caseId}/service-consent`, invitation, {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }],
      scope: 'all',
      effectAcknowledged: true,
    });
    const issued = await api.ok<{ deliveries: { id: string }[] }>(
      'POST',
      `/cases/${caseId}/documents`,
      mediator,
      { kind: 'acceptance_notice', recipients: [applicant.id] },
    );
    deliveryId = issued.deliveries[0]!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = (id: string, key: string) =>
    api.call('POST', '/institution/token', undefined, { institutionId: id, apiKey: key });

  it('registers a court (key shown once), refers a case, and lets the court read that case only', async () => {
    // Only a clerk registers; bad input is refused clearly.
    expect(
      (await api.call('POST', '/institutions', mediator, { kind: 'court', name: '某区人民法院' }))
        .status,
    ).toBe(403);
    const bad = await api.call('POST', '/institutions', clerk, { kind: 'police', name: 'x' });
    expect(bad.status).toBe(400);
    const created = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      clerk,
      { kind: 'court', name: '上海市浦东新区人民法院', webhookUrl: 'http://127.0.0.1:9/hook' },
    );
    institutionId = created.institution.id;
    apiKey = created.apiKey;
    const listed = await api.ok<{ institutions: Record<string, unknown>[] }>(
      'GET',
      '/institutions',
      clerk,
    );
    expect(JSON.stringify(listed)).not.toContain(apiKey);

    // Wrong key and unknown institution: the same refusal.
    const wrong = await signIn(institutionId, 'not-the-key');
    const unknown = await signIn('00000000-0000-0000-0000-000000000000', apiKey);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(JSON.stringify(wrong.body)).toBe(JSON.stringify(unknown.body));

    const signedIn = await signIn(institutionId, apiKey);
    expect(signedIn.status).toBe(200);
    const token = (signedIn.body as { token: string }).token;
    const certificate = `/institution/cases/${caseId}/deliveries/${deliveryId}/certificate`;

    // Not referred yet: reads as missing.
    expect((await api.call('GET', certificate, token)).status).toBe(404);
    expect((await api.ok<{ cases: unknown[] }>('GET', '/institution/cases', token)).cases).toEqual(
      [],
    );
    await api.ok('POST', `/cases/${caseId}/referrals`, mediator, {
      institutionId,
      kind: 'judicial_confirmation',
    });
    const cases = await api.ok<{ cases: { caseId: string }[] }>('GET', '/institution/cases', token);
    expect(cases.cases.map((c) => c.caseId)).toEqual([caseId]);

    const res = await fetch(`${t.url}/api${certificate}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      res.headers.get('x-content-sha256'),
    );
    // Another case of the organisation, not referred: missing; a staff token is not an institution's.
    expect(
      (
        await api.call(
          'GET',
          `/institution/cases/${otherCaseId}/deliveries/${deliveryId}/certificate`,
          token,
        )
      ).status,
    ).toBe(404);
    expect((await api.call('GET', certificate, clerk)).status).toBe(401);
    expect((await api.call('GET', certificate)).status).toBe(401);
    // …nor can an institution token reach staff routes.
    expect((await api.call('GET', `/cases/${caseId}`, token)).status).toBe(401);

    // Every read is in the case's audit chain, which still verifies.
    const audit = new SqliteAuditLog(t.server.database);
    const events = await audit.list(caseId);
    expect(events.filter((e) => e.action === 'institution.accessed')).toHaveLength(1);
    expect(events.some((e) => e.action === 'case.referred')).toBe(true);
    expect((await audit.verify(caseId)).ok).toBe(true);
  });

  it('refuses a revoked credential at once, token and key alike', async () => {
    const token = ((await signIn(institutionId, apiKey)).body as { token: string }).token;
    await api.ok('POST', `/institutions/${institutionId}/revoke`, clerk);
    const read = await api.call('GET', '/institution/cases', token);
    expect(read.status).toBe(401);
    expect(JSON.stringify(read.body)).toContain('revoked');
    expect((await signIn(institutionId, apiKey)).status).toBe(401);
    // A forged token (signed with another secret) is refused too.
    const forged = `${token.split('.').slice(0, 2).join('.')}.AAAA`;
    expect((await api.call('GET', '/institution/cases', forged)).status).toBe(401);
  });
});
