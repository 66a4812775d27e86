/**
 * Cases a court or an arbitration commission hands to the organisation through its API
 * (委派/委托调解): the same case number twice is one referral, other content under it is
 * refused; a clerk accepts (the case is registered and accepted with the referral's parties
 * and claims) or declines with reasons; the institution hears of acceptance, each session
 * scheduled and the end of the case on its webhook once each, reads the progress, and
 * fetches and verifies the signed reference of the result offline. Nobody else's referral is
 * readable, decided twice, or withdrawn after its decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlInboundReferralRepository } from '../../server/db/SqlInboundReferralRepository.js';
import { verifyReference } from '../../server/references/reference.js';
import type { Jwks } from '../../server/signing/jws.js';
import {
  TEST_PASSWORD,
  referralSubmission,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, errorReason, pngBytes, sha256sum, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';

interface ReferralView {
  id: string;
  status: string;
  caseId: string | null;
  caseNumber: string;
  reason: string | null;
  institutionName: string;
}

const submission = referralSubmission;

describe('inbound referrals: courts and arbitration commissions hand cases over', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let mediator: string;
  let hook: Receiver;
  let court: string;
  let commission: string;

  /** Registers an institution (clerk) and signs it in: its access token. */
  async function institution(kind: 'court' | 'arbitration', name: string, webhookUrl?: string) {
    const { institution: i, apiKey } = await api.ok<{
      institution: { id: string };
      apiKey: string;
    }>('POST', '/institutions', clerk, { kind, name, ...(webhookUrl ? { webhookUrl } : {}) });
    const { token } = await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
      institutionId: i.id,
      apiKey,
    });
    return { id: i.id, token };
  }

  /** The webhook events the receiver accepted, in order. */
  function events(): { event: string; body: Record<string, unknown> }[] {
    return [...hook.accepted.values()].map((b) => {
      const body = JSON.parse(b.toString('utf8')) as Record<string, unknown>;
      return { event: String(body['event']), body };
    });
  }

  beforeAll(async () => {
    t = await startTestServer({ WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1' });
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
    hook = await webhookReceiver(0);
    court = (await institution('court', '某区人民法院', hook.url)).token;
    commission = (await institution('arbitration', '某区劳动人事争议仲裁委员会')).token;
  }, 60_000);

  afterAll(async () => {
    await hook?.close();
    await t?.close();
  });

  it('takes a court case number once, refuses other content under it and an entrustment by a commission', async () => {
    const first = await api.call(
      'POST',
      '/institution/referrals',
      court,
      submission('（2026）沪0115民诉前调1号'),
    );
    expect(first.status).toBe(200);
    const made = first.body as { referral: ReferralView; created: boolean };
    expect(made.created).toBe(true);
    expect(made.referral.status).toBe('pending');
    // The court's system sends it again (a timeout on its side): the same referral.
    const again = await api.ok<{ referral: ReferralView; created: boolean }>(
      'POST',
      '/institution/referrals',
      court,
      submission('（2026）沪0115民诉前调1号'),
    );
    expect(again).toMatchObject({ created: false, referral: { id: made.referral.id } });
    // Two at once: still one.
    const both = await Promise.all(
      [0, 1].map(() =>
        api.call('POST', '/institution/referrals', court, submission('（2026）沪0115民诉前调2号')),
      ),
    );
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const ids = both.map((r) => (r.body as { referral: ReferralView }).referral.id);
    expect(ids[0]).toBe(ids[1]);
    // The same number with another amount is not the same referral.
    const changed = await api.call(
      'POST',
      '/institution/referrals',
      court,
      submission('（2026）沪0115民诉前调1号', {
        application: { ...submission('x').application, amountClaimed: 99000 },
      }),
    );
    expect(changed.status).toBe(409);
    expect(errorReason(changed)).toBe('REFERRAL_NUMBER_REUSED');
    const entrusted = await api.call(
      'POST',
      '/institution/referrals',
      commission,
      submission('沪劳人仲委调字〔2026〕1号', { kind: 'entrusted' }),
    );
    expect(entrusted.status).toBe(400);
    expect(errorReason(entrusted)).toBe('REFERRAL_KIND_NOT_FOR_INSTITUTION');
    // Bad input: a clear refusal naming the field, nothing stored.
    const bad = await api.call('POST', '/institution/referrals', court, {
      ...submission('（2026）沪0115民诉前调3号'),
      application: { ...submission('x').application, claimTypes: [] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('claimTypes');
    const mine = await api.ok<{ referrals: ReferralView[] }>(
      'GET',
      '/institution/referrals',
      court,
    );
    expect(mine.referrals.map((r) => r.caseNumber).sort()).toEqual([
      '（2026）沪0115民诉前调1号',
      '（2026）沪0115民诉前调2号',
    ]);
    // No token, a staff token: refused.
    expect(
      (await api.call('POST', '/institution/referrals', undefined, submission('n'))).status,
    ).toBe(401);
    expect((await api.call('GET', '/institution/referrals', clerk)).status).toBe(401);
  });

  it('a clerk accepts: the case is filled in from the referral, the court hears of it once and follows it to a verified result', async () => {
    const { referral } = await api.ok<{ referral: ReferralView }>(
      'POST',
      '/institution/referrals',
      court,
      submission('（2026）沪0115民诉前调10号'),
    );
    const incoming = await api.ok<{ referrals: ReferralView[] }>(
      'GET',
      '/referrals/incoming',
      mediator,
    );
    expect(incoming.referrals.find((r) => r.id === referral.id)).toMatchObject({
      status: 'pending',
      institutionName: '某区人民法院',
    });
    // A mediator reads the queue but does not decide.
    const byMediator = await api.call(
      'POST',
      `/referrals/incoming/${referral.id}/accept`,
      mediator,
    );
    expect(byMediator.status).toBe(403);
    // Two clerks' tabs accept at once: one case.
    const accepts = await Promise.all(
      [0, 1].map(() => api.call('POST', `/referrals/incoming/${referral.id}/accept`, clerk)),
    );
    expect(accepts.map((r) => r.status).sort()).toEqual([200, 409]);
    const accepted = accepts.find((r) => r.status === 200)!.body as { caseId: string };
    expect(errorReason(accepts.find((r) => r.status === 409)!)).toBe('REFERRAL_ALREADY_DECIDED');
    const caseId = accepted.caseId;
    const file = await api.ok<{
      case: { source: string; sourceReference: string; status: string; decision: { kind: string } };
      people: { kind: string; name: string }[];
    }>('GET', `/cases/${caseId}`, clerk);
    expect(file.case).toMatchObject({
      source: 'court_delegated',
      sourceReference: '（2026）沪0115民诉前调10号',
      decision: { kind: 'accepted' },
    });
    expect(file.people.map((p) => [p.kind, p.name])).toEqual([
      ['applicant', '张三'],
      ['respondent', '某某科技有限公司'],
    ]);
    // The withdrawal of a decided referral is refused.
    const late = await api.call('POST', `/institution/referrals/${referral.id}/withdraw`, court, {
      reason: '当事人已自行和解',
    });
    expect(late.status).toBe(409);

    await until(() => events().some((e) => e.event === 'referral:referral.accepted'));
    // A session, then the end of the case.
    await api.ok('POST', `/cases/${caseId}/mediator`, clerk, { mediatorId: staff.mediator.id });
    await api.ok('POST', `/cases/${caseId}/disclosures`, mediator, {
      hasConflict: false,
      statement: '无利害关系',
    });
    const { id: sessionId } = await api.ok<{ id: string }>(
      'POST',
      `/cases/${caseId}/sessions`,
      mediator,
      {
        scheduledStart: new Date(Date.now() + 86_400_000).toISOString(),
      },
    );
    await api.ok('POST', `/cases/${caseId}/termination`, mediator, {
      ground: 'party_refuses',
      facts: '被申请人明确表示拒绝继续调解',
    });
    await until(() => events().some((e) => e.event === 'referral:case.terminated'));
    const told = events().filter((e) => (e.body['referral'] as { id: string }).id === referral.id);
    expect(told.map((e) => e.event)).toEqual([
      'referral:referral.accepted',
      'referral:case.session_scheduled',
      'referral:case.terminated',
    ]);
    expect(told[1]!.body).toMatchObject({ sessionId });
    expect(told[0]!.body).toMatchObject({ caseId, seq: 1 });
    // The signed reference the result points to verifies offline with the published keys.
    const path = String(told[2]!.body['reference']);
    expect(path).toBe(`/api/institution/cases/${caseId}/reference`);
    const { reference } = await api.ok<{ reference: string }>(
      'GET',
      path.replace(/^\/api/, ''),
      court,
    );
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    const checked = await verifyReference(reference, jwks);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.reference.case.id).toBe(caseId);
    // The chain it carries holds the termination and the court's own referral.
    expect(checked.reference.chain.events.map((e) => e.action)).toContain('outcome.termination');
    expect(checked.reference.referrals.map((r) => r.kind)).toEqual(['delegated_report']);
    // The court's materials join the case it handed over: typed, hashed, in the audit chain
    // under the court's name; nobody else adds to it this way.
    const png = pngBytes();
    const added = await api.upload(
      caseId,
      court,
      png,
      'payslip.png',
      { title: '工资条（法院移送）' },
      `/institution/cases/${caseId}/evidence`,
    );
    expect(added.status).toBe(201);
    const { item } = added.body as {
      item: { id: string; sha256: string; uploaderRole: string; uploadedBy: string };
    };
    expect(item).toMatchObject({ sha256: sha256sum(png), uploaderRole: 'court' });
    const listed = await api.ok<{ items: { id: string; sha256: string }[] }>(
      'GET',
      `/cases/${caseId}/evidence`,
      clerk,
    );
    expect(listed.items).toContainEqual(
      expect.objectContaining({ id: item.id, sha256: sha256sum(png) }),
    );
    const chain = await new SqlAuditLog(t.server.database).list(caseId);
    expect(chain.find((e) => e.action === 'evidence.received')).toMatchObject({
      actorId: item.uploadedBy,
      actorRole: 'court',
    });
    for (const [token, path] of [
      [commission, `/institution/cases/${caseId}/evidence`],
      [clerk, `/institution/cases/${caseId}/evidence`],
    ] as const) {
      const refused = await api.upload(caseId, token, png, 'payslip.png', {}, path);
      expect([401, 404]).toContain(refused.status);
    }
    // A file that is not what its name says is refused with the evidence rules, nothing kept.
    const fake = await api.upload(
      caseId,
      court,
      Buffer.from('%PDF-1.4 not really'),
      'payslip.png',
      {},
      `/institution/cases/${caseId}/evidence`,
    );
    expect(fake.status).toBe(400);
    expect(
      (await api.ok<{ items: unknown[] }>('GET', `/cases/${caseId}/evidence`, clerk)).items,
    ).toHaveLength(1);

    // The progress the court reads, and the events with their deliveries.
    const progress = await api.ok<{
      events: { event: string; webhookDelivery: string | null }[];
      progress: { status: string; outcome: string | null; sessions: unknown[] };
    }>('GET', `/institution/referrals/${referral.id}`, court);
    expect(progress.events.map((e) => e.event)).toEqual([
      'referral.accepted',
      'case.session_scheduled',
      'case.terminated',
    ]);
    expect(progress.events.every((e) => e.webhookDelivery !== null)).toBe(true);
    expect(progress.progress).toMatchObject({ outcome: 'termination', sessions: [{}] });
    // Each event was delivered once, however many attempts it took.
    const keys = hook.attempts.map((a) => a.key);
    expect(new Set(keys).size).toBe(hook.accepted.size);
  });

  it('queues nothing more for a court whose credential was revoked, though its case goes on', async () => {
    const revoked = await institution('court', '某区人民法院（旧凭证）', hook.url);
    const { referral } = await api.ok<{ referral: ReferralView }>(
      'POST',
      '/institution/referrals',
      revoked.token,
      submission('（2026）沪0115民诉前调40号'),
    );
    const { caseId } = await api.ok<{ caseId: string }>(
      'POST',
      `/referrals/incoming/${referral.id}/accept`,
      clerk,
    );
    await api.ok('POST', `/institutions/${revoked.id}/revoke`, clerk);
    await api.ok('POST', `/cases/${caseId}/mediator`, clerk, { mediatorId: staff.mediator.id });
    await api.ok('POST', `/cases/${caseId}/disclosures`, mediator, {
      hasConflict: false,
      statement: '无利害关系',
    });
    await api.ok('POST', `/cases/${caseId}/sessions`, mediator, {
      scheduledStart: new Date(Date.now() + 86_400_000).toISOString(),
    });
    // The event is kept in the referral's record; no delivery is queued for a dead credential.
    const { deliveries } = await api.ok<{ deliveries: { id: string }[] }>(
      'GET',
      `/institutions/${revoked.id}/webhooks`,
      clerk,
    );
    const events = await new SqlInboundReferralRepository(t.server.database).events(referral.id);
    expect(events.map((e) => [e.event, e.webhookDelivery === null])).toEqual([
      ['referral.accepted', false],
      ['case.session_scheduled', true],
    ]);
    expect(deliveries).toHaveLength(1);
  });

  it('a clerk declines with reasons; the court reads them; a pending referral can be withdrawn; others read nothing', async () => {
    const { referral: declined } = await api.ok<{ referral: ReferralView }>(
      'POST',
      '/institution/referrals',
      court,
      submission('（2026）沪0115民诉前调20号'),
    );
    const refused = await api.call('POST', `/referrals/incoming/${declined.id}/decline`, clerk, {
      reason: '争议不属于本调解组织受理范围',
    });
    expect(refused.status).toBe(200);
    const seen = await api.ok<{ referral: ReferralView; progress: unknown }>(
      'GET',
      `/institution/referrals/${declined.id}`,
      court,
    );
    expect(seen.referral).toMatchObject({
      status: 'declined',
      reason: '争议不属于本调解组织受理范围',
      caseId: null,
    });
    expect(seen.progress).toBeNull();
    expect(
      (await api.call('POST', `/referrals/incoming/${declined.id}/accept`, clerk)).status,
    ).toBe(409);

    const { referral: pending } = await api.ok<{ referral: ReferralView }>(
      'POST',
      '/institution/referrals',
      court,
      submission('（2026）沪0115民诉前调21号'),
    );
    // Another institution, and another organisation's clerk: as if it did not exist.
    expect((await api.call('GET', `/institution/referrals/${pending.id}`, commission)).status).toBe(
      404,
    );
    const other = await seedStaff(new SqlCaseRepository(t.server.database));
    const otherClerk = await api.login(other.clerk.username, TEST_PASSWORD);
    expect(
      (await api.call('POST', `/referrals/incoming/${pending.id}/accept`, otherClerk)).status,
    ).toBe(404);
    expect(
      (await api.ok<{ referrals: ReferralView[] }>('GET', '/referrals/incoming', otherClerk))
        .referrals,
    ).toEqual([]);
    const withdrawn = await api.ok<{ referral: ReferralView }>(
      'POST',
      `/institution/referrals/${pending.id}/withdraw`,
      court,
      { reason: '当事人已撤回起诉' },
    );
    expect(withdrawn.referral.status).toBe('withdrawn');
    expect((await api.call('POST', `/referrals/incoming/${pending.id}/accept`, clerk)).status).toBe(
      409,
    );
    // Neither produced a webhook: they have no case file to carry the delivery's trail.
    expect(
      events().filter((e) =>
        [declined.id, pending.id].includes((e.body['referral'] as { id: string }).id),
      ),
    ).toEqual([]);
  });
});
