/**
 * The document service's shapes as the HTTP API sends them, derived from the
 * shared contract (signaling/http). Type-only imports: no zod reaches the bundle.
 */
import type { z } from 'zod';
import type { ReplyOf } from '../../../signaling/http/endpoint.js';
import type { HttpApi } from '../../../signaling/http/index.js';
import type {
  documentView,
  deliveryView,
  deliveryStatus,
  serviceConsentView,
  signatureView,
  sealView,
  agreementStatusView,
  signingCodeReply,
  deliveryEventView,
} from '../../../signaling/http/documentViews.js';
import type {
  paperSigningSchema,
  serviceAddressSchema,
  serviceConsentSchema,
  ISSUE_FIELD_SCHEMAS,
} from '../../../signaling/http/documentRequests.js';
import type {
  disclosureStateView,
  paymentOrderStatusView,
  paymentOrderView,
  referralPreviewView,
} from '../../../signaling/http/institutions.js';

export type DocumentView = z.output<typeof documentView>;
export type DocumentKind = DocumentView['kind'];
export type IssuableKind = keyof typeof ISSUE_FIELD_SCHEMAS;
export type DeliveryView = z.output<typeof deliveryView>;
export type DeliveryState = DeliveryView['state'];
export type DeliveryStatus = z.output<typeof deliveryStatus>;
export type DeliveryEventView = z.output<typeof deliveryEventView>;
export type DeliveryEventKind = DeliveryEventView['kind'];
export type ServiceChannel = Exclude<DeliveryView['channel'], null>;
export type SignsFor = SignatureView['signsFor'];
export type SignatureView = z.output<typeof signatureView>;
export type SealView = z.output<typeof sealView>;
export type AgreementStatus = z.output<typeof agreementStatusView>;
export type ServiceConsentView = z.output<typeof serviceConsentView>;
export type ServiceAddressInput = z.input<typeof serviceAddressSchema>;
export type ServiceConsentInput = z.input<typeof serviceConsentSchema>;
export type SigningCodeReply = z.output<typeof signingCodeReply>;
/** What GET /cases/:caseId/documents answers (a party's inbox, or everything for staff). */
export type Inbox = ReplyOf<HttpApi['documents']['list']>;
export type PaperSigningInput = z.input<typeof paperSigningSchema>;
export type PaymentOrderPack = z.output<typeof paymentOrderView>;
export type PaymentOrderStatus = z.output<typeof paymentOrderStatusView>;
export type DisclosureView = z.output<typeof disclosureStateView>;
export type PartySide = keyof DisclosureView['sides'];
export type ReferralPreviewView = z.output<typeof referralPreviewView>;
