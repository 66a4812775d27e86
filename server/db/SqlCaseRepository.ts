/**
 * The case repository on either database: one part per record kind under
 * caseRecords/ (staff, cases, people and invitations, sessions, deadlines and
 * notices, mediators, responses), all on the one SqlClient, so `transaction()`
 * spans them. This class only composes them behind the
 * CaseRepository interface.
 */
import type { CaseFilter, CaseRepository, StaffWithSecret } from '../cases/CaseRepository.js';
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
} from '../cases/model.js';
import { CaseRecords } from './caseRecords/cases.js';
import { ClaimRecords } from './caseRecords/claims.js';
import { DeadlineRecords } from './caseRecords/deadlines.js';
import { MediatorRecords } from './caseRecords/mediators.js';
import { PeopleRecords } from './caseRecords/people.js';
import { ResponseRecords } from './caseRecords/responses.js';
import { SessionRecords } from './caseRecords/sessions.js';
import { StaffRecords } from './caseRecords/staff.js';
import type { SqlClient } from './sql/SqlClient.js';

export class SqlCaseRepository implements CaseRepository {
  readonly #sql: SqlClient;
  readonly #staff: StaffRecords;
  readonly #cases: CaseRecords;
  readonly #people: PeopleRecords;
  readonly #sessions: SessionRecords;
  readonly #deadlines: DeadlineRecords;
  readonly #mediators: MediatorRecords;
  readonly #responses: ResponseRecords;
  readonly #claims: ClaimRecords;

