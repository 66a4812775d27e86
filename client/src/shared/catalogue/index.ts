/**
 * The client's one message catalogue, Simplified Chinese first, English second, as vue-i18n
 * reads it:
 *
 * - `call.*` the call page (./call.ts; its first screen reads this section alone, through
 *   ../i18n.ts, without loading the rest or the vue-i18n runtime);
 * - `apply.*` the public application page (./apply.ts);
 * - `doc.*` documents and their service, on the party page and in the console (./documents.ts);
 * - `console.*` the staff console (./console.ts);
 * - `labels.<table>.<code>` the codes the server sends (./codes.ts), with why a request failed
 *   (`labels.reasons`, `labels.errorCodes`, ./reasons.ts).
 *
 * Sections keep `{name}` placeholders only; a test renders every message through vue-i18n in
 * both languages and checks that it comes out as written.
 */
import { applyEn, applyZh, type ApplyKey } from './apply.js';
import { callEn, callZh, type CallKey } from './call.js';
import {
  AUDIT_FAILURES,
  CASE_STATUS,
  CLAIM_TYPES,
  COMPOSITE_STATUS,
  DELIVERY_STEPS,
  DISPUTE_TYPES,
  END_REASONS,
  EVIDENCE_CATEGORIES,
  EVIDENCE_SIDES,
  INSTITUTION_KINDS,
  NOTICE_KINDS,
  ORGANISATION_KINDS,
  PARTY_SIDES,
  PERSON_KINDS,
  PRIORITY_GROUPS,
  RECORDING_STATUS,
  REFERRAL_KINDS,
  ROLES,
  SESSION_STATUS,
  SOURCES,
  STOP_REASONS,
  TERMINATION_GROUNDS,
  WEBHOOK_EVENTS,
  WEBHOOK_STATUS,
} from './codes.js';
import { consoleEn, consoleZh, type ConsoleKey as BaseConsoleKey } from './console.js';
import {
  ASSESSMENT_RESULTS,
  MEDIATOR_KINDS,
  dashboardEn,
  dashboardZh,
  type DashboardKey,
} from './consoleDashboard.js';
import { networkEn, networkZh, type NetworkKey } from './consoleNetwork.js';
import {
  RISK_ACTION_KINDS,
  RISK_LEVELS,
  RISK_RULES,
  risksEn,
  risksZh,
  type RisksKey,
} from './consoleRisks.js';
import { referralsEn, referralsZh, type ReferralsKey } from './consoleReferrals.js';
import { applicationsEn, applicationsZh, type ApplicationsKey } from './consoleApplications.js';
import { recordsEn, recordsZh, type RecordsKey } from './consoleRecords.js';
import {
  representativesEn,
  representativesZh,
  type RepresentativesKey,
} from './consoleRepresentatives.js';
import { CHANNELS, KIND_LABELS, STATUS, docEn, docZh, type DocKey } from './documents.js';
import { ERROR_CODE_TEXT, REASON_TEXT } from './reasons.js';
import type { Labels, Lang } from './types.js';

export type { ApplyKey, CallKey, DocKey, Lang };

/** The console's messages: its shell and sections (./console.ts) and its views' own files. */
export type ConsoleKey =
  | BaseConsoleKey
  | ReferralsKey
  | ApplicationsKey
  | RecordsKey
  | RepresentativesKey
  | NetworkKey
  | RisksKey
  | DashboardKey;
// A key in two of those files would silently replace one message with the other.
export const consoleKeysDisjoint: [
  | (BaseConsoleKey & ReferralsKey)
  | (BaseConsoleKey & ApplicationsKey)
  | (BaseConsoleKey & RecordsKey)
  | (BaseConsoleKey & RepresentativesKey)
  | (ReferralsKey & ApplicationsKey)
  | (ReferralsKey & RecordsKey)
  | (ReferralsKey & RepresentativesKey)
  | (ApplicationsKey & RecordsKey)
  | (ApplicationsKey & RepresentativesKey)
  | (RecordsKey & RepresentativesKey)
  | (NetworkKey &
      (BaseConsoleKey | ReferralsKey | ApplicationsKey | RecordsKey | RepresentativesKey))
  | (DashboardKey &
      (
        | BaseConsoleKey
        | ReferralsKey
        | ApplicationsKey
        | RecordsKey
        | RepresentativesKey
        | NetworkKey
        | RisksKey
      ))
  | (RisksKey &
      (
        | BaseConsoleKey
        | ReferralsKey
        | ApplicationsKey
        | RecordsKey
        | RepresentativesKey
        | NetworkKey
      )),
] extends [never]
  ? true
  : never = true;

