/**
 * The HTTP contract of cases that courts and arbitration commissions hand to the
 * organisation (委派/委托调解): the institution submits one through its API with its own case
 * number (the same number twice is one referral), follows it and may withdraw it while it
 * waits; a clerk accepts it (the case is registered and accepted with everything filled in)
 * or declines it with reasons. Each step goes to the institution's webhook once.
 */
import { z } from 'zod';
import { caseParams } from './cases.js';
import { partySchema } from './caseRequests.js';
import { evidenceApi, evidenceItemView, evidenceReceiptView } from './evidence.js';
import { endpoint, pathId } from './endpoint.js';
import { CLAIM_TYPES, DISPUTE_TYPES, INSTITUTION_KINDS, PRIORITY_GROUPS } from './vocabulary.js';

/** 委派调解 (delegated: before the institution takes the case up) or 委托调解 (entrusted: during it). */
export const INBOUND_REFERRAL_KINDS = ['delegated', 'entrusted'] as const;
export const INBOUND_REFERRAL_STATUSES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;

/**
 * What the institution is told, each once: its referral decided or withdrawn, then the case's
 * sessions and its end. `agreement_effective` and `terminated` carry the signed reference.
 */
export const INBOUND_REFERRAL_EVENTS = [
  'referral.accepted',
  'referral.declined',
  'referral.withdrawn',
  'case.session_scheduled',
  'case.agreement_effective',
  'case.terminated',
  'case.withdrawn',
] as const;

const text = (min: number, max: number) => z.string().trim().min(min).max(max);

export const inboundReferralSchema = z
  .object({
    /** The institution's own case number, e.g. （2026）沪0101民诉前调1234号. */
    caseNumber: text(1, 100),
    kind: z.enum(INBOUND_REFERRAL_KINDS),
    disputeType: z.enum(DISPUTE_TYPES),
    priorityGroups: z.array(z.enum(PRIORITY_GROUPS)).max(PRIORITY_GROUPS.length).default([]),
    application: z
      .object({
        requests: text(1, 4000),
        factsAndReasons: text(1, 20000),
        claimTypes: z
          .array(z.enum(CLAIM_TYPES))
          .min(1, '至少选择一项请求类型 / Choose at least one claim type')
          .max(CLAIM_TYPES.length)
          .refine((types) => new Set(types).size === types.length, 'Each claim type once'),
        amountClaimed: z.number().nonnegative().max(1e10).nullable().default(null),
      })
      .strict(),
    applicant: partySchema.strict(),
    respondent: partySchema.strict(),
    /** What the institution tells the organisation (a deadline of its own, a judge to contact). */
    note: z.string().trim().max(2000).nullable().default(null),
  })
  .strict();
export type InboundReferralInput = z.output<typeof inboundReferralSchema>;

export const referralDecisionSchema = z.object({ reason: text(4, 2000) }).strict();

export const inboundReferralView = z.object({
  id: z.string(),
  institutionId: z.string(),
  institutionName: z.string(),
  institutionKind: z.enum(INSTITUTION_KINDS),
  organisationId: z.string(),
  caseNumber: z.string(),
  kind: z.enum(INBOUND_REFERRAL_KINDS),
  status: z.enum(INBOUND_REFERRAL_STATUSES),
  submission: inboundReferralSchema,
  /** SHA-256 of the submission as received (canonical JSON): a repeat must match it. */
  submissionSha256: z.string(),
  receivedAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  reason: z.string().nullable(),
  /** The organisation's case, once accepted. */
  caseId: z.string().nullable(),
});

export const referralEventView = z.object({
  seq: z.number(),
  event: z.enum(INBOUND_REFERRAL_EVENTS),
  at: z.string(),
  detail: z.record(z.unknown()),
  /** The institution's webhook delivery of it (null: no webhook, or not queued yet). */
  webhookDelivery: z.string().nullable(),
});

/** What the institution can read of its referral's case. */
export const referralProgressView = z.object({
  caseNumber: z.string(),
  status: z.string(),
  mediationDueOn: z.string(),
  sessions: z.array(z.object({ scheduledFor: z.string(), state: z.string() })),
  outcome: z.string().nullable(),
  closedAt: z.string().nullable(),
});

const referralParams = z.object({ referralId: pathId }).strict();

export const inboundReferralApi = {
  submit: endpoint({
    method: 'post',
    path: '/institution/referrals',
    summary:
      'A court or arbitration commission hands a case to the organisation (Bearer institution token); the same case number again returns the referral already made',
    tag: 'institution API',
    auth: 'none',
    body: inboundReferralSchema,
    response: z.object({ referral: inboundReferralView, created: z.boolean() }),
  }),
  mine: endpoint({
    method: 'get',
    path: '/institution/referrals',
    summary: 'The referrals this institution made (Bearer institution token)',
    tag: 'institution API',
    auth: 'none',
    response: z.object({ referrals: z.array(inboundReferralView) }),
  }),
  progress: endpoint({
    method: 'get',
    path: '/institution/referrals/:referralId',
    summary:
      'A referral with the events sent for it and its case’s progress (Bearer institution token)',
    tag: 'institution API',
    auth: 'none',
    params: referralParams,
    response: z.object({
      referral: inboundReferralView,
      events: z.array(referralEventView),
      progress: referralProgressView.nullable(),
    }),
  }),
  withdraw: endpoint({
    method: 'post',
    path: '/institution/referrals/:referralId/withdraw',
    summary: 'The institution takes back a referral not yet decided (Bearer institution token)',
    tag: 'institution API',
    auth: 'none',
    params: referralParams,
    body: referralDecisionSchema,
    response: z.object({ referral: inboundReferralView }),
  }),
  material: endpoint({
    method: 'post',
    path: '/institution/cases/:caseId/evidence',
    summary:
      'The institution adds its materials to the case it handed over, once accepted (multipart/form-data, as the evidence upload; Bearer institution token); returns the item and its receipt with the SHA-256',
    tag: 'institution API',
    auth: 'none',
    status: 201,
    multipart: evidenceApi.submit.multipart,
    params: caseParams,
    response: z.object({ item: evidenceItemView, receipt: evidenceReceiptView }),
  }),
  incoming: endpoint({
    method: 'get',
    path: '/referrals/incoming',
    summary: 'Cases institutions handed to the organisation, newest first (staff)',
    tag: 'institutions',
    auth: 'staff',
    response: z.object({ referrals: z.array(inboundReferralView) }),
  }),
  accept: endpoint({
    method: 'post',
    path: '/referrals/incoming/:referralId/accept',
    summary:
      'Accept a referral (clerk): the case is registered and accepted with the referral’s parties and claims',
    tag: 'institutions',
    auth: 'staff',
    params: referralParams,
    response: z.object({ referral: inboundReferralView, caseId: z.string() }),
  }),
  decline: endpoint({
    method: 'post',
    path: '/referrals/incoming/:referralId/decline',
    summary: 'Decline a referral with reasons (clerk); the institution is told',
    tag: 'institutions',
    auth: 'staff',
    params: referralParams,
    body: referralDecisionSchema,
    response: z.object({ referral: inboundReferralView }),
  }),
} as const;
