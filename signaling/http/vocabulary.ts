/** The vocabulary of case files that both sides of the HTTP contract use (server/cases/model.ts re-exports it). */

export const DISPUTE_TYPES = [
  'employment_relationship',
  'wages',
  'working_hours',
  'termination',
  'economic_compensation',
  'social_insurance',
  'work_injury',
  'other',
] as const;

export const CASE_SOURCES = [
  'party_application',
  'arbitration_delegated',
  'court_delegated',
  'court_entrusted',
  'union_referral',
  'one_stop_referral',
] as const;

export const PRIORITY_GROUPS = ['migrant_worker', 'dispatched_worker', 'platform_worker'] as const;

export const CLAIM_TYPES = [
  'wages',
  'work_injury_medical',
  'economic_compensation',
  'damages',
  'other',
] as const;

export const INTAKE_MODES = ['written', 'oral'] as const;

export const CASE_STATUSES = [
  'registered', // 登记: application received, acceptance pending
  'accepted', // 受理
  'refused', // 不予受理
  'in_mediation', // 调解中: a session has been scheduled
  'settled', // 达成调解协议
  'terminated', // 调解终止
  'withdrawn', // 撤回申请
  'archived', // 归档
] as const;

export const TERMINATION_GROUNDS = [
  'party_refuses', // 一方当事人拒绝调解
  'no_agreement_in_time', // 期限届满未达成协议
  'party_absent', // 当事人无正当理由未到场
  'respondent_refused_mediation', // 被申请人不同意调解 (before acceptance)
  'other',
] as const;

export const PERSON_KINDS = ['applicant', 'respondent', 'agent', 'observer'] as const;

/**
 * Clerks run their organisation's cases, mediators their assigned ones; a supervisor (at the
 * bureau or a centre) reads, never edits, the cases of their organisation and those below it.
 */
export const STAFF_ROLES = ['clerk', 'mediator', 'supervisor'] as const;

/**
 * The mediation network of the 2023 Shanghai plan: the human-resources bureau (人社局), district
 * centres (区调解中心), sub-district and town organisations (街镇调解组织), enterprise mediation
 * committees (企业调解委员会) and union or trade mediation organisations (工会、行业调解组织).
 */
export const ORGANISATION_KINDS = [
  'bureau',
  'district_centre',
  'street_town',
  'enterprise_committee',
  'union_trade',
] as const;

export const SESSION_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;

/** Where a session is held: on the platform (video), or at the organisation (现场; the platform keeps its times and record, and remote parties may still join by video). */
export const SESSION_MODES = ['online', 'in_person'] as const;

export const DEADLINE_KINDS = [
  'acceptance_decision', // 3 working days from receipt to decide on acceptance
  'mediation_period', // 15 days from receipt; then a party may apply for arbitration
  'judicial_confirmation', // 30 days from the agreement taking effect
  'arbitration_review', // 15 days from the agreement taking effect
  'performance', // the agreed performance deadline
] as const;

export const DEADLINE_STATUSES = ['open', 'met', 'overdue', 'cancelled'] as const;

export const SERVICE_CHANNELS = ['in_app', 'email', 'sms'] as const;

/** The documents served on the parties: a party's e-service consent (送达地址确认书) may name some of them. */
export const SERVED_DOCUMENT_KINDS = [
  'acceptance_notice',
  'refusal_notice',
  'session_notice',
  'mediation_agreement',
  'performance_notice',
  'termination_record',
  'evidence_receipt',
  'right_to_arbitration_notice',
] as const;

/** What staff issue from a template (the console's 签发文书): the served kinds, the applications and their records. */
export const ISSUABLE_DOCUMENT_KINDS = [
  ...SERVED_DOCUMENT_KINDS,
  'judicial_confirmation_application',
  'arbitration_review_application',
  'application_form',
  'oral_application_record',
] as const;

export const DOCUMENT_KINDS = [
  'service_consent',
  ...ISSUABLE_DOCUMENT_KINDS,
  // A notice the case engine produced (deadline reminders and the like), rendered and served automatically.
  'case_notice',
  'recusal_request',
  'recusal_decision',
  // 调解笔录: a session's record, issued by its mediator and signed by the attendees.
  'session_record',
] as const;

export const DELIVERY_STATES = [
  'created', // the delivery exists, nothing sent yet (transient, inside one transaction)
  'offline_pending', // no e-service consent: marked for offline service
  'dispatched',
  'delivered', // reached the recipient's system (client acknowledgement)
  'read',
  'acknowledged',
  'failed',
  'served_offline', // a proof of offline service was attached
] as const;
export const DELIVERY_EVENT_KINDS = [
  'dispatched',
  'offline_required',
  'delivered',
  'read',
  'acknowledged',
  'failed',
  'offline_served',
  'challenged',
  'paper_copy_requested',
] as const;

export const SERVICE_BASES = [
  'delivered_to_consented_address',
  'recipient_acted',
  'offline_proof',
] as const;

export const INSTITUTION_KINDS = ['court', 'arbitration'] as const;
export const REFERRAL_KINDS = [
  'delegated_report',
  'judicial_confirmation',
  'arbitration_review',
] as const;

export const EVIDENCE_CATEGORIES = [
  'evidence',
  'identity',
  'authorisation',
  'signed_agreement',
] as const;
