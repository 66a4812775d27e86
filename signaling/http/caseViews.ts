/**
 * The case file as the HTTP API sends it (server/cases/model.ts holds the
 * domain types these describe; the server's handlers are type-checked
 * against them, and in tests every reply is checked at run time).
 */
import { z } from 'zod';
import {
  CASE_SOURCES,
  CASE_STATUSES,
  CLAIM_TYPES,
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
  DISPUTE_TYPES,
  INTAKE_MODES,
  PERSON_KINDS,
  PRIORITY_GROUPS,
  SESSION_MODES,
  SESSION_STATUSES,
  STAFF_ROLES,
  TERMINATION_GROUNDS,
} from './vocabulary.js';

const nullableString = z.string().nullable();

export const staffMemberView = z.object({
  id: z.string(),
  organisationId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  /** Dispute types a mediator specialises in (empty for clerks). */
  specialties: z.array(z.enum(DISPUTE_TYPES)),
  active: z.boolean(),
  createdAt: z.string(),
});

export const casePersonView = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum(PERSON_KINDS),
  name: z.string(),
  /** ID card number or unified social credit code (null where the caller may not see it). */
  idNumber: nullableString,
  phone: nullableString,
  address: nullableString,
  legalRepresentative: nullableString,
  isOrganisation: z.boolean(),
  /** Agents: the party represented. */
  representsId: nullableString,
  powerOfAttorney: z
    .object({
      scope: z.enum(['general', 'special']),
      maySign: z.boolean(),
      document: nullableString,
    })
    .nullable(),
  serviceAddress: nullableString,
  createdAt: z.string(),
});

/** One applicant's own terms in an agreement (amount, deadline, what is owed to them). */
export const personTermsView = z.object({
  personId: z.string(),
  items: z.array(z.string()),
  amount: z.number().nullable(),
  performanceDeadline: nullableString,
});

export const mediationCaseView = z.object({
  id: z.string(),
  caseNumber: z.string(),
  organisationId: z.string(),
  status: z.enum(CASE_STATUSES),
  disputeType: z.enum(DISPUTE_TYPES),
  source: z.enum(CASE_SOURCES),
  sourceReference: nullableString,
  priorityGroups: z.array(z.enum(PRIORITY_GROUPS)),
  intakeMode: z.enum(INTAKE_MODES),
  application: z.object({
    requests: z.string(),
    factsAndReasons: z.string(),
    claimTypes: z.array(z.enum(CLAIM_TYPES)),
    amountClaimed: z.number().nullable(),
    oralRecord: z
      .object({ heardAt: z.string(), place: nullableString, readBackConfirmed: z.literal(true) })
      .nullable()
      .optional(),
  }),
  /** Date (Asia/Shanghai, YYYY-MM-DD) the organisation received the application. */
  receivedOn: z.string(),
  registeredAt: z.string(),
  registeredBy: z.string(),
  decision: z
    .object({
      kind: z.enum(['accepted', 'refused']),
      at: z.string(),
      by: z.string(),
      reason: nullableString,
    })
    .nullable(),
  mediatorId: nullableString,
  mediationDueOn: z.string(),
  outcome: z
    .object({
      kind: z.enum(['agreement', 'termination', 'withdrawal']),
      at: z.string(),
      terms: z.string().optional(),
      performanceDeadline: nullableString.optional(),
      performanceMethod: nullableString.optional(),
      /** Each applicant's own terms, when the agreement gives them per person. */
      personTerms: z.array(personTermsView).optional(),
      effectiveAt: nullableString.optional(),
      ground: z.enum(TERMINATION_GROUNDS).optional(),
      facts: z.string().optional(),
    })
    .nullable(),
  closedAt: nullableString,
  archivedAt: nullableString,
  version: z.number(),
  updatedAt: z.string(),
});

export const deadlineView = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum(DEADLINE_KINDS),
  /** Last day (Asia/Shanghai, YYYY-MM-DD), inclusive. */
  dueOn: z.string(),
  basis: z.string(),
  consequence: z.string(),
  /** Computed across a year whose holiday schedule is not loaded: the date may still move. */
  provisional: z.boolean(),
  missingCalendarYears: z.array(z.number()),
  status: z.enum(DEADLINE_STATUSES),
  createdAt: z.string(),
  resolvedAt: nullableString,
});

export const caseListItemView = mediationCaseView.extend({
  /** Deadlines still open or already passed. */
  openDeadlines: z.array(deadlineView),
});

export const sessionView = z.object({
  id: z.string(),
  caseId: z.string(),
  status: z.enum(SESSION_STATUSES),
  mode: z.enum(SESSION_MODES),
  scheduledStart: z.string(),
  scheduledEnd: nullableString,
  startedAt: nullableString,
  endedAt: nullableString,
  createdBy: z.string(),
});

export const disclosureRecordView = z.object({
  id: z.string(),
  caseId: z.string(),
  mediatorId: z.string(),
  assignmentId: nullableString,
  hasConflict: z.boolean(),
  statement: z.string(),
  at: z.string(),
});

/** A notice the case engine produced, and the document it was served as (null until served). */
export const caseNoticeView = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.enum([
    'right_to_arbitration',
    'acceptance_overdue',
    'confirmation_window_closing',
    'payment_order_eligible',
    'deadline_changed',
    'confirmation_window_reminder',
  ]),
  deadlineId: nullableString,
  createdAt: z.string(),
  data: z.record(z.unknown()),
  documentId: nullableString,
});

export const followUpView = z.object({
  id: z.string(),
  caseId: z.string(),
  at: z.string(),
  by: z.string(),
  method: z.enum(['phone', 'visit', 'online']),
  notes: z.string(),
  result: z.enum(['performed', 'partly_performed', 'not_performed', 'other']),
});

