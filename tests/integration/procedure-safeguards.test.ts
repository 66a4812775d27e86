/**
 * Procedural safeguards over HTTP (issue 15, findings 5 and 6): a mediator
 * discloses for each assignment before running the case; a party may ask
 * for the mediator's recusal (回避申请), the organisation decides with
 * reasons, and no session starts meanwhile; a party application is accepted
 * only with every respondent's agreement to mediate, and a refusal ends the
 * case with the right-to-arbitration notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, errorCode, twoPagePdf, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Person {
  id: string;
  kind: string;
  name: string;
}
interface CaseFileView {
  case: { id: string; status: string; mediatorId: string | null; outcome: unknown };
  people: Person[];
  notices: { kind: string; deadlineId: string | null; data: Record<string, unknown> }[];
  recusalRequests: { id: string; status: string; requestDocumentId: string | null }[];
  mediationResponses: { respondentId: string; decision: string; channel: string }[];
}
interface Documents {
  documents: { id: string; kind: string; sha256: string }[];
  deliveries: { documentId: string; recipientId: string }[];
}

let t: TestServer;
let api: Api;
let staff: StaffFixture;
let clerk: string;
let mediator: string;
let otherMediator: string;

beforeAll(async () => {
  t = await startTestServer({ MEDIASOUP_NUM_WORKERS: '1' });
  api = apiClient(t.url);
  staff = await seedStaff(new SqlCaseRepository(t.server.database));
  [clerk, mediator, otherMediator] = await Promise.all([
    api.login(staff.clerk.username, TEST_PASSWORD),
    api.login(staff.mediator.username, TEST_PASSWORD),
    api.login(staff.otherMediator.username, TEST_PASSWORD),
  ]);
});
afterAll(async () => {
  await t?.close();
});

async function file(caseId: string): Promise<CaseFileView> {
  return api.ok<CaseFileView>('GET', `/cases/${caseId}`, clerk);
}

async function invite(caseId: string, personId: string): Promise<string> {
  return (
    await api.ok<{ token: string }>('POST', `/cases/${caseId}/invitations`, clerk, { personId })
  ).token;
}

async function audit(caseId: string): Promise<string[]> {
  return (await new SqlAuditLog(t.server.database).list(caseId)).map((e) => e.action);
}

/** A party application, registered; its people by kind. */
async function registered(
  overrides: Parameters<typeof registrationInput>[0] = {},
): Promise<{ caseId: string; applicant: Person; respondent: Person }> {
  const c = await api.ok<{ id: string }>('POST', '/cases', clerk, registrationInput(overrides));
  const { people } = await file(c.id);
  return {
    caseId: c.id,
    applicant: people.find((p) => p.kind === 'applicant')!,
    respondent: people.find((p) => p.kind === 'respondent')!,
  };
}

/** Accepted (the respondent agreed on its page), assigned, disclosed, a session scheduled. */
async function scheduled(): Promise<{
  caseId: string;
  sessionId: string;
  applicant: Person;
  respondent: Person;
  tokens: { applicant: string; respondent: string };
}> {
  const r = await registered();
  const tokens = {
    applicant: await invite(r.caseId, r.applicant.id),
    respondent: await invite(r.caseId, r.respondent.id),
  };
  await api.ok('POST', `/cases/${r.caseId}/mediation-response`, tokens.respondent, {
    decision: 'agree',
  });
  await api.ok('POST', `/cases/${r.caseId}/accept`, clerk);
  await api.ok('POST', `/cases/${r.caseId}/mediator`, clerk, { mediatorId: staff.mediator.id });
  await api.ok('POST', `/cases/${r.caseId}/disclosures`, mediator, {
    hasConflict: false,
    statement: '与双方当事人无利害关系',
  });
  const session = await api.ok<{ id: string }>('POST', `/cases/${r.caseId}/sessions`, mediator, {
    scheduledStart: new Date().toISOString(),
  });
  return { ...r, sessionId: session.id, tokens };
}

