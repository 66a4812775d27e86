/**
 * Cases: the case row (application, decision, outcome as JSON), its optimistic
 * version, and the yearly count behind case numbers.
 */
import type { CaseRepository, CaseFilter } from '../../cases/CaseRepository.js';
import type { MediationCase } from '../../cases/model.js';
import { fail } from '../../errors.js';
import { SqliteRecords, str, strOrNull, json, jsonOrNull, type Row } from './rows.js';

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

export class CaseRecords
  extends SqliteRecords
  implements
    Pick<
      CaseRepository,
      'countCasesReceivedInYear' | 'insertCase' | 'updateCase' | 'getCase' | 'listCases'
    >
{
  async countCasesReceivedInYear(organisationId: string, year: number): Promise<number> {
    const r = this.row(
      'SELECT COUNT(*) AS n FROM cases WHERE organisation_id = ? AND substr(case_number, 1, 4) = ?',
      organisationId,
      String(year),
    );
    return (r?.['n'] as number) ?? 0;
  }

  async insertCase(c: MediationCase): Promise<void> {
    this.sql(
      `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, source_reference, priority_groups,
         intake_mode, application, received_on, registered_at, registered_by, decision, mediator_id, mediation_due_on,
         outcome, closed_at, archived_at, version, updated_at)
       VALUES (@id, @case_number, @organisation_id, @status, @dispute_type, @source, @source_reference, @priority_groups,
         @intake_mode, @application, @received_on, @registered_at, @registered_by, @decision, @mediator_id, @mediation_due_on,
         @outcome, @closed_at, @archived_at, @version, @updated_at)`,
    ).run(caseParams(c));
  }

  async updateCase(c: MediationCase): Promise<void> {
    const result = this.sql(
      `UPDATE cases SET status = @status, dispute_type = @dispute_type, source = @source, source_reference = @source_reference,
         priority_groups = @priority_groups, application = @application, decision = @decision, mediator_id = @mediator_id,
         mediation_due_on = @mediation_due_on, outcome = @outcome, closed_at = @closed_at, archived_at = @archived_at,
         version = @version, updated_at = @updated_at
       WHERE id = @id AND version = @version - 1`,
    ).run(caseParams(c));
    if (result.changes !== 1) throw fail('CASE_CHANGED_MEANWHILE');
  }

  async getCase(id: string): Promise<MediationCase | undefined> {
    const r = this.row('SELECT * FROM cases WHERE id = ?', id);
    return r ? toCase(r) : undefined;
  }

  async listCases(filter: CaseFilter): Promise<MediationCase[]> {
    return this.rows(
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
}