export const invitationView = z.object({
  id: z.string(),
  caseId: z.string(),
  personId: z.string(),
  expiresAt: z.string(),
  revokedAt: nullableString,
  createdBy: z.string(),
  createdAt: z.string(),
});

export const recusalRequestView = z.object({
  id: z.string(),
  caseId: z.string(),
  mediatorId: z.string(),
  assignmentId: nullableString,
  requestedBy: z.string(),
  reasons: z.string(),
  requestedAt: z.string(),
  requestDocumentId: nullableString,
  status: z.enum(['pending', 'granted', 'refused']),
  decidedBy: nullableString,
  decidedAt: nullableString,
  decisionReasons: nullableString,
  decisionDocumentId: nullableString,
});

export const mediationResponseView = z.object({
  id: z.string(),
  caseId: z.string(),
  respondentId: z.string(),
  decision: z.enum(['agree', 'refuse']),
  givenBy: z.string(),
  givenByRole: z.string(),
  channel: z.enum(['online', 'offline']),
  evidenceId: nullableString,
  evidenceSha256: nullableString,
  note: nullableString,
  at: z.string(),
});

/** 代表人: an applicant elected to act for co-applicants; `maySign`: the authority covers signing. */
export const representativeView = z.object({
  id: z.string(),
  caseId: z.string(),
  representativeId: z.string(),
  represents: z.array(z.string()),
  maySign: z.boolean(),
  electedOn: z.string(),
  /** The election document (evidence of the case); empty for parties. */
  evidenceId: z.string(),
  recordedBy: z.string(),
  recordedAt: z.string(),
  revokedAt: nullableString,
  revokedBy: nullableString,
});

/** One applicant's own claims (collective and multi-party disputes). */
export const personClaimsView = z.object({
  caseId: z.string(),
  personId: z.string(),
  claims: z.array(
    z.object({ type: z.enum(CLAIM_TYPES), amount: z.number().nullable(), note: nullableString }),
  ),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

/** One finding on a person's part of the effective agreement (their payment received, say). */
export const performanceRecordView = z.object({
  id: z.string(),
  caseId: z.string(),
  personId: z.string(),
  result: z.enum(['performed', 'partly_performed', 'not_performed']),
  amountPaid: z.number().nullable(),
  note: z.string(),
  evidenceId: nullableString,
  recordedAt: z.string(),
  recordedBy: z.string(),
});

export const caseFileView = z.object({
  case: mediationCaseView,
  people: z.array(casePersonView),
  sessions: z.array(sessionView),
  deadlines: z.array(deadlineView),
  disclosures: z.array(disclosureRecordView),
  notices: z.array(caseNoticeView),
  followUps: z.array(followUpView),
  invitations: z.array(invitationView),
  mediator: z.object({ id: z.string(), displayName: z.string() }).nullable(),
  recusalRequests: z.array(recusalRequestView),
  mediationResponses: z.array(mediationResponseView),
  representatives: z.array(representativeView),
  /** Each applicant's own claims; parties see only their own. */
  claims: z.array(personClaimsView),
  /** Findings on each person's part of the agreement; parties see only their own. */
  performance: z.array(performanceRecordView),
});

export const actorView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('staff'),
    id: z.string(),
    role: z.enum(STAFF_ROLES),
    organisationId: z.string(),
    name: z.string(),
  }),
  z.object({
    kind: z.literal('person'),
    id: z.string(),
    role: z.enum(['party', 'agent', 'observer']),
    caseId: z.string(),
    invitationId: z.string(),
    name: z.string(),
  }),
  z.object({ kind: z.literal('system'), id: z.literal('system'), role: z.literal('system') }),
]);

export const auditVerificationView = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    caseId: z.string(),
    length: z.number(),
    head: z.object({ seq: z.number(), hash: z.string() }).nullable(),
  }),
  z.object({
    ok: z.literal(false),
    caseId: z.string(),
    length: z.number(),
    failedAt: z.number(),
    reason: z.enum(['altered', 'payload_altered', 'removed', 'reordered', 'wrong_case']),
    detail: z.string(),
  }),
]);

const counts = <K extends string>(keys: readonly [K, ...K[]]) => z.record(z.enum(keys), z.number());

/** The organisation's 统计报告 (server/cases/statistics.ts). */
export const statisticsView = z.object({
  period: z.object({ from: nullableString, to: nullableString }),
  generatedAt: z.string(),
  /** Years whose State Council holiday schedule is due but not loaded. */
  calendar: z.object({ missingScheduleYears: z.array(z.number()) }),
  totals: z.object({
    received: z.number(),
    accepted: z.number(),
    refused: z.number(),
    open: z.number(),
    closed: z.number(),
    settled: z.number(),
    terminated: z.number(),
    withdrawn: z.number(),
    archived: z.number(),
  }),
  byDisputeType: counts(DISPUTE_TYPES),
  bySource: counts(CASE_SOURCES),
  byPriorityGroup: counts(PRIORITY_GROUPS),
  byOutcome: z.object({
    agreement: z.number(),
    termination: z.number(),
    withdrawal: z.number(),
    refused: z.number(),
    pending: z.number(),
  }),
  byMonth: z.array(
    z.object({ month: z.string(), received: z.number(), closed: z.number(), settled: z.number() }),
  ),
  settlementRate: z.number().nullable(),
  medianDaysToClose: z.number().nullable(),
  overdue: z.object({ total: z.number(), byKind: counts(DEADLINE_KINDS) }),
  /** People and amounts: natural-person and organisation parties, amounts claimed, collective (≥10 workers) and multi-respondent cases. */
  people: z.object({
    workers: z.number(),
    employers: z.number(),
    amountClaimed: z.number(),
    collectiveCases: z.number(),
    multiRespondentCases: z.number(),
  }),
});
