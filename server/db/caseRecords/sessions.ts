/**
 * The mediation sessions of a case: scheduled, started, ended.
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { MediationSessionRecord } from '../../cases/model.js';
import { SqlRecords, str, strOrNull, type Row } from './rows.js';

function toSession(r: Row): MediationSessionRecord {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    status: r['status'] as MediationSessionRecord['status'],
    mode: (r['mode'] ?? 'online') as MediationSessionRecord['mode'],
    scheduledStart: str(r['scheduled_start']),
    scheduledEnd: strOrNull(r['scheduled_end']),
    startedAt: strOrNull(r['started_at']),
    endedAt: strOrNull(r['ended_at']),
    createdBy: str(r['created_by']),
  };
}

export class SessionRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      'insertSession' | 'updateSession' | 'getSession' | 'listSessions' | 'listOrganisationSessions'
    >
{
  async listOrganisationSessions(organisationId: string): Promise<MediationSessionRecord[]> {
    return (
      await this.rows(
        `SELECT m.* FROM mediation_sessions m JOIN cases c ON c.id = m.case_id
          WHERE c.organisation_id = ? ORDER BY m.scheduled_start, m.rowid`,
        organisationId,
      )
    ).map(toSession);
  }

  async insertSession(s: MediationSessionRecord): Promise<void> {
    await this.run(
      `INSERT INTO mediation_sessions (id, case_id, status, mode, scheduled_start, scheduled_end, started_at, ended_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id,
      s.caseId,
      s.status,
      s.mode,
      s.scheduledStart,
      s.scheduledEnd,
      s.startedAt,
      s.endedAt,
      s.createdBy,
    );
  }

  async updateSession(s: MediationSessionRecord): Promise<void> {
    await this.run(
      'UPDATE mediation_sessions SET status = ?, started_at = ?, ended_at = ? WHERE id = ?',
      s.status,
      s.startedAt,
      s.endedAt,
      s.id,
    );
  }

  async getSession(id: string): Promise<MediationSessionRecord | undefined> {
    const r = await this.row('SELECT * FROM mediation_sessions WHERE id = ?', id);
    return r ? toSession(r) : undefined;
  }

  async listSessions(caseId: string): Promise<MediationSessionRecord[]> {
    return (
      await this.rows(
        'SELECT * FROM mediation_sessions WHERE case_id = ? ORDER BY scheduled_start, rowid',
        caseId,
      )
    ).map(toSession);
  }
}
