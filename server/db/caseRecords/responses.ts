/**
 * What came back from the parties: the respondent's answer to mediation, and
 * follow-up visits after it.
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { FollowUpVisit, MediationResponse } from '../../cases/model.js';
import { SqlRecords, str, strOrNull } from './rows.js';

export class ResponseRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      'insertMediationResponse' | 'listMediationResponses' | 'insertFollowUp' | 'listFollowUps'
    >
{
  async insertMediationResponse(m: MediationResponse): Promise<void> {
    await this.run(
      `INSERT INTO mediation_responses (id, case_id, respondent_id, decision, given_by, given_by_role, channel,
         evidence_id, evidence_sha256, note, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    return (
      await this.rows(
        'SELECT * FROM mediation_responses WHERE case_id = ? ORDER BY at, rowid',
        caseId,
      )
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

  async insertFollowUp(f: FollowUpVisit): Promise<void> {
    await this.run(
      'INSERT INTO follow_ups (id, case_id, at, by_staff, method, notes, result) VALUES (?, ?, ?, ?, ?, ?, ?)',
      f.id,
      f.caseId,
      f.at,
      f.by,
      f.method,
      f.notes,
      f.result,
    );
  }

  async listFollowUps(caseId: string): Promise<FollowUpVisit[]> {
    return (
      await this.rows('SELECT * FROM follow_ups WHERE case_id = ? ORDER BY at, rowid', caseId)
    ).map((r) => ({
      id: str(r['id']),
      caseId: str(r['case_id']),
      at: str(r['at']),
      by: str(r['by_staff']),
      method: r['method'] as FollowUpVisit['method'],
      notes: str(r['notes']),
      result: r['result'] as FollowUpVisit['result'],
    }));
  }
}
