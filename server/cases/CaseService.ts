/**
 * The case file's operations: intake, acceptance, assignment, disclosure,
 * sessions, invitations, outcomes, follow-up and archiving. Every change runs
 * in one transaction with the audit event that records it. Knows nothing of
 * HTTP or Socket.IO.
 *
 * This class is what the rest of the server sees; it only composes its
 * parts, each a seam of its own (see README.md):
 *
 * - intake.ts         — registration, acceptance, the respondent's answer;
 * - roster.ts         — people, staff, mediator assignment, disclosure, recusal;
 * - sessions.ts       — scheduling and running sessions, which one to join;
 * - invitations.ts    — invitations and whether a credential still holds;
 * - outcomes.ts       — extension, agreement and its effect, termination,
 *                       follow-up, archive;
 * - deadlinePasses.ts — overdue deadlines and window reminders;
 * - reading.ts        — the case list, the case file, audit, statistics;
 * - context.ts        — the one transactional way a case changes.
 *
 * Construction does no I/O.
 */
import type { z } from 'zod';
import type { AuditLog } from '../audit/AuditLog.js';
import type { ChainVerification } from '../audit/AuditChain.js';
import type { Actor } from './access.js';
import type { CaseRepository } from './CaseRepository.js';
import type { WorkCalendar } from './deadlines.js';
import type {
  CaseDeadline,
  CasePerson,
  CaseRepresentative,
  PerformanceRecord,
  PersonClaims,
  ConflictDisclosure,
  FollowUpVisit,
  Invitation,
  MediationCase,
  MediationResponse,
  MediationSessionRecord,
  RecusalRequest,
  StaffMember,
} from './model.js';
import type {
  agreementEffectiveSchema,
  createStaffSchema,
  agreementSchema,
  disclosureSchema,
  followUpSchema,
  mediationResponseSchema,
  offlineMediationResponseSchema,
  performanceRecordSchema,
  personClaimsSchema,
  personInputSchema,
  recusalDecisionSchema,
  recusalRequestSchema,
  registerCaseSchema,
  scheduleSessionSchema,
  terminateSchema,
} from './schemas.js';
import type {
  AccessChangeListener,
  SessionAccessRefusal,
  SessionCredential,
} from './sessionAccess.js';
import type { CaseStatistics, StatisticsPeriod } from './statistics.js';
import { CaseContext } from './context.js';
import { DeadlinePasses } from './deadlinePasses.js';
import { CaseIntake } from './intake.js';
import { CaseInvitations } from './invitations.js';
import { CaseOutcomes, type AgreementEffect } from './outcomes.js';
import { PersonClaimsAndPerformance } from './personClaims.js';
import { CaseRepresentatives, type RepresentativeInput } from './representatives.js';
import { CaseReading, type CaseFile } from './reading.js';
import { CaseRoster } from './roster.js';
import { CaseSessions } from './sessions.js';
import { CaseTransfer, type TransferInput, type Transferred } from './transfer.js';

export type { CaseFile } from './reading.js';
export type { AgreementEffect } from './outcomes.js';

export interface CaseServiceOptions {
  repository: CaseRepository;
  audit: AuditLog;
  calendar: WorkCalendar;
  /** An evidence item of the case (proof of a respondent's answer given offline). */
  evidenceItem?: (caseId: string, itemId: string) => Promise<{ sha256: string } | undefined>;
  now?: () => Date;
}

export class CaseService {
  readonly #ctx: CaseContext;
  readonly #intake: CaseIntake;
  readonly #roster: CaseRoster;
  readonly #sessions: CaseSessions;
  readonly #invitations: CaseInvitations;
  readonly #outcomes: CaseOutcomes;
  readonly #deadlines: DeadlinePasses;
  readonly #reading: CaseReading;
  readonly #representatives: CaseRepresentatives;
  readonly #perPerson: PersonClaimsAndPerformance;
  readonly #transfer: CaseTransfer;

