/**
 * The document service's shapes as the HTTP API sends them
 * (server/documents/model.ts and DocumentService's views), for the browser.
 */
export type DocumentKind =
  | 'service_consent'
  | 'acceptance_notice'
  | 'refusal_notice'
  | 'session_notice'
  | 'mediation_agreement'
  | 'performance_notice'
  | 'termination_record'
  | 'evidence_receipt'
  | 'judicial_confirmation_application'
  | 'arbitration_review_application'
  | 'right_to_arbitration_notice'
  | 'application_form'
  | 'oral_application_record'
  /** A notice the case engine produced and served by itself (reminders and the like). */
  | 'case_notice'
  | 'recusal_request'
  | 'recusal_decision';

/** What staff may issue from a template (not the consent form, engine notices or recusal papers). */
export type IssuableKind = Exclude<
  DocumentKind,
  'service_consent' | 'case_notice' | 'recusal_request' | 'recusal_decision'
>;

export type ServiceChannel = 'in_app' | 'email' | 'sms';

export type DeliveryState =
  | 'created'
  | 'offline_pending'
  | 'dispatched'
  | 'delivered'
  | 'read'
  | 'acknowledged'
  | 'failed'
  | 'served_offline';

export type DeliveryStatus = DeliveryState | 'challenged';

export type DeliveryEventKind =
  | 'dispatched'
  | 'offline_required'
  | 'delivered'
  | 'read'
  | 'acknowledged'
  | 'failed'
  | 'offline_served'
  | 'challenged'
  | 'paper_copy_requested';

export interface DeliveryEventView {
  seq: number;
  kind: DeliveryEventKind;
  at: string;
  actorId: string;
  actorRole: string;
  channel: string | null;
  implied: boolean;
  documentSha256: string;
  detail: Record<string, unknown> | null;
}

export interface DeliveryView {
  id: string;
  caseId: string;
  documentId: string;
  documentSha256: string;
  recipientId: string;
  recipientName: string;
  channel: ServiceChannel | null;
  address: string | null;
  consentId: string | null;
  createdAt: string;
  state: DeliveryState;
  status: DeliveryStatus;
  challenged: boolean;
  paperCopyRequested: boolean;
  served: { at: string; basis: string } | null;
  events: DeliveryEventView[];
}

export type SignsFor = 'applicant' | 'respondent' | 'mediator';

export interface SignatureView {
  id: string;
  documentId: string;
  documentSha256: string;
  signerId: string;
  signerRole: string;
  signsFor: SignsFor;
  signerName: string;
  signedAt: string;
  imageSha256: string | null;
}

export interface SealView {
  documentId: string;
  sha256: string;
  jws: string;
  sealedAt: string;
  sealedBy: string;
}

export interface AgreementStatus {
  /** Every party on its own (co-parties each sign) and the mediator (partyId null). */
  required: { signsFor: SignsFor; partyId: string | null; name: string; signed: boolean }[];
  signatures: SignatureView[];
  sealed: SealView | null;
  /** Effective through a recorded paper signing instead of a seal. */
  paperSigned?: { recordedAt: string; evidenceId: string } | null;
  effective: boolean;
}

export interface DocumentView {
  id: string;
  caseId: string;
  seriesId: string;
  version: number;
  kind: DocumentKind;
  title: string;
  sha256: string;
  size: number;
  issuedAt: string;
  issuedBy: string;
  superseded: boolean;
  signing: AgreementStatus | null;
}

export interface ServiceConsentView {
  id: string;
  personId: string;
  electronic: boolean;
  addresses: { channel: ServiceChannel; value: string }[];
  scope: 'all' | DocumentKind[];
  postalAddress: string | null;
  givenAt: string;
  documentId: string;
}

export type ServiceAddressInput =
  { channel: 'in_app' } | { channel: 'email'; value: string } | { channel: 'sms'; value: string };

export interface ServiceConsentInput {
  consentToElectronicService: boolean;
  addresses: ServiceAddressInput[];
  scope: 'all' | IssuableKind[];
  effectAcknowledged: true;
  postalAddress?: string;
}

export interface SigningCodeReply {
  channel: ServiceChannel;
  destination: string;
  expiresAt: string;
  attempts: number;
  /** In-app only: the code, shown on the signing screen (the app is the channel). */
  code?: string;
}

export interface Inbox {
  documents: DocumentView[];
  deliveries: DeliveryView[];
}

export type PartySide = 'applicant' | 'respondent';

/**
 * Whether confidential caucus material may go to a court or arbitration
 * commission: only once both sides agree (`agreed`). `consents` holds each
 * person's latest choice.
 */
/** POST …/documents/{id}/paper-signing (server/documents/schemas.ts paperSigningSchema). */
export interface PaperSigningInput {
  evidenceId: string;
  signatories: { partyId: string; signerId?: string; signedOn: string }[];
  mediatorSignedOn: string;
  attestation: string;
}

/** A payment-order pack (支付令申请材料) as sent to a court. */
export interface PaymentOrderPack {
  id: string;
  institutionName: string;
  sha256: string;
  createdAt: string;
  delivery: { status: 'pending' | 'delivered' | 'dead'; deliveredAt: string | null } | null;
}

/** Whether the worker may apply for a payment order (劳动争议调解仲裁法第十六条). */
export interface PaymentOrderStatus {
  eligible: boolean;
  reasons: string[];
  performanceDueOn: string | null;
  courts: { id: string; name: string }[];
  packs: PaymentOrderPack[];
  mayProduce: boolean;
}

export interface DisclosureView {
  agreed: boolean;
  sides: Record<PartySide, boolean>;
  consents: { personId: string; name: string; side: PartySide; agree: boolean; at: string }[];
}

/** What a joint application's bundle would send now (GET /cases/:id/referral-preview). */
export interface ReferralPreviewView {
  caseId: string;
  kind: 'judicial_confirmation' | 'arbitration_review';
  institutionKind: 'court' | 'arbitration';
  files: {
    path: string;
    role: string;
    title: string;
    /** Null for what is rendered at the moment of sending (certificates, the signed reference). */
    sha256: string | null;
    size: number | null;
  }[];
  excluded: { kind: string; id: string; reason: string }[];
  disclosureAgreed: boolean;
  concessions: string;
}
