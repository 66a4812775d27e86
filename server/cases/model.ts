/**
 * The case file of a labour or personnel dispute (../shared/DOMAIN.md): who the
 * parties are, where the case came from, its state, its sessions and outcome.
 * Plain data; no storage or transport code.
 */
import type { OrganisationKind } from '../organisations/tree.js';
import {
  DISPUTE_TYPES,
  CASE_SOURCES,
  PRIORITY_GROUPS,
  CLAIM_TYPES,
  INTAKE_MODES,
  CASE_STATUSES,
  TERMINATION_GROUNDS,
  PERSON_KINDS,
  STAFF_ROLES,
  SESSION_STATUSES,
  SESSION_MODES,
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
} from '../../signaling/http/vocabulary.js';

export {
  DISPUTE_TYPES,
  CASE_SOURCES,
  PRIORITY_GROUPS,
  CLAIM_TYPES,
  INTAKE_MODES,
  CASE_STATUSES,
  TERMINATION_GROUNDS,
  PERSON_KINDS,
  STAFF_ROLES,
  SESSION_STATUSES,
  SESSION_MODES,
  DEADLINE_KINDS,
  DEADLINE_STATUSES,
};

export type DisputeType = (typeof DISPUTE_TYPES)[number];

export const DISPUTE_TYPE_LABELS: Record<DisputeType, string> = {
  employment_relationship: '确认劳动关系',
  wages: '追索劳动报酬',
  working_hours: '工作时间',
  termination: '解除和终止劳动合同',
  economic_compensation: '经济补偿',
  social_insurance: '社会保险',
  work_injury: '工伤',
  other: '其他',
};

export type CaseSource = (typeof CASE_SOURCES)[number];

export const CASE_SOURCE_LABELS: Record<CaseSource, string> = {
  party_application: '当事人申请',
  arbitration_delegated: '仲裁委派',
  court_delegated: '法院委派',
  court_entrusted: '法院委托',
  union_referral: '工会转介',
  one_stop_referral: '一站式平台转介',
};

export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export const PRIORITY_GROUP_LABELS: Record<PriorityGroup, string> = {
  migrant_worker: '农民工',
  dispatched_worker: '劳务派遣',
  platform_worker: '新就业形态',
};

/**
 * Claim types matter after an agreement: for these, a worker whose employer
 * misses the agreed deadline may ask a court for a payment order (支付令).
 */
export type ClaimType = (typeof CLAIM_TYPES)[number];
export const PAYMENT_ORDER_CLAIMS: readonly ClaimType[] = [
  'wages',
  'work_injury_medical',
  'economic_compensation',
  'damages',
];

export type IntakeMode = (typeof INTAKE_MODES)[number];

export type CaseStatus = (typeof CASE_STATUSES)[number];

export const CASE_STATUS_LABELS: Record<CaseStatus, string> = {
  registered: '已登记',
  accepted: '已受理',
  refused: '不予受理',
  in_mediation: '调解中',
  settled: '调解成功',
  terminated: '调解终止',
  withdrawn: '已撤回',
  archived: '已归档',
};

export type TerminationGround = (typeof TERMINATION_GROUNDS)[number];

export type PersonKind = (typeof PERSON_KINDS)[number];

export type StaffRole = (typeof STAFF_ROLES)[number];

export type MediationSessionStatus = (typeof SESSION_STATUSES)[number];

export interface Organisation {
  id: string;
  name: string;
  /** Its place in the mediation network (server/organisations/tree.ts). */
  kind: OrganisationKind;
  parentId: string | null;
  createdAt: string;
}

/** What creating an organisation takes; an organisation without a kind is a district centre. */
export type NewOrganisation = Pick<Organisation, 'id' | 'name'> &
  Partial<Pick<Organisation, 'kind' | 'parentId'>> & { createdBy?: string };

export interface StaffMember {
  id: string;
  organisationId: string;
  username: string;
  displayName: string;
  role: StaffRole;
  /** Dispute types a mediator specialises in (empty for clerks). */
  specialties: DisputeType[];
  active: boolean;
  createdAt: string;
}

export interface CasePerson {
  id: string;
  caseId: string;
  kind: PersonKind;
  name: string;
  /** ID card number, or the employer's unified social credit code. */
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  /** Employers: legal representative (法定代表人). */
  legalRepresentative: string | null;
  isOrganisation: boolean;
  /** Agents: the party represented (applicant or respondent person id). */
  representsId: string | null;
  /** Agents: what the power of attorney allows. */
  powerOfAttorney: {
    scope: 'general' | 'special';
    maySign: boolean;
    document: string | null;
  } | null;
  /** Electronic service address (e-mail, phone, or in-app). */
  serviceAddress: string | null;
  createdAt: string;
}

