/**
 * The storage port of the case domain. The SQLite implementation lives in
 * server/db; a PostgreSQL one can follow without touching the domain.
 * Methods are asynchronous for that reason. Multi-step changes run inside
 * `transaction()`, which the implementation makes atomic.
 */
import type {
  CaseDeadline,
  CaseNotice,
  CasePerson,
  CaseRepresentative,
  PerformanceRecord,
  PersonClaims,
  ConflictDisclosure,
  DeadlineStatus,
  FollowUpVisit,
  Invitation,
  MediationCase,
  MediationResponse,
  MediationSessionRecord,
  MediatorAssignment,
  NewOrganisation,
  Organisation,
  RecusalRequest,
  StaffMember,
} from './model.js';

export interface StaffWithSecret extends StaffMember {
  passwordHash: string;
}

export interface CaseFilter {
  organisationId: string;
  mediatorId?: string;
  status?: MediationCase['status'];
}

export interface CaseRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Inside `transaction()`: waits until no other transaction (in any process)
   * holds the case, then holds it until this one ends, for checks that read
   * then write per case (the evidence quota).
   */
  lockCase(caseId: string): Promise<void>;
  /**
   * Inside `transaction()`: holds the organisation's case numbering for `year` until this
   * transaction ends, so that counting the year's cases and inserting the next one is one
   * step across processes (no two registrations draw the same number).
   */
  lockCaseNumbering(organisationId: string, year: number): Promise<void>;

  insertOrganisation(o: NewOrganisation): Promise<void>;
  getOrganisation(id: string): Promise<Organisation | undefined>;
  /** Every organisation of the network, oldest first. */
  listOrganisations(): Promise<Organisation[]>;
  /** Active staff and open (not closed) cases per organisation. */
  organisationLoad(): Promise<Map<string, { staff: number; openCases: number }>>;

  insertStaff(s: StaffWithSecret): Promise<void>;
  getStaff(id: string): Promise<StaffMember | undefined>;
  getStaffByUsername(username: string): Promise<StaffWithSecret | undefined>;
  /** Deactivation keeps when and why (the roster shows it). */
  setStaffActive(
    id: string,
    active: boolean,
    deactivation?: { at: string; reason: string | null },
  ): Promise<void>;
  /** Active mediators with the number of open cases each carries. */
  listMediators(organisationId: string): Promise<(StaffMember & { openCases: number })[]>;

  /**
   * The highest serial of the organisation's case numbers of a year (0 without one): not a count,
   * since a case moved to another organisation leaves a gap that a count would fill twice.
   */
  highestCaseSerial(organisationId: string, year: number): Promise<number>;
  /** A case moved to another organisation (under a number of that organisation). */
  moveCase(caseId: string, organisationId: string, caseNumber: string): Promise<void>;
  insertCase(c: MediationCase): Promise<void>;
  /** Optimistic: fails with InvalidStateError when the stored version is not `c.version - 1`. */
  updateCase(c: MediationCase): Promise<void>;
  getCase(id: string): Promise<MediationCase | undefined>;
  listCases(filter: CaseFilter): Promise<MediationCase[]>;

  insertPerson(p: CasePerson): Promise<void>;
  getPerson(id: string): Promise<CasePerson | undefined>;
  listPeople(caseId: string): Promise<CasePerson[]>;
  /** Each case's parties counted (natural persons, organisations, respondents), in one query. */
  countOrganisationParties(
    organisationId: string,
  ): Promise<Map<string, { persons: number; organisations: number; respondents: number }>>;
  insertRepresentative(r: CaseRepresentative): Promise<void>;
  /** Every election of the case, revoked ones included, in the order recorded. */
  listRepresentatives(caseId: string): Promise<CaseRepresentative[]>;
  /** False when it was revoked already. */
  revokeRepresentative(id: string, at: string, by: string): Promise<boolean>;
  /** Replaces one applicant's own claims. */
  setPersonClaims(c: PersonClaims): Promise<void>;
  listPersonClaims(caseId: string): Promise<PersonClaims[]>;
  /** Each case's total of its applicants' own claimed amounts, where any were recorded. */
  organisationClaimed(organisationId: string): Promise<Map<string, number>>;
  insertPerformance(p: PerformanceRecord): Promise<void>;
  /** The findings on each person's part of the agreement, in the order recorded. */
  listPerformance(caseId: string): Promise<PerformanceRecord[]>;

  insertDisclosure(d: ConflictDisclosure): Promise<void>;
  listDisclosures(caseId: string): Promise<ConflictDisclosure[]>;

  insertSession(s: MediationSessionRecord): Promise<void>;
  updateSession(s: MediationSessionRecord): Promise<void>;
  getSession(id: string): Promise<MediationSessionRecord | undefined>;
  listSessions(caseId: string): Promise<MediationSessionRecord[]>;
  /** Every session of the organisation's cases (the dashboard counts them). */
  listOrganisationSessions(organisationId: string): Promise<MediationSessionRecord[]>;

  insertInvitation(i: Invitation): Promise<void>;
  getInvitation(id: string): Promise<Invitation | undefined>;
  revokeInvitation(id: string, at: string): Promise<void>;
  listInvitations(caseId: string): Promise<Invitation[]>;

  insertDeadline(d: CaseDeadline): Promise<void>;
  listDeadlines(caseId: string): Promise<CaseDeadline[]>;
  listOrganisationDeadlines(organisationId: string): Promise<CaseDeadline[]>;
  /** Open deadlines whose last day is before `today`. */
  listOpenDeadlinesBefore(today: string): Promise<CaseDeadline[]>;
  setDeadlineStatus(id: string, status: DeadlineStatus, at: string): Promise<void>;
  /**
   * An open deadline marked overdue; false when it was no longer open (another
   * process's pass marked it first: on PostgreSQL the second writer waits for
   * the first's row and then finds it changed).
   */
  markDeadlineOverdue(id: string, at: string): Promise<boolean>;
  /** Every organisation's deadlines still running (open or overdue), for a calendar change. */
  listUnresolvedDeadlines(): Promise<CaseDeadline[]>;
  /** A recomputed date (a calendar change); the status follows it (overdue → open when it moved past today). */
  updateDeadlineDue(
    id: string,
    due: Pick<CaseDeadline, 'dueOn' | 'provisional' | 'missingCalendarYears' | 'status'>,
  ): Promise<void>;

  /** Idempotent per (deadline, kind): returns false when the notice existed already. */
  insertNotice(n: CaseNotice): Promise<boolean>;
  listNotices(caseId: string): Promise<CaseNotice[]>;
  getNotice(id: string): Promise<CaseNotice | undefined>;
  /** Notices not yet rendered and served, oldest first. */
  listUnservedNotices(): Promise<CaseNotice[]>;
  /** Records the document a notice became; false when it had one already. */
  setNoticeDocument(id: string, documentId: string): Promise<boolean>;
  /** Open deadlines whose last day is on or before `last`. */
  listOpenDeadlinesDueBy(last: string): Promise<CaseDeadline[]>;

  insertFollowUp(f: FollowUpVisit): Promise<void>;
  listFollowUps(caseId: string): Promise<FollowUpVisit[]>;

  insertAssignment(a: MediatorAssignment): Promise<void>;
  /** The case's assignment in force (not ended), if any. */
  currentAssignment(caseId: string): Promise<MediatorAssignment | undefined>;
  endAssignments(
    caseId: string,
    at: string,
    reason: NonNullable<MediatorAssignment['endedReason']>,
  ): Promise<void>;

  /** Fails (unique index) when the case already has a pending request. */
  insertRecusalRequest(q: RecusalRequest): Promise<void>;
  updateRecusalRequest(q: RecusalRequest): Promise<void>;
  listRecusalRequests(caseId: string): Promise<RecusalRequest[]>;

  insertMediationResponse(m: MediationResponse): Promise<void>;
  listMediationResponses(caseId: string): Promise<MediationResponse[]>;
}
