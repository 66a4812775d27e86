/** The chat and the removals of live sessions; on either database. */
import type {
  FloorChatRecord,
  FloorLogRepository,
  FloorRemovalRecord,
} from '../cases/FloorLogRepository.js';
import type { SqlClient } from './sql/SqlClient.js';

export class SqlFloorLogRepository implements FloorLogRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insertChat(m: FloorChatRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO session_chat (id, case_id, session_id, participant_id, display_name, role, text,
         confidential, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        m.id,
        m.caseId,
        m.sessionId,
        m.participantId,
        m.displayName,
        m.role,
        m.text,
        m.confidential ? 1 : 0,
        m.sentAt,
      ],
    );
  }

  async listChat(sessionId: string): Promise<FloorChatRecord[]> {
    const rows = await this.#sql.all<{
      id: string;
      case_id: string;
      session_id: string;
      participant_id: string;
      display_name: string;
      role: string;
      text: string;
      confidential: number | boolean;
      sent_at: string;
    }>(
      `SELECT id, case_id, session_id, participant_id, display_name, role, text, confidential, sent_at
       FROM session_chat WHERE session_id = ? ORDER BY sent_at, id`,
      [sessionId],
    );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      sessionId: r.session_id,
      participantId: r.participant_id,
      displayName: r.display_name,
      role: r.role,
      text: r.text,
      confidential: r.confidential === true || r.confidential === 1,
      sentAt: r.sent_at,
    }));
  }

  async insertRemoval(r: FloorRemovalRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO session_removals (session_id, participant_id, case_id, removed_by, reason, removed_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (session_id, participant_id) DO NOTHING`,
      [r.sessionId, r.participantId, r.caseId, r.removedBy, r.reason, r.removedAt],
    );
  }

  async isRemoved(sessionId: string, participantId: string): Promise<boolean> {
    const row = await this.#sql.get(
      'SELECT 1 AS removed FROM session_removals WHERE session_id = ? AND participant_id = ?',
      [sessionId, participantId],
    );
    return row !== undefined;
  }
}
