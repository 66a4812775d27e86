/**
 * The people of a case (parties, agents, observers) and the invitations that
 * let them in.
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { CasePerson, CaseRepresentative, Invitation } from '../../cases/model.js';
import { SqlRecords, str, strOrNull, jsonOrNull, type Row } from './rows.js';

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

export class PeopleRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      | 'insertPerson'
      | 'getPerson'
      | 'listPeople'
      | 'insertInvitation'
      | 'getInvitation'
      | 'revokeInvitation'
      | 'listInvitations'
      | 'countOrganisationParties'
      | 'insertRepresentative'
      | 'listRepresentatives'
      | 'revokeRepresentative'
    >
{
  async insertPerson(p: CasePerson): Promise<void> {
    await this.run(
      `INSERT INTO case_people (id, case_id, kind, name, id_number, phone, address, legal_representative, is_organisation,
         represents_id, power_of_attorney, service_address, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    const r = await this.row('SELECT * FROM case_people WHERE id = ?', id);
    return r ? toPerson(r) : undefined;
  }

  async listPeople(caseId: string): Promise<CasePerson[]> {
    return (
      await this.rows(
        'SELECT * FROM case_people WHERE case_id = ? ORDER BY created_at, rowid',
        caseId,
      )
    ).map(toPerson);
  }

  async insertInvitation(i: Invitation): Promise<void> {
    await this.run(
      'INSERT INTO invitations (id, case_id, person_id, expires_at, revoked_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      i.id,
      i.caseId,
      i.personId,
      i.expiresAt,
      i.revokedAt,
      i.createdBy,
      i.createdAt,
    );
  }

  async getInvitation(id: string): Promise<Invitation | undefined> {
    const r = await this.row('SELECT * FROM invitations WHERE id = ?', id);
    return r ? toInvitation(r) : undefined;
  }

  async revokeInvitation(id: string, at: string): Promise<void> {
    await this.run(
      'UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      at,
      id,
    );
  }

  async listInvitations(caseId: string): Promise<Invitation[]> {
    return (
      await this.rows(
        'SELECT * FROM invitations WHERE case_id = ? ORDER BY created_at, rowid',
        caseId,
      )
    ).map(toInvitation);
  }

  async countOrganisationParties(
    organisationId: string,
  ): Promise<Map<string, { persons: number; organisations: number; respondents: number }>> {
    const rows = await this.rows(
      `SELECT p.case_id AS case_id,
              SUM(CASE WHEN p.is_organisation = 0 THEN 1 ELSE 0 END) AS persons,
              SUM(CASE WHEN p.is_organisation = 1 THEN 1 ELSE 0 END) AS organisations,
              SUM(CASE WHEN p.kind = 'respondent' THEN 1 ELSE 0 END) AS respondents
         FROM case_people p JOIN cases c ON c.id = p.case_id
        WHERE c.organisation_id = ? AND p.kind IN ('applicant', 'respondent')
        GROUP BY p.case_id`,
      organisationId,
    );
    return new Map(
      rows.map((r) => [
        str(r['case_id']),
        {
          persons: Number(r['persons']),
          organisations: Number(r['organisations']),
          respondents: Number(r['respondents']),
        },
      ]),
    );
  }

  async insertRepresentative(r: CaseRepresentative): Promise<void> {
    await this.run(
      `INSERT INTO case_representatives (id, case_id, representative_id, represents, may_sign,
         elected_on, evidence_id, recorded_by, recorded_at, revoked_at, revoked_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.id,
      r.caseId,
      r.representativeId,
      JSON.stringify(r.represents),
      r.maySign ? 1 : 0,
      r.electedOn,
      r.evidenceId,
      r.recordedBy,
      r.recordedAt,
      r.revokedAt,
      r.revokedBy,
    );
  }

  async listRepresentatives(caseId: string): Promise<CaseRepresentative[]> {
    return (
      await this.rows(
        'SELECT * FROM case_representatives WHERE case_id = ? ORDER BY recorded_at, rowid',
        caseId,
      )
    ).map((r) => ({
      id: str(r['id']),
      caseId: str(r['case_id']),
      representativeId: str(r['representative_id']),
      represents: JSON.parse(str(r['represents'])) as string[],
      maySign: Number(r['may_sign']) === 1,
      electedOn: str(r['elected_on']),
      evidenceId: str(r['evidence_id']),
      recordedBy: str(r['recorded_by']),
      recordedAt: str(r['recorded_at']),
      revokedAt: strOrNull(r['revoked_at']),
      revokedBy: strOrNull(r['revoked_by']),
    }));
  }

  async revokeRepresentative(id: string, at: string, by: string): Promise<boolean> {
    const result = await this.run(
      'UPDATE case_representatives SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL',
      at,
      by,
      id,
    );
    return result.changes === 1;
  }
}