  constructor(options: CaseServiceOptions) {
    this.#ctx = new CaseContext({ ...options, now: options.now ?? (() => new Date()) });
    this.#intake = new CaseIntake(this.#ctx);
    this.#roster = new CaseRoster(this.#ctx);
    this.#sessions = new CaseSessions(this.#ctx);
    this.#invitations = new CaseInvitations(this.#ctx);
    this.#outcomes = new CaseOutcomes(this.#ctx);
    this.#deadlines = new DeadlinePasses(this.#ctx);
    this.#reading = new CaseReading(this.#ctx);
    this.#representatives = new CaseRepresentatives(this.#ctx);
    this.#perPerson = new PersonClaimsAndPerformance(this.#ctx);
    this.#transfer = new CaseTransfer(this.#ctx);
  }

  /** To another organisation of the network, with reasons (transfer.ts). */
  transfer(actor: Actor, caseId: string, input: TransferInput): Promise<Transferred> {
    return this.#transfer.transfer(actor, caseId, input);
  }

  // ---- reading (reading.ts) ------------------------------------------------------

  list(actor: Actor): Promise<(MediationCase & { openDeadlines: CaseDeadline[] })[]> {
    return this.#reading.list(actor);
  }

  file(actor: Actor, caseId: string): Promise<CaseFile> {
    return this.#reading.file(actor, caseId);
  }

  verifyAudit(actor: Actor, caseId: string): Promise<ChainVerification> {
    return this.#reading.verifyAudit(actor, caseId);
  }

  statistics(
    actor: Actor,
    period: StatisticsPeriod,
  ): Promise<CaseStatistics & { calendar: { missingScheduleYears: number[] } }> {
    return this.#reading.statistics(actor, period);
  }

  // ---- intake and the respondent's answer (intake.ts) ----------------------------

  register(actor: Actor, input: z.output<typeof registerCaseSchema>): Promise<MediationCase> {
    return this.#intake.register(actor, input);
  }

  accept(actor: Actor, caseId: string): Promise<MediationCase> {
    return this.#intake.accept(actor, caseId);
  }

  refuse(actor: Actor, caseId: string, reason: string): Promise<MediationCase> {
    return this.#intake.refuse(actor, caseId, reason);
  }

  /** A respondent (or its specially authorised agent) agrees to, or refuses, mediation of a party application. */
  respondToMediation(
    actor: Actor,
    caseId: string,
    input: z.output<typeof mediationResponseSchema>,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    return this.#intake.respondToMediation(actor, caseId, input);
  }

  /** A clerk records a respondent's answer given offline, with its proof (an evidence item) and a note. */
  recordMediationResponse(
    actor: Actor,
    caseId: string,
    input: z.output<typeof offlineMediationResponseSchema>,
  ): Promise<{ response: MediationResponse; case: MediationCase }> {
    return this.#intake.recordMediationResponse(actor, caseId, input);
  }

  // ---- people, staff, mediator, recusal (roster.ts) ------------------------------

  addPerson(
    actor: Actor,
    caseId: string,
    input: z.output<typeof personInputSchema>,
  ): Promise<CasePerson> {
    return this.#roster.addPerson(actor, caseId, input);
  }

  /** A clerk records the election of a representative (代表人) of co-applicants. */
  electRepresentative(
    actor: Actor,
    caseId: string,
    input: RepresentativeInput,
  ): Promise<CaseRepresentative> {
    return this.#representatives.elect(actor, caseId, input);
  }

  revokeRepresentative(
    actor: Actor,
    caseId: string,
    representationId: string,
  ): Promise<CaseRepresentative> {
    return this.#representatives.revoke(actor, caseId, representationId);
  }

  /** One applicant's own claims (collective and multi-party disputes), replaced whole. */
  setPersonClaims(
    actor: Actor,
    caseId: string,
    personId: string,
    input: z.output<typeof personClaimsSchema>,
  ): Promise<PersonClaims> {
    return this.#perPerson.setClaims(actor, caseId, personId, input);
  }

  /** What staff found of one person's part of the effective agreement. */
  recordPerformance(
    actor: Actor,
    caseId: string,
    input: z.output<typeof performanceRecordSchema>,
  ): Promise<PerformanceRecord> {
    return this.#perPerson.recordPerformance(actor, caseId, input);
  }

