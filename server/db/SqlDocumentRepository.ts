/** Documents, consents, deliveries, their steps, signatures and seals; on either database. */
import type { DocumentRepository, KeptCertificate } from '../documents/DocumentRepository.js';
import type {
  AgreementSeal,
  AgreementSignature,
  CaseDocument,
  Delivery,
  DeliveryEvent,
  OutboxMessage,
  ServiceConsent,
  SigningCode,
  SigningRefusal,
} from '../documents/model.js';
import type { SqlClient, SqlValue } from './sql/SqlClient.js';

type Row = Record<string, unknown>;

const str = (v: unknown): string => v as string;
const opt = (v: unknown): string | null => (v as string | null) ?? null;

function toDocument(r: Row): CaseDocument {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    seriesId: str(r['series_id']),
    version: r['version'] as number,
    kind: r['kind'] as CaseDocument['kind'],
    title: str(r['title']),
    blobKey: str(r['blob_key']),
    sha256: str(r['sha256']),
    size: r['size'] as number,
    fields: JSON.parse(str(r['fields'])) as Record<string, unknown>,
    issuedAt: str(r['issued_at']),
    issuedBy: str(r['issued_by']),
    issuerRole: str(r['issuer_role']),
  };
}

function toConsent(r: Row): ServiceConsent {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    personId: str(r['person_id']),
    electronic: r['electronic'] === 1,
    addresses: JSON.parse(str(r['addresses'])) as ServiceConsent['addresses'],
    scope: JSON.parse(str(r['scope'])) as ServiceConsent['scope'],
    effectAcknowledged: r['effect_acknowledged'] === 1,
    postalAddress: opt(r['postal_address']),
    givenBy: str(r['given_by']),
    givenByRole: str(r['given_by_role']),
    givenAt: str(r['given_at']),
    ip: opt(r['ip']),
    userAgent: opt(r['user_agent']),
    documentId: str(r['document_id']),
  };
}

function toDelivery(r: Row): Delivery {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    documentId: str(r['document_id']),
    documentSha256: str(r['document_sha256']),
    recipientId: str(r['recipient_id']),
    recipientName: str(r['recipient_name']),
    channel: opt(r['channel']) as Delivery['channel'],
    address: opt(r['address']),
    consentId: opt(r['consent_id']),
    createdAt: str(r['created_at']),
    createdBy: str(r['created_by']),
  };
}

function toEvent(r: Row): DeliveryEvent {
  const detail = opt(r['detail']);
  return {
    seq: r['seq'] as number,
    deliveryId: str(r['delivery_id']),
    kind: r['state'] as DeliveryEvent['kind'],
    at: str(r['at']),
    actorId: str(r['actor']),
    actorRole: str(r['actor_role']),
    channel: opt(r['channel']),
    ip: opt(r['ip']),
    userAgent: opt(r['user_agent']),
    documentSha256: str(r['document_sha256']),
    implied: r['implied'] === 1,
    detail: detail ? (JSON.parse(detail) as Record<string, unknown>) : null,
  };
}

function toOutbox(r: Row): OutboxMessage {
  return {
    id: str(r['id']),
    caseId: str(r['case_id']),
    personId: opt(r['person_id']),
    channel: r['channel'] as OutboxMessage['channel'],
    address: str(r['address']),
    purpose: r['purpose'] as OutboxMessage['purpose'],
    subject: str(r['subject']),
    body: str(r['body']),
    createdAt: str(r['created_at']),
  };
}

function toCode(r: Row): SigningCode {
  return {
    id: str(r['id']),
    documentId: str(r['document_id']),
    signerId: str(r['signer_id']),
    codeHash: str(r['code_hash']),
    salt: str(r['salt']),
    channel: r['channel'] as SigningCode['channel'],
    destination: str(r['destination']),
    createdAt: str(r['created_at']),
    expiresAt: str(r['expires_at']),
    attempts: r['attempts'] as number,
    usedAt: opt(r['used_at']),
  };
}