describe('conflict disclosure at every assignment', () => {
  it('a mediator who takes over a scheduled session cannot start or join it before disclosing; the previous disclosure does not count', async () => {
    const c = await scheduled();
    await api.ok('POST', `/cases/${c.caseId}/mediator`, clerk, {
      mediatorId: staff.otherMediator.id,
    });

    const start = await api.call('POST', `/sessions/${c.sessionId}/start`, otherMediator);
    expect(start.status).toBe(409);
    expect(errorCode(start)).toBe('DISCLOSURE_REQUIRED');
    const join = await api.call('POST', '/join-token', otherMediator, { sessionId: c.sessionId });
    expect(join.status).toBe(409);
    expect(errorCode(join)).toBe('DISCLOSURE_REQUIRED');

    await api.ok('POST', `/cases/${c.caseId}/disclosures`, otherMediator, {
      hasConflict: false,
      statement: '与双方当事人无利害关系',
    });
    // Back to the first mediator: their disclosure was for the earlier assignment.
    await api.ok('POST', `/cases/${c.caseId}/mediator`, clerk, { mediatorId: staff.mediator.id });
    const again = await api.call('POST', `/sessions/${c.sessionId}/start`, mediator);
    expect(again.status).toBe(409);
    expect(errorCode(again)).toBe('DISCLOSURE_REQUIRED');

    await api.ok('POST', `/cases/${c.caseId}/disclosures`, mediator, {
      hasConflict: false,
      statement: '再次确认与双方当事人无利害关系',
    });
    const started = await api.call('POST', `/sessions/${c.sessionId}/start`, mediator);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'live' });
  });
});