  roster(actor: Actor): Promise<(StaffMember & { openCases: number })[]> {
    return this.#roster.roster(actor);
  }

  /** A clerk adds a mediator or a clerk to the organisation. */
  addStaff(actor: Actor, input: z.output<typeof createStaffSchema>): Promise<StaffMember> {
    return this.#roster.addStaff(actor, input);
  }

  /** Takes someone off the roster: they can no longer sign in; their open cases need reassigning. */
  deactivateStaff(
    actor: Actor,
    staffId: string,
    reason: string | null = null,
  ): Promise<StaffMember> {
    return this.#roster.deactivateStaff(actor, staffId, reason);
  }

  assignMediator(actor: Actor, caseId: string, mediatorId: string): Promise<MediationCase> {
    return this.#roster.assignMediator(actor, caseId, mediatorId);
  }

  /** The assigned mediator discloses (or denies) a conflict of interest; a conflict unassigns them. */
  disclose(
    actor: Actor,
    caseId: string,
    input: z.output<typeof disclosureSchema>,
  ): Promise<ConflictDisclosure> {
    return this.#roster.disclose(actor, caseId, input);
  }

  /** 回避申请: a party or agent asks that the assigned mediator withdraw, with reasons. */
  requestRecusal(
    actor: Actor,
    caseId: string,
    input: z.output<typeof recusalRequestSchema>,
  ): Promise<RecusalRequest> {
    return this.#roster.requestRecusal(actor, caseId, input);
  }

  /** The organisation decides a recusal request with reasons; a granted one withdraws the mediator. */
  decideRecusal(
    actor: Actor,
    caseId: string,
    requestId: string,
    input: z.output<typeof recusalDecisionSchema>,
  ): Promise<RecusalRequest> {
    return this.#roster.decideRecusal(actor, caseId, requestId, input);
  }

  // ---- sessions (sessions.ts) ----------------------------------------------------

  scheduleSession(
    actor: Actor,
    caseId: string,
    input: z.input<typeof scheduleSessionSchema>,
  ): Promise<MediationSessionRecord> {
    return this.#sessions.scheduleSession(actor, caseId, input);
  }

  setSessionState(
    actor: Actor,
    sessionId: string,
    to: 'live' | 'ended' | 'cancelled',
  ): Promise<MediationSessionRecord> {
    return this.#sessions.setSessionState(actor, sessionId, to);
  }

  /** The session the actor may join now, with the case it belongs to. */
  joinableSession(
    actor: Actor,
    sessionId: string | undefined,
    caseId: string,
  ): Promise<{ case: MediationCase; session: MediationSessionRecord }> {
    return this.#sessions.joinableSession(actor, sessionId, caseId);
  }

  // ---- invitations and credentials (invitations.ts) ------------------------------

  invite(
    actor: Actor,
    caseId: string,
    personId: string,
    validDays: number,
  ): Promise<{ invitation: Invitation; person: CasePerson }> {
    return this.#invitations.invite(actor, caseId, personId, validDays);
  }

  revokeInvitation(actor: Actor, caseId: string, invitationId: string): Promise<Invitation> {
    return this.#invitations.revokeInvitation(actor, caseId, invitationId);
  }

  /** The invitation behind a token, if it is still usable. */
  activeInvitation(invitationId: string | undefined): Promise<Invitation | undefined> {
    return this.#invitations.activeInvitation(invitationId);
  }

  /**
   * Why a session credential is no longer honoured, or `undefined` if it is:
   * the session must be open and of the credential's case; a mediator must be
   * an active mediator of the case's organisation and its assigned mediator
   * (clerks never join sessions); a party, agent or observer must still be a
   * person of the case in that role, with the invitation the credential came
   * from still live (or, for a credential naming none, some live invitation).
   */
  sessionAccess(credential: SessionCredential): Promise<SessionAccessRefusal | undefined> {
    return this.#invitations.sessionAccess(credential);
  }

