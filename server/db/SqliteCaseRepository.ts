/**
 * The case repository on the embedded SQLite database.
 *
 * Size: pending — one prepared statement per CaseRepository method; a split by record kind belongs with the PostgreSQL backend.
 */
import type { Statement } from 'better-sqlite3';
import type { CaseFilter, CaseRepository, StaffWithSecret } from '../cases/CaseRepository.js';
import type {
  CaseDeadline,
  CaseNotice,
  CasePerson,
  ConflictDisclosure,
  DeadlineStatus,
  FollowUpVisit,
  Invitation,
  MediationCase,
  MediationResponse,
  MediationSessionRecord,
  MediatorAssignment,
  Organisation,
  RecusalRequest,
  StaffMember,
} from '../cases/model.js';
import { fail } from '../errors.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : (v as string);
const json = <T>(v: unknown): T => JSON.parse(v as string) as T;
const jsonOrNull = <T>(v: unknown): T | null => (v === null || v === undefined ? null : json<T>(v));

function toStaff(r: Row): StaffWithSecret {
  return {
    id: str(r['id']),
    organisationId: str(r['organisation_id']),
    username: str(r['username']),
    displayName: str(r['display_name']),
    role: r['role'] as StaffMember['role'],
    specialties: json(r['specialties']),
    active: r['active'] === 1,
    createdAt: str(r['created_at']),
    passwordHash: str(r['password_hash']),
  };
}

function publicStaff(s: StaffWithSecret): StaffMember {
  const { passwordHash: _secret, ...rest } = s;
  return rest;
}

function toCase(r: Row): MediationCase {
  return {
    id: str(r['id']),
    caseNumber: str(r['case_number']),
    organisationId: str(r['organisation_id']),
    status: r['status'] as MediationCase['status'],
    disputeType: r['dispute_type'] as MediationCase['disputeType'],
    source: r['source'] as MediationCase['source'],
    sourceReference: strOrNull(r['source_reference']),
    priorityGroups: json(r['priority_groups']),
    intakeMode: r['intake_mode'] as MediationCase['intakeMode'],
    application: json(r['application']),
    receivedOn: str(r['received_on']),
    registeredAt: str(r['registered_at']),
    registeredBy: str(r['registered_by']),
    decision: jsonOrNull(r['decision']),
    mediatorId: strOrNull(r['mediator_id']),
    mediationDueOn: str(r['mediation_due_on']),
    outcome: jsonOrNull(r['outcome']),
    closedAt: strOrNull(r['closed_at']),
    archivedAt: strOrNull(r['archived_at']),
    version: r['version'] as number,
    updatedAt: str(r['updated_at']),
  };
}

function caseParams(c: MediationCase): Row {
  return {
    id: c.id,
    case_number: c.caseNumber,
    organisation_id: c.organisationId,
    status: c.status,
    dispute_type: c.disputeType,
    source: c.source,
    source_reference: c.sourceReference,
    priority_groups: JSON.stringify(c.priorityGroups),
    intake_mode: c.intakeMode,
    application: JSON.stringify(c.application),
    received_on: c.receivedOn,
    registered_at: c.registeredAt,
    registered_by: c.registeredBy,
    decision: c.decision ? JSON.stringify(c.decision) : null,
    mediator_id: c.mediatorId,
    mediation_due_on: c.mediationDueOn,
    outcome: c.outcome ? JSON.stringify(c.outcome) : null,
    closed_at: c.closedAt,
    archived_at: c.archivedAt,
    version: c.version,
    updated_at: c.updatedAt,
  };
}

function toPerson(r: Row): CasePerson {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    kind: r['kind'] as CasePerson['kind'],
    name: str(r['name']),
    idNumber: strOrNull(r['id_number']),
    phone: strOrNull(r['phone']),
    address: strOrNull(r['address']),
    legalRepresentative: strOrNull(r['legal_representative']),
    isOrganisation: r['is_organisation'] === 1,
    representsId: strOrNull(r['represents_id']),
    powerOfAttorney: jsonOrNull(r['power_of_attorney']),
    serviceAddress: strOrNull(r['service_address']),
    createdAt: str(r['created_at']),
  };
}

