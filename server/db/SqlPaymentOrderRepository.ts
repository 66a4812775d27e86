/** Payment-order application packs; on either database. */
import type {
  PaymentOrderRecord,
  PaymentOrderRepository,
} from '../references/PaymentOrderRepository.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toPack(r: Row): PaymentOrderRecord {
  return {
    id: r['id'] as string,
    caseId: r['case_id'] as string,
    institutionId: r['institution_id'] as string,
    requestedBy: r['requested_by'] as string,
    path: r['path'] as string,
    sha256: r['sha256'] as string,
    size: r['size'] as number,
    fileCount: r['file_count'] as number,
    webhookDeliveryId: (r['webhook_delivery_id'] as string | null) ?? null,
    createdAt: r['created_at'] as string,
    createdBy: r['created_by'] as string,
  };
}

export class SqlPaymentOrderRepository implements PaymentOrderRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insert(p: PaymentOrderRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO payment_orders (id, case_id, institution_id, requested_by, path, sha256, size, file_count,
         webhook_delivery_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        p.id,
        p.caseId,
        p.institutionId,
        p.requestedBy,
        p.path,
        p.sha256,
        p.size,
        p.fileCount,
        p.webhookDeliveryId,
        p.createdAt,
        p.createdBy,
      ],
    );
  }

  async get(id: string): Promise<PaymentOrderRecord | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM payment_orders WHERE id = ?', [id]);
    return r ? toPack(r) : undefined;
  }

  async listByCase(caseId: string): Promise<PaymentOrderRecord[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM payment_orders WHERE case_id = ? ORDER BY created_at, id',
        [caseId],
      )
    ).map(toPack);
  }
}
