import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/cases/access.js';
import { CaseService } from '../../server/cases/CaseService.js';
import { officialWorkCalendar } from '../../server/cases/holidayCalendar.js';
import type { CaseDeadline, DeadlineKind, MediationCase } from '../../server/cases/model.js';
import {
  agreementEffectiveSchema,
  agreementSchema,
  disclosureSchema,
  extendSchema,
  followUpSchema,
  registerCaseSchema,
  scheduleSessionSchema,
  terminateSchema,
  type RegisterCaseInput,
} from '../../server/cases/schemas.js';
import { InvalidTransitionError } from '../../server/cases/stateMachine.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { BACKENDS, openBackend, type Backend, type OpenedBackend } from '../support/backends.js';
import {
  registrationInput,
  respondentsAgree,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';

interface Fixture {
  backend: OpenedBackend;
  repository: SqlCaseRepository;
  audit: SqlAuditLog;
  service: CaseService;
  /** The service's clock: mutate with setClock(). */
  clock: Date;
  staff: StaffFixture;
}

const open: Fixture[] = [];

/** Monday 2026-03-02, 09:00 in Shanghai. */
const START = '2026-03-02T01:00:00.000Z';

async function fresh(kind: Backend): Promise<Fixture> {
  const backend = await openBackend(kind, 'case-lifecycle');
  const repository = new SqlCaseRepository(backend.sql);
  const audit = new SqlAuditLog(backend.sql);
  const clock = new Date(START);
  const service = new CaseService({
    repository,
    audit,
    calendar: officialWorkCalendar(),
    now: () => clock,
  });
  const fixture: Fixture = {
    backend,
    repository,
    audit,
    service,
    clock,
    staff: await seedStaff(repository),
  };
  open.push(fixture);
  return fixture;
}

afterEach(async () => {
  for (const { backend } of open.splice(0)) await backend.close();
});

function setClock(f: Fixture, iso: string): void {
  f.clock.setTime(Date.parse(iso));
}

function register(f: Fixture, overrides: Partial<RegisterCaseInput> = {}): Promise<MediationCase> {
  return f.service.register(f.staff.clerk, registerCaseSchema.parse(registrationInput(overrides)));
}

/** Registered, accepted, and assigned to `staff.mediator`. */
async function assignedCase(
  f: Fixture,
  overrides: Partial<RegisterCaseInput> = {},
): Promise<MediationCase> {
  const c = await register(f, overrides);
  await respondentsAgree(f.service, c.id);
  await f.service.accept(f.staff.clerk, c.id);
  return f.service.assignMediator(f.staff.clerk, c.id, f.staff.mediator.id);
}

/** As assignedCase, with the mediator's disclosure and a first session scheduled. */
async function caseInMediation(
  f: Fixture,
  overrides: Partial<RegisterCaseInput> = {},
): Promise<MediationCase> {
  const c = await assignedCase(f, overrides);
  await f.service.disclose(
    f.staff.mediator,
    c.id,
    disclosureSchema.parse({ hasConflict: false, statement: '与双方当事人无利害关系' }),
  );
  await f.service.scheduleSession(
    f.staff.mediator,
    c.id,
    scheduleSessionSchema.parse({ scheduledStart: '2026-03-10T09:00:00+08:00' }),
  );
  return (await f.repository.getCase(c.id)) as MediationCase;
}

async function deadlines(f: Fixture, caseId: string, kind: DeadlineKind): Promise<CaseDeadline[]> {
  return (await f.repository.listDeadlines(caseId)).filter((d) => d.kind === kind);
}

async function onlyDeadline(f: Fixture, caseId: string, kind: DeadlineKind): Promise<CaseDeadline> {
  const found = await deadlines(f, caseId, kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as CaseDeadline;
}

async function expectAudit(f: Fixture, caseId: string, actions: string[]): Promise<void> {
  expect(await f.audit.verify(caseId)).toMatchObject({ ok: true, length: actions.length });
  expect((await f.audit.list(caseId)).map((e) => e.action)).toEqual(actions);
}

describe.each(BACKENDS)('case lifecycle through CaseService on %s', (kind) => {
  it('registers cases with sequential numbers, both parties and the statutory deadlines', async () => {
    const f = await fresh(kind);
    const first = await register(f);
    const second = await register(f);

    expect(first).toMatchObject({
      caseNumber: '2026-000001',
      status: 'registered',
      receivedOn: '2026-03-02',
      registeredAt: START,
      registeredBy: f.staff.clerk.id,
      organisationId: f.staff.organisationId,
      mediationDueOn: '2026-03-17',
      decision: null,
      mediatorId: null,
      version: 1,
    });
    expect(second.caseNumber).toBe('2026-000002');

    const file = await f.service.file(f.staff.clerk, first.id);
    expect(file.case).toEqual(first);
    expect(file.people.map((p) => [p.kind, p.name])).toEqual([
      ['applicant', '张三'],
      ['respondent', '某某科技有限公司'],
    ]);
    expect(file.people[1]).toMatchObject({ isOrganisation: true, legalRepresentative: '李四' });

    expect(file.deadlines).toHaveLength(2);
    const acceptance = await onlyDeadline(f, first.id, 'acceptance_decision');
    const period = await onlyDeadline(f, first.id, 'mediation_period');
    // Received Monday 2026-03-02: three working days → Thursday; fifteen days → Tuesday 03-17.
    expect(acceptance).toMatchObject({ dueOn: '2026-03-05', status: 'open', resolvedAt: null });
    expect(period).toMatchObject({ dueOn: '2026-03-17', status: 'open', resolvedAt: null });
    expect(acceptance.basis).toContain('企业劳动争议协商调解规定');
    expect(acceptance.basis).toContain('3个工作日内受理');
    expect(period.basis).toContain('劳动争议调解仲裁法');
    expect(period.basis).toContain('十五日内');
    expect(period.consequence).toMatch(/[\u4e00-\u9fff]/);

    await expectAudit(f, first.id, ['case.registered']);
    await expectAudit(f, second.id, ['case.registered']);
  });

  it('numbers concurrent registrations one after another (on PostgreSQL, transactions at once)', async () => {
    // Found by bench:db: on PostgreSQL each transaction counted the year's cases before any
    // other had inserted, so two clerks registering at once drew the same number (a 500).
    const f = await fresh(kind);
    const cases = await Promise.all(Array.from({ length: 8 }, () => register(f)));
    expect(cases.map((c) => c.caseNumber).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `2026-${String(i + 1).padStart(6, '0')}`),
    );
    for (const c of cases) await expectAudit(f, c.id, ['case.registered']);
  });

  it('lists the cases with each one’s running deadlines, in due order, from one query', async () => {
    const f = await fresh(kind);
    const made = [await register(f), await register(f, { receivedOn: '2026-02-16' })];
    // A resolved deadline is not running: the first case's acceptance decision.
    await f.service.accept(f.staff.clerk, made[0]!.id).catch(() => undefined);
    const listed = await f.service.list(f.staff.clerk);
    expect(listed.map((c) => c.id).sort()).toEqual(made.map((c) => c.id).sort());
    for (const c of listed) {
      const running = (await f.repository.listDeadlines(c.id)).filter(
        (d) => d.status === 'open' || d.status === 'overdue',
      );
      expect(running.length).toBeGreaterThan(0);
      expect(c.openDeadlines).toEqual(running);
    }
  });

  it('stores and returns a deadline computed across a year without a holiday schedule as provisional', async () => {
    const f = await fresh(kind);
    setClock(f, '2026-12-21T01:00:00.000Z');
    const c = await register(f, { receivedOn: '2026-12-21' });
    // Fifteen days → 2027-01-05: the 2027 schedule is not shipped, so the date may still move.
    expect(await onlyDeadline(f, c.id, 'mediation_period')).toMatchObject({
      dueOn: '2027-01-05',
      provisional: true,
      missingCalendarYears: [2027],
    });
    // Three working days → Thursday 2026-12-24, inside the loaded year: final.
    expect(await onlyDeadline(f, c.id, 'acceptance_decision')).toMatchObject({
      dueOn: '2026-12-24',
      provisional: false,
      missingCalendarYears: [],
    });
    // The case file the API and the join page read carries the flag.
    const file = await f.service.file(f.staff.clerk, c.id);
    expect(file.deadlines.find((d) => d.kind === 'mediation_period')?.provisional).toBe(true);
    // From 1 November the statistics the console shows warn that 2027 is not loaded.
    const stats = await f.service.statistics(f.staff.clerk, { from: null, to: null });
    expect(stats.calendar).toEqual({ missingScheduleYears: [2027] });
    setClock(f, '2026-10-31T01:00:00.000Z');
    expect((await f.service.statistics(f.staff.clerk, { from: null, to: null })).calendar).toEqual({
      missingScheduleYears: [],
    });
  });

  it('accepts one case, refuses another, and will not accept a refused case', async () => {
    const f = await fresh(kind);
    const a = await register(f);
    const b = await register(f);
    setClock(f, '2026-03-03T02:00:00.000Z');

    await respondentsAgree(f.service, a.id);
    const accepted = await f.service.accept(f.staff.clerk, a.id);
    expect(accepted).toMatchObject({
      status: 'accepted',
      decision: { kind: 'accepted', by: f.staff.clerk.id, at: '2026-03-03T02:00:00.000Z' },
      closedAt: null,
      version: 2,
    });
    expect(await onlyDeadline(f, a.id, 'acceptance_decision')).toMatchObject({
      status: 'met',
      resolvedAt: '2026-03-03T02:00:00.000Z',
    });
    expect((await onlyDeadline(f, a.id, 'mediation_period')).status).toBe('open');

    const refused = await f.service.refuse(f.staff.clerk, b.id, '不属于劳动争议受理范围');
    expect(refused).toMatchObject({
      status: 'refused',
      decision: { kind: 'refused', reason: '不属于劳动争议受理范围' },
      closedAt: '2026-03-03T02:00:00.000Z',
    });
    expect((await onlyDeadline(f, b.id, 'acceptance_decision')).status).toBe('met');
    expect((await onlyDeadline(f, b.id, 'mediation_period')).status).toBe('cancelled');

    await expect(f.service.accept(f.staff.clerk, b.id)).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    await expect(f.service.accept(f.staff.clerk, b.id)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    expect((await f.repository.getCase(b.id))?.status).toBe('refused');

    await expectAudit(f, a.id, ['case.registered', 'mediation.agreed', 'case.accepted']);
    await expectAudit(f, b.id, ['case.registered', 'case.refused']);
  });

  it('assigns, takes disclosures, schedules and runs sessions', async () => {
    const f = await fresh(kind);
    const { clerk, mediator, otherMediator } = f.staff;
    const c = await assignedCase(f);
    expect(c).toMatchObject({ status: 'accepted', mediatorId: mediator.id });

    // No disclosure yet: no session.
    await expect(
      f.service.scheduleSession(
        clerk,
        c.id,
        scheduleSessionSchema.parse({ scheduledStart: '2026-03-10T09:00:00+08:00' }),
      ),
    ).rejects.toMatchObject({ code: 'DISCLOSURE_REQUIRED' });

    // A conflict unassigns the mediator, who then loses sight of the case.
    const conflict = await f.service.disclose(
      mediator,
      c.id,
      disclosureSchema.parse({ hasConflict: true, statement: '本人曾任被申请人法律顾问' }),
    );
    expect(conflict).toMatchObject({ caseId: c.id, mediatorId: mediator.id, hasConflict: true });
    expect((await f.repository.getCase(c.id))?.mediatorId).toBeNull();
    await expect(f.service.file(mediator, c.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Still no mediator: still no session.
    await expect(
      f.service.scheduleSession(
        clerk,
        c.id,
        scheduleSessionSchema.parse({ scheduledStart: '2026-03-10T09:00:00+08:00' }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });

    setClock(f, '2026-03-03T01:00:00.000Z');
    await f.service.assignMediator(clerk, c.id, otherMediator.id);
    // The new mediator has not disclosed yet; the earlier disclosure was someone else's.
    await expect(
      f.service.scheduleSession(
        clerk,
        c.id,
        scheduleSessionSchema.parse({ scheduledStart: '2026-03-10T09:00:00+08:00' }),
      ),
    ).rejects.toMatchObject({ code: 'DISCLOSURE_REQUIRED' });
    await f.service.disclose(
      otherMediator,
      c.id,
      disclosureSchema.parse({ hasConflict: false, statement: '与双方当事人无利害关系' }),
    );
    const first = await f.service.scheduleSession(
      otherMediator,
      c.id,
      scheduleSessionSchema.parse({
        scheduledStart: '2026-03-10T09:00:00+08:00',
        scheduledEnd: '2026-03-10T11:00:00+08:00',
      }),
    );
    expect(first).toMatchObject({
      caseId: c.id,
      status: 'scheduled',
      scheduledStart: '2026-03-10T01:00:00.000Z',
      scheduledEnd: '2026-03-10T03:00:00.000Z',
      startedAt: null,
      endedAt: null,
    });
    expect((await f.repository.getCase(c.id))?.status).toBe('in_mediation');
    const second = await f.service.scheduleSession(
      clerk,
      c.id,
      scheduleSessionSchema.parse({ scheduledStart: '2026-03-12T09:00:00+08:00' }),
    );

    setClock(f, '2026-03-10T01:02:00.000Z');
    const live = await f.service.setSessionState(otherMediator, first.id, 'live');
    expect(live).toMatchObject({ status: 'live', startedAt: '2026-03-10T01:02:00.000Z' });
    setClock(f, '2026-03-10T02:30:00.000Z');
    const ended = await f.service.setSessionState(otherMediator, first.id, 'ended');
    expect(ended).toMatchObject({
      status: 'ended',
      startedAt: '2026-03-10T01:02:00.000Z',
      endedAt: '2026-03-10T02:30:00.000Z',
    });
    // Ending again, or ending a session that never went live, is refused.
    await expect(f.service.setSessionState(otherMediator, first.id, 'ended')).rejects.toMatchObject(
      { code: 'INVALID_STATE' },
    );
    await expect(
      f.service.setSessionState(otherMediator, second.id, 'ended'),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect((await f.repository.getSession(second.id))?.status).toBe('scheduled');
    await expect(f.service.setSessionState(clerk, 'no-such-session', 'live')).rejects.toMatchObject(
      { code: 'NOT_FOUND' },
    );

    const file = await f.service.file(clerk, c.id);
    expect(file.mediator).toEqual({ id: otherMediator.id, displayName: '陈调解' });
    expect(file.disclosures.map((d) => [d.mediatorId, d.hasConflict])).toEqual([
      [mediator.id, true],
      [otherMediator.id, false],
    ]);
    expect(file.case.status).toBe('in_mediation');

    await expectAudit(f, c.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'mediator.assigned',
      'mediator.disclosed',
      'mediator.assigned',
      'mediator.disclosed',
      'session.scheduled',
      'session.scheduled',
      'session.live',
      'session.ended',
    ]);
  });

  it('keeps mediators and parties to their own cases and roles', async () => {
    const f = await fresh(kind);
    const { clerk, mediator, otherMediator } = f.staff;
    const c = await caseInMediation(f);
    const other = await register(f, {
      applicant: { name: '王五', idNumber: '310101199202021234', isOrganisation: false },
    });
    const session = (await f.service.file(clerk, c.id)).sessions[0];
    expect(session).toBeDefined();
    const sessionId = session?.id ?? '';

    // A mediator not assigned to the case cannot even see that it exists.
    const notFound = { code: 'NOT_FOUND' };
    await expect(f.service.file(otherMediator, c.id)).rejects.toMatchObject(notFound);
    await expect(
      f.service.disclose(
        otherMediator,
        c.id,
        disclosureSchema.parse({ hasConflict: false, statement: '无' }),
      ),
    ).rejects.toMatchObject(notFound);
    await expect(
      f.service.scheduleSession(
        otherMediator,
        c.id,
        scheduleSessionSchema.parse({ scheduledStart: '2026-03-11T09:00:00+08:00' }),
      ),
    ).rejects.toMatchObject(notFound);
    await expect(f.service.setSessionState(otherMediator, sessionId, 'live')).rejects.toMatchObject(
      notFound,
    );
    await expect(
      f.service.recordAgreement(otherMediator, c.id, agreementSchema.parse({ terms: '支付' })),
    ).rejects.toMatchObject(notFound);
    await expect(
      f.service.terminate(
        otherMediator,
        c.id,
        terminateSchema.parse({ ground: 'party_refuses', facts: '拒绝' }),
      ),
    ).rejects.toMatchObject(notFound);
    await expect(f.service.verifyAudit(otherMediator, c.id)).rejects.toMatchObject(notFound);
    await expect(f.service.accept(otherMediator, other.id)).rejects.toMatchObject(notFound);
    expect(await f.service.list(otherMediator)).toEqual([]);

    // The assigned mediator sees the case but may not decide on acceptance.
    await expect(f.service.accept(mediator, c.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(f.service.refuse(mediator, c.id, '理由')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await f.service.list(mediator)).map((x) => x.id)).toEqual([c.id]);

    // The applicant, through an invitation, sees its own case with the others redacted.
    const people = await f.repository.listPeople(c.id);
    const applicant = people.find((p) => p.kind === 'applicant');
    expect(applicant).toBeDefined();
    const party: Actor = {
      kind: 'person',
      id: applicant?.id ?? '',
      role: 'party',
      caseId: c.id,
      invitationId: 'x',
      name: '张三',
    };
    const file = await f.service.file(party, c.id);
    expect(file.case.id).toBe(c.id);
    const own = file.people.find((p) => p.kind === 'applicant');
    const respondent = file.people.find((p) => p.kind === 'respondent');
    expect(own).toMatchObject({
      name: '张三',
      idNumber: '310101199001011234',
      phone: '13800000000',
    });
    expect(respondent).toMatchObject({
      name: '某某科技有限公司',
      idNumber: null,
      phone: null,
      address: null,
    });
    // The staff view of the same respondent keeps its data.
    expect(people.find((p) => p.kind === 'respondent')?.idNumber).toBe('91310000MA1FL00000');
    expect(file.invitations).toEqual([]);
    expect(file.followUps).toEqual([]);

    await expect(f.service.file(party, other.id)).rejects.toMatchObject(notFound);
    await expect(f.service.accept(party, other.id)).rejects.toMatchObject(notFound);
    await expect(f.service.withdraw(party, c.id, '不想调了')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    // None of the refused attempts left a trace.
    await expectAudit(f, c.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'mediator.assigned',
      'mediator.disclosed',
      'session.scheduled',
    ]);
    await expectAudit(f, other.id, ['case.registered']);
  });

  it('issues invitations that stop working when revoked or expired', async () => {
    const f = await fresh(kind);
    const { clerk } = f.staff;
    const c = await register(f);
    const [applicant, respondent] = await f.repository.listPeople(c.id);
    if (!applicant || !respondent) throw new Error('registration stored no people');

    // A refused application: nobody is invited (a registered one may be: its respondent answers on its page).
    const refused = await register(f);
    await f.service.refuse(clerk, refused.id, '不属于受理范围');
    await expect(f.service.invite(clerk, refused.id, applicant.id, 7)).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await respondentsAgree(f.service, c.id);
    await f.service.accept(clerk, c.id);
    await expect(f.service.invite(clerk, c.id, 'no-such-person', 7)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const { invitation, person } = await f.service.invite(clerk, c.id, applicant.id, 7);
    expect(person.id).toBe(applicant.id);
    expect(invitation).toMatchObject({
      caseId: c.id,
      personId: applicant.id,
      revokedAt: null,
      createdBy: clerk.id,
      createdAt: START,
      expiresAt: '2026-03-09T01:00:00.000Z',
    });
    expect(await f.service.activeInvitation(invitation.id)).toEqual(invitation);
    expect(await f.service.activeInvitation(undefined)).toBeUndefined();
    expect(await f.service.activeInvitation('no-such-invitation')).toBeUndefined();

    setClock(f, '2026-03-03T01:00:00.000Z');
    const revoked = await f.service.revokeInvitation(clerk, c.id, invitation.id);
    expect(revoked.revokedAt).toBe('2026-03-03T01:00:00.000Z');
    expect(await f.service.activeInvitation(invitation.id)).toBeUndefined();
    // Revoking twice changes nothing and records nothing.
    expect((await f.service.revokeInvitation(clerk, c.id, invitation.id)).revokedAt).toBe(
      '2026-03-03T01:00:00.000Z',
    );

    const second = (await f.service.invite(clerk, c.id, respondent.id, 1)).invitation;
    expect(second.expiresAt).toBe('2026-03-04T01:00:00.000Z');
    setClock(f, '2026-03-04T00:59:59.999Z');
    expect(await f.service.activeInvitation(second.id)).toEqual(second);
    setClock(f, '2026-03-04T01:00:00.000Z');
    expect(await f.service.activeInvitation(second.id)).toBeUndefined();
    setClock(f, '2026-03-05T00:00:00.000Z');
    expect(await f.service.activeInvitation(second.id)).toBeUndefined();

    await expectAudit(f, c.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'invitation.issued',
      'invitation.revoked',
      'invitation.issued',
    ]);
  });

  it('refuses an extension typed by staff for both parties (each party consents itself: notices.test.ts)', async () => {
    const f = await fresh(kind);
    const { clerk } = f.staff;
    const c = await register(f);
    await respondentsAgree(f.service, c.id);
    await f.service.accept(clerk, c.id);
    const consent = { applicantConsent: true, respondentConsent: true };
    await expect(
      f.service.extend(clerk, c.id, extendSchema.parse({ ...consent, newDueOn: '2026-03-31' })),
    ).rejects.toMatchObject({ code: 'PARTY_CONSENT_REQUIRED' });
    expect((await f.repository.getCase(c.id))?.mediationDueOn).toBe('2026-03-17');
    expect((await deadlines(f, c.id, 'mediation_period')).map((d) => d.status)).toEqual(['open']);
    await expectAudit(f, c.id, ['case.registered', 'mediation.agreed', 'case.accepted']);
  });

  it('records an agreement with its deadlines, follows up and archives', async () => {
    const f = await fresh(kind);
    const { clerk, mediator } = f.staff;
    const c = await caseInMediation(f);

    // 00:30 on Friday 2026-03-20 in Shanghai, still Thursday 03-19 in UTC.
    setClock(f, '2026-03-19T16:30:00.000Z');
    const terms = {
      terms: '被申请人于 2026 年 4 月 30 日前支付申请人工资 10,000 元',
      performanceDeadline: '2026-04-30',
      performanceMethod: '银行转账',
    };
    // An effective time typed by hand is refused, past or future.
    for (const effectiveAt of ['2026-03-01T09:00:00+08:00', '2026-04-01T09:00:00+08:00'])
      await expect(
        f.service.recordAgreement(mediator, c.id, agreementSchema.parse({ ...terms, effectiveAt })),
      ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    // Nor can the seal's time lie in the future.
    await expect(
      f.service.recordAgreement(mediator, c.id, agreementSchema.parse(terms), {
        basis: 'seal',
        documentId: 'doc-1',
        effectiveAt: '2026-03-19T16:31:00.000Z',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await deadlines(f, c.id, 'judicial_confirmation')).toEqual([]);
    // The seal (DocumentService, after every signature) makes it effective.
    const settled = await f.service.recordAgreement(mediator, c.id, agreementSchema.parse(terms), {
      basis: 'seal',
      documentId: 'doc-1',
      effectiveAt: '2026-03-20T00:30:00+08:00',
    });
    expect(settled).toMatchObject({
      status: 'settled',
      closedAt: '2026-03-19T16:30:00.000Z',
      outcome: {
        kind: 'agreement',
        performanceDeadline: '2026-04-30',
        performanceMethod: '银行转账',
        effectiveAt: '2026-03-19T16:30:00.000Z',
      },
    });
    expect((await onlyDeadline(f, c.id, 'mediation_period')).status).toBe('met');
    // Effective on Friday 2026-03-20 (Shanghai):
    //   judicial confirmation: +30 days = Sunday 2026-04-19 → Monday 2026-04-20;
    //   arbitration review:    +15 days = Saturday 2026-04-04, 清明节 holiday until Monday
    //   2026-04-06 → Tuesday 2026-04-07 (both years' schedules are shipped: not provisional).
    expect(await onlyDeadline(f, c.id, 'judicial_confirmation')).toMatchObject({
      dueOn: '2026-04-20',
      provisional: false,
      status: 'open',
    });
    expect(await onlyDeadline(f, c.id, 'arbitration_review')).toMatchObject({
      dueOn: '2026-04-07',
      provisional: false,
      missingCalendarYears: [],
      status: 'open',
    });
    const performance = await onlyDeadline(f, c.id, 'performance');
    expect(performance).toMatchObject({ dueOn: '2026-04-30', status: 'open' });
    // A wage claim: the worker may apply for a payment order.
    expect(performance.basis).toContain('支付令');

    await expect(
      f.service.agreementEffective(
        mediator,
        c.id,
        agreementEffectiveSchema.parse({ effectiveAt: '2026-03-19T10:00:00+08:00' }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(
      f.service.agreementTookEffect(mediator, c.id, {
        basis: 'seal',
        documentId: 'doc-1',
        effectiveAt: '2026-03-19T16:30:00.000Z',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await deadlines(f, c.id, 'judicial_confirmation')).toHaveLength(1);

    setClock(f, '2026-04-30T06:00:00.000Z');
    const visit = await f.service.recordFollowUp(
      clerk,
      c.id,
      followUpSchema.parse({ method: 'phone', notes: '申请人确认已收到款项', result: 'performed' }),
    );
    expect(visit).toMatchObject({ caseId: c.id, by: clerk.id, result: 'performed' });
    expect(await onlyDeadline(f, c.id, 'performance')).toMatchObject({
      status: 'met',
      resolvedAt: '2026-04-30T06:00:00.000Z',
    });

    const archived = await f.service.archive(clerk, c.id);
    expect(archived).toMatchObject({ status: 'archived', archivedAt: '2026-04-30T06:00:00.000Z' });

    const invalid = { code: 'INVALID_STATE' };
    await expect(
      f.service.recordFollowUp(
        clerk,
        c.id,
        followUpSchema.parse({ method: 'visit', notes: '回访', result: 'other' }),
      ),
    ).rejects.toMatchObject(invalid);
    await expect(f.service.archive(clerk, c.id)).rejects.toMatchObject(invalid);
    await expect(f.service.withdraw(clerk, c.id, '撤回')).rejects.toMatchObject(invalid);
    await expect(
      f.service.terminate(
        mediator,
        c.id,
        terminateSchema.parse({ ground: 'other', facts: '终止' }),
      ),
    ).rejects.toMatchObject(invalid);
    await expect(
      f.service.assignMediator(clerk, c.id, f.staff.otherMediator.id),
    ).rejects.toMatchObject(invalid);
    await expect(
      f.service.scheduleSession(
        clerk,
        c.id,
        scheduleSessionSchema.parse({ scheduledStart: '2026-05-01T09:00:00+08:00' }),
      ),
    ).rejects.toMatchObject(invalid);
    await expect(
      f.service.extend(
        clerk,
        c.id,
        extendSchema.parse({
          applicantConsent: true,
          respondentConsent: true,
          newDueOn: '2026-06-01',
        }),
      ),
    ).rejects.toMatchObject(invalid);
    expect(await f.repository.getCase(c.id)).toEqual(archived);

    await expectAudit(f, c.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'mediator.assigned',
      'mediator.disclosed',
      'session.scheduled',
      'outcome.agreement',
      'followup.recorded',
      'case.archived',
    ]);
  });

  it('takes effect later when the agreement was not yet sealed', async () => {
    const f = await fresh(kind);
    const { mediator } = f.staff;
    const c = await caseInMediation(f);
    await f.service.recordAgreement(mediator, c.id, agreementSchema.parse({ terms: '一次性支付' }));
    expect(await deadlines(f, c.id, 'judicial_confirmation')).toEqual([]);
    expect(await deadlines(f, c.id, 'performance')).toEqual([]);

    // The old hand-typed path is refused, even for a past time.
    await expect(
      f.service.agreementEffective(
        mediator,
        c.id,
        agreementEffectiveSchema.parse({ effectiveAt: '2026-03-01T15:00:00+08:00' }),
      ),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(await deadlines(f, c.id, 'judicial_confirmation')).toEqual([]);

    // Sealed on Monday 2026-03-23 (Shanghai): +30 = Wednesday 04-22, +15 = Tuesday 04-07.
    setClock(f, '2026-03-23T07:00:00.000Z');
    const effective = await f.service.agreementTookEffect(mediator, c.id, {
      basis: 'seal',
      documentId: 'doc-1',
      effectiveAt: '2026-03-23T15:00:00+08:00',
    });
    expect(effective).toMatchObject({
      status: 'settled',
      outcome: { effectiveAt: '2026-03-23T07:00:00.000Z' },
    });
    expect((await onlyDeadline(f, c.id, 'judicial_confirmation')).dueOn).toBe('2026-04-22');
    expect((await onlyDeadline(f, c.id, 'arbitration_review')).dueOn).toBe('2026-04-07');
    await expect(
      f.service.agreementTookEffect(mediator, c.id, {
        basis: 'paper_signing',
        documentId: 'doc-1',
        effectiveAt: '2026-03-23T07:00:00.000Z',
      }),
    ).rejects.toMatchObject({ code: 'INVALID_STATE' });

    await expectAudit(f, c.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'mediator.assigned',
      'mediator.disclosed',
      'session.scheduled',
      'outcome.agreement',
      'agreement.effective',
    ]);
  });

  it('terminates and withdraws cases with their outcome', async () => {
    const f = await fresh(kind);
    const { clerk, mediator } = f.staff;
    const t = await caseInMediation(f);
    const w = await register(f);

    setClock(f, '2026-03-12T03:00:00.000Z');
    const terminated = await f.service.terminate(
      mediator,
      t.id,
      terminateSchema.parse({ ground: 'party_refuses', facts: '被申请人明确拒绝继续调解' }),
    );
    expect(terminated).toMatchObject({
      status: 'terminated',
      closedAt: '2026-03-12T03:00:00.000Z',
      outcome: {
        kind: 'termination',
        at: '2026-03-12T03:00:00.000Z',
        ground: 'party_refuses',
        facts: '被申请人明确拒绝继续调解',
      },
    });
    expect((await onlyDeadline(f, t.id, 'mediation_period')).status).toBe('cancelled');
    expect((await onlyDeadline(f, t.id, 'acceptance_decision')).status).toBe('met');

    const withdrawn = await f.service.withdraw(clerk, w.id, '双方已自行和解');
    expect(withdrawn).toMatchObject({
      status: 'withdrawn',
      closedAt: '2026-03-12T03:00:00.000Z',
      outcome: { kind: 'withdrawal', at: '2026-03-12T03:00:00.000Z', facts: '双方已自行和解' },
    });
    expect((await onlyDeadline(f, w.id, 'mediation_period')).status).toBe('cancelled');
    expect((await onlyDeadline(f, w.id, 'acceptance_decision')).status).toBe('cancelled');

    await expect(f.service.withdraw(clerk, t.id, '撤回')).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
    await expect(f.service.accept(clerk, w.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });

    await expectAudit(f, t.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'mediator.assigned',
      'mediator.disclosed',
      'session.scheduled',
      'outcome.termination',
    ]);
    await expectAudit(f, w.id, ['case.registered', 'outcome.withdrawal']);
  });

  it('refuses a registration without claim types (the payment order depends on them)', () => {
    const input = registrationInput();
    const parsed = registerCaseSchema.safeParse({
      ...input,
      application: { ...input.application, claimTypes: [] },
    });
    expect(parsed.success).toBe(false);
    const { claimTypes: _omitted, ...withoutTypes } = input.application;
    expect(registerCaseSchema.safeParse({ ...input, application: withoutTypes }).success).toBe(
      false,
    );
  });

  it.each([
    { claimTypes: ['other'] as const, flagged: false },
    { claimTypes: ['wages', 'other'] as const, flagged: true },
  ])(
    'an overdue performance deadline flags a payment order only for eligible claims ($claimTypes)',
    async ({ claimTypes, flagged }) => {
      const f = await fresh(kind);
      const registered = await caseInMediation(f, {
        application: { ...registrationInput().application, claimTypes: [...claimTypes] },
      });
      setClock(f, '2026-03-10T02:00:00.000Z');
      await f.service.recordAgreement(
        f.staff.mediator,
        registered.id,
        agreementSchema.parse({
          terms: '被申请人于 2026 年 3 月 31 日前支付申请人 10,000 元',
          performanceDeadline: '2026-03-31',
          performanceMethod: '银行转账',
        }),
      );
      // As the seal after every signature does (DocumentService).
      await f.service.agreementTookEffect(f.staff.mediator, registered.id, {
        basis: 'seal',
        documentId: 'doc-1',
        effectiveAt: '2026-03-10T10:00:00+08:00',
      });
      setClock(f, '2026-04-01T02:00:00.000Z');
      await f.service.markOverdue();
      expect(await onlyDeadline(f, registered.id, 'performance')).toMatchObject({
        status: 'overdue',
      });
      const kinds = (await f.repository.listNotices(registered.id)).map((n) => n.kind);
      expect(kinds.includes('payment_order_eligible')).toBe(flagged);
    },
  );

  it('marks overdue deadlines and produces each notice once', async () => {
    const f = await fresh(kind);
    const { clerk } = f.staff;
    const a = await caseInMediation(f);
    const b = await register(f);

    // Thursday 03-05 is B's last day to decide on acceptance: not overdue yet at 23:59 Shanghai.
    setClock(f, '2026-03-05T15:59:00.000Z');
    expect(await f.service.markOverdue()).toEqual({ overdue: 0, notices: 0 });

    setClock(f, '2026-03-06T02:00:00.000Z');
    expect(await f.service.markOverdue()).toEqual({ overdue: 1, notices: 1 });
    expect(await onlyDeadline(f, b.id, 'acceptance_decision')).toMatchObject({
      status: 'overdue',
      resolvedAt: '2026-03-06T02:00:00.000Z',
    });
    const bNotices = await f.repository.listNotices(b.id);
    expect(bNotices).toHaveLength(1);
    expect(bNotices[0]).toMatchObject({
      kind: 'acceptance_overdue',
      data: { caseNumber: b.caseNumber, dueOn: '2026-03-05' },
    });
    expect(await f.service.markOverdue()).toEqual({ overdue: 0, notices: 0 });

    // B is withdrawn; only A is still in mediation when the period runs out.
    await f.service.withdraw(clerk, b.id, '申请人撤回');

    setClock(f, '2026-03-17T15:59:59.000Z');
    expect(await f.service.markOverdue()).toEqual({ overdue: 0, notices: 0 });
    setClock(f, '2026-03-17T16:00:00.000Z');
    expect(await f.service.markOverdue()).toEqual({ overdue: 1, notices: 1 });
    const period = await onlyDeadline(f, a.id, 'mediation_period');
    expect(period).toMatchObject({ dueOn: '2026-03-17', status: 'overdue' });
    const aNotices = await f.repository.listNotices(a.id);
    expect(aNotices).toHaveLength(1);
    expect(aNotices[0]).toMatchObject({
      kind: 'right_to_arbitration',
      deadlineId: period.id,
      data: { caseNumber: a.caseNumber, dueOn: '2026-03-17', basis: period.basis },
    });
    expect(a.caseNumber).toBe('2026-000001');

    setClock(f, '2026-03-20T02:00:00.000Z');
    expect(await f.service.markOverdue()).toEqual({ overdue: 0, notices: 0 });
    expect(await f.repository.listNotices(a.id)).toHaveLength(1);
    expect(await f.repository.listNotices(b.id)).toHaveLength(1);
    expect((await f.service.file(clerk, a.id)).notices).toHaveLength(1);

    await expectAudit(f, a.id, [
      'case.registered',
      'mediation.agreed',
      'case.accepted',
      'mediator.assigned',
      'mediator.disclosed',
      'session.scheduled',
      'deadline.overdue',
      'notice.produced',
    ]);
    await expectAudit(f, b.id, [
      'case.registered',
      'deadline.overdue',
      'notice.produced',
      'outcome.withdrawal',
    ]);
    const systemEvents = (await f.audit.list(a.id)).slice(-2);
    expect(systemEvents.map((e) => [e.actorId, e.actorRole])).toEqual([
      ['system', 'system'],
      ['system', 'system'],
    ]);
  });

  it('keeps a mediator who declared a conflict from a session until a new disclosure clears it', async () => {
    const f = await fresh(kind);
    const c = await register(f);
    await respondentsAgree(f.service, c.id);
    await f.service.accept(f.staff.clerk, c.id);
    await f.service.assignMediator(f.staff.clerk, c.id, f.staff.mediator.id);
    await f.service.disclose(f.staff.mediator, c.id, {
      hasConflict: true,
      statement: '曾任被申请人法律顾问',
    });
    // Reassigned after declaring a conflict, in the same millisecond as the disclosure.
    await f.service.assignMediator(f.staff.clerk, c.id, f.staff.mediator.id);
    const schedule = () =>
      f.service.scheduleSession(
        f.staff.mediator,
        c.id,
        scheduleSessionSchema.parse({ scheduledStart: START }),
      );
    await expect(schedule()).rejects.toMatchObject({ code: 'DISCLOSURE_REQUIRED' });
    await f.service.disclose(f.staff.mediator, c.id, {
      hasConflict: false,
      statement: '顾问关系已于两年前终止',
    });
    await expect(schedule()).resolves.toMatchObject({ status: 'scheduled' });
  });

  it('numbers cases per organisation, so two organisations both start at 000001', async () => {
    const f = await fresh(kind);
    const other = await seedStaff(f.repository);
    const first = await register(f);
    const theirs = await f.service.register(
      other.clerk,
      registerCaseSchema.parse(registrationInput()),
    );
    expect(first.caseNumber).toBe('2026-000001');
    expect(theirs.caseNumber).toBe('2026-000001');
    expect(theirs.organisationId).toBe(other.organisationId);
  });

  it('lets only one of two concurrent acceptances through', async () => {
    const f = await fresh(kind);
    const c = await register(f);

    await respondentsAgree(f.service, c.id);
    const results = await Promise.allSettled([
      f.service.accept(f.staff.clerk, c.id),
      f.service.accept(f.staff.clerk, c.id),
    ]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatchObject({ code: 'INVALID_STATE' });

    expect(await f.repository.getCase(c.id)).toMatchObject({ status: 'accepted', version: 2 });
    await expectAudit(f, c.id, ['case.registered', 'mediation.agreed', 'case.accepted']);
  });
});
