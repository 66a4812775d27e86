/**
 * Generated documents (文书), their deliveries to recipients with every step
 * recorded, the recipients' service-address consents, and the signing and
 * sealing of the mediation agreement. Plain data; no storage or transport.
 */
import { DOCUMENT_KINDS, SERVICE_CHANNELS } from '../../signaling/http/vocabulary.js';

export { DOCUMENT_KINDS };
import type { DeliveryEventKind, DeliveryState, ServiceBasis } from './serviceStateMachine.js';

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, string> = {
  service_consent: '送达地址确认书',
  acceptance_notice: '受理通知书',
  refusal_notice: '不予受理通知书',
  session_notice: '调解通知书',
  mediation_agreement: '调解协议书',
  performance_notice: '履行告知书',
  termination_record: '调解终止书',
  evidence_receipt: '证据收据',
  judicial_confirmation_application: '司法确认申请书',
  arbitration_review_application: '仲裁审查申请书',
  right_to_arbitration_notice: '申请仲裁权利告知书',
  application_form: '调解申请书',
  oral_application_record: '口头申请笔录',
  case_notice: '告知书',
  recusal_request: '回避申请书',
  recusal_decision: '回避决定书',
  session_record: '调解笔录',
};

/** One version of a generated document; never changed once written. */
export interface CaseDocument {
  id: string;
  caseId: string;
  /** Shared by every version of the same document. */
  seriesId: string;
  version: number;
  kind: DocumentKind;
  title: string;
  blobKey: string;
  /** SHA-256 of the PDF, fixed at issue. */
  sha256: string;
  size: number;
  /** The case data and the issuer's input the PDF was rendered from. */
  fields: Record<string, unknown>;
  issuedAt: string;
  issuedBy: string;
  issuerRole: string;
}

export { SERVICE_CHANNELS };
export type ServiceChannel = (typeof SERVICE_CHANNELS)[number];
export const SERVICE_CHANNEL_LABELS: Record<ServiceChannel, string> = {
  in_app: '本平台在线文书箱',
  email: '电子邮箱',
  sms: '手机短信',
};

export interface ServiceAddress {
  channel: ServiceChannel;
  /** E-mail address or phone number; for in_app, the person id. */
  value: string;
}

/** 送达地址确认书: the latest one of a person is the one in force. */
export interface ServiceConsent {
  id: string;
  caseId: string;
  personId: string;
  /** Consent to electronic service given (otherwise: offline service only). */
  electronic: boolean;
  addresses: ServiceAddress[];
  /** 'all' or the document kinds e-service is accepted for. */
  scope: 'all' | DocumentKind[];
  /** The person confirmed they understood the legal effect of e-service. */
  effectAcknowledged: boolean;
  /** Where paper documents go (for offline service). */
  postalAddress: string | null;
  givenBy: string;
  givenByRole: string;
  givenAt: string;
  ip: string | null;
  userAgent: string | null;
  documentId: string;
}

export interface Delivery {
  id: string;
  caseId: string;
  documentId: string;
  documentSha256: string;
  recipientId: string;
  recipientName: string;
  /** The address used; null when marked for offline service. */
  channel: ServiceChannel | null;
  address: string | null;
  /** The consent in force when the delivery was made (null: none covered it). */
  consentId: string | null;
  createdAt: string;
  createdBy: string;
}

/** One immutable step of a delivery. */
export interface DeliveryEvent {
  seq: number;
  deliveryId: string;
  kind: DeliveryEventKind;
  at: string;
  actorId: string;
  actorRole: string;
  channel: string | null;
  ip: string | null;
  userAgent: string | null;
  documentSha256: string;
  /** Proven by a later step (e.g. "delivered" by an acknowledgement that came first). */
  implied: boolean;
  /** Offline proof, challenge reason, paper-copy address, failure reason. */
  detail: Record<string, unknown> | null;
}

/** What a delivery looks like to its sender and recipient: record, steps, computed state. */
export interface DeliveryView extends Delivery {
  state: DeliveryState;
  /** What the sender's view shows: the state, or 'challenged' once the recipient challenged it. */
  status: DeliveryState | 'challenged';
  challenged: boolean;
  paperCopyRequested: boolean;
  served: { at: string; basis: ServiceBasis } | null;
  events: DeliveryEvent[];
}

export interface SigningCode {
  id: string;
  documentId: string;
  signerId: string;
  codeHash: string;
  salt: string;
  channel: ServiceChannel;
  destination: string;
  createdAt: string;
  expiresAt: string;
  attempts: number;
  usedAt: string | null;
}

export type SignerRole = 'applicant' | 'respondent' | 'agent' | 'mediator';

export interface AgreementSignature {
  id: string;
  documentId: string;
  documentSha256: string;
  signerId: string;
  signerKind: 'person' | 'staff';
  signerRole: SignerRole;
  /** The side the signature counts for: applicant, respondent, or the mediator. */
  signsFor: 'applicant' | 'respondent' | 'mediator';
  signerName: string;
  signedAt: string;
  ip: string | null;
  userAgent: string | null;
  /** A drawn signature (PNG), placed on the sealed PDF. */
  image: Buffer | null;
  imageSha256: string | null;
  codeId: string;
}

export interface AgreementSeal {
  documentId: string;
  caseId: string;
  blobKey: string;
  /** SHA-256 of the sealed PDF. */
  sha256: string;
  size: number;
  /** JWS (typ sealed-agreement+jws) over the agreement's hash, the signatures and the seal time. */
  jws: string;
  kid: string;
  sealedAt: string;
  sealedBy: string;
  sealerRole: string;
}

export interface OutboxMessage {
  id: string;
  caseId: string;
  personId: string | null;
  channel: ServiceChannel;
  address: string;
  /**
   * sign_in_backoff: to a clerk, about an account of the organisation (caseId is empty);
   * risk_alert: to staff or the organisation's duty address, about the ledger entry's first case.
   */
  purpose:
    | 'document_served'
    | 'signing_code'
    | 'sign_in_backoff'
    | 'application_code'
    | 'application_link'
    | 'mediation_invitation'
    | 'case_transferred'
    | 'risk_alert'
    | 'statistics_report';
  subject: string;
  body: string;
  createdAt: string;
}

/** An attendee who refused to sign a session record (调解笔录), as its mediator recorded it. */
export interface SigningRefusal {
  id: string;
  documentId: string;
  personId: string;
  personName: string;
  reason: string;
  recordedBy: string;
  recordedAt: string;
}
