/** Online applications, their codes, links and files; on either database. */
import type { ApplicationRepository } from '../applications/ApplicationRepository.js';
import type {
  ApplicationCode,
  ApplicationFile,
  ApplicationStatus,
  OnlineApplication,
} from '../applications/model.js';
import type { SqlClient } from './sql/SqlClient.js';

type Row = Record<string, unknown>;
const str = (v: unknown): string | null => (v as string | null) ?? null;

function toApplication(r: Row): OnlineApplication {
  return {
    id: r['id'] as string,
    organisationId: r['organisation_id'] as string,
    number: str(r['number']),
    status: r['status'] as ApplicationStatus,
    applicantName: r['applicant_name'] as string,
    applicantIdNumber: r['applicant_id_number'] as string,
    applicantPhone: r['applicant_phone'] as string,
    form: r['form'] ? (JSON.parse(r['form'] as string) as OnlineApplication['form']) : null,
    formSha256: str(r['form_sha256']),
    createdAt: r['created_at'] as string,
    submittedAt: str(r['submitted_at']),
    decidedAt: str(r['decided_at']),
    decidedBy: str(r['decided_by']),
    reason: str(r['reason']),
    caseId: str(r['case_id']),
  };
}

function toCode(r: Row): ApplicationCode {
  return {
    id: r['id'] as string,
    organisationId: r['organisation_id'] as string,
    challengeId: r['challenge_id'] as string,
    name: r['name'] as string,
    idNumber: r['id_number'] as string,
    phone: r['phone'] as string,
    codeHash: r['code_hash'] as string,
    salt: r['salt'] as string,
    device: r['device'] as string,
    source: r['source'] as string,
    createdAt: r['created_at'] as string,
    expiresAt: r['expires_at'] as string,
    attempts: Number(r['attempts']),
    usedAt: str(r['used_at']),
  };
}

function toFile(r: Row): ApplicationFile {
  return {
    id: r['id'] as string,
    applicationId: r['application_id'] as string,
    blobKey: r['blob_key'] as string,
    typeId: r['type_id'] as string,
    title: r['title'] as string,
    filename: r['filename'] as string,
    mediaType: r['media_type'] as string,
    size: Number(r['size']),
    sha256: r['sha256'] as string,
    receivedAt: r['received_at'] as string,
    evidenceId: str(r['evidence_id']),
  };
}

