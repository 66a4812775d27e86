/** Evidence records; on either database. */
import type { EvidenceRepository } from '../evidence/EvidenceRepository.js';
import type { EvidenceItem } from '../evidence/model.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

function toItem(r: Row): EvidenceItem {
  return {
    id: r['id'] as string,
    caseId: r['case_id'] as string,
    blobKey: r['blob_key'] as string,
    title: r['title'] as string,
    purpose: r['purpose'] as string,
    originalOrCopy: r['original_or_copy'] as EvidenceItem['originalOrCopy'],
    category: (r['category'] as EvidenceItem['category'] | undefined) ?? 'evidence',
    filename: r['filename'] as string,
    typeId: r['type_id'] as string,
    mediaType: r['media_type'] as string,
    size: r['size'] as number,
    pages: (r['pages'] as number | null) ?? null,
    activeContent: activeContentOf(r),
    sha256: r['sha256'] as string,
    uploadedBy: r['uploaded_by'] as string,
    uploaderRole: r['uploader_role'] as string,
    uploaderSide: r['uploader_side'] as EvidenceItem['uploaderSide'],
    uploaderIp: (r['uploader_ip'] as string | null) ?? null,
    uploaderAgent: (r['uploader_agent'] as string | null) ?? null,
    receivedAt: r['received_at'] as string,
    shared: r['shared'] === 1,
    confidential: r['confidential'] === 1,
    integrity: r['integrity'] as EvidenceItem['integrity'],
  };
}

function activeContentOf(r: Row): string[] | null {
  const raw = r['active_content'] as string | null;
  if (raw !== null && raw !== undefined) return JSON.parse(raw) as string[];
  // Received before the check existed: unknown for a PDF, nothing to find in anything else.
  return r['type_id'] === 'pdf' ? null : [];
}

export class SqlEvidenceRepository implements EvidenceRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  async insert(i: EvidenceItem): Promise<void> {
    await this.#sql.run(
      `INSERT INTO evidence_items (id, case_id, blob_key, title, purpose, original_or_copy, filename, type_id, media_type,
         size, pages, sha256, uploaded_by, uploader_role, uploader_side, uploader_ip, uploader_agent, received_at, shared,
         confidential, integrity, category, active_content)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        i.id,
        i.caseId,
        i.blobKey,
        i.title,
        i.purpose,
        i.originalOrCopy,
        i.filename,
        i.typeId,
        i.mediaType,
        i.size,
        i.pages,
        i.sha256,
        i.uploadedBy,
        i.uploaderRole,
        i.uploaderSide,
        i.uploaderIp,
        i.uploaderAgent,
        i.receivedAt,
        i.shared ? 1 : 0,
        i.confidential ? 1 : 0,
        i.integrity,
        i.category,
        i.activeContent === null ? null : JSON.stringify(i.activeContent),
      ],
    );
  }

  async get(id: string): Promise<EvidenceItem | undefined> {
    const r = await this.#sql.get<Row>('SELECT * FROM evidence_items WHERE id = ?', [id]);
    return r ? toItem(r) : undefined;
  }

  async listByCase(caseId: string): Promise<EvidenceItem[]> {
    return (
      await this.#sql.all<Row>(
        'SELECT * FROM evidence_items WHERE case_id = ? ORDER BY received_at, rowid',
        [caseId],
      )
    ).map(toItem);
  }

  async totalSize(caseId: string): Promise<number> {
    // PostgreSQL's SUM of BIGINTs is NUMERIC (a string in JavaScript): back to an integer.
    const r = await this.#sql.get<{ total: number }>(
      'SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) AS total FROM evidence_items WHERE case_id = ?',
      [caseId],
    );
    return r?.total ?? 0;
  }

  async setFlags(id: string, flags: { shared?: boolean; confidential?: boolean }): Promise<void> {
    if (flags.shared !== undefined)
      await this.#sql.run('UPDATE evidence_items SET shared = ? WHERE id = ?', [
        flags.shared ? 1 : 0,
        id,
      ]);
    if (flags.confidential !== undefined) {
      await this.#sql.run('UPDATE evidence_items SET confidential = ? WHERE id = ?', [
        flags.confidential ? 1 : 0,
        id,
      ]);
    }
  }

  async setCategory(id: string, category: EvidenceItem['category']): Promise<void> {
    await this.#sql.run('UPDATE evidence_items SET category = ? WHERE id = ?', [category, id]);
  }

  async setIntegrity(id: string, integrity: EvidenceItem['integrity']): Promise<void> {
    await this.#sql.run('UPDATE evidence_items SET integrity = ? WHERE id = ?', [integrity, id]);
  }

  async listAll(): Promise<EvidenceItem[]> {
    return (await this.#sql.all<Row>('SELECT * FROM evidence_items ORDER BY rowid')).map(toItem);
  }
}
