/** Webhook deliveries to institutions; on either database. */
import type {
  DueWebhookDelivery,
  NewWebhookDelivery,
  WebhookDeliveryRepository,
} from '../institutions/WebhookDeliveryRepository.js';
import type { WebhookDelivery } from '../institutions/WebhookDispatcher.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toDelivery(r: Row): WebhookDelivery {
  return {
    id: r['id'] as string,
    institutionId: r['institution_id'] as string,
    caseId: r['case_id'] as string,
    event: r['event'] as string,
    contentType: (r['content_type'] as string | undefined) ?? 'application/json',
    bodySha256: r['body_sha256'] as string,
    status: r['status'] as WebhookDelivery['status'],
    attempts: r['attempts'] as number,
    nextAttemptAt: r['next_attempt_at'] as string,
    lastError: (r['last_error'] as string | null) ?? null,
    createdAt: r['created_at'] as string,
    deliveredAt: (r['delivered_at'] as string | null) ?? null,
    receipt: (r['receipt'] as string | null) ?? null,
  };
}

export class SqlWebhookDeliveryRepository implements WebhookDeliveryRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insert(d: NewWebhookDelivery): Promise<void> {
    await this.#sql.run(
      `INSERT INTO webhook_deliveries (id, institution_id, case_id, event, body, body_sha256, body_path,
           content_type, status, attempts, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
      [
        d.id,
        d.institutionId,
        d.caseId,
        d.event,
        d.body,
        d.bodySha256,
        d.bodyPath,
        d.contentType,
        d.createdAt,
        d.createdAt,
      ],
    );
  }

  async get(id: string): Promise<WebhookDelivery | undefined> {
    const r = (await this.#sql.get('SELECT * FROM webhook_deliveries WHERE id = ?', [id])) as
      Row | undefined;
    return r ? toDelivery(r) : undefined;
  }

  async requeueDead(id: string, institutionId: string, at: string): Promise<void> {
    await this.#sql.run(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?
         WHERE id = ? AND institution_id = ? AND status = 'dead'`,
      [at, id, institutionId],
    );
  }

  async listByInstitution(institutionId: string): Promise<WebhookDelivery[]> {
    return (
      (await this.#sql.all(
        'SELECT * FROM webhook_deliveries WHERE institution_id = ? ORDER BY created_at, id',
        [institutionId],
      )) as Row[]
    ).map(toDelivery);
  }

  async claimDue(now: string, leaseUntil: string): Promise<DueWebhookDelivery | undefined> {
    // PostgreSQL: a row another process is claiming is skipped, not waited for.
    const skipLocked = this.#sql.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const claimed = await this.#sql.get<{ id: string }>(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ?
         WHERE id = (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
                       ORDER BY next_attempt_at, id LIMIT 1${skipLocked})
         RETURNING id`,
      [leaseUntil, now],
    );
    if (!claimed) return undefined;
    const row = (await this.#sql.get(
      `SELECT d.*, i.webhook_url, i.revoked_at FROM webhook_deliveries d
         JOIN institutions i ON i.id = d.institution_id WHERE d.id = ?`,
      [claimed.id],
    )) as Row | undefined;
    if (!row) return undefined;
    return {
      delivery: toDelivery(row),
      body: row['body'] as string,
      bodyPath: row['body_path'] as string | null,
      webhookUrl: row['webhook_url'] as string | null,
      revokedAt: (row['revoked_at'] as string | null) ?? null,
    };
  }

  async markDelivered(id: string, attempts: number, at: string, receipt: string): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE webhook_deliveries SET status = 'delivered', delivered_at = ?, receipt = ?, last_error = NULL
         WHERE id = ? AND attempts = ? AND status = 'pending'`,
      [at, receipt, id, attempts],
    );
    return result.changes === 1;
  }

  async markFailed(
    id: string,
    o: {
      status: 'pending' | 'dead';
      attempts: number;
      nextAttemptAt: string;
      lastError: string | null;
    },
  ): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE webhook_deliveries SET status = ?, next_attempt_at = ?, last_error = ?
         WHERE id = ? AND attempts = ? AND status = 'pending'`,
      [o.status, o.nextAttemptAt, o.lastError, id, o.attempts],
    );
    return result.changes === 1;
  }
}
