/** The parties' says on disclosing caucus material, on SQLite. */
import type {
  DisclosureConsentRecord,
  DisclosureConsentRepository,
  DisclosureSide,
} from '../references/DisclosureConsentRepository.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

export class SqliteDisclosureConsentRepository implements DisclosureConsentRepository {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#database.transaction(work);
  }

  async insert(c: DisclosureConsentRecord): Promise<void> {
    this.#database
      .statement(
        `INSERT INTO disclosure_consents (id, case_id, person_id, side, agree, at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.caseId, c.personId, c.side, c.agree ? 1 : 0, c.at);
  }

  async listByCase(caseId: string): Promise<DisclosureConsentRecord[]> {
    const rows = this.#database
      .statement(
        'SELECT id, case_id, person_id, side, agree, at FROM disclosure_consents WHERE case_id = ? ORDER BY at, rowid',
      )
      .all(caseId) as {
      id: string;
      case_id: string;
      person_id: string;
      side: DisclosureSide;
      agree: number;
      at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      personId: r.person_id,
      side: r.side,
      agree: r.agree === 1,
      at: r.at,
    }));
  }
}
