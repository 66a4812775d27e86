/** Short case links for SMS (server/auth/CaseLinks.ts), kept by their code's hash; either database. */
import type { ShortLinkRepository, ShortLinkRow } from '../auth/CaseLinks.js';
import type { SqlClient } from './sql/SqlClient.js';

export class SqlShortLinks implements ShortLinkRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async insert(r: ShortLinkRow): Promise<void> {
    await this.#sql.run(
      `INSERT INTO short_links (code_hash, case_id, person_id, invitation_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      [r.codeHash, r.caseId, r.personId, r.invitationId, r.createdAt, r.expiresAt],
    );
  }

  async get(codeHash: string): Promise<ShortLinkRow | undefined> {
    const r = await this.#sql.get<Record<string, unknown>>(
      'SELECT * FROM short_links WHERE code_hash = ?',
      [codeHash],
    );
    if (!r) return undefined;
    return {
      codeHash: String(r['code_hash']),
      caseId: String(r['case_id']),
      personId: String(r['person_id']),
      invitationId: String(r['invitation_id']),
      createdAt: String(r['created_at']),
      expiresAt: String(r['expires_at']),
    };
  }
}
