/** Security events of an organisation (an account closed after repeated failed sign-ins); on either database. */
import { randomUUID } from 'node:crypto';
import type { SecurityEvent, SecurityEventRepository } from '../auth/SecurityEventRepository.js';
import type { SqlClient } from './sql/SqlClient.js';

export type { SecurityEvent };

type Row = Record<string, unknown>;

export class SqlSecurityEvents implements SecurityEventRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async record(event: Omit<SecurityEvent, 'id'>): Promise<SecurityEvent> {
    const stored = { id: randomUUID(), ...event };
    await this.#sql.run(
      `INSERT INTO security_events (id, organisation_id, kind, account_kind, account, account_id, source, detail,
         created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        stored.id,
        stored.organisationId,
        stored.kind,
        stored.accountKind,
        stored.account,
        stored.accountId,
        stored.source,
        JSON.stringify(stored.detail),
        stored.createdAt,
      ],
    );
    return stored;
  }

  async list(organisationId: string | null): Promise<SecurityEvent[]> {
    return (
      await this.#sql.all<Row>(
        `SELECT * FROM security_events WHERE organisation_id IS NOT DISTINCT FROM ?
         ORDER BY created_at, rowid`,
        [organisationId],
      )
    ).map((r) => ({
      id: r['id'] as string,
      organisationId: (r['organisation_id'] as string | null) ?? null,
      kind: r['kind'] as SecurityEvent['kind'],
      accountKind: r['account_kind'] as SecurityEvent['accountKind'],
      account: r['account'] as string,
      accountId: (r['account_id'] as string | null) ?? null,
      source: r['source'] as string,
      detail: JSON.parse(r['detail'] as string) as Record<string, unknown>,
      createdAt: r['created_at'] as string,
    }));
  }

  /** The organisation's active clerks, who are told. */
  async clerks(organisationId: string): Promise<{ id: string; displayName: string }[]> {
    return (
      await this.#sql.all<Row>(
        `SELECT id, display_name FROM staff WHERE organisation_id = ? AND role = 'clerk' AND active = 1
         ORDER BY created_at, id`,
        [organisationId],
      )
    ).map((r) => ({ id: r['id'] as string, displayName: r['display_name'] as string }));
  }
}
