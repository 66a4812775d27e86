/** Storage port for documents, consents, deliveries and their steps, signatures and seals. */
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
} from './model.js';

/** A service certificate as first rendered for a delivery's steps up to `throughSeq`. */
export interface KeptCertificate {
  deliveryId: string;
  /** The delivery's last step the certificate states. */
  throughSeq: number;
  caseId: string;
  blobKey: string;
  sha256: string;
  size: number;
  generatedAt: string;
}

export interface DocumentRepository {
  insertDocument(d: CaseDocument): Promise<void>;
  getDocument(id: string): Promise<CaseDocument | undefined>;
  listDocuments(caseId: string): Promise<CaseDocument[]>;
  /** The highest version of a series. */
  latestVersion(seriesId: string): Promise<CaseDocument | undefined>;

  insertConsent(c: ServiceConsent): Promise<void>;
  /** The person's consent in force: the latest one given. */
  currentConsent(caseId: string, personId: string): Promise<ServiceConsent | undefined>;
  listConsents(caseId: string): Promise<ServiceConsent[]>;

  insertDelivery(d: Delivery): Promise<void>;
  getDelivery(id: string): Promise<Delivery | undefined>;
  listDeliveries(caseId: string): Promise<Delivery[]>;
  /** Appends a step; returns it with its sequence number. */
  appendEvent(e: Omit<DeliveryEvent, 'seq'>): Promise<DeliveryEvent>;
  listEvents(deliveryId: string): Promise<DeliveryEvent[]>;
  /** The certificate kept for a delivery's steps up to `throughSeq`, if one was rendered. */
  keptCertificate(deliveryId: string, throughSeq: number): Promise<KeptCertificate | undefined>;
  /** Keeps a rendered certificate; false when one is kept for those steps already (it stays). */
  keepCertificate(c: KeptCertificate): Promise<boolean>;

  insertOutbox(m: OutboxMessage): Promise<void>;
  listOutbox(filter: { caseId?: string; personId?: string }): Promise<OutboxMessage[]>;

  insertSigningCode(c: SigningCode): Promise<void>;
  latestSigningCode(documentId: string, signerId: string): Promise<SigningCode | undefined>;
  recordCodeAttempt(id: string, used: string | null): Promise<void>;

  insertSignature(s: AgreementSignature): Promise<void>;
  listSignatures(documentId: string): Promise<AgreementSignature[]>;

  /** False when the person's refusal was recorded already. */
  insertRefusal(r: SigningRefusal): Promise<boolean>;
  listRefusals(documentId: string): Promise<SigningRefusal[]>;
  /** The mediator's draft of a session's record. */
  recordDraft(
    sessionId: string,
  ): Promise<{ content: unknown; savedAt: string; savedBy: string } | undefined>;
  saveRecordDraft(draft: {
    sessionId: string;
    caseId: string;
    content: unknown;
    savedAt: string;
    savedBy: string;
  }): Promise<void>;

  insertSeal(s: AgreementSeal): Promise<void>;
  getSeal(documentId: string): Promise<AgreementSeal | undefined>;
}
