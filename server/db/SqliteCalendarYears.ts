/** The holiday schedules clerks added (calendar_years), for CalendarService. */
import type { CalendarYearRecord } from '../cases/calendarYears.js';
import type { CalendarYearRepository } from '../cases/CalendarService.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

interface Row {
  year: number;
  schedule: string;
  added_by: string;
  added_at: string;
  correction_reason: string | null;
}

export class SqliteCalendarYears implements CalendarYearRepository {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async list(): Promise<CalendarYearRecord[]> {
    return (
      this.#database.statement('SELECT * FROM calendar_years ORDER BY year').all() as Row[]
    ).map((r) => ({
      year: r.year,
      schedule: JSON.parse(r.schedule) as CalendarYearRecord['schedule'],
      addedBy: r.added_by,
      addedAt: r.added_at,
      correctionReason: r.correction_reason,
    }));
  }

  async put(r: CalendarYearRecord): Promise<void> {
    this.#database
      .statement(
        `INSERT INTO calendar_years (year, schedule, added_by, added_at, correction_reason)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (year) DO UPDATE SET schedule = excluded.schedule, added_by = excluded.added_by,
           added_at = excluded.added_at, correction_reason = excluded.correction_reason`,
      )
      .run(r.year, JSON.stringify(r.schedule), r.addedBy, r.addedAt, r.correctionReason);
  }
}
