/**
 * The shapes the staff console reads and sends, derived from the shared HTTP contract
 * (signaling/http): type-only, no zod in the bundle. ./api.ts re-exports them.
 */
import type { z } from 'zod';
import type { BodyOf, ReplyOf } from '../../../signaling/http/endpoint.js';
import type { HttpApi } from '../../../signaling/http/index.js';
import type { calendarYearObject } from '../../../signaling/http/calendar.js';
import type { bundleView, referralView } from '../../../signaling/http/institutions.js';
import type { evidenceItemView } from '../../../signaling/http/evidence.js';

type Api = HttpApi;
export type StaffSession = ReplyOf<Api['cases']['login']>;
export type StaffView = StaffSession['staff'];
/** The caller as `GET /api/me` describes it. */
export type MeView = ReplyOf<Api['cases']['me']>;
export type CaseListItem = ReplyOf<Api['cases']['list']>['cases'][number];
export type DeadlineView = CaseListItem['openDeadlines'][number];
export type DeadlineKind = DeadlineView['kind'];
export type CaseFileView = ReplyOf<Api['cases']['file']>;
export type CasePersonView = CaseFileView['people'][number];
export type CaseSessionView = CaseFileView['sessions'][number];
/** A notice the case engine produced, and the document it was served as (null until served). */
export type CaseNoticeView = CaseFileView['notices'][number];
export type RecusalRequestView = CaseFileView['recusalRequests'][number];
export type MediationResponseView = CaseFileView['mediationResponses'][number];
/** 代表人: an applicant elected to act for co-applicants (revoked ones carry `revokedAt`). */
export type RepresentativeView = CaseFileView['representatives'][number];
/** What recording an election takes: whom, for whom, the authority, the date, the document. */
export type RepresentativeInput = BodyOf<Api['cases']['electRepresentative']>;
/** One applicant's own claims; a finding on one person's part of the effective agreement. */
export type PersonClaimsView = CaseFileView['claims'][number];
export type PerformanceRecordView = CaseFileView['performance'][number];
export type EvidenceItemView = z.output<typeof evidenceItemView>;
export type EvidenceSide = EvidenceItemView['uploaderSide'];
/** What an item is filed as: evidence, or a party's identity or authorisation papers. */
export type EvidenceCategory = EvidenceItemView['category'];
export type AuditVerification = ReplyOf<Api['cases']['audit']>;
export type CalendarView = ReplyOf<Api['calendar']['view']>;
export type DemoMessage = ReplyOf<Api['documents']['demoMessages']>['messages'][number];
export type CalendarYearView = CalendarView['years'][number];
/** What POST /calendar/years takes. */
export type CalendarYearInput = z.input<typeof calendarYearObject>;
export type CalendarChangeView = ReplyOf<Api['calendar']['addYear']>;
/** The organisation's 统计报告. */
export type StatisticsView = ReplyOf<Api['cases']['statistics']>;
/** A proposed extension of the mediation period and each party's answer. */
export type ExtensionProposalView = ReplyOf<Api['procedure']['proposeExtension']>;
export type RecordingSummaryView = ReplyOf<Api['recordings']['list']>['recordings'][number];
export type RecordingStatus = RecordingSummaryView['status'];
export type CompositeStatus = RecordingSummaryView['compositeStatus'];
export type RecordingDetailView = ReplyOf<Api['recordings']['detail']>;
export type TrackView = RecordingDetailView['tracks'][number];
export type ConsentView = RecordingDetailView['consents'][number];
export type InstitutionView = ReplyOf<Api['institutions']['list']>['institutions'][number];
export type IncomingReferralView = ReplyOf<
  Api['inboundReferrals']['incoming']
>['referrals'][number];
export type InstitutionKind = InstitutionView['kind'];
export type ReferralView = z.output<typeof referralView> & {
  /** In the case's list; a fresh referral's reply lacks it. */
  institutionName?: string;
};
export type ReferralKind = ReferralView['kind'];
/** The ZIP sent with an application (judicial confirmation, arbitration review). */
export type BundleView = z.output<typeof bundleView>;
export type WebhookStatus = NonNullable<BundleView['delivery']>['status'];
export type ReferralsView = ReplyOf<Api['institutions']['referrals']>;
export type ReferralReply = ReplyOf<Api['institutions']['refer']>;
export type WebhookDeliveryView = ReplyOf<Api['institutions']['webhooks']>['deliveries'][number];
export type RegisterInstitutionInput = BodyOf<Api['institutions']['register']>;
/** An online application in the intake queue (网上申请), with the applicant's full identity. */
export type ApplicationView = ReplyOf<Api['applications']['queue']>['applications'][number];
export type ApplicationStatus = ApplicationView['status'];
export type ApplicationFormView = NonNullable<ApplicationView['form']>;
export type ApplicantRole = ApplicationFormView['applicantRole'];
export type ClaimType = ApplicationFormView['claims'][number]['type'];
export type PriorityGroup = ApplicationFormView['priorityGroups'][number];
export type ApplicationFileView = ApplicationView['files'][number];
/** A session's record (调解笔录): what the service knows, the mediator's draft, the issued versions. */
export type SessionRecordView = ReplyOf<Api['sessionRecords']['read']>;
export type SessionFactsView = SessionRecordView['facts'];
/** What the mediator saves: attendance, notices, statements, outcome. */
export type SessionRecordInput = BodyOf<Api['sessionRecords']['save']>;
export type IdentityCheck = SessionRecordInput['attendance'][number]['identityCheck'];
export type RecordNotice = SessionRecordInput['noticesGiven'][number];
export type RecordOutcome = SessionRecordInput['outcome']['kind'];
export type IssuedRecordView = ReplyOf<Api['sessionRecords']['issue']>;

/** The caller's part of the mediation network (调解组织网络), parents before children. */
export type OrganisationView = ReplyOf<Api['organisations']['network']>['organisations'][number];
export type OrganisationKind = OrganisationView['kind'];
export type NewOrganisationInput = BodyOf<Api['organisations']['create']>;
export type TransferView = ReplyOf<Api['organisations']['transfer']>;

/** The risk ledger (风险台账): an entry, its history, an organisation's thresholds. */
export type RiskEntryView = ReplyOf<Api['risks']['list']>['entries'][number];
export type RiskRule = RiskEntryView['rule'];
export type RiskLevel = RiskEntryView['level'];
export type RiskDetailView = ReplyOf<Api['risks']['get']>;
export type RiskActionKind = RiskDetailView['actions'][number]['kind'];
export type RiskSettingsView = ReplyOf<Api['risks']['settings']>;
export type RiskSettingsInput = BodyOf<Api['risks']['setSettings']>;
export type RiskListQuery = { status?: 'open' | 'closed' | 'all'; organisationId?: string };

/** The dashboard (数据看板): an organisation and those below it over a period. */
export type DashboardView = ReplyOf<Api['dashboard']['dashboard']>;
export type DashboardCase = DashboardView['cases'][number];

/** A statistics report sent upward (统计报表). */
export type ReportView = ReplyOf<Api['reports']['get']>;

/** A mediator on the roster (调解员名册). */
export type RosterEntryView = ReplyOf<Api['roster']['list']>['mediators'][number];
export type MediatorProfileInput = BodyOf<Api['roster']['profile']>;
export type TrainingInput = BodyOf<Api['roster']['training']>;
export type AssessmentInput = BodyOf<Api['roster']['assessment']>;
