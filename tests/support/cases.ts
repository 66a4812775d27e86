/** Fixtures for case-file tests: an organisation with staff, and a valid registration. */
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../server/auth/passwords.js';
import type { CaseRepository } from '../../server/cases/CaseRepository.js';
import type { Actor } from '../../server/cases/access.js';
import type { SessionTokens } from '../../server/auth/SessionTokens.js';
import { InvitationTokens } from '../../server/auth/tokenKinds.js';
import type { CaseService } from '../../server/cases/CaseService.js';
import type {
  CasePerson,
  MediationCase,
  MediationSessionRecord,
} from '../../server/cases/model.js';
import { registerCaseSchema, type RegisterCaseInput } from '../../server/cases/schemas.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export interface StaffFixture {
  organisationId: string;
  clerk: Extract<Actor, { kind: 'staff' }> & { username: string };
  mediator: Extract<Actor, { kind: 'staff' }> & { username: string };
  otherMediator: Extract<Actor, { kind: 'staff' }> & { username: string };
}

/** Inserts an organisation with a clerk and two mediators (password TEST_PASSWORD). */
export async function seedStaff(
  repo: CaseRepository,
  organisationId = `org-${randomUUID().slice(0, 8)}`,
): Promise<StaffFixture> {
  await repo.insertOrganisation({ id: organisationId, name: '测试调解委员会' });
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const make = async (role: 'clerk' | 'mediator', name: string) => {
    const id = randomUUID();
    const username = `${role}-${id.slice(0, 8)}`;
    await repo.insertStaff({
      id,
      organisationId,
      username,
      displayName: name,
      role,
      specialties: role === 'mediator' ? ['wages', 'termination'] : [],
      active: true,
      createdAt: new Date().toISOString(),
      passwordHash,
    });
    return { kind: 'staff' as const, id, role, organisationId, name, username };
  };
  return {
    organisationId,
    clerk: await make('clerk', '李书记员'),
    mediator: await make('mediator', '王调解'),
    otherMediator: await make('mediator', '陈调解'),
  };
}

/** A supervisor of the organisation signing in with TEST_PASSWORD, as the seeded staff do. */
export async function seedSupervisor(
  repo: CaseRepository,
  organisationId: string,
  username: string,
): Promise<string> {
  const id = randomUUID();
  await repo.insertStaff({
    ...{ id, organisationId, username, displayName: '监督员', role: 'supervisor' },
    ...{ specialties: [], active: true, createdAt: new Date().toISOString() },
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
  return id;
}

/** A written wage claim by a worker against an employer. */
export function registrationInput(overrides: Partial<RegisterCaseInput> = {}): RegisterCaseInput {
  return {
    intakeMode: 'written',
    disputeType: 'wages',
    source: 'party_application',
    priorityGroups: ['migrant_worker'],
    receivedOn: '2026-03-02',
    application: {
      requests: '支付拖欠工资人民币 12,000 元',
      factsAndReasons: '申请人于 2025 年 6 月入职，2025 年 11 月至 2026 年 1 月工资未发放。',
      claimTypes: ['wages'],
      amountClaimed: 12000,
    },
    applicant: {
      name: '张三',
      idNumber: '310101199001011234',
      phone: '13800000000',
      isOrganisation: false,
    },
    respondent: {
      name: '某某科技有限公司',
      idNumber: '91310000MA1FL00000',
      isOrganisation: true,
      legalRepresentative: '李四',
      address: '上海市浦东新区某路 1 号',
    },
    ...overrides,
  };
}

/**
 * Every respondent of a party application agrees to mediation, as each would
 * from its own join page (the actor an invitation of theirs resolves to), so
 * that the application can be accepted.
 */
export async function respondentsAgree(cases: CaseService, caseId: string): Promise<void> {
  const system: Actor = { kind: 'system', id: 'system', role: 'system' };
  const { people } = await cases.file(system, caseId);
  for (const p of people.filter((x) => x.kind === 'respondent')) {
    await cases.respondToMediation(
      { kind: 'person', id: p.id, role: 'party', caseId, invitationId: 'fixture', name: p.name },
      caseId,
      { decision: 'agree' },
    );
  }
}

/** The HTTP version: each respondent is invited and agrees with its own invitation token. */
export async function respondentsAgreeOverHttp(
  api: {
    ok<T>(method: 'GET' | 'POST', path: string, token?: string, body?: unknown): Promise<T>;
  },
  clerkToken: string,
  caseId: string,
): Promise<void> {
  const { people } = await api.ok<{ people: CasePerson[] }>('GET', `/cases/${caseId}`, clerkToken);
  for (const p of people.filter((x) => x.kind === 'respondent')) {
    const { token } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerkToken,
      { personId: p.id },
    );
    await api.ok('POST', `/cases/${caseId}/mediation-response`, token, { decision: 'agree' });
  }
}

/** A case accepted, its mediator assigned and cleared of conflicts, a session scheduled now. */
export async function caseInSession(
  cases: CaseService,
  staff: StaffFixture,
): Promise<{ case: MediationCase; session: MediationSessionRecord; people: CasePerson[] }> {
  const c = await cases.register(staff.clerk, registerCaseSchema.parse(registrationInput()));
  await respondentsAgree(cases, c.id);
  await cases.accept(staff.clerk, c.id);
  await cases.assignMediator(staff.clerk, c.id, staff.mediator.id);
  await cases.disclose(staff.mediator, c.id, { hasConflict: false, statement: '无利害关系' });
  const session = await cases.scheduleSession(staff.mediator, c.id, {
    scheduledStart: new Date().toISOString(),
  });
  return { case: c, session, people: (await cases.file(staff.clerk, c.id)).people };
}

/** An invitation link for a party, as a clerk would send it. */
export async function partyInvitationLink(
  baseUrl: string,
  secret: string,
  cases: CaseService,
  clerk: Actor,
  person: CasePerson,
): Promise<{ link: string; invitationId: string }> {
  const { invitation } = await cases.invite(clerk, person.caseId, person.id, 7);
  const token = new InvitationTokens(secret).issue(
    { sub: person.id, caseId: person.caseId, role: 'party', name: person.name },
    3600,
    invitation.id,
  );
  return { link: `${baseUrl}/join#invite=${token}`, invitationId: invitation.id };
}

/** The mediator's session link (a session token for ten minutes), as the console opens it. */
export function mediatorSessionLink(
  baseUrl: string,
  tokens: SessionTokens,
  mediator: StaffFixture['mediator'],
  caseId: string,
  sessionId: string,
): string {
  const token = tokens.issue(
    { sub: mediator.id, caseId, sessionId, role: 'mediator', name: mediator.name },
    600,
  );
  return `${baseUrl}/join#token=${token}`;
}

/**
 * A case as a court hands it over through its API (POST /api/institution/referrals): the
 * wage claim of `registrationInput()` under the court's own number.
 */
export function referralSubmission(
  caseNumber: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> & { application: Record<string, unknown> } {
  const r = registrationInput();
  return {
    caseNumber,
    kind: 'delegated',
    disputeType: 'wages',
    priorityGroups: ['migrant_worker'],
    application: {
      requests: r.application.requests,
      factsAndReasons: r.application.factsAndReasons,
      claimTypes: ['wages'],
      amountClaimed: 12000,
    },
    applicant: r.applicant,
    respondent: r.respondent,
    note: '诉前委派调解，请于三十日内反馈',
    ...overrides,
  };
}
