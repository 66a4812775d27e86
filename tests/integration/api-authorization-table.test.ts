/**
 * Authorization by table: EVERY route the server mounts under /api (read
 * from the server's own route table, so a new route without a row fails
 * here) × every kind of caller, current and stale: no token, a clerk, the
 * assigned mediator, a mediator of the same organisation not assigned, a
 * clerk of another organisation, the applicant, the respondent, an agent,
 * an observer, a party of another case, a court's institution token, a
 * deactivated clerk, a mediator the case was reassigned away from, a
 * revoked and an expired invitation.
 *
 * Each row lists who is allowed; everyone else gets the refusal of the
 * default rule below unless the row says otherwise. Refused callers go
 * first, on the untouched resource, then the allowed ones: the first allowed
 * call must succeed, later ones of a state-changing row may meet 409.
 *
 * tests/integration/api-authorization.test.ts keeps its stricter matrix of
 * the case routes (a fresh case per cell); this table covers every route.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../server/http/api/routes.js';
import { CALLERS, buildApiWorld, type ApiWorld, type Caller } from '../support/apiWorld.js';
import {
  applicationForm,
  freshDevice,
  lastCode,
  mobile,
  publicPost,
  residentId,
  solvedPow,
  submittedApplication,
} from '../support/applications.js';
import { referralSubmission, registrationInput, respondentsAgree } from '../support/cases.js';
import { FIELDS, freshAddress } from '../support/evidenceHttp.js';
import { TEST_PASSWORD } from '../support/cases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { SqlRiskLedger } from '../../server/db/SqlRiskLedger.js';
import { DEFAULT_RISK_SETTINGS } from '../../server/risk/rules.js';

type Refusal = 401 | 403 | 404;
type Params = Record<string, string>;

const STALE: readonly Caller[] = [
  'anonymous',
  'institution',
  'deactivatedStaff',
  'revokedInvitation',
  'expiredInvitation',
];
const PEOPLE: readonly Caller[] = [
  'applicantA1',
  'respondentA1',
  'agentA1',
  'observerA1',
  'applicantA2',
];
/** Out of scope of case A1: not assigned, another organisation, another case's party. */
const OUTSIDERS: readonly Caller[] = [
  'otherMediatorA',
  'clerkB',
  'reassignedMediator',
  'applicantA2',
];

interface Row {
  method: 'get' | 'post';
  path: string;
  /** Callers whose call succeeds (2xx), or gets `allowedStatus`. */
  allow: readonly Caller[];
  /** Refusals other than the default rule's. */
  refuse?: Partial<Record<Caller, Refusal>>;
  /** The resource acted on, when not case A1's (a fresh one, made once for the row). */
  target?: (w: ApiWorld) => Promise<Params>;
  /** The route names a case but the path does not (join tokens). */
  caseScoped?: boolean;
  body?: (w: ApiWorld, p: Params, caller: Caller) => unknown; // may be a promise
  query?: (w: ApiWorld, p: Params) => string;
  headers?: () => Record<string, string>;
  multipart?: boolean;
  /** State-changing: after the first success, allowed callers may meet 409. */
  consumes?: boolean;
  /**
   * What an allowed caller gets when the resource cannot be made cheaply
   * here (e.g. 409 sealing an unsigned agreement): still proves the call was
   * authorised, since every refusal is 401, 403 or 404.
   */
  allowedStatus?: number;
}

/**
 * The default refusal: a missing, stale or foreign-audience token is 401
 * (institution tokens are not API tokens); a person on a staff-only route
 * 403; anyone outside the case 404 on a case's routes (its existence is not
 * revealed) and 403 on organisation routes; anyone else not allowed 403.
 * Institution routes refuse every token but an institution's with 401.
 */
function defaultRefusal(row: Row, spec: RouteSpec, caller: Caller): Refusal {
  if (row.path.startsWith('/institution/')) return 401;
  // The applicant's link token is the only credential there: nobody else has one.
  if (row.path.startsWith('/public/applications/mine')) return 401;
  if (STALE.includes(caller)) return 401;
  if (spec.auth === 'staff' && PEOPLE.includes(caller)) return 403;
  const scoped = row.caseScoped || /:(caseId|sessionId)\b/.test(row.path);
  if (scoped && OUTSIDERS.includes(caller)) return 404;
  return 403;
}

const A1_STAFF: readonly Caller[] = ['clerkA', 'mediatorA'];
/** Who reads case A1 as staff: its clerk and mediator, and the supervisor of its organisation. */
const A1_READERS: readonly Caller[] = [...A1_STAFF, 'supervisorA'];
const A1_PEOPLE: readonly Caller[] = ['applicantA1', 'respondentA1', 'agentA1', 'observerA1'];
const EVERYONE = CALLERS;

let t: TestServer;
let w: ApiWorld;

const RISK_SETTINGS = DEFAULT_RISK_SETTINGS;

/** A ledger entry of organisation A about case A1 (the rules have tests of their own). */
async function riskEntryA1(w: ApiWorld, ownerId: string | null): Promise<Params> {
  const id = randomUUID();
  const at = new Date().toISOString();
  await new SqlRiskLedger(t.server.database).insertEntry({
    ...{ id, organisationId: w.a.organisationId, rule: 'wage_arrears', subject: `test:${id}` },
    ...{ level: 'medium', label: 'A1', figures: { amountClaimed: 12000 }, caseIds: [w.a1.caseId] },
    ...{ status: 'open', active: true, openedAt: at, updatedAt: at, clearedAt: null, ownerId },
    ...{ closedAt: null, closedBy: null, closingNote: null },
  });
  return { riskId: id };
}
const riskA1 = (w: ApiWorld) => riskEntryA1(w, null);
/** Organisation A's assigned mediator. */
const mediatorA = async (w: ApiWorld): Promise<Params> => ({ staffId: w.a.mediator.id });
/** Organisation A's report of March 2025 (made once, the same one after). */
const reportA = async (w: ApiWorld): Promise<Params> => ({
  reportId: (
    await w.api.ok<{ id: string }>('POST', '/reports', w.tokens.clerkA, {
      organisationId: w.a.organisationId,
      period: '2025-03',
    })
  ).id,
});
const ownedRiskA1 = (w: ApiWorld) => riskEntryA1(w, w.a.mediator.id);

