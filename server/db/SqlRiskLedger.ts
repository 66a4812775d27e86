/** The risk ledger's records (server/risk/RiskRepository.ts), on either database. */
import type {
  CaseSignals,
  RiskAction,
  RiskEntry,
  RiskRepository,
  RiskStaff,
} from '../risk/RiskRepository.js';
import type { RiskSettings } from '../risk/rules.js';
import type { SqlClient, SqlValue } from './sql/SqlClient.js';

type Row = Record<string, unknown>;
const s = (v: unknown): string => String(v);
const sOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toEntry(r: Row): RiskEntry {
  return {
    id: s(r['id']),
    organisationId: s(r['organisation_id']),
    rule: s(r['rule']) as RiskEntry['rule'],
    subject: s(r['subject']),
    level: s(r['level']) as RiskEntry['level'],
    label: s(r['label']),
    figures: JSON.parse(s(r['figures'])) as RiskEntry['figures'],
    caseIds: JSON.parse(s(r['case_ids'])) as string[],
    status: s(r['status']) as RiskEntry['status'],
    active: Number(r['active']) === 1,
    openedAt: s(r['opened_at']),
    updatedAt: s(r['updated_at']),
    clearedAt: sOrNull(r['cleared_at']),
    ownerId: sOrNull(r['owner_id']),
    closedAt: sOrNull(r['closed_at']),
    closedBy: sOrNull(r['closed_by']),
    closingNote: sOrNull(r['closing_note']),
  };
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

export class SqlRiskLedger implements RiskRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async settings(organisationId: string): Promise<RiskSettings | undefined> {
    const r = await this.#sql.get<Row>(
      'SELECT settings FROM risk_settings WHERE organisation_id = ?',
      [organisationId],
    );
    return r ? (JSON.parse(s(r['settings'])) as RiskSettings) : undefined;
  }

  async allSettings(): Promise<Map<string, RiskSettings>> {
    const rows = await this.#sql.all<Row>(
      'SELECT organisation_id, settings FROM risk_settings',
      [],
    );
    return new Map(
      rows.map((r) => [s(r['organisation_id']), JSON.parse(s(r['settings'])) as RiskSettings]),
    );
  }

  async saveSettings(
    organisationId: string,
    x: RiskSettings,
    at: string,
    by: string,
  ): Promise<void> {
    await this.#sql.run(
      `INSERT INTO risk_settings (organisation_id, settings, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT (organisation_id) DO UPDATE SET settings = excluded.settings,
         updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [organisationId, JSON.stringify(x), at, by],
    );
  }

  async tracked(): Promise<RiskEntry[]> {
    return (
      await this.#sql.all<Row>(
        `SELECT * FROM risk_entries WHERE status = 'open' OR active = 1 ORDER BY opened_at, rowid`,
        [],
      )
    ).map(toEntry);
  }

  async insertEntry(e: RiskEntry): Promise<boolean> {
    const r = await this.#sql.run(
      `INSERT INTO risk_entries (id, organisation_id, rule, subject, level, label, figures, case_ids,
         status, active, opened_at, updated_at, cleared_at, owner_id, closed_at, closed_by, closing_note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (organisation_id, subject) WHERE status = 'open' DO NOTHING`,
      [
        e.id,
        e.organisationId,
        e.rule,
        e.subject,
        e.level,
        e.label,
        JSON.stringify(e.figures),
        JSON.stringify(e.caseIds),
        e.status,
        e.active ? 1 : 0,
        e.openedAt,
        e.updatedAt,
        e.clearedAt,
        e.ownerId,
        e.closedAt,
        e.closedBy,
        e.closingNote,
      ],
    );
    return r.changes === 1;
  }

  async updateEntry(
    id: string,
    f: Pick<
      RiskEntry,
      'level' | 'label' | 'figures' | 'caseIds' | 'active' | 'clearedAt' | 'updatedAt'
    >,
  ): Promise<void> {
    await this.#sql.run(
      `UPDATE risk_entries SET level = ?, label = ?, figures = ?, case_ids = ?, active = ?,
         cleared_at = ?, updated_at = ? WHERE id = ?`,
      [
        f.level,
        f.label,
        JSON.stringify(f.figures),
        JSON.stringify(f.caseIds),
        f.active ? 1 : 0,
        f.clearedAt,
        f.updatedAt,
        id,
      ],
    );
  }

  async setOwner(id: string, ownerId: string, at: string): Promise<boolean> {
    const r = await this.#sql.run(
      `UPDATE risk_entries SET owner_id = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
      [ownerId, at, id],
    );
    return r.changes === 1;
  }

  async close(id: string, by: string, at: string, note: string): Promise<boolean> {
    const r = await this.#sql.run(
      `UPDATE risk_entries SET status = 'closed', closed_at = ?, closed_by = ?, closing_note = ?,
         updated_at = ? WHERE id = ? AND status = 'open'`,
      [at, by, note, at, id],
    );
    return r.changes === 1;
  }

  async getEntry(id: string): Promise<RiskEntry | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM risk_entries WHERE id = ?', [id]);
    return r ? toEntry(r) : undefined;
  }

  async listEntries(
    organisationIds: readonly string[],
    status: 'open' | 'closed' | 'all',
  ): Promise<RiskEntry[]> {
    if (organisationIds.length === 0) return [];
    const params: SqlValue[] = [...organisationIds];
    let where = `organisation_id IN (${placeholders(organisationIds.length)})`;
    if (status !== 'all') {
      where += ' AND status = ?';
      params.push(status);
    }
    return (
      await this.#sql.all<Row>(
        `SELECT * FROM risk_entries WHERE ${where} ORDER BY opened_at DESC, rowid DESC`,
        params,
      )
    ).map(toEntry);
  }

  async insertAction(a: RiskAction): Promise<void> {
    await this.#sql.run(
      'INSERT INTO risk_actions (id, risk_id, kind, note, by_staff, at) VALUES (?, ?, ?, ?, ?, ?)',
      [a.id, a.riskId, a.kind, a.note, a.by, a.at],
    );
  }

  async listActions(riskId: string): Promise<RiskAction[]> {
    return (
      await this.#sql.all<Row>('SELECT * FROM risk_actions WHERE risk_id = ? ORDER BY at, rowid', [
        riskId,
      ])
    ).map((r) => ({
      id: s(r['id']),
      riskId: s(r['risk_id']),
      kind: s(r['kind']) as RiskAction['kind'],
      note: s(r['note']),
      by: sOrNull(r['by_staff']),
      at: s(r['at']),
    }));
  }

  async caseSignals(organisationId: string): Promise<CaseSignals> {
    const [employers, sessions, performance] = await Promise.all([
      this.#sql.all<Row>(
        `SELECT p.case_id, p.name, p.id_number FROM case_people p JOIN cases c ON c.id = p.case_id
          WHERE c.organisation_id = ? AND p.kind = 'respondent' AND p.is_organisation = 1
          ORDER BY p.created_at, p.id`,
        [organisationId],
      ),
      this.#sql.all<Row>(
        `SELECT m.case_id, m.status, m.scheduled_start FROM mediation_sessions m
           JOIN cases c ON c.id = m.case_id WHERE c.organisation_id = ?`,
        [organisationId],
      ),
      // Each person's latest finding: the greatest (recorded_at, id) of the person's rows.
      this.#sql.all<Row>(
        `SELECT a.case_id, a.result FROM agreement_performance a JOIN cases c ON c.id = a.case_id
          WHERE c.organisation_id = ? AND NOT EXISTS (
            SELECT 1 FROM agreement_performance b WHERE b.case_id = a.case_id
               AND b.person_id = a.person_id
               AND (b.recorded_at > a.recorded_at OR (b.recorded_at = a.recorded_at AND b.id > a.id)))`,
        [organisationId],
      ),
    ]);
    const push = <T>(m: Map<string, T[]>, k: string, v: T) => m.set(k, [...(m.get(k) ?? []), v]);
    const out: CaseSignals = {
      employers: new Map(),
      sessions: new Map(),
      latestPerformance: new Map(),
    };
    for (const r of employers)
      push(out.employers, s(r['case_id']), { name: s(r['name']), code: sOrNull(r['id_number']) });
    for (const r of sessions)
      push(out.sessions, s(r['case_id']), {
        status: s(r['status']) as 'scheduled',
        scheduledStart: s(r['scheduled_start']),
      });
    for (const r of performance)
      push(out.latestPerformance, s(r['case_id']), s(r['result']) as 'performed');
    return out;
  }

  async staff(organisationIds: readonly string[]): Promise<RiskStaff[]> {
    if (organisationIds.length === 0) return [];
    return (
      await this.#sql.all<Row>(
        `SELECT id, organisation_id, display_name, role, active FROM staff
          WHERE organisation_id IN (${placeholders(organisationIds.length)}) ORDER BY created_at, id`,
        [...organisationIds],
      )
    ).map((r) => ({
      id: s(r['id']),
      organisationId: s(r['organisation_id']),
      displayName: s(r['display_name']),
      role: s(r['role']) as RiskStaff['role'],
      active: Number(r['active']) === 1 || r['active'] === true,
    }));
  }
}
