/**
 * The audit chain in SQLite: `audit_events` holds the sealed events,
 * `audit_heads` each case's last seq and hash (so deleting the newest events
 * is detected). Events are only ever inserted.
 */
import {
  sealEvent,
  verifyChain,
  type AuditEventInput,
  type ChainHead,
  type ChainVerification,
  type StoredAuditEvent,
} from '../audit/AuditChain.js';
import Database from 'better-sqlite3';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Db, SqliteDatabase } from './SqliteDatabase.js';

interface EventRow {
  case_id: string;
  seq: number;
  at: string;
  actor_id: string;
  actor_role: string;
  action: string;
  target: string;
  payload: string;
  payload_hash: string;
  prev_hash: string;
  hash: string;
}

function toEvent(row: EventRow): StoredAuditEvent {
  return {
    caseId: row.case_id,
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    target: row.target,
    payload: row.payload,
    payloadHash: row.payload_hash,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

export interface AuditReader {
  events(caseId: string): StoredAuditEvent[];
  head(caseId: string): ChainHead | null;
  /** Every case with a head or an event (a case whose head was deleted still shows). */
  caseIds(): string[];
}

/**
 * Read-side statements, prepared once. Shared with the offline verifier,
 * which opens the file read-only and so cannot use SqliteDatabase.
 */
export function auditReader(db: Db): AuditReader {
  const events = db.prepare<[string], EventRow>(
    `SELECT case_id, seq, at, actor_id, actor_role, action, target, payload, payload_hash,
            prev_hash, hash
       FROM audit_events WHERE case_id = ? ORDER BY seq`,
  );
  const head = db.prepare<[string], ChainHead>(
    'SELECT seq, hash FROM audit_heads WHERE case_id = ?',
  );
  const caseIds = db
    .prepare<[], string>(
      `SELECT case_id FROM audit_heads
       UNION SELECT case_id FROM audit_events
       ORDER BY case_id`,
    )
    .pluck(); // rows are the case_id strings themselves
  return {
    events: (caseId) => events.all(caseId).map(toEvent),
    head: (caseId) => {
      const row = head.get(caseId);
      return row ? { seq: row.seq, hash: row.hash } : null;
    },
    caseIds: () => caseIds.all(),
  };
}

/** A database file opened read-only for the offline verifier. */
export interface AuditFile {
  /** The audit tables' reader (throws when they cannot be read). */
  reader(): AuditReader;
  close(): void;
}

/**
 * Opens the database file at `file` read-only — never SqliteDatabase.open,
 * which would migrate — so the offline check is safe against a live or
 * copied database. Throws when the file cannot be opened.
 */
export function openAuditFile(file: string): AuditFile {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return { reader: () => auditReader(db), close: () => db.close() };
}

export class SqliteAuditLog implements AuditLog {
  readonly #reader: AuditReader;
  readonly #append: (input: AuditEventInput) => StoredAuditEvent;

  constructor(database: SqliteDatabase, now: () => Date = () => new Date()) {
    const db = database.db;
    this.#reader = auditReader(db);
    const insertEvent = db.prepare<[EventRow]>(
      `INSERT INTO audit_events (case_id, seq, at, actor_id, actor_role, action, target, payload,
                                 payload_hash, prev_hash, hash)
       VALUES (@case_id, @seq, @at, @actor_id, @actor_role, @action, @target, @payload,
               @payload_hash, @prev_hash, @hash)`,
    );
    const upsertHead = db.prepare<[string, number, string]>(
      `INSERT INTO audit_heads (case_id, seq, hash) VALUES (?, ?, ?)
       ON CONFLICT (case_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
    );
    // better-sqlite3 runs this as a SAVEPOINT when the caller already holds a
    // transaction (SqliteDatabase.transaction), so the event commits or rolls
    // back with the state change it records; alone it is its own transaction.
    // Reading the head inside it keeps seq/prevHash consistent with the write.
    this.#append = db.transaction((input: AuditEventInput): StoredAuditEvent => {
      const event = sealEvent(this.#reader.head(input.caseId), input, now().toISOString());
      insertEvent.run({
        case_id: event.caseId,
        seq: event.seq,
        at: event.at,
        actor_id: event.actorId,
        actor_role: event.actorRole,
        action: event.action,
        target: event.target,
        payload: event.payload,
        payload_hash: event.payloadHash,
        prev_hash: event.prevHash,
        hash: event.hash,
      });
      upsertHead.run(event.caseId, event.seq, event.hash);
      return event;
    });
  }

  async append(input: AuditEventInput): Promise<StoredAuditEvent> {
    return this.#append(input);
  }

  async list(caseId: string): Promise<StoredAuditEvent[]> {
    return this.#reader.events(caseId);
  }

  async verify(caseId: string): Promise<ChainVerification> {
    return verifyChain(caseId, this.#reader.events(caseId), this.#reader.head(caseId));
  }
}
