/**
 * The case file's operations: intake, acceptance, assignment, disclosure,
 * sessions, invitations, outcomes, follow-up and archiving. Every change runs
 * in one transaction with the audit event that records it. Knows nothing of
 * HTTP or Socket.IO.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import type { ChainVerification } from '../audit/AuditChain.js';
import {
  DisclosureRequiredError,
  ForbiddenError,
  InvalidStateError,
  NotFoundError,
  PartyConsentRequiredError,
  RecusalPendingError,
  RespondentAgreementRequiredError,
  ValidationError,
} from '../errors.js';
import {
  needsRespondentAgreement,
  REFUSAL_BASIS,
  respondentAnsweredBy,
  respondentsYetToAgree,
} from './agreementToMediate.js';
import { disclosureClears, mayRequestRecusal, pendingRecusal } from './recusal.js';
import { authorize, authorizeStaff, type Actor, type CasePermission } from './access.js';
import type { CaseRepository } from './CaseRepository.js';
import {
  acceptanceDeadline,
  addDays,
  agreementDeadlines,
  EXTENSION_BASIS,
  isExtendedPeriod,
  reminderDate,
  mediationPeriodDeadline,
  missingScheduleYears,
  paymentOrderEligible,
  performanceDeadline,
  shanghaiDate,
  type DeadlineSpec,
  type WorkCalendar,
} from './deadlines.js';
import type {
  CaseDeadline,
  CaseOutcome,
  CaseNotice,
  CasePerson,
  ConflictDisclosure,
  FollowUpVisit,
  Invitation,
  MediationCase,
  MediationResponse,
  MediationSessionRecord,
  RecusalRequest,
  StaffMember,
} from './model.js';
import { WINDOW_REMINDER_DAYS } from './model.js';
import { assertStrongPassword } from '../auth/passwordPolicy.js';
import { hashPassword } from '../auth/passwords.js';
import type {
  agreementEffectiveSchema,
  createStaffSchema,
  agreementSchema,
  disclosureSchema,
  followUpSchema,
  mediationResponseSchema,
  offlineMediationResponseSchema,
  personInputSchema,
  recusalDecisionSchema,
  recusalRequestSchema,
  registerCaseSchema,
  scheduleSessionSchema,
  terminateSchema,
} from './schemas.js';
import { applyTransition, isOpen, type CaseAction } from './stateMachine.js';
import {
  REFUSALS,
  sessionRoleOf,
  type AccessChange,
  type AccessChangeListener,
  type SessionAccessRefusal,
  type SessionCredential,
} from './sessionAccess.js';
import { computeStatistics, type CaseStatistics, type StatisticsPeriod } from './statistics.js';

export interface CaseFile {
  case: MediationCase;
  people: CasePerson[];
  sessions: MediationSessionRecord[];
  deadlines: CaseDeadline[];
  disclosures: ConflictDisclosure[];
  notices: CaseNotice[];
  followUps: FollowUpVisit[];
  invitations: Invitation[];
  mediator: Pick<StaffMember, 'id' | 'displayName'> | null;
  recusalRequests: RecusalRequest[];
  mediationResponses: MediationResponse[];
}

export interface CaseServiceOptions {
  repository: CaseRepository;
  audit: AuditLog;
  calendar: WorkCalendar;
  /** An evidence item of the case (proof of a respondent's answer given offline). */
  evidenceItem?: (caseId: string, itemId: string) => Promise<{ sha256: string } | undefined>;
  now?: () => Date;
}

export class CaseService {
  readonly #repo: CaseRepository;
  readonly #audit: AuditLog;
  readonly #calendar: WorkCalendar;
  readonly #now: () => Date;
  readonly #evidenceItem: CaseServiceOptions['evidenceItem'];
  readonly #accessListeners = new Set<AccessChangeListener>();

  constructor(options: CaseServiceOptions) {
    this.#repo = options.repository;
    this.#audit = options.audit;
    this.#calendar = options.calendar;
    this.#now = options.now ?? (() => new Date());
    this.#evidenceItem = options.evidenceItem;
  }

  // ---- intake ---------------------------------------------------------------

  async register(actor: Actor, input: z.output<typeof registerCaseSchema>): Promise<MediationCase> {
    const staff = authorizeStaff(actor, ['clerk']);
    const at = this.#now().toISOString();
    const heardAt = input.application.oralRecord?.heardAt;
    if (heardAt && Date.parse(heardAt) > Date.parse(at))
      throw new ValidationError(
        '口头申请的时间不能晚于现在 / The oral application cannot be heard in the future',
        ['application.oralRecord.heardAt: in the future'],
      );
    return this.#repo.transaction(async () => {
      const year = Number(input.receivedOn.slice(0, 4));
      const serial = (await this.#repo.countCasesReceivedInYear(staff.organisationId, year)) + 1;
      const mediationPeriod = mediationPeriodDeadline(input.receivedOn, this.#calendar);
      const c: MediationCase = {
        id: randomUUID(),
        caseNumber: `${year}-${String(serial).padStart(6, '0')}`,
        organisationId: staff.organisationId,
        status: 'registered',
        disputeType: input.disputeType,
        source: input.source,
        sourceReference: input.sourceReference ?? null,
        priorityGroups: [...new Set(input.priorityGroups)],
        intakeMode: input.intakeMode,
        application: input.application,
        receivedOn: input.receivedOn,
        registeredAt: at,
        registeredBy: staff.id,
        decision: null,
        mediatorId: null,
        mediationDueOn: mediationPeriod.dueOn,
        outcome: null,
        closedAt: null,
        archivedAt: null,
        version: 1,
        updatedAt: at,
      };
      await this.#repo.insertCase(c);
      const people = [
        this.#person(c.id, { ...input.applicant, kind: 'applicant' }, at),
        this.#person(c.id, { ...input.respondent, kind: 'respondent' }, at),
      ];
      for (const p of people) await this.#repo.insertPerson(p);
      for (const spec of [acceptanceDeadline(input.receivedOn, this.#calendar), mediationPeriod]) {
        await this.#repo.insertDeadline(this.#deadline(c.id, spec, at));
      }
      await this.#record(actor, c.id, 'case.registered', c.id, { case: c, people });
      return c;
    });
  }

  async addPerson(
    actor: Actor,
    caseId: string,
    input: z.output<typeof personInputSchema>,
  ): Promise<CasePerson> {
    return this.#change(actor, caseId, 'case.editPeople', 'addPerson', async (c, at) => {
      if (input.representsId) {
        const represented = await this.#repo.getPerson(input.representsId);
        if (
          !represented ||
          represented.caseId !== c.id ||
          !['applicant', 'respondent'].includes(represented.kind)
        ) {
          throw new ValidationError('An agent must represent a party of this case');
        }
      }
      const person = this.#person(c.id, input, at);
      await this.#repo.insertPerson(person);
      return { result: person, action: 'person.added', target: person.id, payload: person };
    });
  }

