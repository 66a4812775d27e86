/**
 * Storage port of an organisation's security events (an account closed after
 * repeated failed sign-ins), which SignInNotices writes and tells the
 * clerks about. The SQLite implementation lives in server/db.
 */

export interface SecurityEvent {
  id: string;
  organisationId: string | null;
  kind: 'sign_in_backoff';
  accountKind: 'staff' | 'institution' | 'signing';
  /** The account as typed. */
  account: string;
  /** The account's id when it exists. */
  accountId: string | null;
  source: string;
  detail: Record<string, unknown>;
  createdAt: string;
}

export interface SecurityEventRepository {
  record(event: Omit<SecurityEvent, 'id'>): Promise<SecurityEvent>;
  /** The organisation's events (null: those of no organisation). */
  list(organisationId: string | null): Promise<SecurityEvent[]>;
  /** The organisation's active clerks, who are told. */
  clerks(organisationId: string): Promise<{ id: string; displayName: string }[]>;
}
