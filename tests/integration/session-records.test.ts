/**
 * Session records (调解笔录) over real HTTP: the mediator saves the draft during the session and
 * issues it once the session ended; the service fills in the session's times; the record is a
 * document whose hash the chain fixes, served on the attendees present; the applicant, the
 * respondent and the mediator sign it with one-time codes, and the completion goes into the
 * chain once. A correction is a new version (the old one can no longer be signed); the
 * mediator records an attendee's refusal instead of a signature. Refused along the way: the
 * clerk writing, a person not of the case, issuing before the end, an observer signing, a
 * refusal for someone who signed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { itemsOf } from '../../server/references/reference.js';
import type { SessionRecordContent } from '../../signaling/http/sessionRecords.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { apiClient, errorReason, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Signing {
  required: { partyId: string | null; signed: boolean }[];
  signatures: { signerId: string; documentSha256: string; signsFor: string }[];
  refusals: { personId: string; reason: string }[];
  complete: boolean;
}
interface Doc {
  id: string;
  kind: string;
  sha256: string;
  version: number;
  superseded: boolean;
  signing: Signing | null;
}

describe('session records', () => {
  let t: TestServer;
  let api: Api;
  let staff: StaffFixture;
  let clerk: string;
  let mediator: string;
  let caseId: string;
  let sessionId: string;
  let applicantId: string;
  let respondentId: string;
  let observerId: string;
  const tokens: Record<string, string> = {};

  const path = () => `/cases/${caseId}/sessions/${sessionId}/record`;

  function content(overrides: Partial<SessionRecordContent> = {}): SessionRecordContent {
    return {
      attendance: [
        { personId: applicantId, present: true, identityCheck: 'id_document', note: null },
        {
          personId: respondentId,
          present: true,
          identityCheck: 'video_comparison',
          note: '法定代表人出席',
        },
        { personId: observerId, present: true, identityCheck: 'not_checked', note: null },
      ],
      noticesGiven: ['rights_and_duties', 'voluntariness', 'recusal_right', 'recording'],
      statements: [
        {
          personId: applicantId,
          statement: '公司拖欠 2025 年 11 月至 2026 年 1 月工资共 12000 元。',
          proposal: '要求一次性支付 12000 元。',
        },
        {
          personId: respondentId,
          statement: '确认欠薪，因资金周转困难未能按时支付。',
          proposal: '同意分两期支付。',
        },
      ],
      outcome: { kind: 'agreement', text: '双方同意分两期支付 12000 元，另行签订调解协议。' },
      ...overrides,
    };
  }

  /** Asks for a code and signs: the code from the outbox (SMS) or the reply (in-app). */
  async function sign(documentId: string, token: string): Promise<number> {
    const base = `/cases/${caseId}/documents/${documentId}`;
    const sent = await api.ok<{ channel: string; code?: string }>(
      'POST',
      `${base}/signing-code`,
      token,
      {},
    );
    let code = sent.code;
    if (!code) {
      const outbox = await new SqlDocumentRepository(t.server.database).listOutbox({ caseId });
      code = /验证码 (\d{6})/.exec(
        outbox.filter((m) => m.purpose === 'signing_code').at(-1)!.body,
      )![1];
    }
    return (await api.call('POST', `${base}/sign`, token, { code })).status;
  }

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const setup = await caseInSession(t.server.cases, staff);
    caseId = setup.case.id;
    sessionId = setup.session.id;
    applicantId = setup.people.find((p) => p.kind === 'applicant')!.id;
    respondentId = setup.people.find((p) => p.kind === 'respondent')!.id;
    observerId = (
      await t.server.cases.addPerson(staff.clerk, caseId, {
        kind: 'observer',
        name: '旁听人赵某',
        isOrganisation: false,
      })
    ).id;
    clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    mediator = await api.login(staff.mediator.username, TEST_PASSWORD);
    for (const [name, id] of [
      ['applicant', applicantId],
      ['respondent', respondentId],
      ['observer', observerId],
    ] as const) {
      tokens[name] = (
        await api.ok<{ token: string }>('POST', `/cases/${caseId}/invitations`, clerk, {
          personId: id,
        })
      ).token;
    }
    await t.server.cases.setSessionState(staff.mediator, sessionId, 'live');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('is written during the session, issued after it, reviewed and signed by the applicant, the respondent and the mediator', async () => {
    // Only the case's mediator writes; everyone named must be of the case.
    const byClerk = await api.call('POST', path(), clerk, content());
    expect(errorReason(byClerk)).toBe('SESSION_RECORD_MEDIATOR_ONLY');
    const stranger = await api.call('POST', path(), mediator, {
      ...content(),
      statements: [{ personId: 'nobody', statement: '……', proposal: null }],
    });
    expect(errorReason(stranger)).toBe('SESSION_RECORD_UNKNOWN_PERSON');
    const saved = await api.ok<{ draft: { content: SessionRecordContent } }>(
      'POST',
      path(),
      mediator,
      content(),
    );
    expect(saved.draft.content.statements).toHaveLength(2);
    // Not issued while the session runs.
    const early = await api.call('POST', `${path()}/issue`, mediator);
    expect(errorReason(early)).toBe('SESSION_RECORD_SESSION_NOT_ENDED');

    await t.server.cases.setSessionState(staff.mediator, sessionId, 'ended');
    const issued = await api.ok<{ document: Doc; deliveries: { recipientId: string }[] }>(
      'POST',
      `${path()}/issue`,
      mediator,
    );
    const record = issued.document;
    expect(record.kind).toBe('session_record');
    // Served on the attendees who sign (parties and agents present): not on the observer.
    expect(issued.deliveries.map((d) => d.recipientId).sort()).toEqual(
      [applicantId, respondentId].sort(),
    );
    expect(record.signing?.required.map((r) => r.partyId)).toEqual([
      applicantId,
      respondentId,
      null,
    ]);
    // The service's times are in it; the chain fixes its hash.
    const read = await api.ok<{ facts: { startedAt: string | null; endedAt: string | null } }>(
      'GET',
      path(),
      clerk,
    );
    expect(read.facts.startedAt).not.toBeNull();
    expect(read.facts.endedAt).not.toBeNull();
    const stored = await t.server.documents.document(staff.clerk, caseId, record.id);
    expect(stored.sha256).toBe(record.sha256);
    expect(
      itemsOf(await new SqlAuditLog(t.server.database).list(caseId)).find(
        (i) => i.id === record.id,
      ),
    ).toMatchObject({ kind: 'document', sha256: record.sha256 });

    // Each party reads it in its own inbox and signs; the observer cannot.
    const inbox = await api.ok<{ documents: Doc[] }>(
      'GET',
      `/cases/${caseId}/documents`,
      tokens['applicant'],
    );
    expect(inbox.documents.some((d) => d.id === record.id)).toBe(true);
    const observer = await api.call(
      'POST',
      `/cases/${caseId}/documents/${record.id}/signing-code`,
      tokens['observer'],
      {},
    );
    expect(observer.status).toBe(404);
    expect(await sign(record.id, tokens['applicant']!)).toBe(201);
    expect(await sign(record.id, tokens['respondent']!)).toBe(201);
    const waiting = await t.server.documents.document(staff.clerk, caseId, record.id);
    expect(waiting.signing?.complete).toBe(false);
    expect(await sign(record.id, mediator)).toBe(201);

    const done = await t.server.documents.document(staff.clerk, caseId, record.id);
    expect(done.signing).toMatchObject({ complete: true, refusals: [] });
    expect(done.signing?.signatures.map((s) => [s.signerId, s.documentSha256])).toEqual([
      [applicantId, record.sha256],
      [respondentId, record.sha256],
      [staff.mediator.id, record.sha256],
    ]);
    const events = await new SqlAuditLog(t.server.database).list(caseId);
    const completed = events.filter((e) => e.action === 'session_record.completed');
    expect(completed).toHaveLength(1);
    expect(JSON.parse(completed[0]!.payload)).toMatchObject({
      documentId: record.id,
      sha256: record.sha256,
    });
    // Signing again changes nothing.
    expect(await sign(record.id, tokens['applicant']!)).toBe(201);
    expect(
      (await new SqlAuditLog(t.server.database).list(caseId)).filter(
        (e) => e.action === 'session_record.completed',
      ),
    ).toHaveLength(1);
  });

  it('a correction is a new version; a refusal to sign is recorded by the mediator instead of a signature', async () => {
    await api.ok('POST', path(), mediator, {
      ...content(),
      outcome: { kind: 'no_agreement', text: '被申请人不同意分期方案，调解不成。' },
    });
    const v2 = (await api.ok<{ document: Doc }>('POST', `${path()}/issue`, mediator)).document;
    expect(v2.version).toBe(2);
    const all = await api.ok<{ documents: Doc[] }>('GET', path(), mediator);
    const v1 = all.documents.find((d) => d.version === 1)!;
    expect(v1.superseded).toBe(true);
    const late = await api.call(
      'POST',
      `/cases/${caseId}/documents/${v1.id}/signing-code`,
      tokens['applicant'],
      {},
    );
    expect(errorReason(late)).toBe('VERSION_REPLACED');

    expect(await sign(v2.id, tokens['applicant']!)).toBe(201);
    const refusalPath = `/cases/${caseId}/documents/${v2.id}/signing-refusals`;
    const byClerk = await api.call('POST', refusalPath, clerk, {
      personId: respondentId,
      reason: '拒绝签名',
    });
    expect(errorReason(byClerk)).toBe('SESSION_RECORD_MEDIATOR_ONLY');
    const signedAlready = await api.call('POST', refusalPath, mediator, {
      personId: applicantId,
      reason: '拒绝签名',
    });
    expect(errorReason(signedAlready)).toBe('SESSION_RECORD_ALREADY_SIGNED');
    const notAttendee = await api.call('POST', refusalPath, mediator, {
      personId: observerId,
      reason: '拒绝签名',
    });
    expect(errorReason(notAttendee)).toBe('SESSION_RECORD_NOT_SIGNER');
    const refused = await api.ok<{ document: Doc }>('POST', refusalPath, mediator, {
      personId: respondentId,
      reason: '被申请人代表认为笔录未记全其陈述，拒绝签名。',
    });
    expect(refused.document.signing).toMatchObject({
      complete: false,
      refusals: [
        { personId: respondentId, reason: '被申请人代表认为笔录未记全其陈述，拒绝签名。' },
      ],
    });
    expect(await sign(v2.id, mediator)).toBe(201);
    const done = await t.server.documents.document(staff.clerk, caseId, v2.id);
    expect(done.signing?.complete).toBe(true);
    const completed = (await new SqlAuditLog(t.server.database).list(caseId)).filter(
      (e) => e.action === 'session_record.completed' && e.target === v2.id,
    );
    expect(JSON.parse(completed[0]!.payload)).toMatchObject({
      refusals: [{ personId: respondentId }],
    });
  });
});
