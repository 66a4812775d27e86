/** The holiday schedules clerks added (calendar_years), for CalendarService; on either database. */
import type { CalendarYearRecord } from '../cases/calendarYears.js';
import type { CalendarYearRepository } from '../cases/CalendarService.js';
import type { SqlClient } from './sql/SqlClient.js';

interface Row {
  year: number;
  schedule: string;
  added_by: string;
  added_at: string;
  correction_reason: string | null;
}

export class SqlCalendarYears implements CalendarYearRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async list(): Promise<CalendarYearRecord[]> {
    return (await this.#sql.all<Row>('SELECT * FROM calendar_years ORDER BY year')).map((r) => ({
      year: r.year,
      schedule: JSON.parse(r.schedule) as CalendarYearRecord['schedule'],
      addedBy: r.added_by,
      addedAt: r.added_at,
      correctionReason: r.correction_reason,
    }));
  }

  async put(r: CalendarYearRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO calendar_years (year, schedule, added_by, added_at, correction_reason)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (year) DO UPDATE SET schedule = excluded.schedule, added_by = excluded.added_by,
         added_at = excluded.added_at, correction_reason = excluded.correction_reason`,
      [r.year, JSON.stringify(r.schedule), r.addedBy, r.addedAt, r.correctionReason],
    );
  }
}
