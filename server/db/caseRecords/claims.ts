/**
 * Each applicant's own claims, and the findings on each person's part of an effective
 * agreement: the records of disputes with several workers (server/cases/personClaims.ts).
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { PerformanceRecord, PersonClaims } from '../../cases/model.js';
import { SqlRecords, json, str, strOrNull, type Row } from './rows.js';

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toPerformance(r: Row): PerformanceRecord {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    personId: str(r['person_id']),
    result: str(r['result']) as PerformanceRecord['result'],
    amountPaid: numOrNull(r['amount_paid']),
    note: str(r['note']),
    evidenceId: strOrNull(r['evidence_id']),
    recordedAt: str(r['recorded_at']),
    recordedBy: str(r['recorded_by']),
  };
}

export class ClaimRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      | 'setPersonClaims'
      | 'listPersonClaims'
      | 'organisationClaimed'
      | 'insertPerformance'
      | 'listPerformance'
    >
{
  async setPersonClaims(c: PersonClaims): Promise<void> {
    const amounts = c.claims.map((x) => x.amount).filter((x): x is number => x !== null);
    const total = amounts.length > 0 ? amounts.reduce((a, b) => a + b, 0) : null;
    await this.run(
      `INSERT INTO case_person_claims (case_id, person_id, claims, amount, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (case_id, person_id) DO UPDATE SET claims = excluded.claims,
         amount = excluded.amount, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      c.caseId,
      c.personId,
      JSON.stringify(c.claims),
      total,
      c.updatedAt,
      c.updatedBy,
    );
  }

  async listPersonClaims(caseId: string): Promise<PersonClaims[]> {
    return (
      await this.rows(
        'SELECT * FROM case_person_claims WHERE case_id = ? ORDER BY updated_at, person_id',
        caseId,
      )
    ).map((r) => ({
      caseId: str(r['case_id']),
      personId: str(r['person_id']),
      claims: json<PersonClaims['claims']>(r['claims']),
      updatedAt: str(r['updated_at']),
      updatedBy: str(r['updated_by']),
    }));
  }

  async organisationClaimed(organisationId: string): Promise<Map<string, number>> {
    const rows = await this.rows(
      `SELECT k.case_id AS case_id, SUM(k.amount) AS amount
         FROM case_person_claims k JOIN cases c ON c.id = k.case_id
        WHERE c.organisation_id = ? AND k.amount IS NOT NULL
        GROUP BY k.case_id`,
      organisationId,
    );
    return new Map(rows.map((r) => [str(r['case_id']), Number(r['amount'])]));
  }

  async insertPerformance(p: PerformanceRecord): Promise<void> {
    await this.run(
      `INSERT INTO agreement_performance (id, case_id, person_id, result, amount_paid, note,
         evidence_id, recorded_at, recorded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.id,
      p.caseId,
      p.personId,
      p.result,
      p.amountPaid,
      p.note,
      p.evidenceId,
      p.recordedAt,
      p.recordedBy,
    );
  }

  async listPerformance(caseId: string): Promise<PerformanceRecord[]> {
    return (
      await this.rows(
        'SELECT * FROM agreement_performance WHERE case_id = ? ORDER BY recorded_at, rowid',
        caseId,
      )
    ).map(toPerformance);
  }
}
