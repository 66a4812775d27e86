/**
 * The people of a case (parties, agents, observers) and the invitations that
 * let them in.
 */
import type { CaseRepository } from '../../cases/CaseRepository.js';
import type { CasePerson, Invitation } from '../../cases/model.js';
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
}
