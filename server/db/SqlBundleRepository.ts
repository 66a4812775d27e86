/** Joint application bundles; on either database. */
import type { JointApplicationKind } from '../references/referralRules.js';
import type { BundleRecord, BundleRepository } from '../references/BundleRepository.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toBundle(r: Row): BundleRecord {
  return {
    id: r['id'] as string,
    caseId: r['case_id'] as string,
    institutionId: r['institution_id'] as string,
    referralId: r['referral_id'] as string,
    kind: r['kind'] as JointApplicationKind,
    path: r['path'] as string,
    sha256: r['sha256'] as string,
    size: r['size'] as number,
    fileCount: r['file_count'] as number,
    webhookDeliveryId: (r['webhook_delivery_id'] as string | null) ?? null,
    createdAt: r['created_at'] as string,
    createdBy: r['created_by'] as string,
  };
}

export class SqlBundleRepository implements BundleRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async insert(b: BundleRecord): Promise<void> {
    await this.#sql.run(
      `INSERT INTO bundles (id, case_id, institution_id, referral_id, kind, path, sha256, size, file_count,
         webhook_delivery_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        b.id,
        b.caseId,
        b.institutionId,
        b.referralId,
        b.kind,
        b.path,
        b.sha256,
        b.size,
        b.fileCount,
        b.webhookDeliveryId,
        b.createdAt,
        b.createdBy,
      ],
    );
  }

  async get(id: string): Promise<BundleRecord | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM bundles WHERE id = ?', [id]);
    return r ? toBundle(r) : undefined;
  }

  async listByCase(caseId: string): Promise<BundleRecord[]> {
    return (
      await this.#sql.all<Row>('SELECT * FROM bundles WHERE case_id = ? ORDER BY created_at, id', [
        caseId,
      ])
    ).map(toBundle);
  }
}