  /** Whether the holder of a short-lived view link is still active (staff) or still invited (person). */
  viewerActive(viewer: {
    kind: 'staff' | 'person';
    id: string;
    caseId: string;
    inv?: string | undefined;
  }): Promise<boolean> {
    return this.#invitations.viewerActive(viewer);
  }

  // ---- extension, outcomes, follow-up (outcomes.ts) ------------------------------

  /**
   * Refused: a clerk or mediator cannot type the parties' consent. An
   * extension is proposed and each party answers it (cases/extensions.ts).
   */
  extend(actor: Actor, caseId: string, input: unknown): Promise<never> {
    return this.#outcomes.extend(actor, caseId, input);
  }

  /**
   * Moves the mediation period's end to an extension every party consented
   * to; `alsoInTransaction` records the proposal's outcome atomically with it.
   * Only the extension workflow calls this.
   */
  applyAgreedExtension(
    caseId: string,
    input: { proposalId: string; newDueOn: string; reason: string; consents: unknown },
    alsoInTransaction: () => Promise<void>,
  ): Promise<MediationCase> {
    return this.#outcomes.applyAgreedExtension(caseId, input, alsoInTransaction);
  }

  /**
   * Records the agreement reached. It takes effect only through `effect`,
   * which DocumentService passes after the seal or a recorded paper signing;
   * a time typed by hand (`effectiveAt`) is refused.
   */
  recordAgreement(
    actor: Actor,
    caseId: string,
    input: z.output<typeof agreementSchema>,
    effect?: AgreementEffect,
  ): Promise<MediationCase> {
    return this.#outcomes.recordAgreement(actor, caseId, input, effect);
  }

  /**
   * `POST /cases/:id/agreement/effective`: an effective time typed by hand is
   * always refused (after the usual permission check). An agreement takes
   * effect at the seal after every signature, or at a recorded paper signing.
   */
  agreementEffective(
    actor: Actor,
    caseId: string,
    input: z.output<typeof agreementEffectiveSchema>,
  ): Promise<MediationCase> {
    return this.#outcomes.agreementEffective(actor, caseId, input);
  }

  /**
   * The agreement took effect (DocumentService: seal after every signature,
   * or a recorded paper signing): the confirmation and review windows open.
   */
  agreementTookEffect(
    actor: Actor,
    caseId: string,
    effect: AgreementEffect,
  ): Promise<MediationCase> {
    return this.#outcomes.agreementTookEffect(actor, caseId, effect);
  }

  terminate(
    actor: Actor,
    caseId: string,
    input: z.output<typeof terminateSchema>,
  ): Promise<MediationCase> {
    return this.#outcomes.terminate(actor, caseId, input);
  }

  withdraw(actor: Actor, caseId: string, reason: string): Promise<MediationCase> {
    return this.#outcomes.withdraw(actor, caseId, reason);
  }

  recordFollowUp(
    actor: Actor,
    caseId: string,
    input: z.output<typeof followUpSchema>,
  ): Promise<FollowUpVisit> {
    return this.#outcomes.recordFollowUp(actor, caseId, input);
  }

  archive(actor: Actor, caseId: string): Promise<MediationCase> {
    return this.#outcomes.archive(actor, caseId);
  }

  // ---- the scheduler's entry point (deadlinePasses.ts) ---------------------------

  /** Marks deadlines whose last day has passed and produces the notices they call for. Idempotent. */
  markOverdue(): Promise<{ overdue: number; notices: number }> {
    return this.#deadlines.markOverdue();
  }

  // ---- access changes (context.ts) -----------------------------------------------

  /** Calls `listener` after each committed change that may withdraw credentials; returns the unsubscribe. */
  onAccessChange(listener: AccessChangeListener): () => void {
    return this.#ctx.onAccessChange(listener);
  }

  /** Whether a live-media session may run for this case (checked when its router is created). */
  sessionBelongsTo(sessionId: string, caseId: string): Promise<boolean> {
    return this.#ctx.sessionBelongsTo(sessionId, caseId);
  }
}
