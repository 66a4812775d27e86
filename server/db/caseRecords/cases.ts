/**
 * Cases: the case row (application, decision, outcome as JSON), its optimistic
 * version, and the yearly count behind case numbers.
 */
import type { CaseRepository, CaseFilter } from '../../cases/CaseRepository.js';
import type { MediationCase } from '../../cases/model.js';
import type { SqlValue } from '../sql/SqlClient.js';
import { fail } from '../../errors.js';
import { SqlRecords, str, strOrNull, json, jsonOrNull, type Row } from './rows.js';

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

/** The case's columns in the order CASE_COLUMNS names them. */
const CASE_COLUMNS = [
  'id',
  'case_number',
  'organisation_id',
  'status',
  'dispute_type',
  'source',
  'source_reference',
  'priority_groups',
  'intake_mode',
  'application',
  'received_on',
  'registered_at',
  'registered_by',
  'decision',
  'mediator_id',
  'mediation_due_on',
  'outcome',
  'closed_at',
  'archived_at',
  'version',
  'updated_at',
] as const;

function caseParams(c: MediationCase): Record<(typeof CASE_COLUMNS)[number], SqlValue> {
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

/** What an update may change, in the order of the SET clause below. */
const UPDATED_COLUMNS = [
  'status',
  'dispute_type',
  'source',
  'source_reference',
  'priority_groups',
  'application',
  'decision',
  'mediator_id',
  'mediation_due_on',
  'outcome',
  'closed_at',
  'archived_at',
  'version',
  'updated_at',
] as const;

export class CaseRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      'highestCaseSerial' | 'moveCase' | 'insertCase' | 'updateCase' | 'getCase' | 'listCases'
    >
{
  async highestCaseSerial(organisationId: string, year: number): Promise<number> {
    // Read in JS: a number of another form must not make PostgreSQL's cast fail.
    const rows = await this.rows(
      `SELECT case_number FROM cases WHERE organisation_id = ? AND substr(case_number, 1, 5) = ?
       UNION ALL
       SELECT case_number FROM retired_case_numbers
        WHERE organisation_id = ? AND substr(case_number, 1, 5) = ?`,
      organisationId,
      `${year}-`,
      organisationId,
      `${year}-`,
    );
    let highest = 0;
    for (const r of rows) {
      const serial = /^\d{4}-(\d{1,9})$/.exec(String(r['case_number']))?.[1];
      if (serial) highest = Math.max(highest, Number(serial));
    }
    return highest;
  }

  async moveCase(caseId: string, organisationId: string, caseNumber: string): Promise<void> {
    await this.run(
      `INSERT INTO retired_case_numbers (organisation_id, case_number, case_id, retired_at)
       SELECT organisation_id, case_number, id, ? FROM cases WHERE id = ?`,
      new Date().toISOString(),
      caseId,
    );
    await this.run(
      'UPDATE cases SET organisation_id = ?, case_number = ? WHERE id = ?',
      organisationId,
      caseNumber,
      caseId,
    );
  }

  async insertCase(c: MediationCase): Promise<void> {
    const p = caseParams(c);
    await this.run(
      `INSERT INTO cases (${CASE_COLUMNS.join(', ')})
       VALUES (${CASE_COLUMNS.map(() => '?').join(', ')})`,
      ...CASE_COLUMNS.map((column) => p[column]),
    );
  }

  async updateCase(c: MediationCase): Promise<void> {
    const p = caseParams(c);
    const result = await this.run(
      `UPDATE cases SET ${UPDATED_COLUMNS.map((column) => `${column} = ?`).join(', ')}
       WHERE id = ? AND version = ?`,
      ...UPDATED_COLUMNS.map((column) => p[column]),
      c.id,
      c.version - 1,
    );
    if (result.changes !== 1) throw fail('CASE_CHANGED_MEANWHILE');
  }

  async getCase(id: string): Promise<MediationCase | undefined> {
    const r = await this.row('SELECT * FROM cases WHERE id = ?', id);
    return r ? toCase(r) : undefined;
  }

  async listCases(filter: CaseFilter): Promise<MediationCase[]> {
    const mediatorId = filter.mediatorId ?? null;
    const status = filter.status ?? null;
    // CAST: PostgreSQL must know a parameter's type to test it for NULL.
    return (
      await this.rows(
        `SELECT * FROM cases WHERE organisation_id = ?
         AND (CAST(? AS TEXT) IS NULL OR mediator_id = ?)
         AND (CAST(? AS TEXT) IS NULL OR status = ?)
       ORDER BY registered_at DESC`,
        filter.organisationId,
        mediatorId,
        mediatorId,
        status,
        status,
      )
    ).map(toCase);
  }
}
