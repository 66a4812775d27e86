/**
 * Documents, deliveries, service consents and the agreement's signing as the
 * HTTP API sends them (server/documents/model.ts holds the domain types).
 */
import { z } from 'zod';
import {
  DELIVERY_EVENT_KINDS,
  DELIVERY_STATES,
  DOCUMENT_KINDS,
  SERVICE_BASES,
  SERVICE_CHANNELS,
} from './vocabulary.js';

const nullableString = z.string().nullable();
const signsFor = z.enum(['applicant', 'respondent', 'mediator']);

export const signatureView = z.object({
  id: z.string(),
  documentId: z.string(),
  documentSha256: z.string(),
  signerId: z.string(),
  signerKind: z.enum(['person', 'staff']),
  signerRole: z.enum(['applicant', 'respondent', 'agent', 'mediator']),
  /** The side the signature counts for: applicant, respondent, or the mediator. */
  signsFor,
  signerName: z.string(),
  signedAt: z.string(),
  imageSha256: nullableString,
});

export const sealView = z.object({
  documentId: z.string(),
  caseId: z.string(),
  /** SHA-256 of the sealed PDF. */
  sha256: z.string(),
  size: z.number(),
  /** JWS (typ sealed-agreement+jws) over the agreement's hash, the signatures and the seal time. */
  jws: z.string(),
  kid: z.string(),
  sealedAt: z.string(),
  sealedBy: z.string(),
  sealerRole: z.string(),
});

export const agreementStatusView = z.object({
  /**
   * Every party on its own (co-parties each sign) and the mediator; for a session record,
   * each attendee present (`partyId`: the attendee) and the mediator.
   */
  required: z.array(
    z.object({ signsFor, partyId: nullableString, name: z.string(), signed: z.boolean() }),
  ),
  signatures: z.array(signatureView),
  sealed: sealView.nullable(),
  /** The recorded paper signing that made it effective instead of a seal. */
  paperSigned: z.object({ recordedAt: z.string(), evidenceId: z.string() }).nullable(),
  effective: z.boolean(),
  /** A session record's attendees who refused to sign, as its mediator recorded; none for agreements. */
  refusals: z.array(
    z.object({
      id: z.string(),
      personId: z.string(),
      personName: z.string(),
      reason: z.string(),
      recordedBy: z.string(),
      recordedAt: z.string(),
    }),
  ),
  /** Every required signer signed (a session record: signed or refused). */
  complete: z.boolean(),
});

/** A document as its readers see it (no storage key). */
export const documentView = z.object({
  id: z.string(),
  caseId: z.string(),
  seriesId: z.string(),
  version: z.number(),
  kind: z.enum(DOCUMENT_KINDS),
  title: z.string(),
  sha256: z.string(),
  size: z.number(),
  issuedAt: z.string(),
  issuedBy: z.string(),
  /** A later version of the same document exists. */
  superseded: z.boolean(),
  signing: agreementStatusView.nullable(),
});

export const deliveryEventView = z.object({
  seq: z.number(),
  deliveryId: z.string(),
  kind: z.enum(DELIVERY_EVENT_KINDS),
  at: z.string(),
  actorId: z.string(),
  actorRole: z.string(),
  channel: nullableString,
  ip: nullableString,
  userAgent: nullableString,
  documentSha256: z.string(),
  /** Proven by a later step (e.g. "delivered" by an acknowledgement that came first). */
  implied: z.boolean(),
  /** Offline proof, challenge reason, paper-copy address, failure reason. */
  detail: z.record(z.unknown()).nullable(),
});

export const deliveryStatus = z.enum([...DELIVERY_STATES, 'challenged']);

/** What a delivery looks like to its sender and recipient: record, steps, computed state. */
export const deliveryView = z.object({
  id: z.string(),
  caseId: z.string(),
  documentId: z.string(),
  documentSha256: z.string(),
  recipientId: z.string(),
  recipientName: z.string(),
  /** The address used; null when marked for offline service. */
  channel: z.enum(SERVICE_CHANNELS).nullable(),
  address: nullableString,
  /** The consent in force when the delivery was made (null: none covered it). */
  consentId: nullableString,
  createdAt: z.string(),
  createdBy: z.string(),
  state: z.enum(DELIVERY_STATES),
  /** What the sender's view shows: the state, or 'challenged' once the recipient challenged it. */
  status: deliveryStatus,
  challenged: z.boolean(),
  paperCopyRequested: z.boolean(),
  served: z.object({ at: z.string(), basis: z.enum(SERVICE_BASES) }).nullable(),
  events: z.array(deliveryEventView),
});

/** 送达地址确认书: the latest one of a person is the one in force. */
export const serviceConsentView = z.object({
  id: z.string(),
  caseId: z.string(),
  personId: z.string(),
  electronic: z.boolean(),
  addresses: z.array(z.object({ channel: z.enum(SERVICE_CHANNELS), value: z.string() })),
  /** 'all' or the document kinds e-service is accepted for. */
  scope: z.union([z.literal('all'), z.array(z.enum(DOCUMENT_KINDS))]),
  effectAcknowledged: z.boolean(),
  postalAddress: nullableString,
  givenBy: z.string(),
  givenByRole: z.string(),
  givenAt: z.string(),
  ip: nullableString,
  userAgent: nullableString,
  documentId: z.string(),
});

export const signingCodeReply = z.object({
  channel: z.enum(SERVICE_CHANNELS),
  destination: z.string(),
  expiresAt: z.string(),
  attempts: z.number(),
  /** In-app only: the signing screen is the channel, so the code is shown there. */
  code: z.string().optional(),
});

/**
 * One e-mail or SMS the service sent about a case, as staff check it: where it went, what it
 * was for, and what the gateway and the recipient's mail system said (a bounced address and its
 * reason). Never the text: it may carry a one-time code.
 */
/** A message the demo's loopback relay or SMSC received (server/channels/LoopbackChannels.ts). */
export const demoMessageView = z.object({
  channel: z.enum(['email', 'sms']),
  at: z.string(),
  to: z.string(),
  subject: nullableString,
  text: z.string(),
  providerId: z.string(),
  reported: z.enum(['delivered', 'failed']),
});

export const caseMessageView = z.object({
  id: z.string(),
  channel: z.enum(SERVICE_CHANNELS),
  address: z.string(),
  purpose: z.string(),
  subject: z.string(),
  createdAt: z.string(),
  /** outbox: recorded only (no gateway for the channel); then queued, accepted, delivered, failed. */
  status: z.enum(['outbox', 'queued', 'accepted', 'delivered', 'failed']),
  attempts: z.number(),
  /** The relay's last reply, or the report's status and diagnostic. */
  providerStatus: nullableString,
  deliveryId: nullableString,
  updatedAt: nullableString,
});