export interface CaseApplication {
  requests: string;
  factsAndReasons: string;
  claimTypes: ClaimType[];
  /** Total amount claimed in yuan, when money is claimed. */
  amountClaimed: number | null;
  /** An oral application (口头申请): when it was heard and that it was read back to the applicant. */
  oralRecord?: OralApplicationRecord | null;
}

export interface OralApplicationRecord {
  /** When the applicant stated the application (instant). */
  heardAt: string;
  /** Where, e.g. the reception desk or "by telephone". */
  place: string | null;
  /** The record was read back to the applicant, who confirmed it. */
  readBackConfirmed: true;
}

export interface CaseOutcome {
  kind: 'agreement' | 'termination' | 'withdrawal';
  at: string;
  /** agreement: agreed terms, performance deadline (date) and method. */
  terms?: string;
  performanceDeadline?: string | null;
  performanceMethod?: string | null;
  /** agreement: each applicant's own terms, when the agreement gives them per person. */
  personTerms?: PersonTerms[];
  /** agreement: when the last signature and the seal made it effective. */
  effectiveAt?: string | null;
  /** termination */
  ground?: TerminationGround;
  facts?: string;
}

export interface MediationCase {
  id: string;
  caseNumber: string;
  organisationId: string;
  status: CaseStatus;
  disputeType: DisputeType;
  source: CaseSource;
  sourceReference: string | null;
  priorityGroups: PriorityGroup[];
  intakeMode: IntakeMode;
  application: CaseApplication;
  /** Date (Asia/Shanghai, YYYY-MM-DD) the organisation received the application. */
  receivedOn: string;
  registeredAt: string;
  registeredBy: string;
  decision: { kind: 'accepted' | 'refused'; at: string; by: string; reason: string | null } | null;
  mediatorId: string | null;
  /** The 15-day mediation period's end, later if both parties agreed to extend. */
  mediationDueOn: string;
  outcome: CaseOutcome | null;
  closedAt: string | null;
  archivedAt: string | null;
  version: number;
  updatedAt: string;
}

export interface ConflictDisclosure {
  id: string;
  caseId: string;
  mediatorId: string;
  /** The assignment it was made for; null for disclosures recorded before assignments were kept. */
  assignmentId: string | null;
  hasConflict: boolean;
  statement: string;
  at: string;
}

/** One mediator's assignment to a case, from the clerk's assignment to its end. */
export interface MediatorAssignment {
  id: string;
  caseId: string;
  mediatorId: string;
  assignedAt: string;
  assignedBy: string;
  endedAt: string | null;
  endedReason: 'reassigned' | 'conflict_disclosed' | 'recusal_granted' | null;
}

/** 回避申请: a party or agent asks that the mediator withdraw; the organisation decides with reasons. */
export interface RecusalRequest {
  id: string;
  caseId: string;
  mediatorId: string;
  assignmentId: string | null;
  /** The person who asked (a party, or an agent for their party). */
  requestedBy: string;
  reasons: string;
  requestedAt: string;
  /** The rendered 回避申请书 in the case file. */
  requestDocumentId: string | null;
  status: 'pending' | 'granted' | 'refused';
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReasons: string | null;
  /** The rendered 回避决定书, served on the parties. */
  decisionDocumentId: string | null;
}

/** A respondent's answer to a party application: agrees to mediation, or refuses. */
export interface MediationResponse {
  id: string;
  caseId: string;
  /** The respondent the answer binds. */
  respondentId: string;
  decision: 'agree' | 'refuse';
  /** The respondent, its agent with special authority, or the clerk who recorded it offline. */
  givenBy: string;
  givenByRole: string;
  channel: 'online' | 'offline';
  /** Offline: the evidence item proving it, with its hash, and the clerk's note. */
  evidenceId: string | null;
  evidenceSha256: string | null;
  note: string | null;
  at: string;
}

export interface MediationSessionRecord {
  id: string;
  caseId: string;
  status: MediationSessionStatus;
  /** On the platform, or at the organisation (现场). */
  mode: (typeof SESSION_MODES)[number];
  scheduledStart: string;
  scheduledEnd: string | null;
  startedAt: string | null;
  endedAt: string | null;
  createdBy: string;
}

export interface Invitation {
  id: string;
  caseId: string;
  personId: string;
  expiresAt: string;
  revokedAt: string | null;
  createdBy: string;
  createdAt: string;
}

export interface FollowUpVisit {
  id: string;
  caseId: string;
  at: string;
  by: string;
  method: 'phone' | 'visit' | 'online';
  notes: string;
  /** e.g. agreement performed, partly performed, not performed. */
  result: 'performed' | 'partly_performed' | 'not_performed' | 'other';
}

