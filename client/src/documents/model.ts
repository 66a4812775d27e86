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
  | 'recusal_request'
  | 'recusal_decision';

/** What staff may issue from a template (everything but the consent form). */
export type IssuableKind = Exclude<
  DocumentKind,
  'service_consent' | 'recusal_request' | 'recusal_decision'
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
export interface DisclosureView {
  agreed: boolean;
  sides: Record<PartySide, boolean>;
  consents: { personId: string; name: string; side: PartySide; agree: boolean; at: string }[];
}
