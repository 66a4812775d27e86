/**
 * The document service's shapes as the HTTP API sends and takes them, each
 * read off the route that carries it in the shared contract (signaling/http).
 * Types only: no zod reaches the bundle.
 */
import type { BodyOf, ReplyOf } from '../../../../signaling/http/endpoint.js';
import type { HttpApi } from '../../../../signaling/http/index.js';
import type { IssuableKind } from '../../../../signaling/http/documentRequests.js';

type Documents = HttpApi['documents'];
type Institutions = HttpApi['institutions'];

export type { IssuableKind };
/** What GET /cases/:caseId/documents answers (a party's inbox, or everything for staff). */
export type Inbox = ReplyOf<Documents['list']>;
export type DocumentView = Inbox['documents'][number];
export type DocumentKind = DocumentView['kind'];
export type DeliveryView = Inbox['deliveries'][number];
export type DeliveryState = DeliveryView['state'];
export type DeliveryStatus = DeliveryView['status'];
export type DeliveryEventView = DeliveryView['events'][number];
export type DeliveryEventKind = DeliveryEventView['kind'];
export type ServiceChannel = Exclude<DeliveryView['channel'], null>;
/** The signing of a mediation agreement, as its document carries it. */
export type AgreementStatus = NonNullable<DocumentView['signing']>;
export type SignatureView = AgreementStatus['signatures'][number];
export type SignsFor = SignatureView['signsFor'];
export type SealView = ReplyOf<Documents['sealInfo']>;
export type ServiceConsentView = ReplyOf<Documents['consents']>['consents'][number];
export type ServiceConsentInput = BodyOf<Documents['consent']>;
export type ServiceAddressInput = ServiceConsentInput['addresses'][number];
export type SigningCodeReply = ReplyOf<Documents['signingCode']>;
export type PaperSigningInput = BodyOf<Documents['paperSigning']>;
export type PaymentOrderStatus = ReplyOf<Institutions['paymentOrder']>;
export type PaymentOrderPack = ReplyOf<Institutions['producePaymentOrder']>['pack'];
export type DisclosureView = ReplyOf<Institutions['disclosure']>;
export type PartySide = keyof DisclosureView['sides'];
export type ReferralPreviewView = ReplyOf<Institutions['referralPreview']>;
