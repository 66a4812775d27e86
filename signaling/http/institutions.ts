/**
 * The HTTP contract of courts and arbitration commissions: their registration,
 * referrals and joint application bundles, the parties' agreement to disclose
 * caucus material, the payment-order pack, and the institution API (their own
 * access token).
 */
import { z } from 'zod';
import { caseParams } from './cases.js';
import { endpoint, pathId, raw } from './endpoint.js';
import { INSTITUTION_KINDS, REFERRAL_KINDS } from './vocabulary.js';

export const JOINT_APPLICATION_KINDS = ['judicial_confirmation', 'arbitration_review'] as const;

export const registerInstitutionSchema = z
  .object({
    kind: z.enum(INSTITUTION_KINDS),
    name: z.string().trim().min(2).max(200),
    // Where it may point is checked (and its name resolved) by the service: see webhookTarget.ts.
    webhookUrl: z.string().url().max(500).optional(),
  })
  .strict();

export const referralSchema = z
  .object({
    institutionId: z.string().uuid(),
    kind: z.enum(REFERRAL_KINDS),
    /** Why a joint application is still sent after its window closed (recorded and sent with it). */
    lateReason: z.string().trim().min(10).max(1000).optional(),
  })
  .strict();

/** A party agrees (or withdraws agreement) that caucus material may be submitted. */
export const disclosureConsentSchema = z.object({ agree: z.boolean() }).strict();

export const paymentOrderSchema = z
  .object({
    /** The registered court (institution kind court) to send the pack to. */
    institutionId: z.string().uuid(),
    /** Staff only: the applicant (or its agent with special authority) who asked for it. */
    requestedBy: z.string().trim().min(1).max(100).optional(),
  })
  .strict();

export const institutionTokenSchema = z
  .object({ institutionId: z.string().min(1).max(64), apiKey: z.string().min(1).max(200) })
  .strict();

export const institutionView = z.object({
  id: z.string(),
  organisationId: z.string(),
  kind: z.enum(INSTITUTION_KINDS),
  name: z.string(),
  webhookUrl: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  revokedAt: z.string().nullable(),
});

export const referralView = z.object({
  id: z.string(),
  caseId: z.string(),
  institutionId: z.string(),
  kind: z.enum(REFERRAL_KINDS),
  referredAt: z.string(),
  referredBy: z.string(),
  /** Sent after the statutory window closed: its last day and the reason staff recorded. */
  late: z.object({ windowClosedOn: z.string(), reason: z.string() }).nullable(),
});

const webhookStatus = z.enum(['pending', 'delivered', 'dead']);

/** A bundle's or pack's webhook delivery as staff see it. */
export const webhookDeliveryView = z.object({
  id: z.string(),
  status: webhookStatus,
  attempts: z.number(),
  nextAttemptAt: z.string(),
  deliveredAt: z.string().nullable(),
  lastError: z.string().nullable(),
  receipt: z.string().nullable(),
});

/** A delivery to an institution's webhook, as the clerk's list shows it. */
export const webhookDeliveryRecordView = webhookDeliveryView.extend({
  institutionId: z.string(),
  caseId: z.string(),
  event: z.string(),
  contentType: z.string(),
  bodySha256: z.string(),
  createdAt: z.string(),
});

/** The ZIP sent with an application (judicial confirmation, arbitration review). */
export const bundleView = z.object({
  id: z.string(),
  caseId: z.string(),
  institutionId: z.string(),
  referralId: z.string(),
  kind: z.enum(JOINT_APPLICATION_KINDS),
  sha256: z.string(),
  size: z.number(),
  fileCount: z.number(),
  createdAt: z.string(),
  /** Its delivery to the institution's webhook; null when the institution has none. */
  delivery: webhookDeliveryView.nullable(),
});

export const BUNDLE_ROLES = [
  'application',
  'agreement',
  'signed_agreement',
  'payment_order_application',
  'identity',
  'authorisation',
  'certificate',
  /** 调解笔录: each session's record, signed by its attendees (or their refusals recorded). */
  'session_record',
  'reference',
  'readme',
] as const;

/** Exactly what a joint application's bundle would send now. */
export const referralPreviewView = z.object({
  caseId: z.string(),
  kind: z.enum(JOINT_APPLICATION_KINDS),
  institutionKind: z.enum(INSTITUTION_KINDS),
  files: z.array(
    z.object({
      path: z.string(),
      role: z.enum(BUNDLE_ROLES),
      title: z.string(),
      /** Null for what is rendered at the moment of sending (certificates, the signed reference). */
      sha256: z.string().nullable(),
      size: z.number().nullable(),
    }),
  ),
  excluded: z.array(z.object({ kind: z.string(), id: z.string(), reason: z.string() })),
  disclosureAgreed: z.boolean(),
  concessions: z.string(),
});

const disclosureSide = z.enum(['applicant', 'respondent']);

/** Both parties' agreement (or not) that caucus material may go to a court or commission. */
export const disclosureStateView = z.object({
  /** Both sides agree. */
  agreed: z.boolean(),
  sides: z.object({ applicant: z.boolean(), respondent: z.boolean() }),
  consents: z.array(
    z.object({
      personId: z.string(),
      name: z.string(),
      side: disclosureSide,
      agree: z.boolean(),
      at: z.string(),
    }),
  ),
});