const a1 = (): Params => ({
  caseId: w.a1.caseId,
  sessionId: w.a1.sessionId,
  itemId: w.a1.evidenceId,
  documentId: w.a1.documentId,
  deliveryId: w.a1.deliveryId,
  institutionId: w.a1.institutionId,
  referralId: w.a1.referralId,
  recordingId: w.a1.recordingId,
  fileId: w.a1.trackId,
  bundleId: randomUUID(),
  packId: randomUUID(),
  token: 'not-a-file-token',
});

/** A fresh referral A's court handed over, waiting. */
async function inboundReferral(w: ApiWorld): Promise<Params> {
  const { referral } = await w.api.ok<{ referral: { id: string } }>(
    'POST',
    '/institution/referrals',
    w.tokens.institution,
    referralSubmission(`（2026）沪0115民诉前调${randomUUID().slice(0, 8)}号`),
  );
  return { referralId: referral.id };
}

/** A case A's court handed over and A's clerk accepted. */
async function handedOverCase(w: ApiWorld): Promise<Params> {
  const { referralId } = await inboundReferral(w);
  const { caseId } = await w.api.ok<{ caseId: string }>(
    'POST',
    `/referrals/incoming/${referralId!}/accept`,
    w.tokens.clerkA,
  );
  return { caseId };
}

/** The number the last code of `codeSent` went to. */
let sentTo = '';

/** A code sent to a fresh number: the verification to check. */
async function codeSent(w: ApiWorld): Promise<Params> {
  sentTo = mobile();
  const r = await publicPost(
    t.url,
    '/public/applications/codes',
    {
      name: '张三',
      idNumber: residentId(),
      phone: sentTo,
      organisationId: w.a.clerk.organisationId,
      pow: await solvedPow(t.url),
    },
    freshDevice(),
  );
  return { verificationId: r.body['verificationId'] as string };
}

/** A worker's application to A's organisation, submitted and waiting. */
async function submittedOnline(w: ApiWorld): Promise<Params> {
  const { id } = await submittedApplication(
    t.url,
    w.api,
    t.server.database,
    { name: '张三', idNumber: residentId(), phone: mobile() },
    applicationForm(),
    w.a.clerk.organisationId,
  );
  return { applicationId: id };
}

/** A1's pending recusal request (filed by its applicant if there is none). */
async function pendingRecusal(w: ApiWorld): Promise<Params> {
  const file = await w.api.ok<{ recusalRequests: { id: string; status: string }[] }>(
    'GET',
    `/cases/${w.a1.caseId}`,
    w.tokens.clerkA,
  );
  const pending = file.recusalRequests.find((r) => r.status === 'pending');
  const id =
    pending?.id ??
    (
      await w.api.ok<{ request: { id: string } }>(
        'POST',
        `/cases/${w.a1.caseId}/recusal-requests`,
        w.tokens.applicantA1,
        { reasons: '申请回避' },
      )
    ).request.id;
  return { ...a1(), requestId: id };
}

type FreshState =
  | 'registered'
  | 'agreed'
  | 'assigned'
  | 'disclosed'
  | 'scheduled'
  | 'live'
  | 'settled'
  | 'terminated';

/** A new case of organisation A brought to `state` through the API. */
async function freshCase(state: FreshState): Promise<Params> {
  const { api } = w;
  const clerk = w.tokens.clerkA;
  const mediator = w.tokens.mediatorA;
  const c = await api.ok<{ id: string }>('POST', '/cases', clerk, registrationInput());
  const p: Params = { caseId: c.id };
  if (state === 'registered') return p;
  await respondentsAgree(t.server.cases, c.id);
  if (state === 'agreed') return p;
  await api.ok('POST', `/cases/${c.id}/accept`, clerk);
  await api.ok('POST', `/cases/${c.id}/mediator`, clerk, { mediatorId: w.a.mediator.id });
  if (state === 'assigned') return p;
  if (state === 'terminated') {
    await api.ok('POST', `/cases/${c.id}/termination`, mediator, {
      ground: 'party_refuses',
      facts: '被申请人拒绝调解',
    });
    return p;
  }
  await api.ok('POST', `/cases/${c.id}/disclosures`, mediator, {
    hasConflict: false,
    statement: '无利害关系',
  });
  if (state === 'disclosed') return p;
  const s = await api.ok<{ id: string }>('POST', `/cases/${c.id}/sessions`, mediator, {
    scheduledStart: new Date(Date.now() + 3600_000).toISOString(),
  });
  p['sessionId'] = s.id;
  if (state === 'scheduled') return p;
  if (state === 'live') {
    await api.ok('POST', `/sessions/${s.id}/start`, mediator);
    return p;
  }
  await api.ok('POST', `/cases/${c.id}/agreement`, mediator, { terms: '支付工资 10000 元' });
  return p;
}

const fresh = (state: FreshState) => async (): Promise<Params> => ({
  ...a1(),
  ...(await freshCase(state)),
});

const staffBody = () => ({
  username: `m-${randomUUID().slice(0, 12)}`,
  displayName: '新调解员',
  role: 'mediator',
  password: 'a long enough password',
  specialties: ['wages'],
});