describe('recusal requests (回避申请)', () => {
  it('a pending request blocks the start; a refusal with reasons is a document served on the parties, and the session starts', async () => {
    const c = await scheduled();
    const filed = await api.call(
      'POST',
      `/cases/${c.caseId}/recusal-requests`,
      c.tokens.applicant,
      {
        reasons: '调解员曾与被申请人有业务往来',
      },
    );
    expect(filed.status).toBe(201);
    const { request, document } = filed.body as {
      request: { id: string; status: string; requestDocumentId: string };
      document: { id: string; kind: string };
    };
    expect(request).toMatchObject({ status: 'pending', requestDocumentId: document.id });
    expect(document.kind).toBe('recusal_request');

    const blocked = await api.call('POST', `/sessions/${c.sessionId}/start`, mediator);
    expect(blocked.status).toBe(409);
    expect(errorCode(blocked)).toBe('RECUSAL_PENDING');
    const second = await api.call(
      'POST',
      `/cases/${c.caseId}/recusal-requests`,
      c.tokens.respondent,
      { reasons: '同上' },
    );
    expect(errorCode(second)).toBe('RECUSAL_PENDING');

    // The requester sees its own filing; the other party does not.
    const mine = await api.ok<Documents>('GET', `/cases/${c.caseId}/documents`, c.tokens.applicant);
    expect(mine.documents.map((d) => d.kind)).toContain('recusal_request');
    const theirs = await api.ok<Documents>(
      'GET',
      `/cases/${c.caseId}/documents`,
      c.tokens.respondent,
    );
    expect(theirs.documents.map((d) => d.kind)).not.toContain('recusal_request');

    // Reasons are required; a party cannot decide.
    const noReasons = await api.call(
      'POST',
      `/cases/${c.caseId}/recusal-requests/${request.id}/decision`,
      clerk,
      { decision: 'refused' },
    );
    expect(noReasons.status).toBe(400);
    const byParty = await api.call(
      'POST',
      `/cases/${c.caseId}/recusal-requests/${request.id}/decision`,
      c.tokens.applicant,
      { decision: 'granted', reasons: '自行决定' },
    );
    expect(byParty.status).toBe(403);

    const decided = await api.call(
      'POST',
      `/cases/${c.caseId}/recusal-requests/${request.id}/decision`,
      clerk,
      { decision: 'refused', reasons: '业务往来已于三年前结束，不影响公正调解' },
    );
    expect(decided.status).toBe(200);
    const body = decided.body as {
      request: { status: string; decisionDocumentId: string };
      document: { id: string; kind: string };
      deliveries: { recipientId: string }[];
    };
    expect(body.request).toMatchObject({ status: 'refused', decisionDocumentId: body.document.id });
    expect(body.document.kind).toBe('recusal_decision');
    expect(body.deliveries.map((d) => d.recipientId).sort()).toEqual(
      [c.applicant.id, c.respondent.id].sort(),
    );
    const served = await api.ok<Documents>(
      'GET',
      `/cases/${c.caseId}/documents`,
      c.tokens.respondent,
    );
    expect(served.documents.map((d) => d.kind)).toContain('recusal_decision');
    const pdf = await fetch(`${t.url}/api/cases/${c.caseId}/documents/${body.document.id}/pdf`, {
      headers: { authorization: `Bearer ${c.tokens.respondent}` },
    });
    expect(pdf.status).toBe(200);
    expect((await pdf.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    expect(await audit(c.caseId)).toEqual(
      expect.arrayContaining(['recusal.requested', 'recusal.decided', 'document.issued']),
    );
    const events = await audit(c.caseId);
    expect(events.indexOf('recusal.requested')).toBeLessThan(events.indexOf('recusal.decided'));
    expect((await file(c.caseId)).case.mediatorId).toBe(staff.mediator.id);

    const started = await api.call('POST', `/sessions/${c.sessionId}/start`, mediator);
    expect(started.status).toBe(200);
  });

  it('a granted request withdraws the mediator; the next one must disclose before the session starts', async () => {
    const c = await scheduled();
    const { request } = await api.ok<{ request: { id: string } }>(
      'POST',
      `/cases/${c.caseId}/recusal-requests`,
      c.tokens.respondent,
      { reasons: '调解员是申请人的亲属' },
    );
    const decided = await api.ok<{ request: { status: string } }>(
      'POST',
      `/cases/${c.caseId}/recusal-requests/${request.id}/decision`,
      clerk,
      { decision: 'granted', reasons: '经核实，调解员与申请人系近亲属' },
    );
    expect(decided.request.status).toBe('granted');
    const after = await file(c.caseId);
    expect(after.case.mediatorId).toBeNull();
    expect(after.recusalRequests).toEqual([expect.objectContaining({ status: 'granted' })]);
    // The withdrawn mediator no longer reaches the case.
    const withdrawn = await api.call('POST', `/sessions/${c.sessionId}/start`, mediator);
    expect(withdrawn.status).toBe(404);

    await api.ok('POST', `/cases/${c.caseId}/mediator`, clerk, {
      mediatorId: staff.otherMediator.id,
    });
    const undisclosed = await api.call('POST', `/sessions/${c.sessionId}/start`, otherMediator);
    expect(errorCode(undisclosed)).toBe('DISCLOSURE_REQUIRED');
    await api.ok('POST', `/cases/${c.caseId}/disclosures`, otherMediator, {
      hasConflict: false,
      statement: '与双方当事人无利害关系',
    });
    const started = await api.call('POST', `/sessions/${c.sessionId}/start`, otherMediator);
    expect(started.status).toBe(200);
    expect(await audit(c.caseId)).toEqual(
      expect.arrayContaining(['recusal.requested', 'recusal.decided', 'mediator.assigned']),
    );
  });

  it('a party of another case, an observer and staff cannot file one', async () => {
    const a = await scheduled();
    const b = await scheduled();
    const other = await api.call(
      'POST',
      `/cases/${a.caseId}/recusal-requests`,
      b.tokens.applicant,
      {
        reasons: '别的案件的当事人',
      },
    );
    // Another case is outside a party's reach: reported as not found (its existence stays hidden).
    expect(other.status).toBe(404);
    const otherDecision = await api.call(
      'POST',
      `/cases/${a.caseId}/recusal-requests/any/decision`,
      b.tokens.applicant,
      { decision: 'granted', reasons: '越权' },
    );
    expect(otherDecision.status).toBe(403);
    const observer = await api.ok<{ id: string }>('POST', `/cases/${a.caseId}/people`, clerk, {
      kind: 'observer',
      name: '工会代表',
    });
    const observerToken = await invite(a.caseId, observer.id);
    const byObserver = await api.call(
      'POST',
      `/cases/${a.caseId}/recusal-requests`,
      observerToken,
      { reasons: '旁听人员' },
    );
    expect(byObserver.status).toBe(403);
    const byStaff = await api.call('POST', `/cases/${a.caseId}/recusal-requests`, clerk, {
      reasons: '书记员',
    });
    expect(byStaff.status).toBe(403);
    expect((await file(a.caseId)).recusalRequests).toEqual([]);
  });
});

describe("the respondent's agreement to mediate", () => {
  it('a party application is accepted only after every co-respondent agreed (personally or through a specially authorised agent); delegated cases need none', async () => {
    const r = await registered();
    const second = await api.ok<Person>('POST', `/cases/${r.caseId}/people`, clerk, {
      kind: 'respondent',
      name: '某某劳务派遣有限公司',
      isOrganisation: true,
      legalRepresentative: '孙五',
    });
    const agent = await api.ok<Person>('POST', `/cases/${r.caseId}/people`, clerk, {
      kind: 'agent',
      name: '钱律师',
      representsId: second.id,
      powerOfAttorney: { scope: 'special', maySign: false },
    });

    const refused = await api.call('POST', `/cases/${r.caseId}/accept`, clerk);
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe('RESPONDENT_AGREEMENT_REQUIRED');

    // The applicant cannot answer for the respondent.
    const byApplicant = await api.call(
      'POST',
      `/cases/${r.caseId}/mediation-response`,
      await invite(r.caseId, r.applicant.id),
      { decision: 'agree' },
    );
    expect(byApplicant.status).toBe(403);

    await api.ok(
      'POST',
      `/cases/${r.caseId}/mediation-response`,
      await invite(r.caseId, r.respondent.id),
      {
        decision: 'agree',
      },
    );
    const oneOfTwo = await api.call('POST', `/cases/${r.caseId}/accept`, clerk);
    expect(errorCode(oneOfTwo)).toBe('RESPONDENT_AGREEMENT_REQUIRED');

    await api.ok(
      'POST',
      `/cases/${r.caseId}/mediation-response`,
      await invite(r.caseId, agent.id),
      {
        decision: 'agree',
      },
    );
    const accepted = await api.call('POST', `/cases/${r.caseId}/accept`, clerk);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted' });
    const responses = (await file(r.caseId)).mediationResponses;
    expect(responses.map((x) => x.respondentId).sort()).toEqual(
      [r.respondent.id, second.id].sort(),
    );
    expect((await audit(r.caseId)).filter((a) => a === 'mediation.agreed')).toHaveLength(2);

    // Delegated and entrusted cases came through an institution: no separate agreement, and none taken.
    for (const source of ['court_entrusted', 'arbitration_delegated'] as const) {
      const d = await registered({ source, sourceReference: '（2026）沪0115民诉前调1号' });
      const answer = await api.call(
        'POST',
        `/cases/${d.caseId}/mediation-response`,
        await invite(d.caseId, d.respondent.id),
        { decision: 'agree' },
      );
      expect(errorCode(answer)).toBe('INVALID_STATE');
      expect((await api.call('POST', `/cases/${d.caseId}/accept`, clerk)).status).toBe(200);
    }
  });

  it("a respondent's refusal ends the case and produces the right-to-arbitration notice", async () => {
    const r = await registered();
    const token = await invite(r.caseId, r.respondent.id);
    const answered = await api.call('POST', `/cases/${r.caseId}/mediation-response`, token, {
      decision: 'refuse',
      note: '不同意调解，要求直接仲裁',
    });
    expect(answered.status).toBe(201);
    const after = await file(r.caseId);
    expect(after.case).toMatchObject({
      status: 'terminated',
      outcome: { kind: 'termination', ground: 'respondent_refused_mediation' },
    });
    expect(after.notices).toEqual([
      expect.objectContaining({
        kind: 'right_to_arbitration',
        deadlineId: null,
        data: expect.objectContaining({
          caseNumber: expect.any(String),
          reason: 'respondent_refused_mediation',
          respondentId: r.respondent.id,
          basis: expect.stringContaining('劳动争议调解仲裁法'),
        }),
      }),
    ]);
    const events = await audit(r.caseId);
    expect(events).toEqual(
      expect.arrayContaining(['mediation.refused', 'notice.produced', 'outcome.termination']),
    );
    const accept = await api.call('POST', `/cases/${r.caseId}/accept`, clerk);
    expect(errorCode(accept)).toBe('INVALID_STATE');
  });

  it('a clerk records an answer given offline only with its proof', async () => {
    const r = await registered();
    const noProof = await api.call('POST', `/cases/${r.caseId}/mediation-response/offline`, clerk, {
      respondentId: r.respondent.id,
      decision: 'agree',
      note: '电话表示同意',
    });
    expect(noProof.status).toBe(400);
    const unknownProof = await api.call(
      'POST',
      `/cases/${r.caseId}/mediation-response/offline`,
      clerk,
      {
        respondentId: r.respondent.id,
        decision: 'agree',
        evidenceId: 'no-such-item',
        note: '电话',
      },
    );
    expect(unknownProof.status).toBe(400);
    expect((await file(r.caseId)).mediationResponses).toEqual([]);

    const upload = await api.upload(r.caseId, clerk, twoPagePdf('同意调解书'), '同意调解书.pdf', {
      title: '被申请人同意调解书',
      purpose: '证明被申请人同意调解',
    });
    expect(upload.status).toBe(201);
    const item = (upload.body as { item: { id: string; sha256: string } }).item;
    const recorded = await api.call(
      'POST',
      `/cases/${r.caseId}/mediation-response/offline`,
      clerk,
      {
        respondentId: r.respondent.id,
        decision: 'agree',
        evidenceId: item.id,
        note: '被申请人法定代表人到场签署同意调解书',
      },
    );
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      response: { channel: 'offline', evidenceId: item.id, evidenceSha256: item.sha256 },
    });
    expect((await api.call('POST', `/cases/${r.caseId}/accept`, clerk)).status).toBe(200);
  });
});