  constructor(database: SqlClient) {
    this.#sql = database;
    this.#staff = new StaffRecords(database);
    this.#cases = new CaseRecords(database);
    this.#people = new PeopleRecords(database);
    this.#sessions = new SessionRecords(database);
    this.#deadlines = new DeadlineRecords(database);
    this.#mediators = new MediatorRecords(database);
    this.#responses = new ResponseRecords(database);
    this.#claims = new ClaimRecords(database);
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  lockCase(caseId: string): Promise<void> {
    return this.#sql.lockKey(`case:${caseId}`);
  }

  lockCaseNumbering(organisationId: string, year: number): Promise<void> {
    return this.#sql.lockKey(`case-number:${organisationId}:${year}`);
  }

  // ── caseRecords/staff.ts ─────────────────────────────────────────────────

  insertOrganisation(o: NewOrganisation): Promise<void> {
    return this.#staff.insertOrganisation(o);
  }

  listOrganisations(): Promise<Organisation[]> {
    return this.#staff.listOrganisations();
  }

  organisationLoad(): Promise<Map<string, { staff: number; openCases: number }>> {
    return this.#staff.organisationLoad();
  }

  getOrganisation(id: string): Promise<Organisation | undefined> {
    return this.#staff.getOrganisation(id);
  }

  insertStaff(s: StaffWithSecret): Promise<void> {
    return this.#staff.insertStaff(s);
  }

  getStaff(id: string): Promise<StaffMember | undefined> {
    return this.#staff.getStaff(id);
  }

  getStaffByUsername(username: string): Promise<StaffWithSecret | undefined> {
    return this.#staff.getStaffByUsername(username);
  }

  setStaffActive(
    id: string,
    active: boolean,
    deactivation?: { at: string; reason: string | null },
  ): Promise<void> {
    return this.#staff.setStaffActive(id, active, deactivation);
  }

  listMediators(organisationId: string): Promise<(StaffMember & { openCases: number })[]> {
    return this.#staff.listMediators(organisationId);
  }

  // ── caseRecords/cases.ts ─────────────────────────────────────────────────

  highestCaseSerial(organisationId: string, year: number): Promise<number> {
    return this.#cases.highestCaseSerial(organisationId, year);
  }

  moveCase(caseId: string, organisationId: string, caseNumber: string): Promise<void> {
    return this.#cases.moveCase(caseId, organisationId, caseNumber);
  }

  insertCase(c: MediationCase): Promise<void> {
    return this.#cases.insertCase(c);
  }

  updateCase(c: MediationCase): Promise<void> {
    return this.#cases.updateCase(c);
  }

  getCase(id: string): Promise<MediationCase | undefined> {
    return this.#cases.getCase(id);
  }

  listCases(filter: CaseFilter): Promise<MediationCase[]> {
    return this.#cases.listCases(filter);
  }

  // ── caseRecords/people.ts ────────────────────────────────────────────────

  insertPerson(p: CasePerson): Promise<void> {
    return this.#people.insertPerson(p);
  }

  getPerson(id: string): Promise<CasePerson | undefined> {
    return this.#people.getPerson(id);
  }

  listPeople(caseId: string): Promise<CasePerson[]> {
    return this.#people.listPeople(caseId);
  }

  countOrganisationParties(
    organisationId: string,
  ): Promise<Map<string, { persons: number; organisations: number; respondents: number }>> {
    return this.#people.countOrganisationParties(organisationId);
  }

  insertRepresentative(r: CaseRepresentative): Promise<void> {
    return this.#people.insertRepresentative(r);
  }

  listRepresentatives(caseId: string): Promise<CaseRepresentative[]> {
    return this.#people.listRepresentatives(caseId);
  }

  revokeRepresentative(id: string, at: string, by: string): Promise<boolean> {
    return this.#people.revokeRepresentative(id, at, by);
  }

  // ── caseRecords/claims.ts ────────────────────────────────────────────────

  setPersonClaims(c: PersonClaims): Promise<void> {
    return this.#claims.setPersonClaims(c);
  }

  listPersonClaims(caseId: string): Promise<PersonClaims[]> {
    return this.#claims.listPersonClaims(caseId);
  }

  organisationClaimed(organisationId: string): Promise<Map<string, number>> {
    return this.#claims.organisationClaimed(organisationId);
  }

  insertPerformance(p: PerformanceRecord): Promise<void> {
    return this.#claims.insertPerformance(p);
  }

  listPerformance(caseId: string): Promise<PerformanceRecord[]> {
    return this.#claims.listPerformance(caseId);
  }

  insertInvitation(i: Invitation): Promise<void> {
    return this.#people.insertInvitation(i);
  }

  getInvitation(id: string): Promise<Invitation | undefined> {
    return this.#people.getInvitation(id);
  }

  revokeInvitation(id: string, at: string): Promise<void> {
    return this.#people.revokeInvitation(id, at);
  }

  listInvitations(caseId: string): Promise<Invitation[]> {
    return this.#people.listInvitations(caseId);
  }

  // ── caseRecords/sessions.ts ──────────────────────────────────────────────

  insertSession(s: MediationSessionRecord): Promise<void> {
    return this.#sessions.insertSession(s);
  }

  updateSession(s: MediationSessionRecord): Promise<void> {
    return this.#sessions.updateSession(s);
  }

  getSession(id: string): Promise<MediationSessionRecord | undefined> {
    return this.#sessions.getSession(id);
  }

  listSessions(caseId: string): Promise<MediationSessionRecord[]> {
    return this.#sessions.listSessions(caseId);
  }

  listOrganisationSessions(organisationId: string): Promise<MediationSessionRecord[]> {
    return this.#sessions.listOrganisationSessions(organisationId);
  }

  // ── caseRecords/deadlines.ts ─────────────────────────────────────────────

  insertDeadline(d: CaseDeadline): Promise<void> {
    return this.#deadlines.insertDeadline(d);
  }

  listDeadlines(caseId: string): Promise<CaseDeadline[]> {
    return this.#deadlines.listDeadlines(caseId);
  }

  listOrganisationDeadlines(organisationId: string): Promise<CaseDeadline[]> {
    return this.#deadlines.listOrganisationDeadlines(organisationId);
  }

  listOpenDeadlinesBefore(today: string): Promise<CaseDeadline[]> {
    return this.#deadlines.listOpenDeadlinesBefore(today);
  }

  setDeadlineStatus(id: string, status: DeadlineStatus, at: string): Promise<void> {
    return this.#deadlines.setDeadlineStatus(id, status, at);
  }

  markDeadlineOverdue(id: string, at: string): Promise<boolean> {
    return this.#deadlines.markDeadlineOverdue(id, at);
  }

  listUnresolvedDeadlines(): Promise<CaseDeadline[]> {
    return this.#deadlines.listUnresolvedDeadlines();
  }

  updateDeadlineDue(
    id: string,
    due: Pick<CaseDeadline, 'dueOn' | 'provisional' | 'missingCalendarYears' | 'status'>,
  ): Promise<void> {
    return this.#deadlines.updateDeadlineDue(id, due);
  }

  listOpenDeadlinesDueBy(last: string): Promise<CaseDeadline[]> {
    return this.#deadlines.listOpenDeadlinesDueBy(last);
  }

  insertNotice(n: CaseNotice): Promise<boolean> {
    return this.#deadlines.insertNotice(n);
  }

  listNotices(caseId: string): Promise<CaseNotice[]> {
    return this.#deadlines.listNotices(caseId);
  }

  getNotice(id: string): Promise<CaseNotice | undefined> {
    return this.#deadlines.getNotice(id);
  }

  listUnservedNotices(): Promise<CaseNotice[]> {
    return this.#deadlines.listUnservedNotices();
  }

  setNoticeDocument(id: string, documentId: string): Promise<boolean> {
    return this.#deadlines.setNoticeDocument(id, documentId);
  }

  // ── caseRecords/mediators.ts ─────────────────────────────────────────────

  insertDisclosure(d: ConflictDisclosure): Promise<void> {
    return this.#mediators.insertDisclosure(d);
  }

  listDisclosures(caseId: string): Promise<ConflictDisclosure[]> {
    return this.#mediators.listDisclosures(caseId);
  }

  insertAssignment(a: MediatorAssignment): Promise<void> {
    return this.#mediators.insertAssignment(a);
  }

  currentAssignment(caseId: string): Promise<MediatorAssignment | undefined> {
    return this.#mediators.currentAssignment(caseId);
  }

  endAssignments(
    caseId: string,
    at: string,
    reason: NonNullable<MediatorAssignment['endedReason']>,
  ): Promise<void> {
    return this.#mediators.endAssignments(caseId, at, reason);
  }

  insertRecusalRequest(q: RecusalRequest): Promise<void> {
    return this.#mediators.insertRecusalRequest(q);
  }

  updateRecusalRequest(q: RecusalRequest): Promise<void> {
    return this.#mediators.updateRecusalRequest(q);
  }

  listRecusalRequests(caseId: string): Promise<RecusalRequest[]> {
    return this.#mediators.listRecusalRequests(caseId);
  }

  // ── caseRecords/responses.ts ─────────────────────────────────────────────

  insertMediationResponse(m: MediationResponse): Promise<void> {
    return this.#responses.insertMediationResponse(m);
  }

  listMediationResponses(caseId: string): Promise<MediationResponse[]> {
    return this.#responses.listMediationResponses(caseId);
  }

  insertFollowUp(f: FollowUpVisit): Promise<void> {
    return this.#responses.insertFollowUp(f);
  }

  listFollowUps(caseId: string): Promise<FollowUpVisit[]> {
    return this.#responses.listFollowUps(caseId);
  }
}