export const referredCaseView = z.object({
  caseId: z.string(),
  caseNumber: z.string(),
  referrals: z.array(referralView),
  paymentOrders: z.array(
    z.object({ id: z.string(), sentAt: z.string(), sha256: z.string(), size: z.number() }),
  ),
});

export const paymentOrderView = z.object({
  id: z.string(),
  caseId: z.string(),
  institutionId: z.string(),
  institutionName: z.string(),
  requestedBy: z.string(),
  sha256: z.string(),
  size: z.number(),
  fileCount: z.number(),
  createdAt: z.string(),
  delivery: webhookDeliveryView.nullable(),
});

export const PAYMENT_ORDER_INELIGIBLE_REASONS = [
  'claim_type',
  'agreement_not_effective',
  'no_performance_deadline',
  'deadline_not_passed',
  'performed',
] as const;

export const paymentOrderStatusView = z.object({
  eligible: z.boolean(),
  reasons: z.array(z.enum(PAYMENT_ORDER_INELIGIBLE_REASONS)),
  performanceDueOn: z.string().nullable(),
  courts: z.array(z.object({ id: z.string(), name: z.string() })),
  packs: z.array(paymentOrderView),
  mayProduce: z.boolean(),
});

export const institutionApi = {
  register: endpoint({
    method: 'post',
    path: '/institutions',
    summary:
      'Register a court or arbitration commission (clerk); the API key is in this reply only',
    tag: 'institutions',
    auth: 'staff',
    body: registerInstitutionSchema,
    status: 201,
    response: z.object({ institution: institutionView, apiKey: z.string() }),
  }),
  list: endpoint({
    method: 'get',
    path: '/institutions',
    summary: "The organisation's institutions",
    tag: 'institutions',
    auth: 'staff',
    response: z.object({ institutions: z.array(institutionView) }),
  }),
  revoke: endpoint({
    method: 'post',
    path: '/institutions/:institutionId/revoke',
    summary: 'Revoke an institution’s credential (clerk): its tokens stop working at once',
    tag: 'institutions',
    auth: 'staff',
    params: z.object({ institutionId: pathId }).strict(),
    response: z.object({ institution: institutionView }),
  }),
  refer: endpoint({
    method: 'post',
    path: '/cases/:caseId/referrals',
    summary:
      'Refer the case to an institution (delegated mediation report, joint application for judicial confirmation or arbitration review)',
    tag: 'institutions',
    auth: 'staff',
    body: referralSchema,
    status: 201,
    params: caseParams,
    response: z.object({
      referral: referralView,
      webhookDelivery: z.string().nullable(),
      bundle: bundleView.nullable(),
    }),
  }),
  referrals: endpoint({
    method: 'get',
    path: '/cases/:caseId/referrals',
    summary: 'The case’s referrals and joint application bundles with their delivery state (staff)',
    tag: 'institutions',
    auth: 'staff',
    params: caseParams,
    response: z.object({
      referrals: z.array(referralView.extend({ institutionName: z.string() })),
      bundles: z.array(bundleView),
    }),
  }),
  exportBundle: endpoint({
    method: 'post',
    path: '/cases/:caseId/referrals/:referralId/bundle',
    summary:
      'Export the joint application bundle of a referral again (e.g. after new documents) and deliver it (staff)',
    tag: 'institutions',
    auth: 'staff',
    status: 201,
    params: z.object({ caseId: pathId, referralId: pathId }).strict(),
    response: z.object({ bundle: bundleView }),
  }),
  bundleFile: endpoint({
    method: 'get',
    path: '/cases/:caseId/bundles/:bundleId/file',
    summary: 'A joint application bundle (ZIP; X-Content-SHA256) for staff',
    tag: 'institutions',
    auth: 'staff',
    params: z.object({ caseId: pathId, bundleId: pathId }).strict(),
    response: raw('application/zip'),
  }),
  referralPreview: endpoint({
    method: 'get',
    path: '/cases/:caseId/referral-preview',
    summary:
      'Before a joint application: exactly what its bundle would send now (files with titles, sizes and SHA-256, what is withheld and why, the statement on concessions) — for the parties of the case and its staff',
    tag: 'institutions',
    auth: 'any',
    query: z.object({ kind: z.enum(JOINT_APPLICATION_KINDS) }).strict(),
    params: caseParams,
    response: referralPreviewView,
  }),
  disclosure: endpoint({
    method: 'get',
    path: '/cases/:caseId/disclosure',
    summary:
      'Whether both parties agreed that confidential caucus material may go to a court or arbitration commission',
    tag: 'institutions',
    auth: 'any',
    params: caseParams,
    response: disclosureStateView,
  }),
  recordDisclosure: endpoint({
    method: 'post',
    path: '/cases/:caseId/disclosure',
    summary:
      'A party (or an agent with special authority) agrees or withdraws agreement that caucus material may be submitted',
    tag: 'institutions',
    auth: 'any',
    body: disclosureConsentSchema,
    params: caseParams,
    response: disclosureStateView,
  }),
  retryWebhook: endpoint({
    method: 'post',
    path: '/institutions/:institutionId/webhooks/:deliveryId/retry',
    summary: 'Queue a dead letter again (clerk); the idempotency key stays the same',
    tag: 'institutions',
    auth: 'staff',
    params: z.object({ institutionId: pathId, deliveryId: pathId }).strict(),
    response: z.object({ delivery: webhookDeliveryRecordView }),
  }),
  webhooks: endpoint({
    method: 'get',
    path: '/institutions/:institutionId/webhooks',
    summary:
      'Deliveries to the institution’s webhook (clerk): pending with their next attempt, delivered with the receipt, dead letters with the last error',
    tag: 'institutions',
    auth: 'staff',
    params: z.object({ institutionId: pathId }).strict(),
    response: z.object({ deliveries: z.array(webhookDeliveryRecordView) }),
  }),
  token: endpoint({
    method: 'post',
    path: '/institution/token',
    summary: 'An institution signs in with its API key: a one-hour access token',
    tag: 'institution API',
    auth: 'none',
    body: institutionTokenSchema,
    response: z.object({ token: z.string(), expiresAt: z.string() }),
  }),
  referredCases: endpoint({
    method: 'get',
    path: '/institution/cases',
    summary: 'The cases referred to the calling institution (institution access token)',
    tag: 'institution API',
    auth: 'none',
    response: z.object({ cases: z.array(referredCaseView) }),
  }),
  certificate: endpoint({
    method: 'get',
    path: '/institution/cases/:caseId/deliveries/:deliveryId/certificate',
    summary:
      '电子送达凭证 of a delivery in a case referred to the calling institution (institution access token)',
    tag: 'institution API',
    auth: 'none',
    params: z.object({ caseId: pathId, deliveryId: pathId }).strict(),
    response: raw('application/pdf'),
  }),
  reference: endpoint({
    method: 'get',
    path: '/institution/cases/:caseId/reference',
    summary:
      'A signed reference (JWS, typ mediation-case-reference+jws) to a case referred to the calling institution: items by SHA-256 with the audit events that fixed them, the audit chain, 24-hour file links; verify offline with `npm run verify-reference`',
    tag: 'institution API',
    auth: 'none',
    params: caseParams,
    response: z.object({ reference: z.string() }),
  }),
  bundles: endpoint({
    method: 'get',
    path: '/institution/cases/:caseId/bundles',
    summary: 'Joint application bundles of a case referred to the calling institution',
    tag: 'institution API',
    auth: 'none',
    params: caseParams,
    response: z.object({ bundles: z.array(bundleView.omit({ delivery: true })) }),
  }),
  bundle: endpoint({
    method: 'get',
    path: '/institution/cases/:caseId/bundles/:bundleId',
    summary:
      'A joint application bundle (ZIP) of a case referred to the calling institution; verify offline with `npm run verify-reference -- bundle.zip --jwks jwks.json`',
    tag: 'institution API',
    auth: 'none',
    params: z.object({ caseId: pathId, bundleId: pathId }).strict(),
    response: raw('application/zip'),
  }),
  paymentOrderPack: endpoint({
    method: 'get',
    path: '/institution/cases/:caseId/payment-orders/:packId',
    summary:
      'A payment-order pack (ZIP) sent to the calling court; verify offline with `npm run verify-reference -- pack.zip --jwks jwks.json`',
    tag: 'institution API',
    auth: 'none',
    params: z.object({ caseId: pathId, packId: pathId }).strict(),
    response: raw('application/zip'),
  }),
  file: endpoint({
    method: 'get',
    path: '/institution/files/:token',
    summary: 'A file named by a reference’s link (institution access token as well)',
    tag: 'institution API',
    auth: 'none',
    // A signed link token: longer than a record id.
    params: z.object({ token: z.string().min(1).max(4096) }).strict(),
    response: raw('application/octet-stream'),
  }),
  paymentOrder: endpoint({
    method: 'get',
    path: '/cases/:caseId/payment-order',
    summary:
      'Whether the worker may apply for a payment order (劳动争议调解仲裁法第十六条), the registered courts, and the packs sent (staff, applicant side)',
    tag: 'institutions',
    auth: 'any',
    params: caseParams,
    response: paymentOrderStatusView,
  }),
  producePaymentOrder: endpoint({
    method: 'post',
    path: '/cases/:caseId/payment-order',
    summary:
      'Produce the payment-order application pack and send it to a registered court (the applicant or its agent with special authority; staff with requestedBy)',
    tag: 'institutions',
    auth: 'any',
    body: paymentOrderSchema,
    status: 201,
    params: caseParams,
    response: z.object({ pack: paymentOrderView }),
  }),
  paymentOrderFile: endpoint({
    method: 'get',
    path: '/cases/:caseId/payment-order/:packId/file',
    summary: 'A payment-order pack as sent (ZIP; X-Content-SHA256)',
    tag: 'institutions',
    auth: 'any',
    params: z.object({ caseId: pathId, packId: pathId }).strict(),
    response: raw('application/zip'),
  }),
} as const;
