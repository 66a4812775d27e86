/** The parties' says on disclosing caucus material; on either database. */
import type {
  DisclosureConsentRecord,
  DisclosureConsentRepository,
  DisclosureSide,
} from '../references/DisclosureConsentRepository.js';
import type { SqlClient } from './sql/SqlClient.js';

export class SqlDisclosureConsentRepository implements DisclosureConsentRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insert(c: DisclosureConsentRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO disclosure_consents (id, case_id, person_id, side, agree, at) VALUES (?, ?, ?, ?, ?, ?)`,
      [c.id, c.caseId, c.personId, c.side, c.agree ? 1 : 0, c.at],
    );
  }

  async listByCase(caseId: string): Promise<DisclosureConsentRecord[]> {
    const rows = await this.#sql.all<{
      id: string;
      case_id: string;
      person_id: string;
      side: DisclosureSide;
      agree: number;
      at: string;
    }>(
      'SELECT id, case_id, person_id, side, agree, at FROM disclosure_consents WHERE case_id = ? ORDER BY at, rowid',
      [caseId],
    );
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
