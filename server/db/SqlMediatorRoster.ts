/** The mediator roster's records (server/organisations/MediatorRoster.ts), on either database. */
import type { RosterMediator, RosterRepository } from '../organisations/MediatorRoster.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;
const s = (v: unknown) => String(v);
const sOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class SqlMediatorRoster implements RosterRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async mediators(organisationIds: readonly string[]): Promise<RosterMediator[]> {
    if (organisationIds.length === 0) return [];
    return (
      await this.#sql.all<Row>(
        `SELECT id, display_name, organisation_id, active, mediator_kind, expertise, specialties,
                deactivated_at, deactivation_reason
           FROM staff WHERE role = 'mediator' AND organisation_id IN (${marks(organisationIds.length)})
          ORDER BY active DESC, display_name, id`,
        [...organisationIds],
      )
    ).map((r) => ({
      id: s(r['id']),
      displayName: s(r['display_name']),
      organisationId: s(r['organisation_id']),
      active: Number(r['active']) === 1,
      mediatorKind: s(r['mediator_kind']) as RosterMediator['mediatorKind'],
      expertise: sOrNull(r['expertise']),
      specialties: JSON.parse(s(r['specialties'])) as RosterMediator['specialties'],
      deactivatedAt: sOrNull(r['deactivated_at']),
      deactivationReason: sOrNull(r['deactivation_reason']),
    }));
  }

  async setProfile(
    staffId: string,
    p: Parameters<RosterRepository['setProfile']>[1],
  ): Promise<void> {
    await this.#sql.run(
      `UPDATE staff SET mediator_kind = ?, expertise = ?, specialties = ? WHERE id = ? AND role = 'mediator'`,
      [p.mediatorKind, p.expertise, JSON.stringify(p.specialties), staffId],
    );
  }

  async insertTraining(t: Parameters<RosterRepository['insertTraining']>[0]): Promise<void> {
    await this.#sql.run(
      `INSERT INTO mediator_trainings (id, staff_id, on_date, title, hours, provider, recorded_by, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [t.id, t.staffId, t.onDate, t.title, t.hours, t.provider, t.recordedBy, t.recordedAt],
    );
  }

  async trainings(staffIds: readonly string[]) {
    if (staffIds.length === 0) return [];
    return (
      await this.#sql.all<Row>(
        `SELECT * FROM mediator_trainings WHERE staff_id IN (${marks(staffIds.length)})
          ORDER BY on_date DESC, rowid DESC`,
        [...staffIds],
      )
    ).map((r) => ({
      id: s(r['id']),
      staffId: s(r['staff_id']),
      onDate: s(r['on_date']),
      title: s(r['title']),
      hours: Number(r['hours']),
      provider: s(r['provider']),
    }));
  }

  async insertAssessment(a: Parameters<RosterRepository['insertAssessment']>[0]): Promise<boolean> {
    const r = await this.#sql.run(
      `INSERT INTO mediator_assessments (id, staff_id, period, result, note, assessed_by, assessed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (staff_id, period) DO NOTHING`,
      [a.id, a.staffId, a.period, a.result, a.note, a.assessedBy, a.assessedAt],
    );
    return r.changes === 1;
  }

  async assessments(staffIds: readonly string[]) {
    if (staffIds.length === 0) return [];
    return (
      await this.#sql.all<Row>(
        `SELECT * FROM mediator_assessments WHERE staff_id IN (${marks(staffIds.length)})
          ORDER BY period DESC`,
        [...staffIds],
      )
    ).map((r) => ({
      id: s(r['id']),
      staffId: s(r['staff_id']),
      period: s(r['period']),
      result: s(r['result']) as 'excellent',
      note: s(r['note']),
      assessedAt: s(r['assessed_at']),
    }));
  }
}