function toSession(r: Row): MediationSessionRecord {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    status: r['status'] as MediationSessionRecord['status'],
    scheduledStart: str(r['scheduled_start']),
    scheduledEnd: strOrNull(r['scheduled_end']),
    startedAt: strOrNull(r['started_at']),
    endedAt: strOrNull(r['ended_at']),
    createdBy: str(r['created_by']),
  };
}

function toDeadline(r: Row): CaseDeadline {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    kind: r['kind'] as CaseDeadline['kind'],
    dueOn: str(r['due_on']),
    basis: str(r['basis']),
    consequence: str(r['consequence']),
    provisional: r['provisional'] === 1,
    missingCalendarYears: JSON.parse(str(r['missing_calendar_years'])) as number[],
    status: r['status'] as DeadlineStatus,
    createdAt: str(r['created_at']),
    resolvedAt: strOrNull(r['resolved_at']),
  };
}

function toInvitation(r: Row): Invitation {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    personId: str(r['person_id']),
    expiresAt: str(r['expires_at']),
    revokedAt: strOrNull(r['revoked_at']),
    createdBy: str(r['created_by']),
    createdAt: str(r['created_at']),
  };
}

export class SqliteCaseRepository implements CaseRepository {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#database.transaction(work);
  }

  #sql(text: string): Statement {
    return this.#database.statement(text);
  }

  #all(text: string, ...params: unknown[]): Row[] {
    return this.#sql(text).all(...params) as Row[];
  }

  #get(text: string, ...params: unknown[]): Row | undefined {
    return this.#sql(text).get(...params) as Row | undefined;
  }

  async insertOrganisation(o: Organisation): Promise<void> {
    this.#sql('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)').run(
      o.id,
      o.name,
      new Date().toISOString(),
    );
  }

  async getOrganisation(id: string): Promise<Organisation | undefined> {
    const r = this.#get('SELECT id, name FROM organisations WHERE id = ?', id);
    return r ? { id: str(r['id']), name: str(r['name']) } : undefined;
  }

  async insertStaff(s: StaffWithSecret): Promise<void> {
    this.#sql(
      `INSERT INTO staff (id, organisation_id, username, display_name, role, password_hash, specialties, active, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      s.id,
      s.organisationId,
      s.username,
      s.displayName,
      s.role,
      s.passwordHash,
      JSON.stringify(s.specialties),
      s.active ? 1 : 0,
      s.createdAt,
    );
  }

  async getStaff(id: string): Promise<StaffMember | undefined> {
    const r = this.#get('SELECT * FROM staff WHERE id = ?', id);
    return r ? publicStaff(toStaff(r)) : undefined;
  }

  async getStaffByUsername(username: string): Promise<StaffWithSecret | undefined> {
    const r = this.#get('SELECT * FROM staff WHERE username = ?', username);
    return r ? toStaff(r) : undefined;
  }

  async setStaffActive(id: string, active: boolean): Promise<void> {
    this.#sql('UPDATE staff SET active = ? WHERE id = ?').run(active ? 1 : 0, id);
  }

  async listMediators(organisationId: string): Promise<(StaffMember & { openCases: number })[]> {
    return this.#all(
      `SELECT s.*, (SELECT COUNT(*) FROM cases c WHERE c.mediator_id = s.id
                    AND c.status IN ('registered', 'accepted', 'in_mediation')) AS open_cases
       FROM staff s WHERE s.organisation_id = ? AND s.role = 'mediator' AND s.active = 1
       ORDER BY open_cases, s.display_name`,
      organisationId,
    ).map((r) => ({ ...publicStaff(toStaff(r)), openCases: r['open_cases'] as number }));
  }

  async countCasesReceivedInYear(organisationId: string, year: number): Promise<number> {
    const r = this.#get(
      'SELECT COUNT(*) AS n FROM cases WHERE organisation_id = ? AND substr(case_number, 1, 4) = ?',
      organisationId,
      String(year),
    );
    return (r?.['n'] as number) ?? 0;
  }

  async insertCase(c: MediationCase): Promise<void> {
    this.#sql(
      `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, source_reference, priority_groups,
         intake_mode, application, received_on, registered_at, registered_by, decision, mediator_id, mediation_due_on,
         outcome, closed_at, archived_at, version, updated_at)
       VALUES (@id, @case_number, @organisation_id, @status, @dispute_type, @source, @source_reference, @priority_groups,
         @intake_mode, @application, @received_on, @registered_at, @registered_by, @decision, @mediator_id, @mediation_due_on,
         @outcome, @closed_at, @archived_at, @version, @updated_at)`,
    ).run(caseParams(c));
  }

  async updateCase(c: MediationCase): Promise<void> {
    const result = this.#sql(
      `UPDATE cases SET status = @status, dispute_type = @dispute_type, source = @source, source_reference = @source_reference,
         priority_groups = @priority_groups, application = @application, decision = @decision, mediator_id = @mediator_id,
         mediation_due_on = @mediation_due_on, outcome = @outcome, closed_at = @closed_at, archived_at = @archived_at,
         version = @version, updated_at = @updated_at
       WHERE id = @id AND version = @version - 1`,
    ).run(caseParams(c));
    if (result.changes !== 1) throw fail('CASE_CHANGED_MEANWHILE');
  }

  async getCase(id: string): Promise<MediationCase | undefined> {
    const r = this.#get('SELECT * FROM cases WHERE id = ?', id);
    return r ? toCase(r) : undefined;
  }

  async listCases(filter: CaseFilter): Promise<MediationCase[]> {
    return this.#all(
      `SELECT * FROM cases WHERE organisation_id = @organisationId
         AND (@mediatorId IS NULL OR mediator_id = @mediatorId)
         AND (@status IS NULL OR status = @status)
       ORDER BY registered_at DESC`,
      {
        organisationId: filter.organisationId,
        mediatorId: filter.mediatorId ?? null,
        status: filter.status ?? null,
      },
    ).map(toCase);
  }

  async insertPerson(p: CasePerson): Promise<void> {
    this.#sql(
      `INSERT INTO case_people (id, case_id, kind, name, id_number, phone, address, legal_representative, is_organisation,
         represents_id, power_of_attorney, service_address, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.id,
      p.caseId,
      p.kind,
      p.name,
      p.idNumber,
      p.phone,
      p.address,
      p.legalRepresentative,
      p.isOrganisation ? 1 : 0,
      p.representsId,
      p.powerOfAttorney ? JSON.stringify(p.powerOfAttorney) : null,
      p.serviceAddress,
      p.createdAt,
    );
  }

  async getPerson(id: string): Promise<CasePerson | undefined> {
    const r = this.#get('SELECT * FROM case_people WHERE id = ?', id);
    return r ? toPerson(r) : undefined;
  }

  async listPeople(caseId: string): Promise<CasePerson[]> {
    return this.#all(
      'SELECT * FROM case_people WHERE case_id = ? ORDER BY created_at, rowid',
      caseId,
    ).map(toPerson);
  }

  async insertDisclosure(d: ConflictDisclosure): Promise<void> {
    this.#sql(
      'INSERT INTO conflict_disclosures (id, case_id, mediator_id, assignment_id, has_conflict, statement, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(d.id, d.caseId, d.mediatorId, d.assignmentId, d.hasConflict ? 1 : 0, d.statement, d.at);
  }

  async listDisclosures(caseId: string): Promise<ConflictDisclosure[]> {
    return this.#all(
      'SELECT * FROM conflict_disclosures WHERE case_id = ? ORDER BY at, rowid',
      caseId,
    ).map((r) => ({
      id: str(r['id']),
      caseId: str(r['case_id']),
      mediatorId: str(r['mediator_id']),
      assignmentId: strOrNull(r['assignment_id']),
      hasConflict: r['has_conflict'] === 1,
      statement: str(r['statement']),
      at: str(r['at']),
    }));
  }

  async insertSession(s: MediationSessionRecord): Promise<void> {
    this.#sql(
      `INSERT INTO mediation_sessions (id, case_id, status, scheduled_start, scheduled_end, started_at, ended_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      s.id,
      s.caseId,
      s.status,
      s.scheduledStart,
      s.scheduledEnd,
      s.startedAt,
      s.endedAt,
      s.createdBy,
    );
  }

  async updateSession(s: MediationSessionRecord): Promise<void> {
    this.#sql(
      'UPDATE mediation_sessions SET status = ?, started_at = ?, ended_at = ? WHERE id = ?',
    ).run(s.status, s.startedAt, s.endedAt, s.id);
  }

  async getSession(id: string): Promise<MediationSessionRecord | undefined> {
    const r = this.#get('SELECT * FROM mediation_sessions WHERE id = ?', id);
    return r ? toSession(r) : undefined;
  }

  async listSessions(caseId: string): Promise<MediationSessionRecord[]> {
    return this.#all(
      'SELECT * FROM mediation_sessions WHERE case_id = ? ORDER BY scheduled_start, rowid',
      caseId,
    ).map(toSession);
  }

  async insertInvitation(i: Invitation): Promise<void> {
    this.#sql(
      'INSERT INTO invitations (id, case_id, person_id, expires_at, revoked_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(i.id, i.caseId, i.personId, i.expiresAt, i.revokedAt, i.createdBy, i.createdAt);
  }

  async getInvitation(id: string): Promise<Invitation | undefined> {
    const r = this.#get('SELECT * FROM invitations WHERE id = ?', id);
    return r ? toInvitation(r) : undefined;
  }

  async revokeInvitation(id: string, at: string): Promise<void> {
    this.#sql('UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(
      at,
      id,
    );
  }

  async listInvitations(caseId: string): Promise<Invitation[]> {
    return this.#all(
      'SELECT * FROM invitations WHERE case_id = ? ORDER BY created_at, rowid',
      caseId,
    ).map(toInvitation);
  }

  async insertDeadline(d: CaseDeadline): Promise<void> {
    this.#sql(
      `INSERT INTO deadlines (id, case_id, kind, due_on, basis, consequence, provisional, missing_calendar_years, status, created_at, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      d.id,
      d.caseId,
      d.kind,
      d.dueOn,
      d.basis,
      d.consequence,
      d.provisional ? 1 : 0,
      JSON.stringify(d.missingCalendarYears),
      d.status,
      d.createdAt,
      d.resolvedAt,
    );
  }

  async listDeadlines(caseId: string): Promise<CaseDeadline[]> {
    return this.#all(
      'SELECT * FROM deadlines WHERE case_id = ? ORDER BY due_on, rowid',
      caseId,
    ).map(toDeadline);
  }

  async listOrganisationDeadlines(organisationId: string): Promise<CaseDeadline[]> {
    return this.#all(
      'SELECT d.* FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE c.organisation_id = ? ORDER BY d.due_on, d.rowid',
      organisationId,
    ).map(toDeadline);
  }

  async listOpenDeadlinesBefore(today: string): Promise<CaseDeadline[]> {
    return this.#all(
      "SELECT * FROM deadlines WHERE status = 'open' AND due_on < ? ORDER BY due_on, rowid",
      today,
    ).map(toDeadline);
  }

  async setDeadlineStatus(id: string, status: DeadlineStatus, at: string): Promise<void> {
    this.#sql('UPDATE deadlines SET status = ?, resolved_at = ? WHERE id = ?').run(status, at, id);
  }

  async listUnresolvedDeadlines(): Promise<CaseDeadline[]> {
    return this.#all(
      "SELECT * FROM deadlines WHERE status IN ('open', 'overdue') ORDER BY case_id, due_on, rowid",
    ).map(toDeadline);
  }

  async updateDeadlineDue(
    id: string,
    due: Pick<CaseDeadline, 'dueOn' | 'provisional' | 'missingCalendarYears' | 'status'>,
  ): Promise<void> {
    this.#sql(
      `UPDATE deadlines SET due_on = ?, provisional = ?, missing_calendar_years = ?, status = ?,
         resolved_at = CASE WHEN ? = 'open' THEN NULL ELSE resolved_at END
       WHERE id = ? AND status IN ('open', 'overdue')`,
    ).run(
      due.dueOn,
      due.provisional ? 1 : 0,
      JSON.stringify(due.missingCalendarYears),
      due.status,
      due.status,
      id,
    );
  }

  async insertNotice(n: CaseNotice): Promise<boolean> {
    const result = this.#sql(
      'INSERT OR IGNORE INTO notices (id, case_id, kind, deadline_id, created_at, data, document_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(n.id, n.caseId, n.kind, n.deadlineId, n.createdAt, JSON.stringify(n.data), n.documentId);
    return result.changes === 1;
  }

  async listNotices(caseId: string): Promise<CaseNotice[]> {
    return this.#all(
      'SELECT * FROM notices WHERE case_id = ? ORDER BY created_at, rowid',
      caseId,
    ).map(toNotice);
  }

  async getNotice(id: string): Promise<CaseNotice | undefined> {
    const r = this.#get('SELECT * FROM notices WHERE id = ?', id);
    return r ? toNotice(r) : undefined;
  }

  async listUnservedNotices(): Promise<CaseNotice[]> {
    return this.#all(
      'SELECT * FROM notices WHERE document_id IS NULL ORDER BY created_at, rowid',
    ).map(toNotice);
  }

  async setNoticeDocument(id: string, documentId: string): Promise<boolean> {
    const result = this.#sql(
      'UPDATE notices SET document_id = ? WHERE id = ? AND document_id IS NULL',
    ).run(documentId, id);
    return result.changes === 1;
  }

  async listOpenDeadlinesDueBy(last: string): Promise<CaseDeadline[]> {
    return this.#all(
      "SELECT * FROM deadlines WHERE status = 'open' AND due_on <= ? ORDER BY due_on, rowid",
      last,
    ).map(toDeadline);
  }

  async insertFollowUp(f: FollowUpVisit): Promise<void> {
    this.#sql(
      'INSERT INTO follow_ups (id, case_id, at, by_staff, method, notes, result) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(f.id, f.caseId, f.at, f.by, f.method, f.notes, f.result);
  }

  async listFollowUps(caseId: string): Promise<FollowUpVisit[]> {
    return this.#all('SELECT * FROM follow_ups WHERE case_id = ? ORDER BY at, rowid', caseId).map(
      (r) => ({
        id: str(r['id']),
        caseId: str(r['case_id']),
        at: str(r['at']),
        by: str(r['by_staff']),
        method: r['method'] as FollowUpVisit['method'],
        notes: str(r['notes']),
        result: r['result'] as FollowUpVisit['result'],
      }),
    );
  }

  async insertAssignment(a: MediatorAssignment): Promise<void> {
    this.#sql(
      `INSERT INTO mediator_assignments (id, case_id, mediator_id, assigned_at, assigned_by, ended_at, ended_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(a.id, a.caseId, a.mediatorId, a.assignedAt, a.assignedBy, a.endedAt, a.endedReason);
  }

  async currentAssignment(caseId: string): Promise<MediatorAssignment | undefined> {
    const r = this.#get(
      'SELECT * FROM mediator_assignments WHERE case_id = ? AND ended_at IS NULL ORDER BY assigned_at DESC, rowid DESC LIMIT 1',
      caseId,
    );
    return r
      ? {
          id: str(r['id']),
          caseId: str(r['case_id']),
          mediatorId: str(r['mediator_id']),
          assignedAt: str(r['assigned_at']),
          assignedBy: str(r['assigned_by']),
          endedAt: strOrNull(r['ended_at']),
          endedReason: strOrNull(r['ended_reason']) as MediatorAssignment['endedReason'],
        }
      : undefined;
  }

  async endAssignments(
    caseId: string,
    at: string,
    reason: NonNullable<MediatorAssignment['endedReason']>,
  ): Promise<void> {
    this.#sql(
      'UPDATE mediator_assignments SET ended_at = ?, ended_reason = ? WHERE case_id = ? AND ended_at IS NULL',
    ).run(at, reason, caseId);
  }

  async insertRecusalRequest(q: RecusalRequest): Promise<void> {
    this.#sql(
      `INSERT INTO recusal_requests (id, case_id, mediator_id, assignment_id, requested_by, reasons, requested_at,
         request_document_id, status, decided_by, decided_at, decision_reasons, decision_document_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      q.id,
      q.caseId,
      q.mediatorId,
      q.assignmentId,
      q.requestedBy,
      q.reasons,
      q.requestedAt,
      q.requestDocumentId,
      q.status,
      q.decidedBy,
      q.decidedAt,
      q.decisionReasons,
      q.decisionDocumentId,
    );
  }

  async updateRecusalRequest(q: RecusalRequest): Promise<void> {
    this.#sql(
      `UPDATE recusal_requests SET request_document_id = ?, status = ?, decided_by = ?, decided_at = ?,
         decision_reasons = ?, decision_document_id = ? WHERE id = ?`,
    ).run(
      q.requestDocumentId,
      q.status,
      q.decidedBy,
      q.decidedAt,
      q.decisionReasons,
      q.decisionDocumentId,
      q.id,
    );
  }

  async listRecusalRequests(caseId: string): Promise<RecusalRequest[]> {
    return this.#all(
      'SELECT * FROM recusal_requests WHERE case_id = ? ORDER BY requested_at, rowid',
      caseId,
    ).map((r) => ({
      id: str(r['id']),
      caseId: str(r['case_id']),
      mediatorId: str(r['mediator_id']),
      assignmentId: strOrNull(r['assignment_id']),
      requestedBy: str(r['requested_by']),
      reasons: str(r['reasons']),
      requestedAt: str(r['requested_at']),
      requestDocumentId: strOrNull(r['request_document_id']),
      status: r['status'] as RecusalRequest['status'],
      decidedBy: strOrNull(r['decided_by']),
      decidedAt: strOrNull(r['decided_at']),
      decisionReasons: strOrNull(r['decision_reasons']),
      decisionDocumentId: strOrNull(r['decision_document_id']),
    }));
  }

  async insertMediationResponse(m: MediationResponse): Promise<void> {
    this.#sql(
      `INSERT INTO mediation_responses (id, case_id, respondent_id, decision, given_by, given_by_role, channel,
         evidence_id, evidence_sha256, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      m.id,
      m.caseId,
      m.respondentId,
      m.decision,
      m.givenBy,
      m.givenByRole,
      m.channel,
      m.evidenceId,
      m.evidenceSha256,
      m.note,
      m.at,
    );
  }

  async listMediationResponses(caseId: string): Promise<MediationResponse[]> {
    return this.#all(
      'SELECT * FROM mediation_responses WHERE case_id = ? ORDER BY at, rowid',
      caseId,
    ).map((r) => ({
      id: str(r['id']),
      caseId: str(r['case_id']),
      respondentId: str(r['respondent_id']),
      decision: r['decision'] as MediationResponse['decision'],
      givenBy: str(r['given_by']),
      givenByRole: str(r['given_by_role']),
      channel: r['channel'] as MediationResponse['channel'],
      evidenceId: strOrNull(r['evidence_id']),
      evidenceSha256: strOrNull(r['evidence_sha256']),
      note: strOrNull(r['note']),
      at: str(r['at']),
    }));
  }
}

function toNotice(r: Row): CaseNotice {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    kind: r['kind'] as CaseNotice['kind'],
    deadlineId: strOrNull(r['deadline_id']),
    createdAt: str(r['created_at']),
    data: json(r['data']),
    documentId: strOrNull(r['document_id']),
  };
}
