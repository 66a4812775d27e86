/** The statistics reports (server/reports/ReportRepository.ts), on either database. */
import type { ReportRepository, StatisticsReport } from '../reports/ReportRepository.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toReport(r: Row): StatisticsReport {
  const s = (k: string) => String(r[k]);
  return {
    id: s('id'),
    organisationId: s('organisation_id'),
    periodKind: s('period_kind') as StatisticsReport['periodKind'],
    period: s('period'),
    from: s('period_from'),
    to: s('period_to'),
    generatedAt: s('generated_at'),
    generatedBy: r['generated_by'] === null ? null : s('generated_by'),
    pdf: { location: s('pdf_location'), sha256: s('pdf_sha256'), bytes: Number(r['pdf_bytes']) },
    csv: { location: s('csv_location'), sha256: s('csv_sha256'), bytes: Number(r['csv_bytes']) },
    jws: s('jws'),
  };
}

export class SqlReportRepository implements ReportRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async insert(r: StatisticsReport): Promise<boolean> {
    const result = await this.#sql.run(
      `INSERT INTO statistics_reports (id, organisation_id, period_kind, period, period_from, period_to,
         generated_at, generated_by, pdf_location, pdf_sha256, pdf_bytes, csv_location, csv_sha256,
         csv_bytes, jws)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (organisation_id, period) DO NOTHING`,
      [
        ...[r.id, r.organisationId, r.periodKind, r.period, r.from, r.to, r.generatedAt],
        ...[r.generatedBy, r.pdf.location, r.pdf.sha256, r.pdf.bytes],
        ...[r.csv.location, r.csv.sha256, r.csv.bytes, r.jws],
      ],
    );
    return result.changes === 1;
  }

  async get(id: string): Promise<StatisticsReport | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM statistics_reports WHERE id = ?', [id]);
    return r ? toReport(r) : undefined;
  }

  async find(organisationId: string, period: string): Promise<StatisticsReport | undefined> {
    const r = await this.#sql.get<Row>(
      'SELECT * FROM statistics_reports WHERE organisation_id = ? AND period = ?',
      [organisationId, period],
    );
    return r ? toReport(r) : undefined;
  }

  async list(organisationIds: readonly string[]): Promise<StatisticsReport[]> {
    if (organisationIds.length === 0) return [];
    const marks = organisationIds.map(() => '?').join(', ');
    return (
      await this.#sql.all<Row>(
        `SELECT * FROM statistics_reports WHERE organisation_id IN (${marks})
          ORDER BY period_to DESC, period_kind, organisation_id`,
        [...organisationIds],
      )
    ).map(toReport);
  }
}
