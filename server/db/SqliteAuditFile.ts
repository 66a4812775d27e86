/**
 * The audit chain of an SQLite database file read offline, read-only, by the
 * verifier (`npm run verify`), which must never migrate or write the file it
 * checks. The service itself reads and appends through SqlAuditLog.
 */
import type { ChainHead, StoredAuditEvent } from '../audit/AuditChain.js';
import Database from 'better-sqlite3';
import type { Db } from './SqliteDatabase.js';

export interface EventRow {
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

export function toEvent(row: EventRow): StoredAuditEvent {
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

/** Read-side statements, prepared once, on a file opened read-only. */
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