function toSignature(r: Row): AgreementSignature {
  return {
    id: str(r['id']),
    documentId: str(r['document_id']),
    documentSha256: str(r['document_sha256']),
    signerId: str(r['signer_id']),
    signerKind: r['signer_kind'] as AgreementSignature['signerKind'],
    signerRole: r['signer_role'] as AgreementSignature['signerRole'],
    signsFor: r['signs_for'] as AgreementSignature['signsFor'],
    signerName: str(r['signer_name']),
    signedAt: str(r['signed_at']),
    ip: opt(r['ip']),
    userAgent: opt(r['user_agent']),
    image: (r['image'] as Buffer | null) ?? null,
    imageSha256: opt(r['image_sha256']),
    codeId: str(r['code_id']),
  };
}

function toSeal(r: Row): AgreementSeal {
  return {
    documentId: str(r['document_id']),
    caseId: str(r['case_id']),
    blobKey: str(r['blob_key']),
    sha256: str(r['sha256']),
    size: r['size'] as number,
    jws: str(r['jws']),
    kid: str(r['kid']),
    sealedAt: str(r['sealed_at']),
    sealedBy: str(r['sealed_by']),
    sealerRole: str(r['sealer_role']),
  };
}

export class SqlDocumentRepository implements DocumentRepository {
  readonly #db: SqlClient;

  constructor(database: SqlClient) {
    this.#db = database;
  }

