/**
 * Statutory deadlines of a case and the notices raised for them (a notice
 * names its deadline and, once served, its document).
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { CaseDeadline, CaseNotice, DeadlineStatus } from '../../cases/model.js';
import { SqlRecords, str, strOrNull, json, type Row } from './rows.js';

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

export class DeadlineRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      | 'insertDeadline'
      | 'listDeadlines'
      | 'listOrganisationDeadlines'
      | 'listOpenDeadlinesBefore'
      | 'setDeadlineStatus'
      | 'markDeadlineOverdue'
      | 'listUnresolvedDeadlines'
      | 'updateDeadlineDue'
      | 'listOpenDeadlinesDueBy'
      | 'insertNotice'
      | 'listNotices'
      | 'getNotice'
      | 'listUnservedNotices'
      | 'setNoticeDocument'
    >
{
  async insertDeadline(d: CaseDeadline): Promise<void> {
    await this.run(
      `INSERT INTO deadlines (id, case_id, kind, due_on, basis, consequence, provisional, missing_calendar_years, status, created_at, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    return (
      await this.rows('SELECT * FROM deadlines WHERE case_id = ? ORDER BY due_on, rowid', caseId)
    ).map(toDeadline);
  }

  async listOrganisationDeadlines(organisationId: string): Promise<CaseDeadline[]> {
    return (
      await this.rows(
        'SELECT d.* FROM deadlines d JOIN cases c ON c.id = d.case_id WHERE c.organisation_id = ? ORDER BY d.due_on, d.rowid',
        organisationId,
      )
    ).map(toDeadline);
  }

  async listOpenDeadlinesBefore(today: string): Promise<CaseDeadline[]> {
    return (
      await this.rows(
        "SELECT * FROM deadlines WHERE status = 'open' AND due_on < ? ORDER BY due_on, rowid",
        today,
      )
    ).map(toDeadline);
  }

  async setDeadlineStatus(id: string, status: DeadlineStatus, at: string): Promise<void> {
    await this.run('UPDATE deadlines SET status = ?, resolved_at = ? WHERE id = ?', status, at, id);
  }

  async markDeadlineOverdue(id: string, at: string): Promise<boolean> {
    const result = await this.run(
      "UPDATE deadlines SET status = 'overdue', resolved_at = ? WHERE id = ? AND status = 'open'",
      at,
      id,
    );
    return result.changes === 1;
  }

  async listUnresolvedDeadlines(): Promise<CaseDeadline[]> {
    return (
      await this.rows(
        "SELECT * FROM deadlines WHERE status IN ('open', 'overdue') ORDER BY case_id, due_on, rowid",
      )
    ).map(toDeadline);
  }

  async updateDeadlineDue(
    id: string,
    due: Pick<CaseDeadline, 'dueOn' | 'provisional' | 'missingCalendarYears' | 'status'>,
  ): Promise<void> {
    await this.run(
      `UPDATE deadlines SET due_on = ?, provisional = ?, missing_calendar_years = ?, status = ?,
         resolved_at = CASE WHEN ? = 'open' THEN NULL ELSE resolved_at END
       WHERE id = ? AND status IN ('open', 'overdue')`,
      due.dueOn,
      due.provisional ? 1 : 0,
      JSON.stringify(due.missingCalendarYears),
      due.status,
      due.status,
      id,
    );
  }

  async listOpenDeadlinesDueBy(last: string): Promise<CaseDeadline[]> {
    return (
      await this.rows(
        "SELECT * FROM deadlines WHERE status = 'open' AND due_on <= ? ORDER BY due_on, rowid",
        last,
      )
    ).map(toDeadline);
  }

  async insertNotice(n: CaseNotice): Promise<boolean> {
    const result = await this.run(
      `INSERT INTO notices (id, case_id, kind, deadline_id, created_at, data, document_id) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
      n.id,
      n.caseId,
      n.kind,
      n.deadlineId,
      n.createdAt,
      JSON.stringify(n.data),
      n.documentId,
    );
    return result.changes === 1;
  }

  async listNotices(caseId: string): Promise<CaseNotice[]> {
    return (
      await this.rows('SELECT * FROM notices WHERE case_id = ? ORDER BY created_at, rowid', caseId)
    ).map(toNotice);
  }

  async getNotice(id: string): Promise<CaseNotice | undefined> {
    const r = await this.row('SELECT * FROM notices WHERE id = ?', id);
    return r ? toNotice(r) : undefined;
  }

  async listUnservedNotices(): Promise<CaseNotice[]> {
    return (
      await this.rows('SELECT * FROM notices WHERE document_id IS NULL ORDER BY created_at, rowid')
    ).map(toNotice);
  }

  async setNoticeDocument(id: string, documentId: string): Promise<boolean> {
    const result = await this.run(
      'UPDATE notices SET document_id = ? WHERE id = ? AND document_id IS NULL',
      documentId,
      id,
    );
    return result.changes === 1;
  }
}
