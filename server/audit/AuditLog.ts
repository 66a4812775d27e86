/**
 * The port the case domain appends its audit events through. Implementations
 * (SQLite now, PostgreSQL later) must seal with `sealEvent` and write the
 * event together with the chain head atomically, inside the caller's
 * transaction when there is one, so an action and its audit record commit or
 * roll back together.
 */
import type { AuditEventInput, ChainVerification, StoredAuditEvent } from './AuditChain.js';

export type { AuditEventInput, ChainVerification, StoredAuditEvent };

export interface AuditLog {
  /** Seals and stores the case's next event; returns it as stored. */
  append(input: AuditEventInput): Promise<StoredAuditEvent>;
  /** The case's events, seq ascending. */
  list(caseId: string): Promise<StoredAuditEvent[]>;
  /** Checks the case's stored chain against its head. */
  verify(caseId: string): Promise<ChainVerification>;
}
