/**
 * Organisations and their staff: accounts (with the password hash, which only
 * sign-in reads) and the mediators with their open-case load.
 */
import type { CaseRepository, StaffWithSecret } from '../../cases/CaseRepository.js';
import type { Organisation, StaffMember } from '../../cases/model.js';
import { SqlRecords, str, json, type Row } from './rows.js';

function toStaff(r: Row): StaffWithSecret {
  return {
    id: str(r['id']),
    organisationId: str(r['organisation_id']),
    username: str(r['username']),
    displayName: str(r['display_name']),
    role: r['role'] as StaffMember['role'],
    specialties: json(r['specialties']),
    active: r['active'] === 1,
    createdAt: str(r['created_at']),
    passwordHash: str(r['password_hash']),
  };
}

function publicStaff(s: StaffWithSecret): StaffMember {
  const { passwordHash: _secret, ...rest } = s;
  return rest;
}

export class StaffRecords
  extends SqlRecords
  implements
    Pick<
      CaseRepository,
      | 'insertOrganisation'
      | 'getOrganisation'
      | 'insertStaff'
      | 'getStaff'
      | 'getStaffByUsername'
      | 'setStaffActive'
      | 'listMediators'
    >
{
  async insertOrganisation(o: Organisation): Promise<void> {
    await this.run(
      'INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)',
      o.id,
      o.name,
      new Date().toISOString(),
    );
  }

  async getOrganisation(id: string): Promise<Organisation | undefined> {
    const r = await this.row('SELECT id, name FROM organisations WHERE id = ?', id);
    return r ? { id: str(r['id']), name: str(r['name']) } : undefined;
  }

  async insertStaff(s: StaffWithSecret): Promise<void> {
    await this.run(
      `INSERT INTO staff (id, organisation_id, username, display_name, role, password_hash, specialties, active, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id,
      s.organisationId,
      s.username,
      s.displayName,
      s.role,
      s.passwordHash,
      JSON.stringify(s.specialties),
      s.active ? 1 : 0,
      s.createdAt,
    );
  }

  async getStaff(id: string): Promise<StaffMember | undefined> {
    const r = await this.row('SELECT * FROM staff WHERE id = ?', id);
    return r ? publicStaff(toStaff(r)) : undefined;
  }

  async getStaffByUsername(username: string): Promise<StaffWithSecret | undefined> {
    const r = await this.row('SELECT * FROM staff WHERE username = ?', username);
    return r ? toStaff(r) : undefined;
  }

  async setStaffActive(id: string, active: boolean): Promise<void> {
    await this.run('UPDATE staff SET active = ? WHERE id = ?', active ? 1 : 0, id);
  }

  async listMediators(organisationId: string): Promise<(StaffMember & { openCases: number })[]> {
    return (
      await this.rows(
        `SELECT s.*, (SELECT COUNT(*) FROM cases c WHERE c.mediator_id = s.id
                    AND c.status IN ('registered', 'accepted', 'in_mediation')) AS open_cases
       FROM staff s WHERE s.organisation_id = ? AND s.role = 'mediator' AND s.active = 1
       ORDER BY open_cases, s.display_name`,
        organisationId,
      )
    ).map((r) => ({ ...publicStaff(toStaff(r)), openCases: r['open_cases'] as number }));
  }
}