let extensions = 0;
/** In-scope people refused an item that is not theirs see 404: its existence is not revealed. */
const HIDDEN_FROM: Partial<Record<Caller, Refusal>> = {
  respondentA1: 404,
  agentA1: 404,
  observerA1: 404,
};
/** A new acceptance notice served on A1's applicant: a delivery no step has touched. */
const freshDelivery = async (): Promise<Params> => {
  const issued = await w.api.ok<{ deliveries: { id: string }[] }>(
    'POST',
    `/cases/${w.a1.caseId}/documents`,
    w.tokens.mediatorA,
    { kind: 'acceptance_notice', recipients: [w.a1.applicantId] },
  );
  return { ...a1(), deliveryId: issued.deliveries[0]!.id };
};
/** The agreement of A1 (issued, not signed) instead of its acceptance notice. */
const agreement = async (): Promise<Params> => ({ ...a1(), documentId: w.a1.agreementId });

// prettier-ignore
const TABLE: readonly Row[] = [
  // ---- sign-in, roster, cases ----------------------------------------------------------
  { method: 'post', path: '/auth/login', allow: EVERYONE, headers: freshAddress,
    body: (w) => ({ username: w.a.clerk.username, password: TEST_PASSWORD }) },
  { method: 'get', path: '/me',
    allow: [...A1_READERS, 'otherMediatorA', 'clerkB', ...A1_PEOPLE, 'applicantA2', 'reassignedMediator'] },
  { method: 'get', path: '/mediators', allow: ['clerkA', 'clerkB'] },
  { method: 'post', path: '/staff', allow: ['clerkA', 'clerkB'], body: staffBody },
  // The network: every staff member reads their own part; a clerk adds under their own
  // organisation (another organisation's clerk is told it does not exist). A new name each call.
  { method: 'get', path: '/organisations', allow: [...A1_READERS, 'otherMediatorA', 'clerkB', 'reassignedMediator'] },
  { method: 'post', path: '/organisations', allow: ['clerkA'], refuse: { clerkB: 404 },
    body: (w) => ({ name: `街道调解委员会 ${randomUUID().slice(0, 8)}`, kind: 'street_town', parentId: w.a.organisationId }) },
  // The risk ledger: a clerk acts on their organisation's entries, a mediator reads those of
  // their cases (and records actions on those they own), a supervisor reads; anyone else is
  // told the entry does not exist. Each row has an entry of its own about case A1.
  // The dashboard: clerks (their organisation and below) and supervisors (their reach).
  { method: 'get', path: '/dashboard', allow: ['clerkA', 'clerkB', 'supervisorA'] },
  // The mediator roster: kept by the clerks of the organisation or above, read by supervisors.
  { method: 'get', path: '/roster', allow: ['clerkA', 'clerkB', 'supervisorA'] },
  { method: 'post', path: '/staff/:staffId/profile', allow: ['clerkA'], target: mediatorA, refuse: { clerkB: 404 },
    body: () => ({ mediatorKind: 'staff', expertise: null, specialties: ['wages', 'termination'] }) },
  { method: 'post', path: '/staff/:staffId/trainings', allow: ['clerkA'], target: mediatorA, refuse: { clerkB: 404 },
    body: () => ({ onDate: '2026-03-01', title: '劳动争议调解技能培训', hours: 8, provider: '区人力资源和社会保障局' }) },
  { method: 'post', path: '/staff/:staffId/assessments', allow: ['clerkA'], target: mediatorA, refuse: { clerkB: 404 },
    consumes: true, body: () => ({ period: '2025', result: 'competent', note: '' }) },
  // Statistics reports: clerks of the organisation or above, supervisors in reach.
  { method: 'get', path: '/reports', allow: ['clerkA', 'clerkB', 'supervisorA'] },
  { method: 'post', path: '/reports', allow: ['clerkA'], refuse: { clerkB: 404 },
    body: (w) => ({ organisationId: w.a.organisationId, period: '2025-02' }) },
  { method: 'get', path: '/reports/:reportId', allow: ['clerkA', 'supervisorA'], target: reportA, refuse: { clerkB: 404 } },
  { method: 'get', path: '/reports/:reportId/pdf', allow: ['clerkA', 'supervisorA'], target: reportA, refuse: { clerkB: 404 } },
  { method: 'get', path: '/reports/:reportId/csv', allow: ['clerkA', 'supervisorA'], target: reportA, refuse: { clerkB: 404 } },
  { method: 'get', path: '/risks', allow: [...A1_READERS, 'otherMediatorA', 'clerkB', 'reassignedMediator'] },
  { method: 'get', path: '/risks/:riskId', allow: A1_READERS, target: riskA1,
    refuse: { otherMediatorA: 404, clerkB: 404, reassignedMediator: 404 } },
  { method: 'post', path: '/risks/:riskId/owner', allow: ['clerkA'], target: riskA1,
    refuse: { clerkB: 404 }, body: (w) => ({ staffId: w.a.mediator.id }) },
  { method: 'post', path: '/risks/:riskId/actions', allow: ['clerkA', 'mediatorA'], target: ownedRiskA1,
    refuse: { otherMediatorA: 404, clerkB: 404, reassignedMediator: 404 },
    body: () => ({ note: '已电话联系用人单位' }) },
  { method: 'post', path: '/risks/:riskId/close', allow: ['clerkA'], target: riskA1, consumes: true,
    refuse: { clerkB: 404 }, body: () => ({ note: '用人单位已足额支付工资，风险消除。' }) },
  { method: 'post', path: '/risks/scan', allow: ['clerkA', 'clerkB'] },
  { method: 'get', path: '/organisations/:organisationId/risk-settings', target: async (w) => ({ organisationId: w.a.organisationId }),
    allow: [...A1_READERS, 'otherMediatorA', 'reassignedMediator'], refuse: { clerkB: 404 } },
  { method: 'post', path: '/organisations/:organisationId/risk-settings', target: async (w) => ({ organisationId: w.a.organisationId }),
    allow: ['clerkA'], refuse: { clerkB: 404 }, body: () => RISK_SETTINGS },
  // A1 is in mediation: its clerk gets past authorization and meets 409 (moves come before).
  { method: 'post', path: '/cases/:caseId/transfer', allow: ['clerkA'], allowedStatus: 409,
    body: (w) => ({ organisationId: w.b.organisationId, reason: '就近调解，移交街道调解组织办理。' }) },
  { method: 'post', path: '/staff/:staffId/deactivate', allow: ['clerkA'], refuse: { clerkB: 404 },
    target: async (w) => ({ staffId: (await w.api.ok<{ id: string }>('POST', '/staff', w.tokens.clerkA, staffBody())).id }) },
  { method: 'get', path: '/cases', allow: [...A1_READERS, 'otherMediatorA', 'clerkB', 'reassignedMediator'] },
  { method: 'post', path: '/cases', allow: ['clerkA', 'clerkB'], body: () => registrationInput() },
  { method: 'get', path: '/cases/:caseId', allow: [...A1_READERS, ...A1_PEOPLE] },
  { method: 'post', path: '/cases/:caseId/people', allow: A1_STAFF,
    body: () => ({ kind: 'observer', name: '工会代表' }) },
  { method: 'post', path: '/cases/:caseId/accept', allow: ['clerkA'], target: fresh('agreed'),
    refuse: { mediatorA: 404 }, consumes: true },
  { method: 'post', path: '/cases/:caseId/refuse', allow: ['clerkA'], target: fresh('registered'),
    refuse: { mediatorA: 404 }, body: () => ({ reason: '不属于劳动争议' }), consumes: true },
  { method: 'post', path: '/cases/:caseId/mediator', allow: ['clerkA'], target: fresh('assigned'),
    body: (w) => ({ mediatorId: w.a.otherMediator.id }) },
  { method: 'post', path: '/cases/:caseId/disclosures', allow: ['mediatorA'], target: fresh('assigned'),
    body: () => ({ hasConflict: false, statement: '无利害关系' }), consumes: true },
  { method: 'post', path: '/cases/:caseId/sessions', allow: A1_STAFF, target: fresh('disclosed'),
    body: () => ({ scheduledStart: new Date(Date.now() + 7200_000).toISOString() }), consumes: true },
  { method: 'post', path: '/sessions/:sessionId/start', allow: ['mediatorA'], target: fresh('scheduled'), consumes: true },
  { method: 'post', path: '/sessions/:sessionId/end', allow: ['mediatorA'], target: fresh('live'), consumes: true },
  { method: 'post', path: '/sessions/:sessionId/cancel', allow: A1_STAFF, target: fresh('scheduled'), consumes: true },
  { method: 'post', path: '/cases/:caseId/invitations', allow: A1_STAFF,
    body: (w) => ({ personId: w.a1.respondentId }) },
  { method: 'post', path: '/cases/:caseId/invitations/:invitationId/revoke', allow: A1_STAFF, consumes: true,
    target: async (w) => ({ ...a1(), invitationId: (await w.api.ok<{ invitation: { id: string } }>(
      'POST', `/cases/${w.a1.caseId}/invitations`, w.tokens.clerkA, { personId: w.a1.respondentId })).invitation.id }) },
  // Staff typing both parties' consent is always refused (409 PARTY_CONSENT_REQUIRED) once past authorization.
  { method: 'post', path: '/cases/:caseId/extension', allow: A1_STAFF, target: fresh('assigned'),
    body: () => ({ newDueOn: `${2027 + (extensions += 1)}-12-31`, applicantConsent: true, respondentConsent: true }),
    allowedStatus: 409 },
  { method: 'get', path: '/cases/:caseId/extension-proposals', allow: [...A1_READERS, ...A1_PEOPLE] },
  { method: 'post', path: '/cases/:caseId/extension-proposals', allow: A1_STAFF, target: fresh('assigned'),
    consumes: true, body: () => ({ newDueOn: '2027-12-31', reason: '双方同意继续调解' }) },
  // A1 is settled, so no proposal exists there: a party reaches the service and learns it is unknown (404);
  // answering a real proposal is covered in notices.test.ts.
  { method: 'post', path: '/cases/:caseId/extension-proposals/:proposalId/answer',
    allow: ['applicantA1', 'respondentA1', 'agentA1'], allowedStatus: 404,
    target: async () => ({ ...a1(), proposalId: randomUUID() }), body: () => ({ decision: 'consent' }) },
  { method: 'post', path: '/cases/:caseId/extension-proposals/:proposalId/offline-answer',
    allow: A1_STAFF, allowedStatus: 404, target: async () => ({ ...a1(), proposalId: randomUUID() }),
    body: (w) => ({ partyId: w.a1.respondentId, decision: 'consent', evidenceId: w.a1.evidenceId,
      attestation: '书面同意' }) },
  { method: 'post', path: '/cases/:caseId/agreement', allow: ['mediatorA'], target: fresh('scheduled'),
    body: () => ({ terms: '支付工资 10000 元' }), consumes: true },
  // A hand-typed effective time is always refused (409) once past authorization.
  { method: 'post', path: '/cases/:caseId/agreement/effective', allow: ['mediatorA'], target: fresh('settled'),
    body: () => ({ effectiveAt: new Date().toISOString() }), allowedStatus: 409 },
  { method: 'post', path: '/cases/:caseId/termination', allow: ['mediatorA'], target: fresh('assigned'),
    body: () => ({ ground: 'party_refuses', facts: '被申请人拒绝调解' }), consumes: true },
  { method: 'post', path: '/cases/:caseId/withdrawal', allow: ['clerkA'], target: fresh('assigned'),
    body: () => ({ reason: '申请人撤回' }), consumes: true },
  { method: 'post', path: '/cases/:caseId/follow-ups', allow: A1_STAFF, target: fresh('terminated'),
    body: () => ({ method: 'phone', notes: '电话回访', result: 'other' }) },
  { method: 'post', path: '/cases/:caseId/archive', allow: ['clerkA'], target: fresh('terminated'), consumes: true },
  { method: 'get', path: '/cases/:caseId/audit', allow: [...A1_READERS, ...A1_PEOPLE] },
  { method: 'get', path: '/statistics', allow: ['clerkA', 'clerkB'] },
  { method: 'get', path: '/calendar', allow: ['clerkA', 'clerkB'] },
  // The codecs the service speaks: nothing of any case; public, for the join page's device.
  { method: 'get', path: '/media/capabilities', allow: EVERYONE },
  // The calendar is global: any organisation's clerk; loading the year again without a correction is 409.
  { method: 'post', path: '/calendar/years', allow: ['clerkA', 'clerkB'], consumes: true,
    body: () => ({ year: 2030, holidays: [{ first: '2030-01-01', last: '2030-01-01', name: '元旦（测试数据）' }],
      workdays: [], source: { title: '测试数据（非官方）', publishedOn: '2029-11-01' } }) },
  { method: 'post', path: '/join-token', caseScoped: true,
    allow: ['mediatorA', ...A1_PEOPLE], body: (w) => ({ sessionId: w.a1.sessionId }) },

  // ---- evidence ---------------------------------------------------------------------------
  { method: 'get', path: '/cases/:caseId/evidence', allow: [...A1_READERS, ...A1_PEOPLE] },
  { method: 'post', path: '/cases/:caseId/evidence', multipart: true,
    allow: [...A1_STAFF, 'applicantA1', 'respondentA1', 'agentA1'] },
  { method: 'get', path: '/cases/:caseId/evidence/:itemId/receipt', refuse: HIDDEN_FROM, allow: [...A1_READERS, 'applicantA1', 'agentA1'] },
  { method: 'post', path: '/cases/:caseId/evidence/:itemId/view-link', refuse: HIDDEN_FROM, allow: [...A1_STAFF, 'applicantA1', 'agentA1'] },
  { method: 'get', path: '/cases/:caseId/evidence/:itemId/content', refuse: HIDDEN_FROM, allow: [...A1_STAFF, 'applicantA1', 'agentA1'] },
  { method: 'post', path: '/cases/:caseId/evidence/:itemId/visibility', refuse: HIDDEN_FROM, allow: [...A1_STAFF, 'applicantA1', 'agentA1'],
    body: () => ({ shared: false }) },
  { method: 'post', path: '/cases/:caseId/evidence/:itemId/category', refuse: HIDDEN_FROM, allow: [...A1_STAFF, 'applicantA1', 'agentA1'],
    body: () => ({ category: 'evidence' }) },

  // ---- documents and service ------------------------------------------------------------
  // Everyone of the case lists their own inbox (an observer's is empty).
  { method: 'get', path: '/cases/:caseId/documents', allow: [...A1_READERS, ...A1_PEOPLE] },
  { method: 'post', path: '/cases/:caseId/documents', allow: A1_STAFF,
    body: (w) => ({ kind: 'acceptance_notice', recipients: [w.a1.respondentId] }) },
  { method: 'get', path: '/cases/:caseId/documents/:documentId', refuse: HIDDEN_FROM,
    allow: [...A1_READERS, 'applicantA1', 'agentA1'] },
  { method: 'get', path: '/cases/:caseId/documents/:documentId/pdf', refuse: HIDDEN_FROM,
    allow: [...A1_READERS, 'applicantA1', 'agentA1'] },
  { method: 'post', path: '/cases/:caseId/service-consent', allow: [...A1_STAFF, 'applicantA1', 'respondentA1', 'agentA1'],
    // Staff record a paper form for a named person; a person confirms their own address.
    body: (w, _p, caller) => ({ ...(A1_STAFF.includes(caller) ? { personId: w.a1.respondentId } : {}),
      consentToElectronicService: true, addresses: [{ channel: 'in_app' }], scope: 'all', effectAcknowledged: true }) },
  { method: 'get', path: '/cases/:caseId/service-consents', allow: [...A1_STAFF, ...A1_PEOPLE] },
  // Addresses and what mail systems said of them: the organisation's, never a party's.
  { method: 'get', path: '/cases/:caseId/messages', allow: A1_STAFF },
  // The demo's loopback gateways (off here): staff learn it is not there, others not even that.
  { method: 'get', path: '/demo/messages', allow: [],
    refuse: { clerkA: 404, mediatorA: 404, otherMediatorA: 404, clerkB: 404, reassignedMediator: 404, supervisorA: 404 } },
  ...(['delivered', 'read', 'acknowledge'] as const).map((step): Row => (
    { method: 'post', path: `/cases/:caseId/deliveries/:deliveryId/${step}`, refuse: HIDDEN_FROM,
      allow: ['applicantA1'], body: () => ({}) })),
  { method: 'post', path: '/cases/:caseId/deliveries/:deliveryId/challenge', refuse: HIDDEN_FROM,
    allow: ['applicantA1'], body: () => ({ reason: '未收到' }) },
  { method: 'post', path: '/cases/:caseId/deliveries/:deliveryId/paper-copy', refuse: HIDDEN_FROM,
    allow: ['applicantA1'], body: () => ({}) },
  { method: 'post', path: '/cases/:caseId/deliveries/:deliveryId/failed', target: freshDelivery,
    allow: A1_STAFF, consumes: true, body: () => ({ reason: '无法送达' }) },
  { method: 'post', path: '/cases/:caseId/deliveries/:deliveryId/offline-proof', allow: A1_STAFF,
    body: () => ({ method: 'post', description: 'EMS 挂号信', servedOn: '2026-03-05' }) },
  { method: 'get', path: '/cases/:caseId/deliveries/:deliveryId/certificate', refuse: HIDDEN_FROM,
    allow: [...A1_READERS, 'applicantA1'] },
  { method: 'post', path: '/cases/:caseId/documents/:documentId/signing-code', target: agreement,
    allow: ['mediatorA', 'applicantA1', 'respondentA1', 'agentA1'], body: () => ({}) },
  { method: 'post', path: '/cases/:caseId/documents/:documentId/sign', target: agreement,
    // A wrong code (400 with the attempts left) proves the signer got past authorization.
    allow: ['mediatorA', 'applicantA1', 'respondentA1', 'agentA1'], body: () => ({ code: '000000' }),
    allowedStatus: 400 },
  // Unsigned: sealing meets 409 once past authorization.
  { method: 'post', path: '/cases/:caseId/documents/:documentId/seal', target: agreement,
    allow: A1_STAFF, body: () => ({}), allowedStatus: 409 },
  // Only the case's mediator records a paper signing; no scan filed: 400 once past authorization.
  { method: 'post', path: '/cases/:caseId/documents/:documentId/paper-signing', target: agreement,
    allow: ['mediatorA'], allowedStatus: 400,
    body: (w) => ({ evidenceId: 'no-such-scan', signatories: [{ partyId: w.a1.respondentId, signedOn: '2026-03-05' }],
      mediatorSignedOn: '2026-03-05', attestation: '当面签署' }) },
  // Not sealed yet: the allowed see "no seal" (404), the observer the agreement's absence (404).
  { method: 'get', path: '/cases/:caseId/documents/:documentId/seal', target: agreement,
    refuse: { observerA1: 404 }, allow: [...A1_READERS, 'applicantA1', 'respondentA1', 'agentA1'], allowedStatus: 404 },
  { method: 'get', path: '/cases/:caseId/documents/:documentId/sealed-pdf', target: agreement,
    refuse: { observerA1: 404 }, allow: [...A1_READERS, 'applicantA1', 'respondentA1', 'agentA1'], allowedStatus: 404 },

  // ---- agreement to mediate, recusal ----------------------------------------------------
  // A1 is in mediation: its respondent gets past authorization and meets 409 (answers come before acceptance).
  { method: 'post', path: '/cases/:caseId/mediation-response', allow: ['respondentA1'], allowedStatus: 409,
    body: () => ({ decision: 'agree' }) },
  { method: 'post', path: '/cases/:caseId/mediation-response/offline', allow: ['clerkA'], allowedStatus: 409,
    body: (w) => ({ respondentId: w.a1.respondentId, decision: 'agree', evidenceId: w.a1.evidenceId, note: '线下同意' }) },
  { method: 'post', path: '/cases/:caseId/recusal-requests', allow: ['applicantA1', 'respondentA1', 'agentA1'],
    consumes: true, body: () => ({ reasons: '调解员与对方当事人相识' }) },
  { method: 'post', path: '/cases/:caseId/recusal-requests/:requestId/decision', allow: ['clerkA'], consumes: true,
    target: pendingRecusal, body: () => ({ decision: 'refused', reasons: '不存在应当回避的情形' }) },

  // ---- institutions ---------------------------------------------------------------------
  { method: 'post', path: '/institutions', allow: ['clerkA', 'clerkB'],
    body: () => ({ kind: 'arbitration', name: '浦东新区劳动人事争议仲裁委员会' }) },
  { method: 'get', path: '/institutions', allow: [...A1_STAFF, 'otherMediatorA', 'clerkB', 'reassignedMediator'] },
  { method: 'post', path: '/institutions/:institutionId/revoke', allow: ['clerkA'], refuse: { clerkB: 404 }, consumes: true,
    target: async (w) => ({ institutionId: (await w.api.ok<{ institution: { id: string } }>('POST', '/institutions',
      w.tokens.clerkA, { kind: 'court', name: '某区人民法院' })).institution.id }) },
  { method: 'post', path: '/cases/:caseId/referrals', allow: A1_STAFF,
    body: (w) => ({ institutionId: w.a1.institutionId, kind: 'delegated_report' }) },
  { method: 'get', path: '/cases/:caseId/referrals', allow: A1_STAFF },
  // A delegated report has no bundle (409) and A1 has no bundle file (404): both past authorization.
  { method: 'post', path: '/cases/:caseId/referrals/:referralId/bundle', allow: A1_STAFF, allowedStatus: 409 },
  { method: 'get', path: '/cases/:caseId/bundles/:bundleId/file', allow: A1_STAFF, allowedStatus: 404 },
  // Case A1's agreement is not effective: an allowed caller learns that (409), nobody else anything.
  { method: 'get', path: '/cases/:caseId/referral-preview', allow: [...A1_READERS, 'applicantA1', 'respondentA1', 'agentA1'],
    query: () => 'kind=judicial_confirmation', allowedStatus: 409, refuse: { applicantA2: 403 } },
  // The payment order is the applicant side's: the respondent and the observer do not see it.
  { method: 'get', path: '/cases/:caseId/payment-order', allow: [...A1_READERS, 'applicantA1', 'agentA1'],
    refuse: { respondentA1: 404, observerA1: 404 } },
  // A1 has no effective agreement: 409 once past authorization.
  { method: 'post', path: '/cases/:caseId/payment-order', allow: [...A1_STAFF, 'applicantA1', 'agentA1'],
    allowedStatus: 409,
    body: (w, _p, caller) => ({ institutionId: w.a1.institutionId,
      ...(caller === 'clerkA' || caller === 'mediatorA' ? { requestedBy: w.a1.applicantId } : {}) }) },
  { method: 'get', path: '/cases/:caseId/payment-order/:packId/file', allow: [...A1_READERS, 'applicantA1', 'agentA1'],
    refuse: { respondentA1: 404, observerA1: 404 }, allowedStatus: 404 },
  { method: 'get', path: '/cases/:caseId/disclosure', allow: [...A1_READERS, ...A1_PEOPLE] },
  { method: 'post', path: '/cases/:caseId/disclosure', allow: ['applicantA1', 'respondentA1', 'agentA1'],
    body: () => ({ agree: true }) },
  { method: 'post', path: '/institutions/:institutionId/webhooks/:deliveryId/retry', allow: ['clerkA'],
    refuse: { clerkB: 404 }, allowedStatus: 404 },
  { method: 'get', path: '/institutions/:institutionId/webhooks', allow: ['clerkA'], refuse: { clerkB: 404 } },
  { method: 'post', path: '/institution/token', allow: EVERYONE,
    body: (w) => ({ institutionId: w.a1.institutionId, apiKey: w.a1.institutionKey }) },
  { method: 'get', path: '/institution/cases', allow: ['institution'] },
  { method: 'get', path: '/institution/cases/:caseId/deliveries/:deliveryId/certificate', allow: ['institution'] },
  { method: 'get', path: '/institution/cases/:caseId/reference', allow: ['institution'] },
  { method: 'get', path: '/institution/cases/:caseId/bundles', allow: ['institution'] },
  { method: 'get', path: '/institution/cases/:caseId/bundles/:bundleId', allow: ['institution'], allowedStatus: 404 },
  { method: 'get', path: '/institution/cases/:caseId/payment-orders/:packId', allow: ['institution'], allowedStatus: 404 },
  // The link in the path is the credential (valid links: institutions.test.ts): a forged one is 401 for all.
  { method: 'get', path: '/institution/files/:token', allow: [] },

  // ---- cases handed over by institutions -------------------------------------------------
  { method: 'post', path: '/institution/referrals', allow: ['institution'],
    body: () => referralSubmission('（2026）沪0115民诉前调900号') },
  { method: 'get', path: '/institution/referrals', allow: ['institution'] },
  { method: 'get', path: '/institution/referrals/:referralId', allow: ['institution'],
    target: inboundReferral },
  { method: 'post', path: '/institution/referrals/:referralId/withdraw', allow: ['institution'],
    consumes: true, target: inboundReferral, body: () => ({ reason: '当事人已和解' }) },
  { method: 'post', path: '/institution/cases/:caseId/evidence', allow: ['institution'], multipart: true,
    target: handedOverCase },
  { method: 'get', path: '/referrals/incoming', allow: [...A1_STAFF, 'otherMediatorA', 'clerkB', 'reassignedMediator'] },
  { method: 'post', path: '/referrals/incoming/:referralId/accept', allow: ['clerkA'],
    refuse: { clerkB: 404 }, consumes: true, target: inboundReferral },
  { method: 'post', path: '/referrals/incoming/:referralId/decline', allow: ['clerkA'],
    refuse: { clerkB: 404 }, consumes: true, target: inboundReferral,
    body: () => ({ reason: '不属于本组织受理范围' }) },

  // ---- representatives (代表人) of co-applicants -------------------------------------------
  // A1 has one applicant: staff get past authorization to the rule that a representative acts
  // for other applicants (400); electing and revoking for real: collective-cases.test.ts.
  { method: 'post', path: '/cases/:caseId/representatives', allow: A1_STAFF, allowedStatus: 400,
    body: (w) => ({ representativeId: w.a1.applicantId, represents: [w.a1.respondentId], maySign: true,
      electedOn: '2026-12-01', evidenceId: w.a1.evidenceId }) },
  { method: 'post', path: '/cases/:caseId/representatives/:representationId/revoke', allow: A1_STAFF,
    allowedStatus: 404, target: async () => ({ ...a1(), representationId: randomUUID() }) },

  // ---- each worker's own claims and performance ------------------------------------------
  { method: 'post', path: '/cases/:caseId/people/:personId/claims', allow: A1_STAFF,
    target: async () => ({ ...a1(), personId: w.a1.applicantId }),
    body: () => ({ claims: [{ type: 'wages', amount: 12000 }] }) },
  // A settled case whose agreement has not taken effect: staff get past authorization to 409;
  // performance recorded for real: collective-cases.test.ts.
  { method: 'post', path: '/cases/:caseId/performance', allow: A1_STAFF, target: fresh('settled'),
    allowedStatus: 409, body: (x) => ({ personId: x.a1.applicantId, result: 'performed', note: '已到账' }) },

  // ---- session records (调解笔录) ------------------------------------------------------------
  { method: 'get', path: '/cases/:caseId/sessions/:sessionId/record', allow: A1_READERS },
  { method: 'post', path: '/cases/:caseId/sessions/:sessionId/record', allow: ['mediatorA'],
    body: () => ({ attendance: [], noticesGiven: [], statements: [], outcome: { kind: 'adjourned', text: '' } }) },
  // A1's session has not ended: its mediator reaches the service and learns so (409).
  { method: 'post', path: '/cases/:caseId/sessions/:sessionId/record/issue', allow: ['mediatorA'],
    allowedStatus: 409 },
  // A1's document is no session record: its mediator gets past authorization to a 404 (the clerk: 403).
  { method: 'post', path: '/cases/:caseId/documents/:documentId/signing-refusals', allow: ['mediatorA'],
    allowedStatus: 404, body: (w) => ({ personId: w.a1.respondentId, reason: '拒绝签名' }) },

  // ---- online applications ----------------------------------------------------------------
  // Public: anyone with a solved challenge (fresh device, address and number each call).
  { method: 'get', path: '/public/organisations', allow: EVERYONE },
  { method: 'post', path: '/public/applications/challenge', allow: EVERYONE },
  { method: 'post', path: '/public/applications/codes', allow: EVERYONE, headers: freshDevice,
    body: async (w) => ({ name: '张三', idNumber: residentId(), phone: mobile(),
      organisationId: w.a.clerk.organisationId, pow: await solvedPow(t.url) }) },
  // The verification id and its code are the credential: the first caller opens the draft.
  { method: 'post', path: '/public/applications/codes/:verificationId', allow: EVERYONE, consumes: true,
    target: codeSent, body: async () => ({ code: await lastCode(t.server.database, sentTo) }) },
  { method: 'get', path: '/public/applications/mine', allow: [] },
  { method: 'post', path: '/public/applications/mine/files', allow: [], multipart: true },
  { method: 'post', path: '/public/applications/mine/submit', allow: [], body: () => applicationForm() },
  { method: 'post', path: '/public/applications/mine/withdraw', allow: [], body: () => ({ reason: '已自行协商解决' }) },
  { method: 'post', path: '/public/applications/links', allow: EVERYONE, headers: freshDevice,
    body: async () => ({ number: `WS20261201-${randomUUID().slice(0, 6).toUpperCase()}`, idNumber: residentId(),
      pow: await solvedPow(t.url) }) },
  { method: 'get', path: '/applications', allow: [...A1_STAFF, 'otherMediatorA', 'clerkB', 'reassignedMediator'] },
  { method: 'post', path: '/applications/:applicationId/accept', allow: ['clerkA'],
    refuse: { clerkB: 404 }, consumes: true, target: submittedOnline },
  { method: 'post', path: '/applications/:applicationId/decline', allow: ['clerkA'],
    refuse: { clerkB: 404 }, consumes: true, target: submittedOnline,
    body: () => ({ reason: '不属于劳动争议调解范围' }) },

  // ---- recordings -------------------------------------------------------------------------
  { method: 'get', path: '/cases/:caseId/recordings', allow: A1_STAFF },
  { method: 'get', path: '/cases/:caseId/recordings/:recordingId', allow: A1_STAFF },
  { method: 'post', path: '/cases/:caseId/recordings/:recordingId/view-link', allow: A1_STAFF,
    body: (w) => ({ file: w.a1.trackId }) },
  { method: 'get', path: '/cases/:caseId/recordings/:recordingId/files/:fileId', allow: A1_STAFF },
];

