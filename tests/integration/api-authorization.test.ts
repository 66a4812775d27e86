/**
 * Who may call which /api route, over real HTTP against one server: every
 * route of caseRoutes × every kind of caller, each cell asserted against its
 * expected status class. State-changing routes run on a fresh case per cell,
 * brought to the state in which the action is legal, so a cell checks
 * authorization and not what an earlier cell left behind.
 */
import { applicationRoutes } from '../../server/http/api/applicationRoutes.js';
import { inboundReferralRoutes } from '../../server/http/api/inboundReferralRoutes.js';
import {
  institutionRoutes,
  type InstitutionRouteDeps,
} from '../../server/http/api/institutionRoutes.js';
import { recordingRoutes, type RecordingRouteDeps } from '../../server/http/api/recordingRoutes.js';
import { documentRoutes, type DocumentRouteDeps } from '../../server/http/api/documentRoutes.js';
import { calendarRoutes, type CalendarRouteDeps } from '../../server/http/api/calendarRoutes.js';
import { extensionRoutes } from '../../server/http/api/extensionRoutes.js';
import { procedureRoutes, type ProcedureRouteDeps } from '../../server/http/api/procedureRoutes.js';
import { paymentOrderRoutes } from '../../server/http/api/paymentOrderRoutes.js';
import { mediaRoutes } from '../../server/http/api/mediaRoutes.js';
import { riskRoutes } from '../../server/http/api/riskRoutes.js';
import { reportRoutes } from '../../server/http/api/reportRoutes.js';
import { rosterRoutes } from '../../server/http/api/rosterRoutes.js';
import { organisationRoutes } from '../../server/http/api/organisationRoutes.js';
import { evidenceRoutes, type EvidenceRouteDeps } from '../../server/http/api/evidenceRoutes.js';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INVITATION_TOKEN_AUDIENCE,
  InvitationTokens,
  StaffTokens,
} from '../../server/auth/tokenKinds.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { caseRoutes, type CaseRouteDeps } from '../../server/http/api/caseRoutes.js';
import { TOKEN_ISSUER } from '../../signaling/index.js';
import {
  registrationInput,
  seedStaff,
  TEST_PASSWORD,
  type StaffFixture,
  respondentsAgree,
} from '../support/cases.js';
import { connectClient, refusal } from '../support/client.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';

// ---- callers and expectations -------------------------------------------------

const CALLERS = [
  'anonymous',
  'clerkA',
  'mediatorA',
  'otherMediatorA',
  'clerkB',
  'partyA1',
  'agentA1',
  'observerA1',
  'partyA2',
  'revokedInvitation',
  'expiredInvitation',
  'foreignSecretStaff',
] as const;
type Caller = (typeof CALLERS)[number];

/** 2xx: the caller is allowed and the case is in a state where the action is legal. */
const OK = '2xx';
type Expected = typeof OK | 400 | 401 | 403 | 404 | 409;
/** One expectation per caller, in the order of CALLERS. */
type Row = readonly [
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
  Expected,
];

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_STATE',
  429: 'RATE_LIMITED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

// ---- the world built in beforeAll ---------------------------------------------

interface World {
  a: StaffFixture;
  b: StaffFixture;
  tokens: Record<Exclude<Caller, 'anonymous'>, string>;
  a1: { caseId: string; applicantId: string; sessionId: string; partyInvitationId: string };
  a2: { caseId: string };
}

interface Reply {
  status: number;
  body: unknown;
}

interface CaseView {
  id: string;
  status: string;
}
interface CaseFileView {
  case: CaseView;
  people: { id: string; kind: string }[];
}
interface InvitationReply {
  invitation: { id: string };
  token: string;
}

let t: TestServer;
let w: World;

let ipSeq = 0;
/**
 * Sign-in is rate limited per client address; the server trusts
 * X-Forwarded-For from loopback, so each sign-in outside the rate-limit test
 * comes from its own address and the matrix does not exhaust one bucket.
 */
function freshAddress(): Record<string, string> {
  ipSeq += 1;
  return { 'x-forwarded-for': `10.77.${Math.floor(ipSeq / 250)}.${(ipSeq % 250) + 1}` };
}