  // ---- acceptance -----------------------------------------------------------

  async accept(actor: Actor, caseId: string): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.decide', 'accept', async (c, at) => {
      if (needsRespondentAgreement(c.source)) {
        const missing = respondentsYetToAgree(
          await this.#repo.listPeople(c.id),
          await this.#repo.listMediationResponses(c.id),
        );
        if (missing.length > 0)
          throw new RespondentAgreementRequiredError(
            `被申请人${missing.map((p) => p.name).join('、')}尚未同意调解，不能受理 / Every respondent must agree to mediation before a party application is accepted (missing: ${missing.map((p) => p.id).join(', ')})`,
          );
      }
      c.decision = { kind: 'accepted', at, by: actor.id, reason: null };
      await this.#resolveDeadlines(c.id, ['acceptance_decision'], 'met', at);
      return {
        result: c,
        action: 'case.accepted',
        target: c.id,
        payload: { decision: c.decision },
      };
    });
  }

  async refuse(actor: Actor, caseId: string, reason: string): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.decide', 'refuse', async (c, at) => {
      c.decision = { kind: 'refused', at, by: actor.id, reason };
      c.closedAt = at;
      await this.#resolveDeadlines(c.id, ['acceptance_decision'], 'met', at);
      await this.#resolveDeadlines(c.id, ['mediation_period'], 'cancelled', at);
      return { result: c, action: 'case.refused', target: c.id, payload: { decision: c.decision } };
    });
  }

  // ---- mediator -------------------------------------------------------------

  async roster(actor: Actor): Promise<(StaffMember & { openCases: number })[]> {
    const staff = authorizeStaff(actor, ['clerk']);
    return this.#repo.listMediators(staff.organisationId);
  }

  /** A clerk adds a mediator or a clerk to the organisation. */
  async addStaff(actor: Actor, input: z.output<typeof createStaffSchema>): Promise<StaffMember> {
    const clerk = authorizeStaff(actor, ['clerk']);
    const organisation = await this.#repo.getOrganisation(clerk.organisationId);
    assertStrongPassword(input.password, [
      input.username,
      input.displayName,
      ...(organisation ? [organisation.name] : []),
    ]);
    const passwordHash = await hashPassword(input.password);
    return this.#repo.transaction(async () => {
      if (await this.#repo.getStaffByUsername(input.username)) {
        throw new ValidationError('This username is taken');
      }
      const member: StaffMember = {
        id: randomUUID(),
        organisationId: clerk.organisationId,
        username: input.username,
        displayName: input.displayName,
        role: input.role,
        specialties: input.role === 'mediator' ? [...new Set(input.specialties)] : [],
        active: true,
        createdAt: this.#now().toISOString(),
      };
      await this.#repo.insertStaff({ ...member, passwordHash });
      return member;
    });
  }

  /** Takes someone off the roster: they can no longer sign in; their open cases need reassigning. */
  async deactivateStaff(actor: Actor, staffId: string): Promise<StaffMember> {
    const clerk = authorizeStaff(actor, ['clerk']);
    if (staffId === clerk.id) throw new InvalidStateError('You cannot deactivate your own account');
    const member = await this.#repo.transaction(async () => {
      const member = await this.#repo.getStaff(staffId);
      if (!member || member.organisationId !== clerk.organisationId)
        throw new NotFoundError('Staff member');
      await this.#repo.setStaffActive(staffId, false);
      return { ...member, active: false };
    });
    this.#announce({ kind: 'staff-deactivated', staffId });
    return member;
  }

  async assignMediator(actor: Actor, caseId: string, mediatorId: string): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.assign', 'assignMediator', async (c, at) => {
      const mediator = await this.#repo.getStaff(mediatorId);
      if (
        !mediator ||
        mediator.role !== 'mediator' ||
        !mediator.active ||
        mediator.organisationId !== c.organisationId
      ) {
        throw new ValidationError('No active mediator of this organisation has that id');
      }
      const previous = c.mediatorId;
      c.mediatorId = mediatorId;
      // Each new assignment needs its own disclosure; the same mediator confirmed keeps theirs.
      let assignment = await this.#repo.currentAssignment(c.id);
      if (!assignment || assignment.mediatorId !== mediatorId || previous !== mediatorId) {
        await this.#repo.endAssignments(c.id, at, 'reassigned');
        assignment = {
          id: randomUUID(),
          caseId: c.id,
          mediatorId,
          assignedAt: at,
          assignedBy: actor.id,
          endedAt: null,
          endedReason: null,
        };
        await this.#repo.insertAssignment(assignment);
      }
      return {
        result: c,
        action: 'mediator.assigned',
        target: mediatorId,
        payload: { mediatorId, previous, assignmentId: assignment.id },
        ...(previous !== mediatorId
          ? { announce: { kind: 'mediator-changed', caseId: c.id, previous, next: mediatorId } }
          : {}),
      };
    });
  }

  /** The assigned mediator discloses (or denies) a conflict of interest; a conflict unassigns them. */
  async disclose(
    actor: Actor,
    caseId: string,
    input: z.output<typeof disclosureSchema>,
  ): Promise<ConflictDisclosure> {
    return this.#change(actor, caseId, 'case.disclose', 'discloseConflict', async (c, at) => {
      const assignment = await this.#repo.currentAssignment(c.id);
      const d: ConflictDisclosure = {
        id: randomUUID(),
        caseId: c.id,
        mediatorId: actor.id,
        assignmentId: assignment?.mediatorId === actor.id ? assignment.id : null,
        ...input,
        at,
      };
      await this.#repo.insertDisclosure(d);
      const previous = c.mediatorId;
      if (d.hasConflict) {
        c.mediatorId = null;
        await this.#repo.endAssignments(c.id, at, 'conflict_disclosed');
      }
      return {
        result: d,
        action: 'mediator.disclosed',
        target: actor.id,
        payload: d,
        ...(d.hasConflict && previous
          ? { announce: { kind: 'mediator-changed', caseId: c.id, previous, next: null } }
          : {}),
      };
    });
  }

  // ---- sessions ---------------------------------------------------------------

  async scheduleSession(
    actor: Actor,
    caseId: string,
    input: z.output<typeof scheduleSessionSchema>,
  ): Promise<MediationSessionRecord> {
    return this.#change(actor, caseId, 'case.schedule', 'scheduleSession', async (c) => {
      if (!c.mediatorId)
        throw new InvalidStateError('Assign a mediator before scheduling a session');
      await this.#requireDisclosure(c, c.mediatorId);
      const s: MediationSessionRecord = {
        id: randomUUID(),
        caseId: c.id,
        status: 'scheduled',
        scheduledStart: new Date(input.scheduledStart).toISOString(),
        scheduledEnd: input.scheduledEnd ? new Date(input.scheduledEnd).toISOString() : null,
        startedAt: null,
        endedAt: null,
        createdBy: actor.id,
      };
      await this.#repo.insertSession(s);
      return { result: s, action: 'session.scheduled', target: s.id, payload: s };
    });
  }

  async setSessionState(
    actor: Actor,
    sessionId: string,
    to: 'live' | 'ended' | 'cancelled',
  ): Promise<MediationSessionRecord> {
    const session = await this.#repo.getSession(sessionId);
    if (!session) throw new NotFoundError('Session');
    const action: CaseAction =
      to === 'live' ? 'startSession' : to === 'ended' ? 'endSession' : 'cancelSession';
    return this.#change(
      actor,
      session.caseId,
      to === 'cancelled' ? 'case.schedule' : 'case.runSession',
      action,
      async (c, at) => {
        const current = await this.#repo.getSession(sessionId);
        if (!current) throw new NotFoundError('Session');
        if (to === 'live' && current.status === 'scheduled') {
          // Whoever takes over must disclose before running anything; a recusal request waits for its decision.
          await this.#requireDisclosure(c, actor.kind === 'staff' ? actor.id : c.mediatorId);
          if (pendingRecusal(await this.#repo.listRecusalRequests(c.id)))
            throw new RecusalPendingError(
              '当事人申请调解员回避，组织作出决定前不能开始调解 / A recusal request awaits the organisation’s decision: no session starts before it',
            );
        }
        const allowed: Record<typeof to, MediationSessionRecord['status'][]> = {
          live: ['scheduled'],
          ended: ['live'],
          cancelled: ['scheduled'],
        };
        if (!allowed[to].includes(current.status)) {
          throw new InvalidStateError(`A ${current.status} session cannot become ${to}`);
        }
        const next: MediationSessionRecord = {
          ...current,
          status: to,
          startedAt: to === 'live' ? at : current.startedAt,
          endedAt: to === 'live' ? null : at,
        };
        await this.#repo.updateSession(next);
        return {
          result: next,
          action: `session.${to}`,
          target: sessionId,
          payload: { from: current.status, to },
          ...(to === 'live'
            ? {}
            : { announce: { kind: 'session-closed', caseId: current.caseId, sessionId } }),
        };
      },
    );
  }

  // ---- invitations ------------------------------------------------------------

  async invite(
    actor: Actor,
    caseId: string,
    personId: string,
    validDays: number,
  ): Promise<{ invitation: Invitation; person: CasePerson }> {
    return this.#change(actor, caseId, 'case.invite', 'invite', async (c, at) => {
      const person = await this.#repo.getPerson(personId);
      if (!person || person.caseId !== c.id) throw new NotFoundError('Person');
      const invitation: Invitation = {
        id: randomUUID(),
        caseId: c.id,
        personId,
        expiresAt: new Date(this.#now().getTime() + validDays * 86_400_000).toISOString(),
        revokedAt: null,
        createdBy: actor.id,
        createdAt: at,
      };
      await this.#repo.insertInvitation(invitation);
      return {
        result: { invitation, person },
        action: 'invitation.issued',
        target: invitation.id,
        payload: invitation,
      };
    });
  }

  async revokeInvitation(actor: Actor, caseId: string, invitationId: string): Promise<Invitation> {
    return this.#change(actor, caseId, 'case.invite', 'revokeInvitation', async (c, at) => {
      const invitation = await this.#repo.getInvitation(invitationId);
      if (!invitation || invitation.caseId !== c.id) throw new NotFoundError('Invitation');
      if (invitation.revokedAt) return { result: invitation, action: null };
      await this.#repo.revokeInvitation(invitationId, at);
      return {
        result: { ...invitation, revokedAt: at },
        action: 'invitation.revoked',
        target: invitationId,
        payload: { invitationId },
        announce: {
          kind: 'invitation-revoked',
          caseId: c.id,
          invitationId,
          personId: invitation.personId,
        },
      };
    });
  }

  /** The invitation behind a token, if it is still usable. */
  async activeInvitation(invitationId: string | undefined): Promise<Invitation | undefined> {
    if (!invitationId) return undefined;
    const invitation = await this.#repo.getInvitation(invitationId);
    if (!invitation || invitation.revokedAt || invitation.expiresAt <= this.#now().toISOString())
      return undefined;
    return invitation;
  }

  // ---- deadlines and outcomes -----------------------------------------------

  /**
   * Refused: a clerk or mediator cannot type the parties' consent. An
   * extension is proposed and each party answers it (cases/extensions.ts).
   */
  async extend(actor: Actor, caseId: string, _input: unknown): Promise<never> {
    const c = await this.#load(actor, caseId, 'case.extend');
    applyTransition(c.status, 'extendMediation');
    throw new PartyConsentRequiredError(
      '延长调解期限须由每一方当事人本人（或特别授权代理人）在其页面同意，或由工作人员凭证据登记线下同意；请先提出延期方案 / Each party must consent to an extension itself (or through an agent with special authority), or staff record an offline consent with proof: propose the extension (POST /cases/:caseId/extension-proposals)',
    );
  }

  /**
   * Moves the mediation period's end to an extension every party consented
   * to; `alsoInTransaction` records the proposal's outcome atomically with it.
   * Only the extension workflow calls this.
   */
  async applyAgreedExtension(
    caseId: string,
    input: { proposalId: string; newDueOn: string; reason: string; consents: unknown },
    alsoInTransaction: () => Promise<void>,
  ): Promise<MediationCase> {
    const system: Actor = { kind: 'system', id: 'system', role: 'system' };
    return this.#change(system, caseId, 'case.extend', 'extendMediation', async (c, at) => {
      if (input.newDueOn <= c.mediationDueOn)
        throw new ValidationError(
          'The extended date must be after the current end of the mediation period',
        );
      const previous = c.mediationDueOn;
      c.mediationDueOn = input.newDueOn;
      await this.#resolveDeadlines(c.id, ['mediation_period'], 'cancelled', at, [
        'open',
        'overdue',
      ]);
      const base = mediationPeriodDeadline(c.receivedOn, this.#calendar);
      await this.#repo.insertDeadline(
        this.#deadline(
          c.id,
          {
            ...base,
            dueOn: input.newDueOn,
            basis: `${base.basis}${EXTENSION_BASIS}`,
            // a date the parties agreed on: no working-day calendar applies
            provisional: false,
            missingCalendarYears: [],
          },
          at,
        ),
      );
      await alsoInTransaction();
      return {
        result: c,
        action: 'mediation.extended',
        target: c.id,
        payload: {
          previous,
          newDueOn: input.newDueOn,
          reason: input.reason,
          proposalId: input.proposalId,
          consents: input.consents,
        },
      };
    });
  }

  /**
   * Records the agreement reached. It takes effect only through `effect`,
   * which DocumentService passes after the seal or a recorded paper signing;
   * a time typed by hand (`effectiveAt`) is refused.
   */
  async recordAgreement(
    actor: Actor,
    caseId: string,
    input: z.output<typeof agreementSchema>,
    effect?: AgreementEffect,
  ): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.outcome', 'recordAgreement', async (c, at) => {
      if (input.effectiveAt) throw arbitraryEffect();
      c.outcome = {
        kind: 'agreement',
        at,
        terms: input.terms,
        performanceDeadline: input.performanceDeadline ?? null,
        performanceMethod: input.performanceMethod ?? null,
        effectiveAt: null,
      };
      c.closedAt = at;
      await this.#resolveDeadlines(c.id, ['mediation_period'], 'met', at, ['open', 'overdue']);
      if (effect) await this.#takeEffect(c, effect, at);
      return {
        result: c,
        action: 'outcome.agreement',
        target: c.id,
        payload: {
          ...c.outcome,
          ...(effect ? { basis: effect.basis, documentId: effect.documentId } : {}),
        },
      };
    });
  }

  /**
   * `POST /cases/:id/agreement/effective`: an effective time typed by hand is
   * always refused (after the usual permission check). An agreement takes
   * effect at the seal after every signature, or at a recorded paper signing.
   */
  async agreementEffective(
    actor: Actor,
    caseId: string,
    _input: z.output<typeof agreementEffectiveSchema>,
  ): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.outcome', 'agreementEffective', async () => {
      throw arbitraryEffect();
    });
  }

  /**
   * The agreement took effect (DocumentService: seal after every signature,
   * or a recorded paper signing): the confirmation and review windows open.
   */
  async agreementTookEffect(
    actor: Actor,
    caseId: string,
    effect: AgreementEffect,
  ): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.outcome', 'agreementEffective', async (c, at) => {
      if (c.outcome?.effectiveAt) throw new InvalidStateError('The agreement is effective already');
      await this.#takeEffect(c, effect, at);
      return {
        result: c,
        action: 'agreement.effective',
        target: c.id,
        payload: {
          effectiveAt: c.outcome?.effectiveAt,
          basis: effect.basis,
          documentId: effect.documentId,
        },
      };
    });
  }

  async terminate(
    actor: Actor,
    caseId: string,
    input: z.output<typeof terminateSchema>,
  ): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.outcome', 'terminate', async (c, at) => {
      const outcome = {
        kind: 'termination' as const,
        at,
        ground: input.ground,
        facts: input.facts,
      };
      await this.#endWithoutAgreement(c, outcome, at);
      return { result: c, action: 'outcome.termination', target: c.id, payload: outcome };
    });
  }

  async withdraw(actor: Actor, caseId: string, reason: string): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.decide', 'withdraw', async (c, at) => {
      const outcome = { kind: 'withdrawal' as const, at, facts: reason };
      await this.#endWithoutAgreement(c, outcome, at);
      return { result: c, action: 'outcome.withdrawal', target: c.id, payload: outcome };
    });
  }

  async recordFollowUp(
    actor: Actor,
    caseId: string,
    input: z.output<typeof followUpSchema>,
  ): Promise<FollowUpVisit> {
    return this.#change(actor, caseId, 'case.followUp', 'recordFollowUp', async (c, at) => {
      const f: FollowUpVisit = { id: randomUUID(), caseId: c.id, at, by: actor.id, ...input };
      await this.#repo.insertFollowUp(f);
      if (input.result === 'performed')
        await this.#resolveDeadlines(c.id, ['performance'], 'met', at, ['open', 'overdue']);
      return { result: f, action: 'followup.recorded', target: f.id, payload: f };
    });
  }

  async archive(actor: Actor, caseId: string): Promise<MediationCase> {
    return this.#change(actor, caseId, 'case.archive', 'archive', async (c, at) => {
      c.archivedAt = at;
      return { result: c, action: 'case.archived', target: c.id, payload: { archivedAt: at } };
    });
  }

  // ---- respondent's agreement to mediate; recusal ------------------------------

  /** A respondent (or its specially authorised agent) agrees to, or refuses, mediation of a party application. */
  async respondToMediation(
    actor: Actor,
    caseId: string,
    input: z.output<typeof mediationResponseSchema>,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    const c = await this.#load(actor, caseId, 'case.respond');
    const respondent =
      actor.kind === 'person'
        ? respondentAnsweredBy(actor.id, await this.#repo.listPeople(c.id))
        : undefined;
    if (!respondent)
      throw new ForbiddenError(
        '只有被申请人或其特别授权代理人可以表示是否同意调解 / Only a respondent or its specially authorised agent may answer',
      );
    return this.#answer(actor, c.id, {
      respondentId: respondent.id,
      decision: input.decision,
      channel: 'online',
      evidenceId: null,
      evidenceSha256: null,
      note: input.note ?? null,
    });
  }

  /** A clerk records a respondent's answer given offline, with its proof (an evidence item) and a note. */
  async recordMediationResponse(
    actor: Actor,
    caseId: string,
    input: z.output<typeof offlineMediationResponseSchema>,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    const c = await this.#load(actor, caseId, 'case.decide');
    const respondent = await this.#repo.getPerson(input.respondentId);
    if (!respondent || respondent.caseId !== c.id || respondent.kind !== 'respondent')
      throw new ValidationError('Not a respondent of this case', [
        'respondentId: not a respondent of this case',
      ]);
    const proof = this.#evidenceItem ? await this.#evidenceItem(c.id, input.evidenceId) : undefined;
    if (!proof)
      throw new ValidationError('线下表示须附证明材料 / An answer given offline needs its proof', [
        'evidenceId: not an evidence item of this case',
      ]);
    return this.#answer(actor, c.id, {
      respondentId: respondent.id,
      decision: input.decision,
      channel: 'offline',
      evidenceId: input.evidenceId,
      evidenceSha256: proof.sha256,
      note: input.note,
    });
  }

  async #answer(
    actor: Actor,
    caseId: string,
    answer: Pick<
      MediationResponse,
      'respondentId' | 'decision' | 'channel' | 'evidenceId' | 'evidenceSha256' | 'note'
    >,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    const action = answer.decision === 'agree' ? 'agreeToMediate' : 'refuseMediation';
    const permission = actor.kind === 'person' ? 'case.respond' : 'case.decide';
    return this.#change(actor, caseId, permission, action, async (c, at) => {
      if (!needsRespondentAgreement(c.source))
        throw new InvalidStateError(
          '委派、委托调解的案件无需被申请人另行同意 / Delegated or entrusted cases need no separate agreement',
        );
      const response: MediationResponse = {
        id: randomUUID(),
        caseId: c.id,
        ...answer,
        givenBy: actor.id,
        givenByRole: actor.role,
        at,
      };
      await this.#repo.insertMediationResponse(response);
      if (answer.decision === 'agree')
        return {
          result: { response, case: c },
          action: 'mediation.agreed',
          target: answer.respondentId,
          payload: response,
        };
      await this.#record(actor, c.id, 'mediation.refused', answer.respondentId, response);
      const respondent = await this.#repo.getPerson(answer.respondentId);
      const outcome: CaseOutcome = {
        kind: 'termination',
        at,
        ground: 'respondent_refused_mediation',
        facts: `被申请人${respondent?.name ?? ''}不同意调解${answer.note ? `：${answer.note}` : ''}`,
      };
      await this.#endWithoutAgreement(c, outcome, at);
      // The applicant may go to arbitration now: the notice the document service renders and serves.
      const notice: CaseNotice = {
        id: randomUUID(),
        caseId: c.id,
        kind: 'right_to_arbitration',
        deadlineId: null,
        documentId: null,
        createdAt: at,
        data: {
          caseNumber: c.caseNumber,
          reason: 'respondent_refused_mediation',
          respondentId: answer.respondentId,
          respondentName: respondent?.name ?? null,
          refusedAt: at,
          basis: REFUSAL_BASIS,
          consequence:
            '被申请人不同意调解，本案调解终止；申请人可以依法向劳动争议仲裁委员会申请仲裁。',
        },
      };
      if (await this.#repo.insertNotice(notice))
        await this.#record(actor, c.id, 'notice.produced', notice.id, notice);
      return {
        result: { response, case: c },
        action: 'outcome.termination',
        target: c.id,
        payload: outcome,
      };
    });
  }

  /** 回避申请: a party or agent asks that the assigned mediator withdraw, with reasons. */
  async requestRecusal(
    actor: Actor,
    caseId: string,
    input: z.output<typeof recusalRequestSchema>,
  ): Promise<RecusalRequest> {
    return this.#change(actor, caseId, 'case.requestRecusal', 'requestRecusal', async (c, at) => {
      const person = actor.kind === 'person' ? await this.#repo.getPerson(actor.id) : undefined;
      if (!mayRequestRecusal(person) || person?.caseId !== c.id)
        throw new ForbiddenError(
          '只有当事人或其代理人可以申请回避 / Only a party or an agent may ask for recusal',
        );
      if (!c.mediatorId)
        throw new InvalidStateError('本案尚未指派调解员 / No mediator is assigned to this case');
      if (pendingRecusal(await this.#repo.listRecusalRequests(c.id)))
        throw new RecusalPendingError(
          '已有回避申请等待决定 / A recusal request of this case awaits its decision',
        );
      const request: RecusalRequest = {
        id: randomUUID(),
        caseId: c.id,
        mediatorId: c.mediatorId,
        assignmentId: (await this.#repo.currentAssignment(c.id))?.id ?? null,
        requestedBy: person.id,
        reasons: input.reasons,
        requestedAt: at,
        requestDocumentId: null,
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        decisionReasons: null,
        decisionDocumentId: null,
      };
      await this.#repo.insertRecusalRequest(request);
      return { result: request, action: 'recusal.requested', target: request.id, payload: request };
    });
  }

  /** The organisation decides a recusal request with reasons; a granted one withdraws the mediator. */
  async decideRecusal(
    actor: Actor,
    caseId: string,
    requestId: string,
    input: z.output<typeof recusalDecisionSchema>,
  ): Promise<RecusalRequest> {
    return this.#change(actor, caseId, 'case.assign', 'decideRecusal', async (c, at) => {
      const request = (await this.#repo.listRecusalRequests(c.id)).find((r) => r.id === requestId);
      if (!request) throw new NotFoundError('Recusal request');
      if (request.status !== 'pending')
        throw new InvalidStateError('此回避申请已作出决定 / This request has been decided');
      const decided: RecusalRequest = {
        ...request,
        status: input.decision,
        decidedBy: actor.id,
        decidedAt: at,
        decisionReasons: input.reasons,
      };
      await this.#repo.updateRecusalRequest(decided);
      const withdrawn = input.decision === 'granted' && c.mediatorId === request.mediatorId;
      if (withdrawn) {
        c.mediatorId = null;
        await this.#repo.endAssignments(c.id, at, 'recusal_granted');
      }
      return {
        result: decided,
        action: 'recusal.decided',
        target: request.id,
        payload: decided,
        ...(withdrawn
          ? {
              announce: {
                kind: 'mediator-changed',
                caseId: c.id,
                previous: request.mediatorId,
                next: null,
              },
            }
          : {}),
      };
    });
  }

  // ---- reading --------------------------------------------------------------

  async list(actor: Actor): Promise<(MediationCase & { openDeadlines: CaseDeadline[] })[]> {
    const staff = authorizeStaff(actor, ['clerk', 'mediator']);
    const cases = await this.#repo.listCases({
      organisationId: staff.organisationId,
      ...(staff.role === 'mediator' ? { mediatorId: staff.id } : {}),
    });
    return Promise.all(
      cases.map(async (c) => ({
        ...c,
        openDeadlines: (await this.#repo.listDeadlines(c.id)).filter(
          (d) => d.status === 'open' || d.status === 'overdue',
        ),
      })),
    );
  }

  async file(actor: Actor, caseId: string): Promise<CaseFile> {
    const c = await this.#load(actor, caseId, 'case.view');
    const [people, sessions, deadlines, disclosures, notices, followUps, invitations] =
      await Promise.all([
        this.#repo.listPeople(c.id),
        this.#repo.listSessions(c.id),
        this.#repo.listDeadlines(c.id),
        this.#repo.listDisclosures(c.id),
        this.#repo.listNotices(c.id),
        this.#repo.listFollowUps(c.id),
        this.#repo.listInvitations(c.id),
      ]);
    const [recusalRequests, mediationResponses] = await Promise.all([
      this.#repo.listRecusalRequests(c.id),
      this.#repo.listMediationResponses(c.id),
    ]);
    const mediator = c.mediatorId ? await this.#repo.getStaff(c.mediatorId) : undefined;
    const staffView = actor.kind === 'staff' || actor.kind === 'system';
    return {
      case: c,
      // Parties see who is involved, not the others' identity numbers and contacts.
      people: staffView ? people : people.map((p) => (p.id === actor.id ? p : redactPerson(p))),
      sessions,
      deadlines,
      disclosures,
      notices,
      followUps: staffView ? followUps : [],
      invitations: staffView ? invitations : [],
      mediator: mediator ? { id: mediator.id, displayName: mediator.displayName } : null,
      recusalRequests,
      // Offline proofs are the organisation's file; parties see each answer and how it was given.
      mediationResponses: staffView
        ? mediationResponses
        : mediationResponses.map((r) => ({ ...r, evidenceId: null, note: null })),
    };
  }

  async verifyAudit(actor: Actor, caseId: string): Promise<ChainVerification> {
    await this.#load(actor, caseId, 'case.audit');
    return this.#audit.verify(caseId);
  }

  async statistics(
    actor: Actor,
    period: StatisticsPeriod,
  ): Promise<CaseStatistics & { calendar: { missingScheduleYears: number[] } }> {
    const staff = authorizeStaff(actor, ['clerk']);
    const [cases, deadlines] = await Promise.all([
      this.#repo.listCases({ organisationId: staff.organisationId }),
      this.#repo.listOrganisationDeadlines(staff.organisationId),
    ]);
    const now = this.#now();
    return {
      ...computeStatistics(cases, deadlines, period, now),
      // Years whose holiday schedule is due but not loaded: deadlines in them are provisional.
      calendar: { missingScheduleYears: missingScheduleYears(this.#calendar, shanghaiDate(now)) },
    };
  }

  /** The session the actor may join now, with the case it belongs to. */
  async joinableSession(
    actor: Actor,
    sessionId: string | undefined,
    caseId: string,
  ): Promise<{ case: MediationCase; session: MediationSessionRecord }> {
    const c = await this.#load(actor, caseId, 'session.join');
    if (actor.kind === 'staff') await this.#requireDisclosure(c, actor.id);
    const all = await this.#repo.listSessions(c.id);
    const joinable = all.filter((s) => s.status === 'live' || s.status === 'scheduled');
    if (sessionId) {
      // A session of another case is as unknown to the asker as that case.
      if (!all.some((s) => s.id === sessionId)) throw new NotFoundError('Session');
      const session = joinable.find((s) => s.id === sessionId);
      if (!session) throw new InvalidStateError('This session has ended or was cancelled');
      return { case: c, session };
    }
    const session = joinable.find((s) => s.status === 'live') ?? joinable[0];
    if (!session)
      throw new InvalidStateError('No session of this case is scheduled or in progress');
    return { case: c, session };
  }

  /**
   * Why a session credential is no longer honoured, or `undefined` if it is:
   * the session must be open and of the credential's case; a mediator must be
   * an active mediator of the case's organisation and its assigned mediator
   * (clerks never join sessions); a party, agent or observer must still be a
   * person of the case in that role, with the invitation the credential came
   * from still live (or, for a credential naming none, some live invitation).
   */
  async sessionAccess(credential: SessionCredential): Promise<SessionAccessRefusal | undefined> {
    if (!(await this.sessionBelongsTo(credential.sessionId, credential.caseId)))
      return REFUSALS.sessionClosed;
    const c = await this.#repo.getCase(credential.caseId);
    if (!c) return REFUSALS.sessionClosed;
    if (credential.role === 'mediator') {
      const staff = await this.#repo.getStaff(credential.sub);
      if (!staff || !staff.active || staff.role !== 'mediator') return REFUSALS.inactive;
      if (staff.organisationId !== c.organisationId || c.mediatorId !== staff.id)
        return REFUSALS.notAssigned;
      return undefined;
    }
    const person = await this.#repo.getPerson(credential.sub);
    if (!person || person.caseId !== c.id || sessionRoleOf(person) !== credential.role)
      return REFUSALS.notInCase;
    const now = this.#now().toISOString();
    const live = (await this.#repo.listInvitations(c.id)).filter(
      (i) =>
        i.personId === person.id &&
        !i.revokedAt &&
        i.expiresAt > now &&
        (credential.inv === undefined || i.id === credential.inv),
    );
    return live.length > 0 ? undefined : REFUSALS.invitationRevoked;
  }

  /** Whether the holder of a short-lived view link is still active (staff) or still invited (person). */
  async viewerActive(viewer: {
    kind: 'staff' | 'person';
    id: string;
    caseId: string;
    inv?: string | undefined;
  }): Promise<boolean> {
    if (viewer.kind === 'staff') {
      const staff = await this.#repo.getStaff(viewer.id);
      return staff !== undefined && staff.active;
    }
    const person = await this.#repo.getPerson(viewer.id);
    if (!person || person.caseId !== viewer.caseId) return false;
    const now = this.#now().toISOString();
    return (await this.#repo.listInvitations(viewer.caseId)).some(
      (i) =>
        i.personId === person.id &&
        !i.revokedAt &&
        i.expiresAt > now &&
        (viewer.inv === undefined || i.id === viewer.inv),
    );
  }

  /** Calls `listener` after each committed change that may withdraw credentials; returns the unsubscribe. */
  onAccessChange(listener: AccessChangeListener): () => void {
    this.#accessListeners.add(listener);
    return () => this.#accessListeners.delete(listener);
  }

  #announce(change: AccessChange): void {
    for (const listener of this.#accessListeners) listener(change);
  }

  /** Whether a live-media session may run for this case (checked when its router is created). */
  async sessionBelongsTo(sessionId: string, caseId: string): Promise<boolean> {
    const s = await this.#repo.getSession(sessionId);
    return (
      s !== undefined && s.caseId === caseId && (s.status === 'scheduled' || s.status === 'live')
    );
  }

  // ---- the scheduler's entry point -------------------------------------------

  /** Marks deadlines whose last day has passed and produces the notices they call for. Idempotent. */
  async markOverdue(): Promise<{ overdue: number; notices: number }> {
    const now = this.#now();
    const today = shanghaiDate(now);
    const at = now.toISOString();
    const system: Actor = { kind: 'system', id: 'system', role: 'system' };
    let overdue = 0;
    let notices = 0;
    for (const d of await this.#repo.listOpenDeadlinesBefore(today)) {
      await this.#repo.transaction(async () => {
        await this.#repo.setDeadlineStatus(d.id, 'overdue', at);
        overdue += 1;
        await this.#record(system, d.caseId, 'deadline.overdue', d.id, {
          kind: d.kind,
          dueOn: d.dueOn,
        });
        const c = await this.#repo.getCase(d.caseId);
        const notice = c ? noticeFor(d, c, at, this.#calendar) : undefined;
        if (notice && (await this.#repo.insertNotice(notice))) {
          notices += 1;
          await this.#record(system, d.caseId, 'notice.produced', notice.id, notice);
        }
      });
    }
    notices += await this.#remindWindows(today, at, system);
    return { overdue, notices };
  }

  /**
   * 7 and 2 days before the judicial-confirmation and arbitration-review
   * windows close (on the official calendar: see reminderDate), a reminder
   * notice; each once, whatever the number of passes.
   */
  async #remindWindows(today: string, at: string, system: Actor): Promise<number> {
    let produced = 0;
    // A reminder date moves earlier over rest days: look far enough ahead for the longest holiday.
    const horizon = addDays(today, Math.max(...WINDOW_REMINDER_DAYS) + 15);
    for (const d of await this.#repo.listOpenDeadlinesDueBy(horizon)) {
      if (d.kind !== 'judicial_confirmation' && d.kind !== 'arbitration_review') continue;
      for (const daysBefore of WINDOW_REMINDER_DAYS) {
        const remindOn = reminderDate(d.dueOn, daysBefore, this.#calendar);
        if (remindOn > today || d.dueOn < today) continue;
        const c = await this.#repo.getCase(d.caseId);
        if (!c) continue;
        const notice: CaseNotice = {
          // One per deadline and lead time: the id makes a repeat a no-op.
          id: `reminder:${d.id}:${daysBefore}`,
          caseId: d.caseId,
          kind: 'confirmation_window_reminder',
          deadlineId: null,
          createdAt: at,
          data: {
            caseNumber: c.caseNumber,
            deadlineId: d.id,
            window: d.kind,
            dueOn: d.dueOn,
            daysBefore,
            remindOn,
            provisional: d.provisional,
            basis: d.basis,
            consequence: d.consequence,
          },
          documentId: null,
        };
        await this.#repo.transaction(async () => {
          if (await this.#repo.insertNotice(notice)) {
            produced += 1;
            await this.#record(system, d.caseId, 'notice.produced', notice.id, notice);
          }
        });
      }
    }
    return produced;
  }

  // ---- internals ------------------------------------------------------------

  /** The mediator must have disclosed, with no conflict, for their assignment in force. */
  async #requireDisclosure(c: MediationCase, mediatorId: string | null): Promise<void> {
    const cleared =
      mediatorId !== null &&
      mediatorId === c.mediatorId &&
      disclosureClears(
        mediatorId,
        await this.#repo.currentAssignment(c.id),
        await this.#repo.listDisclosures(c.id),
      );
    if (!cleared)
      throw new DisclosureRequiredError(
        '调解员须就本次指派先行披露利益冲突（无冲突）/ The mediator must disclose, with no conflict of interest, for their current assignment first',
      );
  }

  async #load(actor: Actor, caseId: string, permission: CasePermission): Promise<MediationCase> {
    const c = await this.#repo.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, permission, c);
    return c;
  }

  /**
   * Loads the case, checks who is asking and whether the action is legal in
   * the case's state, runs `work`, saves the case with its new state and
   * appends the audit event — all in one transaction.
   */
  async #change<T>(
    actor: Actor,
    caseId: string,
    permission: CasePermission,
    action: CaseAction,
    work: (
      c: MediationCase,
      at: string,
    ) => Promise<
      | { result: T; action: string; target: string; payload: unknown; announce?: AccessChange }
      | { result: T; action: null }
    >,
  ): Promise<T> {
    let announce: AccessChange | undefined;
    const result = await this.#repo.transaction(async () => {
      const c = await this.#load(actor, caseId, permission);
      const next = applyTransition(c.status, action);
      const at = this.#now().toISOString();
      const before = JSON.stringify(c);
      const outcome = await work(c, at);
      if (outcome.action === null) return outcome.result;
      c.status = next;
      if (JSON.stringify(c) !== before) {
        c.version += 1;
        c.updatedAt = at;
        await this.#repo.updateCase(c);
      }
      await this.#record(actor, c.id, outcome.action, outcome.target, outcome.payload);
      announce = outcome.announce;
      return outcome.result;
    });
    // Announced once committed, so whoever checks credentials again sees the change.
    if (announce) this.#announce(announce);
    return result;
  }

  /** Mediation ends without agreement: the case closes and its running periods stop. */
  async #endWithoutAgreement(c: MediationCase, outcome: CaseOutcome, at: string): Promise<void> {
    c.outcome = outcome;
    c.closedAt = at;
    await this.#resolveDeadlines(
      c.id,
      ['mediation_period', 'acceptance_decision'],
      'cancelled',
      at,
    );
  }

  async #takeEffect(c: MediationCase, effect: AgreementEffect, at: string): Promise<void> {
    if (!c.outcome || c.outcome.kind !== 'agreement')
      throw new InvalidStateError('There is no agreement to take effect');
    // Never in the future: the seal's or the paper signing's recorded time.
    if (Date.parse(effect.effectiveAt) > Date.parse(at))
      throw new InvalidStateError(
        '生效时间不能晚于当前时间 / The effective time cannot be in the future',
      );
    const effectiveAt = new Date(effect.effectiveAt).toISOString();
    c.outcome = { ...c.outcome, effectiveAt };
    const effectiveOn = shanghaiDate(new Date(effectiveAt));
    const specs: DeadlineSpec[] = agreementDeadlines(effectiveOn, this.#calendar);
    if (c.outcome.performanceDeadline)
      specs.push(performanceDeadline(c.outcome.performanceDeadline, c.application.claimTypes));
    for (const spec of specs) await this.#repo.insertDeadline(this.#deadline(c.id, spec, at));
  }

  async #resolveDeadlines(
    caseId: string,
    kinds: CaseDeadline['kind'][],
    status: 'met' | 'cancelled',
    at: string,
    from: CaseDeadline['status'][] = ['open'],
  ): Promise<void> {
    for (const d of await this.#repo.listDeadlines(caseId)) {
      if (kinds.includes(d.kind) && from.includes(d.status))
        await this.#repo.setDeadlineStatus(d.id, status, at);
    }
  }

  #deadline(caseId: string, spec: DeadlineSpec, at: string): CaseDeadline {
    return { id: randomUUID(), caseId, ...spec, status: 'open', createdAt: at, resolvedAt: null };
  }

  #person(caseId: string, input: z.output<typeof personInputSchema>, at: string): CasePerson {
    return {
      id: randomUUID(),
      caseId,
      kind: input.kind,
      name: input.name,
      idNumber: input.idNumber ?? null,
      phone: input.phone ?? null,
      address: input.address ?? null,
      legalRepresentative: input.legalRepresentative ?? null,
      isOrganisation: input.isOrganisation,
      representsId: input.representsId ?? null,
      powerOfAttorney: input.powerOfAttorney
        ? {
            scope: input.powerOfAttorney.scope,
            maySign: input.powerOfAttorney.maySign,
            document: input.powerOfAttorney.document ?? null,
          }
        : null,
      serviceAddress: input.serviceAddress ?? null,
      createdAt: at,
    };
  }

  async #record(
    actor: Actor,
    caseId: string,
    action: string,
    target: string,
    payload: unknown,
  ): Promise<void> {
    await this.#audit.append({
      caseId,
      actorId: actor.id,
      actorRole: actor.role,
      action,
      target,
      payload: JSON.parse(JSON.stringify(payload ?? null)),
    });
  }
}