export type DeadlineKind = (typeof DEADLINE_KINDS)[number];

export const DEADLINE_KIND_LABELS: Record<DeadlineKind, string> = {
  acceptance_decision: '受理审查期限',
  mediation_period: '调解期限',
  judicial_confirmation: '申请司法确认期限',
  arbitration_review: '申请仲裁审查期限',
  performance: '履行期限',
};

export type DeadlineStatus = (typeof DEADLINE_STATUSES)[number];

export interface CaseDeadline {
  id: string;
  caseId: string;
  kind: DeadlineKind;
  /** Last day of the period (Asia/Shanghai calendar date, YYYY-MM-DD), inclusive. */
  dueOn: string;
  /** The legal basis, in Chinese, shown to everyone. */
  basis: string;
  /** What happens when it passes, in Chinese. */
  consequence: string;
  /** Computed across a year whose official holiday schedule was not loaded: the date may still move (暂定). */
  provisional: boolean;
  /** Those years, ascending; empty when not provisional. */
  missingCalendarYears: number[];
  status: DeadlineStatus;
  createdAt: string;
  resolvedAt: string | null;
}

/**
 * A notice some part of the case engine produced (a row); the document
 * service renders it as a document and serves it on the parties
 * (documents/NoticeService.ts), then records which document it became.
 */
export interface CaseNotice {
  id: string;
  caseId: string;
  kind:
    | 'right_to_arbitration'
    | 'acceptance_overdue'
    | 'confirmation_window_closing'
    | 'payment_order_eligible'
    // A calendar change moved a deadline or made it final; deadlineId is null (a deadline can
    // change more than once) and data.deadlineId names it.
    | 'deadline_changed'
    | 'confirmation_window_reminder';
  deadlineId: string | null;
  createdAt: string;
  data: Record<string, unknown>;
  /** The document it was rendered as and served with; null until served. */
  documentId: string | null;
}

/** Days before a judicial-confirmation or arbitration-review window closes that the parties are reminded. */
export const WINDOW_REMINDER_DAYS = [7, 2] as const;

/** A proposed extension of the mediation period; it takes effect only with every party's consent. */
export interface ExtensionProposal {
  id: string;
  caseId: string;
  newDueOn: string;
  reason: string;
  /** The mediation period's end when proposed. */
  previousDueOn: string;
  status: 'pending' | 'agreed' | 'refused' | 'withdrawn';
  proposedBy: string;
  proposedAt: string;
  decidedAt: string | null;
}

/** One party's answer to an extension proposal (given itself, by its agent, or recorded offline). */
export interface ExtensionResponse {
  proposalId: string;
  /** The applicant or respondent bound by the answer. */
  partyId: string;
  decision: 'consent' | 'refuse';
  /** Who answered: the party, its agent, or the staff member recording an offline answer. */
  byId: string;
  byRole: string;
  /** Offline answers: the proof (an evidence item of the case) and the staff member's attestation. */
  offline: { evidenceId: string; evidenceSha256: string; attestation: string } | null;
  at: string;
}

/**
 * 代表人: an applicant elected by co-applicants of a collective dispute to act for them. Its
 * signature binds those it represents only when `maySign` (special authority) and only while
 * the election stands (signed after `recordedAt`, before `revokedAt`).
 */
export interface CaseRepresentative {
  id: string;
  caseId: string;
  representativeId: string;
  /** The co-applicants represented (never the representative itself). */
  represents: string[];
  maySign: boolean;
  electedOn: string;
  /** The election and authorisation document, filed as evidence of the case. */
  evidenceId: string;
  recordedBy: string;
  recordedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

/** One applicant's own terms in an agreement of a dispute with several workers. */
export interface PersonTerms {
  personId: string;
  items: string[];
  /** Yuan owed to this person, when the terms are counted in money. */
  amount: number | null;
  performanceDeadline: string | null;
}

/** One applicant's own claims (a worker's wages owed, among several workers). */
export interface PersonClaims {
  caseId: string;
  personId: string;
  claims: { type: ClaimType; amount: number | null; note: string | null }[];
  updatedAt: string;
  updatedBy: string;
}

export const PERSON_PERFORMANCE_RESULTS = [
  'performed',
  'partly_performed',
  'not_performed',
] as const;

/** A finding on one person's part of the effective agreement (a payment received, say). */
export interface PerformanceRecord {
  id: string;
  caseId: string;
  personId: string;
  result: (typeof PERSON_PERFORMANCE_RESULTS)[number];
  /** Yuan this person received with this payment. */
  amountPaid: number | null;
  note: string;
  /** The proof filed as evidence of the case, if any. */
  evidenceId: string | null;
  recordedAt: string;
  recordedBy: string;
}