function key(r: { method: string; path: string }): string {
  return `${r.method.toUpperCase()} ${r.path}`;
}

function fill(path: string, p: Params): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    const v = p[name];
    if (v === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(v);
  });
}

interface Reply {
  status: number;
  body: unknown;
}

async function call(row: Row, params: Params, caller: Caller): Promise<Reply> {
  const token = caller === 'anonymous' ? undefined : w.tokens[caller];
  const headers: Record<string, string> = {
    ...(token ? { authorization: `Bearer ${token}` } : {}),
    ...(row.headers?.() ?? {}),
  };
  let body: FormData | string | undefined;
  if (row.multipart) {
    const form = new FormData();
    for (const [k, v] of Object.entries(FIELDS)) form.append(k, v);
    form.append('file', new Blob([Buffer.from('证据\n')]), 'note.txt');
    body = form;
  } else if (row.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(await row.body(w, params, caller));
  }
  const query = row.query ? `?${row.query(w, params)}` : '';
  const res = await fetch(`${t.url}/api${fill(row.path, params)}${query}`, {
    method: row.method.toUpperCase(),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a file: keep the text
  }
  return { status: res.status, body: parsed };
}

const CODES: Record<number, string> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_STATE',
};

function describeReply(r: Reply): string {
  const e = (r.body as { error?: { code?: string; message?: string } } | null)?.error;
  return e ? `${r.status} ${e.code ?? ''} ${e.message ?? ''}` : String(r.status);
}

