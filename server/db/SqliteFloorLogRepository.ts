/** The chat and the removals of live sessions, on SQLite. */
import type {
  FloorChatRecord,
  FloorLogRepository,
  FloorRemovalRecord,
} from '../cases/FloorLogRepository.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

export class SqliteFloorLogRepository implements FloorLogRepository {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#database.transaction(work);
  }

  async insertChat(m: FloorChatRecord): Promise<void> {
    this.#database
      .statement(
        `INSERT INTO session_chat (id, case_id, session_id, participant_id, display_name, role, text,
           confidential, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.id,
        m.caseId,
        m.sessionId,
        m.participantId,
        m.displayName,
        m.role,
        m.text,
        m.confidential ? 1 : 0,
        m.sentAt,
      );
  }

  async insertRemoval(r: FloorRemovalRecord): Promise<void> {
    this.#database
      .statement(
        `INSERT OR IGNORE INTO session_removals (session_id, participant_id, case_id, removed_by, reason, removed_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(r.sessionId, r.participantId, r.caseId, r.removedBy, r.reason, r.removedAt);
  }

  isRemoved(sessionId: string, participantId: string): boolean {
    return (
      this.#database
        .statement('SELECT 1 FROM session_removals WHERE session_id = ? AND participant_id = ?')
        .get(sessionId, participantId) !== undefined
    );
  }
}
