/** Institutions and the referrals of cases to them; on either database. */
import type {
  InstitutionRepository,
  SentPaymentOrderPack,
} from '../institutions/InstitutionRepository.js';
import type {
  Institution,
  InstitutionKind,
  Referral,
  ReferralKind,
} from '../institutions/InstitutionService.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toInstitution(r: Row): Institution {
  return {
    id: r['id'] as string,
    organisationId: r['organisation_id'] as string,
    kind: r['kind'] as InstitutionKind,
    name: r['name'] as string,
    webhookUrl: (r['webhook_url'] as string | null) ?? null,
    createdAt: r['created_at'] as string,
    createdBy: r['created_by'] as string,
    revokedAt: (r['revoked_at'] as string | null) ?? null,
  };
}

function toReferral(r: Row): Referral {
  return {
    id: r['id'] as string,
    caseId: r['case_id'] as string,
    institutionId: r['institution_id'] as string,
    kind: r['kind'] as ReferralKind,
    referredAt: r['referred_at'] as string,
    referredBy: r['referred_by'] as string,
    late:
      typeof r['late_reason'] === 'string'
        ? { windowClosedOn: r['window_closed_on'] as string, reason: r['late_reason'] }
        : null,
  };
}

export class SqlInstitutionRepository implements InstitutionRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insertInstitution(i: Institution, keyHash: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO institutions (id, organisation_id, kind, name, webhook_url, key_hash, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [i.id, i.organisationId, i.kind, i.name, i.webhookUrl, keyHash, i.createdAt, i.createdBy],
    );
  }

  async getInstitution(id: string): Promise<Institution | undefined> {
    const r = (await this.#sql.get('SELECT * FROM institutions WHERE id = ?', [id])) as
      Row | undefined;
    return r ? toInstitution(r) : undefined;
  }

  async listInstitutions(organisationId: string): Promise<Institution[]> {
    return (
      (await this.#sql.all(
        'SELECT * FROM institutions WHERE organisation_id = ? ORDER BY created_at, id',
        [organisationId],
      )) as Row[]
    ).map(toInstitution);
  }

  async activeCourts(organisationId: string): Promise<{ id: string; name: string }[]> {
    return (await this.#sql.all(
      `SELECT id, name FROM institutions WHERE organisation_id = ? AND kind = 'court' AND revoked_at IS NULL
         ORDER BY name, id`,
      [organisationId],
    )) as { id: string; name: string }[];
  }

  async setRevoked(id: string, at: string): Promise<void> {
    await this.#sql.run('UPDATE institutions SET revoked_at = ? WHERE id = ?', [at, id]);
  }

  async keyHash(id: string): Promise<string | undefined> {
    const row = (await this.#sql.get('SELECT key_hash FROM institutions WHERE id = ?', [id])) as
      { key_hash: string } | undefined;
    return row?.key_hash;
  }

  async insertReferral(referral: Referral): Promise<void> {
    await this.#sql.run(
      `INSERT INTO referrals (id, case_id, institution_id, kind, referred_at, referred_by,
           late_reason, window_closed_on)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        referral.id,
        referral.caseId,
        referral.institutionId,
        referral.kind,
        referral.referredAt,
        referral.referredBy,
        referral.late?.reason ?? null,
        referral.late?.windowClosedOn ?? null,
      ],
    );
  }

  async findReferral(
    caseId: string,
    institutionId: string,
    kind: ReferralKind,
  ): Promise<Referral | undefined> {
    const r = (await this.#sql.get(
      'SELECT * FROM referrals WHERE case_id = ? AND institution_id = ? AND kind = ?',
      [caseId, institutionId, kind],
    )) as Row | undefined;
    return r ? toReferral(r) : undefined;
  }

  async getReferral(caseId: string, id: string): Promise<Referral | undefined> {
    const r = (await this.#sql.get('SELECT * FROM referrals WHERE id = ? AND case_id = ?', [
      id,
      caseId,
    ])) as Row | undefined;
    return r ? toReferral(r) : undefined;
  }

  async listCaseReferrals(caseId: string): Promise<(Referral & { institutionName: string })[]> {
    return (
      (await this.#sql.all(
        `SELECT r.*, i.name AS institution_name FROM referrals r JOIN institutions i ON i.id = r.institution_id
           WHERE r.case_id = ? ORDER BY r.referred_at, r.id`,
        [caseId],
      )) as Row[]
    ).map((r) => ({ ...toReferral(r), institutionName: r['institution_name'] as string }));
  }

  async listInstitutionReferrals(institutionId: string): Promise<Referral[]> {
    return (
      (await this.#sql.all(
        'SELECT * FROM referrals WHERE institution_id = ? ORDER BY referred_at, id',
        [institutionId],
      )) as Row[]
    ).map(toReferral);
  }

  async isReferred(institutionId: string, caseId: string): Promise<boolean> {
    return (
      (await this.#sql.get('SELECT 1 FROM referrals WHERE institution_id = ? AND case_id = ?', [
        institutionId,
        caseId,
      ])) !== undefined
    );
  }

  async packsSentTo(institutionId: string): Promise<SentPaymentOrderPack[]> {
    return (
      (await this.#sql.all(
        'SELECT id, case_id, created_at, sha256, size FROM payment_orders WHERE institution_id = ? ORDER BY created_at, id',
        [institutionId],
      )) as {
        id: string;
        case_id: string;
        created_at: string;
        sha256: string;
        size: number;
      }[]
    ).map((p) => ({
      id: p.id,
      caseId: p.case_id,
      createdAt: p.created_at,
      sha256: p.sha256,
      size: p.size,
    }));
  }
}