export class SqlApplicationRepository implements ApplicationRepository {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#sql.transaction(work);
  }

  async organisations(): Promise<{ id: string; name: string }[]> {
    const rows = (await this.#sql.all('SELECT id, name FROM organisations ORDER BY name')) as Row[];
    return rows.map((r) => ({ id: r['id'] as string, name: r['name'] as string }));
  }

  async spendChallenge(id: string, at: string): Promise<boolean> {
    const result = await this.#sql.run(
      'INSERT INTO application_challenges (id, spent_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING',
      [id, at],
    );
    return result.changes === 1;
  }

  async insertCode(c: ApplicationCode): Promise<void> {
    await this.#sql.run(
      `INSERT INTO application_codes (id, organisation_id, challenge_id, name, id_number, phone,
         code_hash, salt, device, source, created_at, expires_at, attempts, used_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        c.id,
        c.organisationId,
        c.challengeId,
        c.name,
        c.idNumber,
        c.phone,
        c.codeHash,
        c.salt,
        c.device,
        c.source,
        c.createdAt,
        c.expiresAt,
        c.attempts,
        c.usedAt,
      ],
    );
  }

  async getCode(id: string): Promise<ApplicationCode | undefined> {
    const r = (await this.#sql.get('SELECT * FROM application_codes WHERE id = ?', [id])) as
      Row | undefined;
    return r ? toCode(r) : undefined;
  }

  async claimAttempt(id: string, max: number): Promise<number | null> {
    return this.#sql.transaction(async () => {
      const result = await this.#sql.run(
        'UPDATE application_codes SET attempts = attempts + 1 WHERE id = ? AND attempts < ?',
        [id, max],
      );
      if (result.changes !== 1) return null;
      const r = (await this.#sql.get('SELECT attempts FROM application_codes WHERE id = ?', [
        id,
      ])) as Row | undefined;
      return r ? Number(r['attempts']) : null;
    });
  }

  async useCode(id: string, at: string): Promise<boolean> {
    const result = await this.#sql.run(
      'UPDATE application_codes SET used_at = ? WHERE id = ? AND used_at IS NULL',
      [at, id],
    );
    return result.changes === 1;
  }

  async insertApplication(a: OnlineApplication): Promise<void> {
    await this.#sql.run(
      `INSERT INTO online_applications (id, organisation_id, number, status, applicant_name,
         applicant_id_number, applicant_phone, form, form_sha256, created_at, submitted_at,
         decided_at, decided_by, reason, case_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        a.id,
        a.organisationId,
        a.number,
        a.status,
        a.applicantName,
        a.applicantIdNumber,
        a.applicantPhone,
        a.form ? JSON.stringify(a.form) : null,
        a.formSha256,
        a.createdAt,
        a.submittedAt,
        a.decidedAt,
        a.decidedBy,
        a.reason,
        a.caseId,
      ],
    );
  }

  async get(id: string): Promise<OnlineApplication | undefined> {
    const r = (await this.#sql.get('SELECT * FROM online_applications WHERE id = ?', [id])) as
      Row | undefined;
    return r ? toApplication(r) : undefined;
  }

  async byNumber(number: string): Promise<OnlineApplication | undefined> {
    const r = (await this.#sql.get('SELECT * FROM online_applications WHERE number = ?', [
      number,
    ])) as Row | undefined;
    return r ? toApplication(r) : undefined;
  }

  async openDraft(
    organisationId: string,
    idNumber: string,
    phone: string,
    since: string,
  ): Promise<OnlineApplication | undefined> {
    const r = (await this.#sql.get(
      `SELECT * FROM online_applications
        WHERE organisation_id = ? AND applicant_id_number = ? AND applicant_phone = ?
          AND status = 'draft' AND created_at > ?
        ORDER BY created_at DESC LIMIT 1`,
      [organisationId, idNumber, phone, since],
    )) as Row | undefined;
    return r ? toApplication(r) : undefined;
  }

  async submit(
    id: string,
    change: { form: string; formSha256: string; number: string; at: string },
  ): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE online_applications SET status = 'submitted', form = ?, form_sha256 = ?, number = ?,
         submitted_at = ? WHERE id = ? AND status = 'draft'`,
      [change.form, change.formSha256, change.number, change.at, id],
    );
    return result.changes === 1;
  }

  async decide(
    id: string,
    from: readonly ApplicationStatus[],
    to: ApplicationStatus,
    decision: { at: string; by: string; reason: string | null },
  ): Promise<boolean> {
    const result = await this.#sql.run(
      `UPDATE online_applications SET status = ?, decided_at = ?, decided_by = ?, reason = ?
        WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
      [to, decision.at, decision.by, decision.reason, id, ...from],
    );
    return result.changes === 1;
  }

  async setCase(id: string, caseId: string): Promise<void> {
    await this.#sql.run('UPDATE online_applications SET case_id = ? WHERE id = ?', [caseId, id]);
  }

  async listSubmitted(organisationId: string): Promise<OnlineApplication[]> {
    const rows = (await this.#sql.all(
      `SELECT * FROM online_applications WHERE organisation_id = ? AND status <> 'draft'
        ORDER BY submitted_at DESC`,
      [organisationId],
    )) as Row[];
    return rows.map(toApplication);
  }

  async insertLink(link: {
    tokenHash: string;
    applicationId: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.#sql.run(
      `INSERT INTO application_links (token_hash, application_id, created_at, expires_at)
       VALUES (?, ?, ?, ?)`,
      [link.tokenHash, link.applicationId, link.createdAt, link.expiresAt],
    );
  }

  async link(tokenHash: string): Promise<{ applicationId: string; expiresAt: string } | undefined> {
    const r = (await this.#sql.get(
      'SELECT application_id, expires_at FROM application_links WHERE token_hash = ?',
      [tokenHash],
    )) as Row | undefined;
    return r
      ? { applicationId: r['application_id'] as string, expiresAt: r['expires_at'] as string }
      : undefined;
  }

  async insertFile(f: ApplicationFile): Promise<void> {
    await this.#sql.run(
      `INSERT INTO application_files (id, application_id, blob_key, type_id, title, filename,
         media_type, size, sha256, received_at, evidence_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        f.id,
        f.applicationId,
        f.blobKey,
        f.typeId,
        f.title,
        f.filename,
        f.mediaType,
        f.size,
        f.sha256,
        f.receivedAt,
        f.evidenceId,
      ],
    );
  }

  async files(applicationId: string): Promise<ApplicationFile[]> {
    const rows = (await this.#sql.all(
      'SELECT * FROM application_files WHERE application_id = ? ORDER BY received_at, id',
      [applicationId],
    )) as Row[];
    return rows.map(toFile);
  }

  async setFileEvidence(fileId: string, evidenceId: string): Promise<void> {
    await this.#sql.run('UPDATE application_files SET evidence_id = ? WHERE id = ?', [
      evidenceId,
      fileId,
    ]);
  }

  async fileKeys(): Promise<string[]> {
    const rows = (await this.#sql.all('SELECT blob_key FROM application_files')) as Row[];
    return rows.map((r) => r['blob_key'] as string);
  }
}