function redactPerson(p: CasePerson): CasePerson {
  return {
    ...p,
    idNumber: null,
    phone: null,
    address: null,
    serviceAddress: null,
    powerOfAttorney: p.powerOfAttorney,
  };
}

function noticeFor(
  d: CaseDeadline,
  c: MediationCase,
  at: string,
  calendar: WorkCalendar,
): CaseNotice | undefined {
  const base = {
    id: randomUUID(),
    caseId: c.id,
    deadlineId: d.id,
    createdAt: at,
    documentId: null,
  };
  switch (d.kind) {
    case 'mediation_period':
      // Only while mediation is still going on: the parties may now apply for arbitration.
      return isOpen(c.status)
        ? {
            ...base,
            kind: 'right_to_arbitration',
            data: {
              caseNumber: c.caseNumber,
              receivedOn: c.receivedOn,
              statutoryDueOn: mediationPeriodDeadline(c.receivedOn, calendar).dueOn,
              dueOn: d.dueOn,
              extended: isExtendedPeriod(d),
              basis: d.basis,
              consequence: d.consequence,
            },
          }
        : undefined;
    case 'acceptance_decision':
      return c.status === 'registered'
        ? {
            ...base,
            kind: 'acceptance_overdue',
            data: { caseNumber: c.caseNumber, dueOn: d.dueOn },
          }
        : undefined;
    case 'performance':
      // 劳动争议调解仲裁法 第十六条: only for wages, work-injury medical costs, economic compensation or damages.
      if (!paymentOrderEligible(c.application.claimTypes)) return undefined;
      return {
        ...base,
        kind: 'payment_order_eligible',
        data: {
          caseNumber: c.caseNumber,
          dueOn: d.dueOn,
          consequence: d.consequence,
          claimTypes: c.application.claimTypes,
        },
      };
    case 'judicial_confirmation':
    case 'arbitration_review':
      return {
        ...base,
        kind: 'confirmation_window_closing',
        data: { caseNumber: c.caseNumber, window: d.kind, dueOn: d.dueOn },
      };
  }
}

/** How an agreement took effect; only DocumentService produces one. */
export interface AgreementEffect {
  basis: 'seal' | 'paper_signing';
  /** The agreement document sealed or signed on paper. */
  documentId: string;
  /** The seal's time, or the time the paper signing was recorded. */
  effectiveAt: string;
}

function arbitraryEffect(): InvalidStateError {
  return new InvalidStateError(
    '协议只能在全部签名并盖章后，或登记纸质签署后生效，不能直接填写生效时间 / An agreement takes effect only at the seal after every signature or at a recorded paper signing; an effective time cannot be set by hand',
  );
}