describe('authorization table: every mounted route × every caller', () => {
  beforeAll(async () => {
    t = await startTestServer({ APPLICATION_POW_BITS: '4' });
    w = await buildApiWorld(t);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('has exactly one row for every route the server mounts', () => {
    const mounted = t.server.routes.map(key).sort();
    const rows = TABLE.map(key);
    expect(
      rows.filter((k, i) => rows.indexOf(k) !== i),
      'rows listed twice',
    ).toEqual([]);
    expect([...rows].sort(), 'rows (left) vs mounted routes (right)').toEqual(mounted);
  });

  it.each(TABLE.map((r) => [key(r), r] as const))('%s', async (_k, row) => {
    const spec = t.server.routes.find((s) => key(s) === key(row));
    expect(spec, 'row of a route the server does not mount').toBeDefined();
    const params = row.target ? await row.target(w) : a1();
    const refused = CALLERS.filter((c) => !row.allow.includes(c));
    const mismatches: string[] = [];
    for (const caller of refused) {
      const expected = row.refuse?.[caller] ?? defaultRefusal(row, spec!, caller);
      const r = await call(row, params, caller);
      const code = (r.body as { error?: { code?: unknown } } | null)?.error?.code;
      if (r.status !== expected)
        mismatches.push(`${caller}: expected ${expected}, got ${describeReply(r)}`);
      else if (code !== CODES[expected])
        mismatches.push(`${caller}: ${expected} without the error shape`);
    }
    let succeeded = false;
    for (const caller of row.allow) {
      const r = await call(row, params, caller);
      const ok = row.allowedStatus
        ? r.status === row.allowedStatus
        : (r.status >= 200 && r.status < 300) || (row.consumes && succeeded && r.status === 409);
      if (r.status >= 200 && r.status < 300) succeeded = true;
      if (!ok) mismatches.push(`${caller}: expected allowed, got ${describeReply(r)}`);
    }
    expect(mismatches.join('\n')).toBe('');
  });
});