async function api(
  method: 'get' | 'post',
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const res = await fetch(`${t.url}/api${path}`, {
    method: method.toUpperCase(),
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (e.g. CSV): keep the text
  }
  return { status: res.status, body: parsed };
}

/** The reply's body when the call succeeded; throws with the reply otherwise (setup steps). */
async function ok<T>(what: string, reply: Promise<Reply>): Promise<T> {
  const r = await reply;
  if (r.status < 200 || r.status > 299)
    throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as T;
}

/**
 * What is wrong with an error reply's shape, or undefined if it is
 * `{ error: { code, message } }` with the code that belongs to its status.
 */
function errorShapeProblem(r: Reply): string | undefined {
  const error =
    typeof r.body === 'object' && r.body !== null
      ? (r.body as Record<string, unknown>)['error']
      : undefined;
  if (typeof error !== 'object' || error === null)
    return `no { error } object: ${JSON.stringify(r.body)}`;
  const { code, message } = error as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string' || message.length === 0)
    return `error lacks code/message: ${JSON.stringify(r.body)}`;
  const expected = CODE_FOR_STATUS[r.status];
  // The one 409 with its own code: staff typing the parties' consent to an extension.
  if (code !== expected && !(r.status === 409 && code === 'PARTY_CONSENT_REQUIRED'))
    return `status ${r.status} came with code ${code} (expected ${expected})`;
  return undefined;
}

function errorCode(r: Reply): string | undefined {
  const error = (r.body as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

function errorMessage(r: Reply): string | undefined {
  const error = (r.body as { error?: { message?: unknown } } | undefined)?.error;
  return typeof error?.message === 'string' ? error.message : undefined;
}

async function login(username: string, password = TEST_PASSWORD): Promise<string> {
  const r = await ok<{ token: string }>(
    `login ${username}`,
    api('post', '/auth/login', undefined, { username, password }, freshAddress()),
  );
  return r.token;
}

async function applicantOf(caseId: string): Promise<string> {
  const file = await ok<CaseFileView>('case file', api('get', `/cases/${caseId}`, w.tokens.clerkA));
  const applicant = file.people.find((p) => p.kind === 'applicant');
  if (!applicant) throw new Error(`case ${caseId} has no applicant`);
  return applicant.id;
}

// ---- fresh cases ----------------------------------------------------------------

type FreshState =
  | 'staff' // a new mediator of organisation A, not a case
  | 'registered' // registered, acceptance pending
  | 'agreed' // registered, every respondent agreed to mediation
  | 'assigned' // accepted, mediator A assigned (not yet disclosed)
  | 'invited' // assigned, and the applicant holds an invitation
  | 'disclosed' // assigned, mediator A disclosed no conflict
  | 'scheduled' // in mediation: a session is scheduled
  | 'live' // in mediation: the session is live
  | 'settled' // an agreement was recorded (not yet effective)
  | 'terminated'; // mediation ended without agreement

type Params = Record<string, string>;

let staffSerial = 0;
/** A valid new mediator with a username no other call used. */
function newStaffBody(): Record<string, unknown> {
  staffSerial += 1;
  return {
    username: `mediator-${staffSerial}-${Math.random().toString(36).slice(2, 8)}`,
    displayName: '新调解员',
    role: 'mediator',
    password: 'a long enough password',
    specialties: ['wages'],
  };
}

/** A new case of organisation A brought to `state` through the API; returns its ids. */
async function freshCase(state: FreshState): Promise<Params> {
  const clerk = w.tokens.clerkA;
  const mediator = w.tokens.mediatorA;
  if (state === 'staff') {
    const member = await ok<{ id: string }>(
      'add staff',
      api('post', '/staff', clerk, newStaffBody()),
    );
    return { staffId: member.id };
  }
  const c = await ok<CaseView>('register', api('post', '/cases', clerk, registrationInput()));
  const params: Params = { caseId: c.id };
  if (state === 'registered') return params;
  await respondentsAgree(t.server.cases, c.id);
  if (state === 'agreed') return params;
  await ok('accept', api('post', `/cases/${c.id}/accept`, clerk));
  await ok(
    'assign',
    api('post', `/cases/${c.id}/mediator`, clerk, { mediatorId: w.a.mediator.id }),
  );
  if (state === 'assigned') return params;
  if (state === 'invited') {
    const personId = await applicantOf(c.id);
    const inv = await ok<InvitationReply>(
      'invite',
      api('post', `/cases/${c.id}/invitations`, clerk, { personId }),
    );
    return { ...params, invitationId: inv.invitation.id };
  }
  if (state === 'terminated') {
    await ok(
      'terminate',
      api('post', `/cases/${c.id}/termination`, mediator, {
        ground: 'party_refuses',
        facts: '被申请人拒绝调解',
      }),
    );
    return params;
  }
  await ok(
    'disclose',
    api('post', `/cases/${c.id}/disclosures`, mediator, {
      hasConflict: false,
      statement: '与双方当事人无利害关系',
    }),
  );
  if (state === 'disclosed') return params;
  const session = await ok<{ id: string }>(
    'schedule',
    api('post', `/cases/${c.id}/sessions`, clerk, { scheduledStart: inOneHour() }),
  );
  const withSession = { ...params, sessionId: session.id };
  if (state === 'scheduled') return withSession;
  if (state === 'live') {
    await ok('start', api('post', `/sessions/${session.id}/start`, mediator));
    return withSession;
  }
  await ok('agreement', api('post', `/cases/${c.id}/agreement`, mediator, { terms: AGREEMENT }));
  return withSession;
}

const AGREEMENT = '被申请人于 2026 年 4 月 30 日前向申请人支付拖欠工资人民币 12,000 元。';

function inOneHour(): string {
  return new Date(Date.now() + 3600_000).toISOString();
}

// ---- the matrix -----------------------------------------------------------------

interface RouteCell {
  method: 'get' | 'post';
  /** The path exactly as caseRoutes declares it (below /api). */
  path: string;
  /** Where the cell acts: A1 (and its session) for reads and harmless writes, else a fresh case. */
  fresh?: FreshState;
  /** A minimal valid body (routes with a body schema only). */
  body?: (w: World) => Record<string, unknown>;
  headers?: () => Record<string, string>;
  expect: Row;
}

const a1Params = (): Params => ({
  caseId: w.a1.caseId,
  sessionId: w.a1.sessionId,
  representationId: '00000000-0000-4000-8000-000000000000',
  personId: w.a1.applicantId,
});

// prettier-ignore
const MATRIX: readonly RouteCell[] = [
  // Columns, in the order of CALLERS: anonymous, clerk A, mediator A (assigned), other mediator A
  // (not assigned), clerk B, party A1, agent A1, observer A1, party A2, revoked invitation,
  // expired invitation, staff token signed with another secret.
  //         anon clkA medA oMdA clkB pA1  agA1 obA1 pA2  rev  exp  frgn
  {
    method: 'post', path: '/auth/login', headers: freshAddress,
    body: (w) => ({ username: w.a.clerk.username, password: TEST_PASSWORD }),
    // Sign-in needs no token: a stale one left in the header does not get in the way.
    expect: [OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK ],
  },
  {
    method: 'get', path: '/me',
    expect: [401, OK,  OK,  OK,  OK,  OK,  OK,  OK,  OK,  401, 401, 401],
  },
  {
    method: 'post', path: '/staff', body: () => newStaffBody(),
    expect: [401, OK,  403, 403, OK,  403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/staff/:staffId/deactivate', fresh: 'staff', body: () => ({ reason: '调离本单位' }),
    expect: [401, OK,  403, 403, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'get', path: '/mediators',
    expect: [401, OK,  403, 403, OK,  403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'get', path: '/cases',
    expect: [401, OK,  OK,  OK,  OK,  403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases', body: () => registrationInput() as Record<string, unknown>,
    expect: [401, OK,  403, 403, OK,  403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'get', path: '/cases/:caseId',
    expect: [401, OK,  OK,  404, 404, OK,  OK,  OK,  404, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/people',
    body: () => ({ kind: 'observer', name: '工会代表' }),
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // A registered case cannot have a mediator yet (assignment needs acceptance), so mediator A
    // is out of scope here.
    method: 'post', path: '/cases/:caseId/accept', fresh: 'agreed',
    expect: [401, OK,  404, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/refuse', fresh: 'registered',
    body: () => ({ reason: '不属于劳动争议' }),
    expect: [401, OK,  404, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/mediator', fresh: 'assigned',
    body: (w) => ({ mediatorId: w.a.otherMediator.id }),
    expect: [401, OK,  403, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/disclosures', fresh: 'assigned',
    body: () => ({ hasConflict: false, statement: '无利害关系' }),
    expect: [401, 403, OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/sessions', fresh: 'disclosed',
    body: () => ({ scheduledStart: inOneHour() }),
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/sessions/:sessionId/start', fresh: 'scheduled',
    expect: [401, 403, OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/sessions/:sessionId/end', fresh: 'live',
    expect: [401, 403, OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/sessions/:sessionId/cancel', fresh: 'scheduled',
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/invitations',
    body: (w) => ({ personId: w.a1.applicantId }),
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/invitations/:invitationId/revoke', fresh: 'invited',
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // A1 has one applicant: staff get past authorization to the rule that a representative acts
    // for other applicants (400); elections for real: collective-cases.test.ts.
    method: 'post', path: '/cases/:caseId/representatives',
    body: (w) => ({ representativeId: w.a1.applicantId, represents: [w.a1.applicantId], maySign: true,
      electedOn: '2026-12-01', evidenceId: 'none' }),
    expect: [401, 400, 400, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // No such election in A1: staff reach the case and learn so (404 REPRESENTATION_UNKNOWN).
    method: 'post', path: '/cases/:caseId/representatives/:representationId/revoke',
    expect: [401, 404, 404, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/people/:personId/claims',
    body: () => ({ claims: [{ type: 'wages', amount: 12000 }] }),
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // Settled, the agreement not effective yet: staff get past authorization to 409.
    method: 'post', path: '/cases/:caseId/performance', fresh: 'settled',
    body: (x) => ({ personId: x.a1.applicantId, result: 'performed', note: '已到账' }),
    expect: [401, 409, 409, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/extension', fresh: 'assigned',
    body: () => ({ newDueOn: '2027-12-31', applicantConsent: true, respondentConsent: true }),
    // Staff cannot type the parties' consent: refused (PARTY_CONSENT_REQUIRED) once past authorization.
    expect: [401, 409, 409, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/agreement', fresh: 'scheduled',
    body: () => ({ terms: AGREEMENT }),
    expect: [401, 403, OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    // A hand-typed effective time is refused: only the seal or a paper signing makes it effective.
    method: 'post', path: '/cases/:caseId/agreement/effective', fresh: 'settled',
    body: () => ({ effectiveAt: new Date().toISOString() }),
    expect: [401, 403, 409, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/termination', fresh: 'assigned',
    body: () => ({ ground: 'party_refuses', facts: '被申请人拒绝调解' }),
    expect: [401, 403, OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/withdrawal', fresh: 'assigned',
    body: () => ({ reason: '申请人撤回' }),
    expect: [401, OK,  403, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/follow-ups', fresh: 'terminated',
    body: () => ({ method: 'phone', notes: '电话回访', result: 'other' }),
    expect: [401, OK,  OK,  404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/cases/:caseId/archive', fresh: 'terminated',
    expect: [401, OK,  403, 404, 404, 403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'get', path: '/cases/:caseId/audit',
    expect: [401, OK,  OK,  404, 404, OK,  OK,  OK,  404, 401, 401, 401],
  },
  {
    method: 'get', path: '/statistics',
    expect: [401, OK,  403, 403, OK,  403, 403, 403, 403, 401, 401, 401],
  },
  {
    method: 'post', path: '/join-token',
    body: (w) => ({ sessionId: w.a1.sessionId }),
    // A session of another case is out of scope for party A2, as for out-of-scope staff.
    expect: [401, 403, OK,  404, 404, OK,  OK,  OK,  404, 401, 401, 401],
  },
];

function label(r: RouteCell): string {
  return `${r.method.toUpperCase()} ${r.path}${r.fresh ? ` (fresh ${r.fresh} case per cell)` : ''}`;
}

function fillPath(path: string, params: Params): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${path}`);
    return value;
  });
}

function tokenOf(caller: Caller): string | undefined {
  return caller === 'anonymous' ? undefined : w.tokens[caller];
}

// ---- the tests --------------------------------------------------------------------

describe('API authorization', () => {
  beforeAll(async () => {
    t = await startTestServer();
    const repo = new SqlCaseRepository(t.server.database);
    const a = await seedStaff(repo);
    const b = await seedStaff(repo);
    const [clerkA, mediatorA, otherMediatorA, clerkB] = await Promise.all([
      login(a.clerk.username),
      login(a.mediator.username),
      login(a.otherMediator.username),
      login(b.clerk.username),
    ]);
    w = {
      a,
      b,
      tokens: {
        clerkA,
        mediatorA,
        otherMediatorA,
        clerkB,
        partyA1: '',
        agentA1: '',
        observerA1: '',
        partyA2: '',
        revokedInvitation: '',
        expiredInvitation: '',
        foreignSecretStaff: '',
      },
      a1: { caseId: '', applicantId: '', sessionId: '', partyInvitationId: '' },
      a2: { caseId: '' },
    };

    // Case A1: accepted, mediator A assigned, no conflict, a session scheduled.
    const a1 = await ok<CaseView>(
      'register A1',
      api('post', '/cases', clerkA, registrationInput()),
    );
    const a2 = await ok<CaseView>(
      'register A2',
      api(
        'post',
        '/cases',
        clerkA,
        registrationInput({ applicant: { name: '赵六', isOrganisation: false } }),
      ),
    );
    await respondentsAgree(t.server.cases, a1.id);
    await ok('accept A1', api('post', `/cases/${a1.id}/accept`, clerkA));
    await ok(
      'assign A1',
      api('post', `/cases/${a1.id}/mediator`, clerkA, { mediatorId: a.mediator.id }),
    );
    await ok(
      'disclose A1',
      api('post', `/cases/${a1.id}/disclosures`, mediatorA, {
        hasConflict: false,
        statement: '与双方当事人无利害关系',
      }),
    );
    const session = await ok<{ id: string }>(
      'schedule A1',
      api('post', `/cases/${a1.id}/sessions`, mediatorA, { scheduledStart: inOneHour() }),
    );
    const applicantId = await applicantOf(a1.id);
    const invite = (caseId: string, personId: string) =>
      ok<InvitationReply>(
        'invite',
        api('post', `/cases/${caseId}/invitations`, clerkA, { personId }),
      );
    const party = await invite(a1.id, applicantId);
    const agent = await ok<{ id: string }>(
      'add agent',
      api('post', `/cases/${a1.id}/people`, clerkA, {
        kind: 'agent',
        name: '钱律师',
        representsId: applicantId,
        powerOfAttorney: { scope: 'special', maySign: false },
      }),
    );
    const observer = await ok<{ id: string }>(
      'add observer',
      api('post', `/cases/${a1.id}/people`, clerkA, { kind: 'observer', name: '孙旁听' }),
    );
    const agentInvitation = await invite(a1.id, agent.id);
    const observerInvitation = await invite(a1.id, observer.id);

    // Case A2: accepted, its applicant invited.
    await respondentsAgree(t.server.cases, a2.id);
    await ok('accept A2', api('post', `/cases/${a2.id}/accept`, clerkA));
    const partyA2 = await invite(a2.id, await applicantOf(a2.id));

    // A second invitation of A1's applicant, revoked.
    const revoked = await invite(a1.id, applicantId);
    await ok(
      'revoke',
      api('post', `/cases/${a1.id}/invitations/${revoked.invitation.id}/revoke`, clerkA),
    );

    w.tokens = {
      ...w.tokens,
      partyA1: party.token,
      agentA1: agentInvitation.token,
      observerA1: observerInvitation.token,
      partyA2: partyA2.token,
      revokedInvitation: revoked.token,
      // The party's own (still active) invitation, but with an expiry in the past.
      expiredInvitation: expiredInvitationToken(party.invitation.id, applicantId, a1.id),
      foreignSecretStaff: new StaffTokens('another-secret-0123456789-abcdefghijklmnopqrstu').issue(
        { sub: a.clerk.id, role: 'clerk', org: a.organisationId, name: a.clerk.name },
        600,
      ),
    };
    w.a1 = {
      caseId: a1.id,
      applicantId,
      sessionId: session.id,
      partyInvitationId: party.invitation.id,
    };
    w.a2 = { caseId: a2.id };
  });

  afterAll(async () => {
    await t?.close();
  });

  function expiredInvitationToken(
    invitationId: string,
    personId: string,
    caseId: string,
    exp = Math.floor(Date.now() / 1000) - 10,
  ): string {
    return jwt.sign({ caseId, role: 'party', name: '张三', exp }, TEST_SECRET, {
      algorithm: 'HS256',
      subject: personId,
      issuer: TOKEN_ISSUER,
      audience: INVITATION_TOKEN_AUDIENCE,
      jwtid: invitationId,
    });
  }

  describe(`matrix: ${MATRIX.length} routes × ${CALLERS.length} callers`, () => {
    it.each(MATRIX.map((r) => [label(r), r] as const))('%s', async (_label, r) => {
      const mismatches: string[] = [];
      for (const [i, caller] of CALLERS.entries()) {
        const expected = r.expect[i]!;
        const params = r.fresh ? await freshCase(r.fresh) : a1Params();
        const reply = await api(
          r.method,
          fillPath(r.path, params),
          tokenOf(caller),
          r.body?.(w),
          r.headers?.() ?? {},
        );
        const got = reply.status >= 200 && reply.status < 300 ? OK : reply.status;
        const detail = `${caller}: expected ${expected}, got ${reply.status}`;
        if (got !== expected)
          mismatches.push(`${detail} ${errorCode(reply) ?? ''} ${errorMessage(reply) ?? ''}`);
        if (reply.status >= 400) {
          const problem = errorShapeProblem(reply);
          if (problem) mismatches.push(`${caller}: ${problem}`);
        }
      }
      expect(mismatches, `${label(r)}: mismatching cells`).toEqual([]);
    });

    it('lists every route of caseRoutes, and nothing else', () => {
      const declared = caseRoutes({} as unknown as CaseRouteDeps).map(
        (r) => `${r.method} ${r.path}`,
      );
      expect(MATRIX.map((r) => `${r.method} ${r.path}`).sort()).toEqual(declared.sort());
    });
  });

  it('a clerk adds a mediator to the roster; once deactivated they can neither sign in nor use their token', async () => {
    const body = newStaffBody();
    const member = await ok<{ id: string; specialties: string[] }>(
      'add',
      api('post', '/staff', w.tokens.clerkA, body),
    );
    expect(member.specialties).toEqual(['wages']);
    const token = await login(String(body['username']), String(body['password']));
    const roster = await ok<{ mediators: { id: string; openCases: number }[] }>(
      'roster',
      api('get', '/mediators', w.tokens.clerkA),
    );
    expect(roster.mediators.find((m) => m.id === member.id)).toMatchObject({ openCases: 0 });
    expect((await api('get', '/me', token)).status).toBe(200);
    // A taken username is refused, and a clerk cannot deactivate themselves.
    expect(
      (await api('post', '/staff', w.tokens.clerkA, { ...body, displayName: '重名' })).status,
    ).toBe(400);
    expect((await api('post', `/staff/${w.a.clerk.id}/deactivate`, w.tokens.clerkA)).status).toBe(
      409,
    );

    await ok('deactivate', api('post', `/staff/${member.id}/deactivate`, w.tokens.clerkA));
    expect((await api('get', '/me', token)).status).toBe(401);
    const again = await api(
      'post',
      '/auth/login',
      undefined,
      { username: body['username'], password: body['password'] },
      freshAddress(),
    );
    expect(again.status).toBe(401);
    const after = await ok<{ mediators: { id: string }[] }>(
      'roster',
      api('get', '/mediators', w.tokens.clerkA),
    );
    expect(after.mediators.map((m) => m.id)).not.toContain(member.id);
  });

  it('a party of case A1 cannot read case A2 (404)', async () => {
    for (const path of [`/cases/${w.a2.caseId}`, `/cases/${w.a2.caseId}/audit`]) {
      const r = await api('get', path, w.tokens.partyA1);
      expect(r.status, path).toBe(404);
      expect(errorCode(r)).toBe('NOT_FOUND');
    }
    // Control: A2's own party reads A2.
    expect((await api('get', `/cases/${w.a2.caseId}`, w.tokens.partyA2)).status).toBe(200);
  });

  it('a revoked invitation is refused (401) on the API and its session token is refused at the Socket.IO handshake with TOKEN_REVOKED', async () => {
    const { invitation, token } = await ok<InvitationReply>(
      'invite',
      api('post', `/cases/${w.a1.caseId}/invitations`, w.tokens.clerkA, {
        personId: w.a1.applicantId,
      }),
    );
    const join = await ok<{ token: string; session: { id: string } }>(
      'join-token',
      api('post', '/join-token', token, {}),
    );
    expect(join.session.id).toBe(w.a1.sessionId);
    // Before revocation both work.
    expect((await api('get', '/me', token)).status).toBe(200);
    const before = await connectClient(t.url, join.token);
    expect(before.socket.connected).toBe(true);
    before.close();

    await ok(
      'revoke',
      api('post', `/cases/${w.a1.caseId}/invitations/${invitation.id}/revoke`, w.tokens.clerkA),
    );

    for (const [method, path, body] of [
      ['get', '/me', undefined],
      ['get', `/cases/${w.a1.caseId}`, undefined],
      ['post', '/join-token', {}],
    ] as const) {
      const r = await api(method, path, token, body);
      expect(r.status, path).toBe(401);
      expect(errorCode(r)).toBe('UNAUTHENTICATED');
    }
    expect(await refusal(t.url, join.token)).toMatchObject({ reason: 'TOKEN_REVOKED' });
    // The other invitation of the same person is unaffected.
    expect((await api('get', '/me', w.tokens.partyA1)).status).toBe(200);
  });

  it('an expired invitation is refused (401)', async () => {
    for (const path of ['/me', `/cases/${w.a1.caseId}`]) {
      const r = await api('get', path, w.tokens.expiredInvitation);
      expect(r.status, path).toBe(401);
      expect(errorCode(r)).toBe('UNAUTHENTICATED');
      expect(errorMessage(r)).toMatch(/expired/);
    }
    // Control: the same claims with a future expiry are accepted, so only the expiry refused it.
    const live = expiredInvitationToken(
      w.a1.partyInvitationId,
      w.a1.applicantId,
      w.a1.caseId,
      Math.floor(Date.now() / 1000) + 300,
    );
    expect((await api('get', `/cases/${w.a1.caseId}`, live)).status).toBe(200);
    // And one made by the server's own issuer, once its lifetime is over.
    const short = new InvitationTokens(TEST_SECRET).issue(
      { sub: w.a1.applicantId, caseId: w.a1.caseId, role: 'party', name: '张三' },
      1,
      w.a1.partyInvitationId,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const r = await api('get', '/me', short);
    expect(r.status).toBe(401);
    expect(errorCode(r)).toBe('UNAUTHENTICATED');
  });

  it('a clerk of another organisation sees 404 for our case', async () => {
    const missing = await api('get', `/cases/${randomUUID()}`, w.tokens.clerkB);
    for (const path of [`/cases/${w.a1.caseId}`, `/cases/${w.a1.caseId}/audit`]) {
      const r = await api('get', path, w.tokens.clerkB);
      expect(r.status, path).toBe(404);
      // Exactly what a case that does not exist looks like: existence is not revealed.
      expect(r.body).toEqual(missing.body);
    }
    const list = await ok<{ cases: CaseView[] }>('list', api('get', '/cases', w.tokens.clerkB));
    expect(list.cases.map((c) => c.id)).not.toContain(w.a1.caseId);
  });

  it('an unassigned mediator sees 404', async () => {
    const token = w.tokens.otherMediatorA;
    const missing = await api('get', `/cases/${randomUUID()}`, token);
    const r = await api('get', `/cases/${w.a1.caseId}`, token);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(missing.body);
    const join = await api('post', '/join-token', token, { sessionId: w.a1.sessionId });
    expect(join.status).toBe(404);
    const list = await ok<{ cases: CaseView[] }>('list', api('get', '/cases', token));
    expect(list.cases.map((c) => c.id)).not.toContain(w.a1.caseId);
    // Control: the assigned mediator of the same organisation reads it.
    expect((await api('get', `/cases/${w.a1.caseId}`, w.tokens.mediatorA)).status).toBe(200);
  });

  it('a staff token is refused as a session token and a session token is refused on the API (401)', async () => {
    for (const staff of [w.tokens.clerkA, w.tokens.mediatorA]) {
      expect(await refusal(t.url, staff)).toMatchObject({ reason: 'TOKEN_INVALID' });
    }
    const sessionTokens = [
      (await ok<{ token: string }>('join', api('post', '/join-token', w.tokens.partyA1, {}))).token,
      (
        await ok<{ token: string }>(
          'join',
          api('post', '/join-token', w.tokens.mediatorA, { sessionId: w.a1.sessionId }),
        )
      ).token,
    ];
    for (const token of sessionTokens) {
      for (const path of ['/me', `/cases/${w.a1.caseId}`]) {
        const r = await api('get', path, token);
        expect(r.status, path).toBe(401);
        expect(errorCode(r)).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('login: wrong password and unknown user both 401 with the same message; too many attempts → 429', async () => {
    const address = { 'x-forwarded-for': '198.51.100.23' };
    const wrongPassword = await api(
      'post',
      '/auth/login',
      undefined,
      { username: w.a.clerk.username, password: 'not the password' },
      address,
    );
    const unknownUser = await api(
      'post',
      '/auth/login',
      undefined,
      { username: 'nobody-at-all', password: TEST_PASSWORD },
      address,
    );
    for (const r of [wrongPassword, unknownUser]) {
      expect(r.status).toBe(401);
      expect(errorCode(r)).toBe('UNAUTHENTICATED');
    }
    expect(errorMessage(wrongPassword)).toBe(errorMessage(unknownUser));

    // 20 attempts a minute per address (other accounts, so no account's backoff interferes):
    // the 21st is refused, even with the right password.
    const statuses = [wrongPassword.status, unknownUser.status];
    for (let i = statuses.length; i < 20; i += 1) {
      const r = await api(
        'post',
        '/auth/login',
        undefined,
        { username: `nobody-${i}`, password: `guess ${i}` },
        address,
      );
      statuses.push(r.status);
    }
    expect(statuses).toEqual(Array(20).fill(401));
    const limited = await api(
      'post',
      '/auth/login',
      undefined,
      { username: w.a.clerk.username, password: TEST_PASSWORD },
      address,
    );
    expect(limited.status).toBe(429);
    expect(errorShapeProblem(limited)).toBeUndefined();
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    // Another address is not affected.
    expect(
      (
        await api(
          'post',
          '/auth/login',
          undefined,
          { username: w.a.clerk.username, password: TEST_PASSWORD },
          freshAddress(),
        )
      ).status,
    ).toBe(200);
  });

  it('malformed JSON → 400 VALIDATION; no claim types → 400; an oversized body (300 KB) → 413; an unknown field → 400 with issues listing it', async () => {
    const token = w.tokens.clerkA;
    const malformed = await api('post', '/cases', token, '{"intakeMode": "written",');
    expect(malformed.status).toBe(400);
    expect(errorShapeProblem(malformed)).toBeUndefined();
    expect(errorCode(malformed)).toBe('VALIDATION');

    const input = registrationInput();
    const oversized = await api('post', '/cases', token, {
      ...input,
      application: { ...input.application, factsAndReasons: 'x'.repeat(300 * 1024) },
    });
    expect(oversized.status).toBe(413);
    expect(errorShapeProblem(oversized)).toBeUndefined();
    expect(errorCode(oversized)).toBe('PAYLOAD_TOO_LARGE');
    expect(errorMessage(oversized)).toMatch(/too large/);

    // Claim types decide whether a payment order may follow: required at registration.
    const untyped = await api('post', '/cases', token, {
      ...input,
      application: { ...input.application, claimTypes: [] },
    });
    expect(untyped.status).toBe(400);
    expect(errorCode(untyped)).toBe('VALIDATION');

    const unknown = await api('post', '/cases', token, { ...input, smuggledField: true });
    expect(unknown.status).toBe(400);
    expect(errorShapeProblem(unknown)).toBeUndefined();
    const issues = (unknown.body as { error: { issues?: unknown } }).error.issues;
    expect(Array.isArray(issues)).toBe(true);
    expect((issues as unknown[]).some((i) => String(i).includes('smuggledField'))).toBe(true);
  });

  it('GET /api/openapi.json lists every route of the table with its request body schema', async () => {
    const r = await api('get', '/openapi.json');
    expect(r.status).toBe(200);
    type Operation = {
      requestBody?: {
        content?: {
          'application/json'?: {
            schema?: { type?: string; properties?: Record<string, unknown> };
          };
        };
      };
    };
    const paths = (r.body as { paths: Record<string, Record<string, Operation>> }).paths;
    const problems: string[] = [];
    for (const route of MATRIX) {
      const docPath = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
      const op = paths[docPath]?.[route.method];
      if (!op) {
        problems.push(`${label(route)}: missing`);
        continue;
      }
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!route.body) {
        if (op.requestBody) problems.push(`${label(route)}: documents a body it does not take`);
        continue;
      }
      if (!schema || schema.type !== 'object' || !schema.properties) {
        problems.push(`${label(route)}: no object request body schema`);
        continue;
      }
      const missing = Object.keys(route.body(w)).filter((k) => !(k in schema.properties!));
      if (missing.length) problems.push(`${label(route)}: schema lacks ${missing.join(', ')}`);
    }
    expect(problems).toEqual([]);
    const documented = Object.entries(paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    // The document covers every table the server mounts: the case routes (the matrix) and
    // the evidence routes (authorised in tests/integration/evidence.test.ts) and the
    // recording routes (tests/integration/recording.test.ts) and the document routes
    // (tests/integration/documents.test.ts), and the procedure routes (agreement to mediate,
    // recusal: tests/integration/procedure-safeguards.test.ts and the authorization table).
    const evidence = evidenceRoutes({} as unknown as EvidenceRouteDeps);
    const recording = recordingRoutes({} as unknown as RecordingRouteDeps);
    const institution = institutionRoutes({} as unknown as InstitutionRouteDeps);
    const documents = documentRoutes({} as unknown as DocumentRouteDeps);
    // The calendar routes (authorised in api-authorization-table.test.ts)
    const calendar = calendarRoutes({} as unknown as CalendarRouteDeps);
    // and the extension routes (tests/integration/api-authorization-table.test.ts, notices.test.ts).
    const extension = extensionRoutes({} as unknown as Parameters<typeof extensionRoutes>[0]);
    const procedure = procedureRoutes({} as unknown as ProcedureRouteDeps);
    // and the payment-order routes (tests/integration/payment-order.test.ts and the table).
    const paymentOrder = paymentOrderRoutes(
      {} as unknown as Parameters<typeof paymentOrderRoutes>[0],
    );
    // and the media capabilities (public: tests/integration/signaling.test.ts and the table).
    const media = mediaRoutes({} as unknown as Parameters<typeof mediaRoutes>[0]);
    // and the cases institutions hand over (inbound-referrals.test.ts and the table).
    const inbound = inboundReferralRoutes(
      {} as unknown as Parameters<typeof inboundReferralRoutes>[0],
    );
    // and online applications (online-applications.test.ts and the table).
    const applications = applicationRoutes(
      {} as unknown as Parameters<typeof applicationRoutes>[0],
    );
    // and the mediation network (organisations.test.ts, supervision.test.ts and the table).
    const organisations = organisationRoutes(
      {} as unknown as Parameters<typeof organisationRoutes>[0],
    );
    // and the risk ledger (risk-ledger.test.ts and the table).
    const risks = riskRoutes({} as unknown as Parameters<typeof riskRoutes>[0]);
    const reports = reportRoutes({} as unknown as Parameters<typeof reportRoutes>[0]);
    const roster = rosterRoutes({} as unknown as Parameters<typeof rosterRoutes>[0]);
    expect(documented.sort()).toEqual(
      [
        ...MATRIX,
        ...organisations,
        ...risks,
        ...reports,
        ...roster,
        ...applications,
        ...evidence,
        ...recording,
        ...institution,
        ...documents,
        ...calendar,
        ...extension,
        ...procedure,
        ...paymentOrder,
        ...media,
        ...inbound,
      ]
        .map((route) => `${route.method} /api${route.path.replace(/:(\w+)/g, '{$1}')}`)
        .sort(),
    );
    const upload = paths['/api/cases/{caseId}/evidence']?.['post'] as
      | {
          requestBody?: {
            content?: Record<
              string,
              { schema?: { properties?: Record<string, { format?: string }> } }
            >;
          };
        }
      | undefined;
    expect(
      upload?.requestBody?.content?.['multipart/form-data']?.schema?.properties?.['file']?.format,
    ).toBe('binary');
  });
});
