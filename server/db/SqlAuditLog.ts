/**
 * The audit chain on either database: `audit_events` holds the sealed events,
 * `audit_heads` each case's last seq and hash (so deleting the newest events
 * is detected). Events are only ever inserted.
 *
 * An append reads the case's head and writes the next event inside one
 * transaction holding the case's key (SqlClient.lockKey): on PostgreSQL with
 * several service processes, two appends to one case take turns, so the chain
 * never forks. Inside a caller's transaction the event commits or rolls back
 * with the change it records.
 */
import {
  sealEvent,
  verifyChain,
  type AuditEventInput,
  type ChainHead,
  type ChainVerification,
  type StoredAuditEvent,
} from '../audit/AuditChain.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { toEvent, type EventRow } from './SqliteAuditFile.js';
import type { SqlClient } from './sql/SqlClient.js';

export class SqlAuditLog implements AuditLog {
  readonly #sql: SqlClient;
  readonly #now: () => Date;

  constructor(sql: SqlClient, now: () => Date = () => new Date()) {
    this.#sql = sql;
    this.#now = now;
  }

  async #head(caseId: string): Promise<ChainHead | null> {
    const row = await this.#sql.get<ChainHead>(
      'SELECT seq, hash FROM audit_heads WHERE case_id = ?',
      [caseId],
    );
    return row ? { seq: row.seq, hash: row.hash } : null;
  }

  append(input: AuditEventInput): Promise<StoredAuditEvent> {
    return this.#sql.transaction(async () => {
      await this.#sql.lockKey(`audit:${input.caseId}`);
      const event = sealEvent(await this.#head(input.caseId), input, this.#now().toISOString());
      await this.#sql.run(
        `INSERT INTO audit_events (case_id, seq, at, actor_id, actor_role, action, target, payload,
                                   payload_hash, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          event.caseId,
          event.seq,
          event.at,
          event.actorId,
          event.actorRole,
          event.action,
          event.target,
          event.payload,
          event.payloadHash,
          event.prevHash,
          event.hash,
        ],
      );
      await this.#sql.run(
        `INSERT INTO audit_heads (case_id, seq, hash) VALUES (?, ?, ?)
         ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
        [event.caseId, event.seq, event.hash],
      );
      return event;
    });
  }

  async list(caseId: string): Promise<StoredAuditEvent[]> {
    const rows = await this.#sql.all<EventRow>(
      `SELECT case_id, seq, at, actor_id, actor_role, action, target, payload, payload_hash,
              prev_hash, hash
         FROM audit_events WHERE case_id = ? ORDER BY seq`,
      [caseId],
    );
    return rows.map(toEvent);
  }

  /** Every chain with a head or an event (a chain whose head was deleted still shows). */
  async chainIds(): Promise<string[]> {
    const rows = await this.#sql.all<{ case_id: string }>(
      `SELECT case_id FROM audit_heads
       UNION SELECT case_id FROM audit_events
       ORDER BY case_id`,
    );
    return rows.map((r) => r.case_id);
  }

  async verify(caseId: string): Promise<ChainVerification> {
    return verifyChain(caseId, await this.list(caseId), await this.#head(caseId));
  }
}