/** The server's codes as the pages show them, by table. */
export const LABEL_TABLES = {
  assessmentResults: ASSESSMENT_RESULTS,
  auditFailures: AUDIT_FAILURES,
  caseStatus: CASE_STATUS,
  claimTypes: CLAIM_TYPES,
  compositeStatus: COMPOSITE_STATUS,
  deliveryChannels: CHANNELS,
  deliveryStatus: STATUS,
  deliverySteps: DELIVERY_STEPS,
  documentKinds: KIND_LABELS,
  disputeTypes: DISPUTE_TYPES,
  endReasons: END_REASONS,
  evidenceCategories: EVIDENCE_CATEGORIES,
  evidenceSides: EVIDENCE_SIDES,
  institutionKinds: INSTITUTION_KINDS,
  mediatorKinds: MEDIATOR_KINDS,
  noticeKinds: NOTICE_KINDS,
  organisationKinds: ORGANISATION_KINDS,
  partySides: PARTY_SIDES,
  personKinds: PERSON_KINDS,
  priorityGroups: PRIORITY_GROUPS,
  recordingStatus: RECORDING_STATUS,
  referralKinds: REFERRAL_KINDS,
  riskActionKinds: RISK_ACTION_KINDS,
  riskLevels: RISK_LEVELS,
  riskRules: RISK_RULES,
  roles: ROLES,
  sessionStatus: SESSION_STATUS,
  sources: SOURCES,
  stopReasons: STOP_REASONS,
  terminationGrounds: TERMINATION_GROUNDS,
  webhookEvents: WEBHOOK_EVENTS,
  webhookStatus: WEBHOOK_STATUS,
  reasons: REASON_TEXT,
  errorCodes: ERROR_CODE_TEXT,
} as const;

export type LabelTable = keyof typeof LABEL_TABLES;

/** A code as a message key: codes may hold dots (`case.referred`), which vue-i18n reads as a path. */
export function codeKey(code: string): string {
  return code.replaceAll('.', '_');
}

function labelMessages(side: 0 | 1): Record<LabelTable, Record<string, string>> {
  const pick = (labels: Labels<string>) =>
    Object.fromEntries(Object.entries(labels).map(([code, pair]) => [codeKey(code), pair[side]]));
  return Object.fromEntries(
    Object.entries(LABEL_TABLES).map(([table, labels]) => [table, pick(labels)]),
  ) as Record<LabelTable, Record<string, string>>;
}

/** One language of the catalogue. */
export type CatalogueMessages = {
  call: Record<CallKey, string>;
  apply: Record<ApplyKey, string>;
  doc: Record<DocKey, string>;
  console: Record<ConsoleKey, string>;
  labels: Record<LabelTable, Record<string, string>>;
};

export const messages: Record<Lang, CatalogueMessages> = {
  'zh-CN': {
    call: callZh,
    apply: applyZh,
    doc: docZh,
    console: {
      ...consoleZh,
      ...referralsZh,
      ...applicationsZh,
      ...recordsZh,
      ...representativesZh,
      ...networkZh,
      ...risksZh,
      ...dashboardZh,
    },
    labels: labelMessages(0),
  },
  en: {
    call: callEn,
    apply: applyEn,
    doc: docEn,
    console: {
      ...consoleEn,
      ...referralsEn,
      ...applicationsEn,
      ...recordsEn,
      ...representativesEn,
      ...networkEn,
      ...risksEn,
      ...dashboardEn,
    },
    labels: labelMessages(1),
  },
};