  #all(sql: string, ...params: SqlValue[]): Promise<Row[]> {
    return this.#db.all<Row>(sql, params);
  }

  #get(sql: string, ...params: SqlValue[]): Promise<Row | undefined> {
    return this.#db.get<Row>(sql, params);
  }

  async #run(sql: string, ...params: SqlValue[]): Promise<void> {
    await this.#db.run(sql, params);
  }

  async insertDocument(d: CaseDocument): Promise<void> {
    await this.#run(
      `INSERT INTO case_documents (id, case_id, series_id, version, kind, title, blob_key, sha256, size, fields,
         issued_at, issued_by, issuer_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      d.id,
      d.caseId,
      d.seriesId,
      d.version,
      d.kind,
      d.title,
      d.blobKey,
      d.sha256,
      d.size,
      JSON.stringify(d.fields),
      d.issuedAt,
      d.issuedBy,
      d.issuerRole,
    );
  }

  async getDocument(id: string): Promise<CaseDocument | undefined> {
    const r = await this.#get('SELECT * FROM case_documents WHERE id = ?', id);
    return r ? toDocument(r) : undefined;
  }

  async listDocuments(caseId: string): Promise<CaseDocument[]> {
    return (
      await this.#all(
        'SELECT * FROM case_documents WHERE case_id = ? ORDER BY issued_at, rowid',
        caseId,
      )
    ).map(toDocument);
  }

  async latestVersion(seriesId: string): Promise<CaseDocument | undefined> {
    const r = await this.#get(
      'SELECT * FROM case_documents WHERE series_id = ? ORDER BY version DESC LIMIT 1',
      seriesId,
    );
    return r ? toDocument(r) : undefined;
  }

  async insertConsent(c: ServiceConsent): Promise<void> {
    await this.#run(
      `INSERT INTO service_consents (id, case_id, person_id, electronic, addresses, scope, effect_acknowledged,
         postal_address, given_by, given_by_role, given_at, ip, user_agent, document_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.id,
      c.caseId,
      c.personId,
      c.electronic ? 1 : 0,
      JSON.stringify(c.addresses),
      JSON.stringify(c.scope),
      c.effectAcknowledged ? 1 : 0,
      c.postalAddress,
      c.givenBy,
      c.givenByRole,
      c.givenAt,
      c.ip,
      c.userAgent,
      c.documentId,
    );
  }

  async currentConsent(caseId: string, personId: string): Promise<ServiceConsent | undefined> {
    const r = await this.#get(
      `SELECT * FROM service_consents WHERE case_id = ? AND person_id = ?
       ORDER BY given_at DESC, rowid DESC LIMIT 1`,
      caseId,
      personId,
    );
    return r ? toConsent(r) : undefined;
  }

  async listConsents(caseId: string): Promise<ServiceConsent[]> {
    return (
      await this.#all(
        'SELECT * FROM service_consents WHERE case_id = ? ORDER BY given_at, rowid',
        caseId,
      )
    ).map(toConsent);
  }

  async insertDelivery(d: Delivery): Promise<void> {
    await this.#run(
      `INSERT INTO deliveries (id, case_id, document_id, document_sha256, recipient_id, recipient_name, channel,
         address, consent_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      d.id,
      d.caseId,
      d.documentId,
      d.documentSha256,
      d.recipientId,
      d.recipientName,
      d.channel,
      d.address,
      d.consentId,
      d.createdAt,
      d.createdBy,
    );
  }

  async getDelivery(id: string): Promise<Delivery | undefined> {
    const r = await this.#get('SELECT * FROM deliveries WHERE id = ?', id);
    return r ? toDelivery(r) : undefined;
  }

  async listDeliveries(caseId: string): Promise<Delivery[]> {
    return (
      await this.#all(
        'SELECT * FROM deliveries WHERE case_id = ? ORDER BY created_at, rowid',
        caseId,
      )
    ).map(toDelivery);
  }

  async appendEvent(e: Omit<DeliveryEvent, 'seq'>): Promise<DeliveryEvent> {
    const inserted = await this.#db.get<{ seq: number }>(
      `INSERT INTO delivery_events (delivery_id, state, at, actor, actor_role, channel, ip, user_agent,
         document_sha256, implied, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       RETURNING seq`,
      [
        e.deliveryId,
        e.kind,
        e.at,
        e.actorId,
        e.actorRole,
        e.channel,
        e.ip,
        e.userAgent,
        e.documentSha256,
        e.implied ? 1 : 0,
        e.detail ? JSON.stringify(e.detail) : null,
      ],
    );
    return { ...e, seq: inserted!.seq };
  }

  async listEvents(deliveryId: string): Promise<DeliveryEvent[]> {
    return (
      await this.#all(
        'SELECT * FROM delivery_events WHERE delivery_id = ? ORDER BY seq',
        deliveryId,
      )
    ).map(toEvent);
  }

  async keptCertificate(
    deliveryId: string,
    throughSeq: number,
  ): Promise<KeptCertificate | undefined> {
    const r = await this.#get(
      'SELECT * FROM delivery_certificates WHERE delivery_id = ? AND through_seq = ?',
      deliveryId,
      throughSeq,
    );
    return r
      ? {
          deliveryId: str(r['delivery_id']),
          throughSeq: Number(r['through_seq']),
          caseId: str(r['case_id']),
          blobKey: str(r['blob_key']),
          sha256: str(r['sha256']),
          size: Number(r['size']),
          generatedAt: str(r['generated_at']),
        }
      : undefined;
  }

  async keepCertificate(c: KeptCertificate): Promise<boolean> {
    const result = await this.#db.run(
      `INSERT INTO delivery_certificates (delivery_id, through_seq, case_id, blob_key, sha256, size,
         generated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id, through_seq) DO NOTHING`,
      [c.deliveryId, c.throughSeq, c.caseId, c.blobKey, c.sha256, c.size, c.generatedAt],
    );
    return result.changes === 1;
  }

  async insertOutbox(m: OutboxMessage): Promise<void> {
    await this.#run(
      `INSERT INTO notification_outbox (id, case_id, person_id, channel, address, purpose, subject, body, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.id,
      m.caseId,
      m.personId,
      m.channel,
      m.address,
      m.purpose,
      m.subject,
      m.body,
      m.createdAt,
    );
  }

  async listOutbox(filter: { caseId?: string; personId?: string }): Promise<OutboxMessage[]> {
    return (
      await this.#all(
        `SELECT * FROM notification_outbox
       WHERE (CAST(? AS TEXT) IS NULL OR case_id = ?) AND (CAST(? AS TEXT) IS NULL OR person_id = ?)
       ORDER BY created_at, rowid`,
        filter.caseId ?? null,
        filter.caseId ?? null,
        filter.personId ?? null,
        filter.personId ?? null,
      )
    ).map(toOutbox);
  }

  async insertSigningCode(c: SigningCode): Promise<void> {
    await this.#run(
      `INSERT INTO signing_codes (id, document_id, signer_id, code_hash, salt, channel, destination, created_at,
         expires_at, attempts, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.id,
      c.documentId,
      c.signerId,
      c.codeHash,
      c.salt,
      c.channel,
      c.destination,
      c.createdAt,
      c.expiresAt,
      c.attempts,
      c.usedAt,
    );
  }

  async latestSigningCode(documentId: string, signerId: string): Promise<SigningCode | undefined> {
    const r = await this.#get(
      `SELECT * FROM signing_codes WHERE document_id = ? AND signer_id = ?
       ORDER BY created_at DESC, rowid DESC LIMIT 1`,
      documentId,
      signerId,
    );
    return r ? toCode(r) : undefined;
  }

  async recordCodeAttempt(id: string, used: string | null): Promise<void> {
    if (used) await this.#run('UPDATE signing_codes SET used_at = ? WHERE id = ?', used, id);
    else await this.#run('UPDATE signing_codes SET attempts = attempts + 1 WHERE id = ?', id);
  }

  async insertSignature(s: AgreementSignature): Promise<void> {
    await this.#run(
      `INSERT INTO agreement_signatures (id, document_id, document_sha256, signer_id, signer_kind, signer_role,
         signs_for, signer_name, signed_at, ip, user_agent, image, image_sha256, code_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.id,
      s.documentId,
      s.documentSha256,
      s.signerId,
      s.signerKind,
      s.signerRole,
      s.signsFor,
      s.signerName,
      s.signedAt,
      s.ip,
      s.userAgent,
      s.image,
      s.imageSha256,
      s.codeId,
    );
  }

  async listSignatures(documentId: string): Promise<AgreementSignature[]> {
    return (
      await this.#all(
        'SELECT * FROM agreement_signatures WHERE document_id = ? ORDER BY signed_at, rowid',
        documentId,
      )
    ).map(toSignature);
  }

  async insertSeal(s: AgreementSeal): Promise<void> {
    await this.#run(
      `INSERT INTO agreement_seals (document_id, case_id, blob_key, sha256, size, jws, kid, sealed_at, sealed_by,
         sealer_role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      s.documentId,
      s.caseId,
      s.blobKey,
      s.sha256,
      s.size,
      s.jws,
      s.kid,
      s.sealedAt,
      s.sealedBy,
      s.sealerRole,
    );
  }

  async getSeal(documentId: string): Promise<AgreementSeal | undefined> {
    const r = await this.#get('SELECT * FROM agreement_seals WHERE document_id = ?', documentId);
    return r ? toSeal(r) : undefined;
  }

  async insertRefusal(r: SigningRefusal): Promise<boolean> {
    const result = await this.#db.run(
      `INSERT INTO signing_refusals (id, document_id, person_id, person_name, reason, recorded_by,
         recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (document_id, person_id) DO NOTHING`,
      [r.id, r.documentId, r.personId, r.personName, r.reason, r.recordedBy, r.recordedAt],
    );
    return result.changes === 1;
  }

  async listRefusals(documentId: string): Promise<SigningRefusal[]> {
    const rows = await this.#all(
      'SELECT * FROM signing_refusals WHERE document_id = ? ORDER BY recorded_at, person_id',
      documentId,
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      documentId: r['document_id'] as string,
      personId: r['person_id'] as string,
      personName: r['person_name'] as string,
      reason: r['reason'] as string,
      recordedBy: r['recorded_by'] as string,
      recordedAt: r['recorded_at'] as string,
    }));
  }

  async recordDraft(
    sessionId: string,
  ): Promise<{ content: unknown; savedAt: string; savedBy: string } | undefined> {
    const r = await this.#get(
      'SELECT * FROM session_record_drafts WHERE session_id = ?',
      sessionId,
    );
    return r
      ? {
          content: JSON.parse(r['content'] as string) as unknown,
          savedAt: r['saved_at'] as string,
          savedBy: r['saved_by'] as string,
        }
      : undefined;
  }

  async saveRecordDraft(d: {
    sessionId: string;
    caseId: string;
    content: unknown;
    savedAt: string;
    savedBy: string;
  }): Promise<void> {
    await this.#run(
      `INSERT INTO session_record_drafts (session_id, case_id, content, saved_at, saved_by)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (session_id) DO UPDATE SET content = excluded.content,
         saved_at = excluded.saved_at, saved_by = excluded.saved_by`,
      d.sessionId,
      d.caseId,
      JSON.stringify(d.content),
      d.savedAt,
      d.savedBy,
    );
  }
}
