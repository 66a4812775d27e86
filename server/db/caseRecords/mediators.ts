/**
 * Who mediates a case: assignments, the mediator's conflict disclosures, and
 * requests for recusal with their decisions.
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { ConflictDisclosure, MediatorAssignment, RecusalRequest } from '../../cases/model.js';
import { SqlRecords, str, strOrNull } from './rows.js';

export class MediatorRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      | 'insertDisclosure'
      | 'listDisclosures'
      | 'insertAssignment'
      | 'currentAssignment'
      | 'endAssignments'
      | 'insertRecusalRequest'
      | 'updateRecusalRequest'
      | 'listRecusalRequests'
    >
{
  async insertDisclosure(d: ConflictDisclosure): Promise<void> {
    await this.run(
      'INSERT INTO conflict_disclosures (id, case_id, mediator_id, assignment_id, has_conflict, statement, at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      d.id,
      d.caseId,
      d.mediatorId,
      d.assignmentId,
      d.hasConflict ? 1 : 0,
      d.statement,
      d.at,
    );
  }

  async listDisclosures(caseId: string): Promise<ConflictDisclosure[]> {
    return (
      await this.rows(
        'SELECT * FROM conflict_disclosures WHERE case_id = ? ORDER BY at, rowid',
        caseId,
      )
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

  async insertAssignment(a: MediatorAssignment): Promise<void> {
    await this.run(
      `INSERT INTO mediator_assignments (id, case_id, mediator_id, assigned_at, assigned_by, ended_at, ended_reason)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      a.id,
      a.caseId,
      a.mediatorId,
      a.assignedAt,
      a.assignedBy,
      a.endedAt,
      a.endedReason,
    );
  }

  async currentAssignment(caseId: string): Promise<MediatorAssignment | undefined> {
    const r = await this.row(
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
    await this.run(
      'UPDATE mediator_assignments SET ended_at = ?, ended_reason = ? WHERE case_id = ? AND ended_at IS NULL',
      at,
      reason,
      caseId,
    );
  }

  async insertRecusalRequest(q: RecusalRequest): Promise<void> {
    await this.run(
      `INSERT INTO recusal_requests (id, case_id, mediator_id, assignment_id, requested_by, reasons, requested_at,
         request_document_id, status, decided_by, decided_at, decision_reasons, decision_document_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    await this.run(
      `UPDATE recusal_requests SET request_document_id = ?, status = ?, decided_by = ?, decided_at = ?,
         decision_reasons = ?, decision_document_id = ? WHERE id = ?`,
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
    return (
      await this.rows(
        'SELECT * FROM recusal_requests WHERE case_id = ? ORDER BY requested_at, rowid',
        caseId,
      )
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
}
