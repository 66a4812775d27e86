/**
 * Organisations and their staff: accounts (with the password hash, which only
 * sign-in reads) and the mediators with their open-case load.
 */
import type { CaseRepository, StaffWithSecret } from '../../cases/CaseRepository.js';
import type { NewOrganisation, Organisation, StaffMember } from '../../cases/model.js';
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

function toOrganisation(r: Row): Organisation {
  return {
    id: str(r['id']),
    name: str(r['name']),
    kind: str(r['kind']) as Organisation['kind'],
    parentId: r['parent_id'] === null || r['parent_id'] === undefined ? null : str(r['parent_id']),
    createdAt: str(r['created_at']),
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
      | 'listOrganisations'
      | 'organisationLoad'
      | 'insertStaff'
      | 'getStaff'
      | 'getStaffByUsername'
      | 'setStaffActive'
      | 'listMediators'
    >
{
  async insertOrganisation(o: NewOrganisation): Promise<void> {
    await this.run(
      `INSERT INTO organisations (id, name, kind, parent_id, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      o.id,
      o.name,
      o.kind ?? 'district_centre',
      o.parentId ?? null,
      o.createdBy ?? null,
      new Date().toISOString(),
    );
  }

  async getOrganisation(id: string): Promise<Organisation | undefined> {
    const r = await this.row('SELECT * FROM organisations WHERE id = ?', id);
    return r ? toOrganisation(r) : undefined;
  }

  async listOrganisations(): Promise<Organisation[]> {
    return (await this.rows('SELECT * FROM organisations ORDER BY created_at, id')).map(
      toOrganisation,
    );
  }

  async organisationLoad(): Promise<Map<string, { staff: number; openCases: number }>> {
    const load = new Map<string, { staff: number; openCases: number }>();
    const at = (id: string) => load.get(id) ?? load.set(id, { staff: 0, openCases: 0 }).get(id)!;
    for (const r of await this.rows(
      'SELECT organisation_id, COUNT(*) AS n FROM staff WHERE active = 1 GROUP BY organisation_id',
    ))
      at(str(r['organisation_id'])).staff = Number(r['n']);
    for (const r of await this.rows(
      `SELECT organisation_id, COUNT(*) AS n FROM cases
        WHERE status IN ('registered', 'accepted', 'in_mediation') GROUP BY organisation_id`,
    ))
      at(str(r['organisation_id'])).openCases = Number(r['n']);
    return load;
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

  async setStaffActive(
    id: string,
    active: boolean,
    deactivation?: { at: string; reason: string | null },
  ): Promise<void> {
    await this.run(
      'UPDATE staff SET active = ?, deactivated_at = ?, deactivation_reason = ? WHERE id = ?',
      active ? 1 : 0,
      active ? null : (deactivation?.at ?? new Date().toISOString()),
      active ? null : (deactivation?.reason ?? null),
      id,
    );
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
