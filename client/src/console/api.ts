/**
 * The staff console's side of the HTTP API: sign-in, the bearer token kept
 * in sessionStorage (gone when the tab closes), and the shapes it reads.
 *
 * Size: pending — to be derived from the HTTP contract in signaling/ (issue 17, must-have 2), which replaces the hand-written request types.
 */
import type {
  ManifestComposite,
  RecordingManifest,
  TrackEndReason,
  TrackSource,
} from '../../../recordings/manifest.js';
import { filenameOf } from '../documents/api.js';
import type { DisclosureView } from '../documents/model.js';

export interface StaffView {
  id: string;
  displayName: string;
  role: 'clerk' | 'mediator';
}

export interface StaffSession {
  token: string;
  expiresAt: string;
  staff: StaffView;
}

export type DeadlineKind =
  | 'acceptance_decision'
  | 'mediation_period'
  | 'judicial_confirmation'
  | 'arbitration_review'
  | 'performance';

export interface DeadlineView {
  id: string;
  kind: DeadlineKind;
  /** Last day (Asia/Shanghai, YYYY-MM-DD), inclusive. */
  dueOn: string;
  basis: string;
  consequence: string;
  /** Computed across a year whose holiday schedule is not loaded: the date may still move. */
  provisional?: boolean;
  missingCalendarYears?: number[];
  status: 'open' | 'met' | 'overdue' | 'cancelled';
}

export interface CaseListItem {
  id: string;
  caseNumber: string;
  status: string;
  disputeType: string;
  receivedOn: string;
  mediationDueOn: string;
  source?: string;
  /** The list only: deadlines still open or already passed. */
  openDeadlines?: DeadlineView[];
}

export interface CasePersonView {
  id: string;
  kind: 'applicant' | 'respondent' | 'agent' | 'observer' | string;
  name: string;
  /** ID card number or unified social credit code (staff only). */
  idNumber?: string | null;
  phone?: string | null;
  address?: string | null;
  legalRepresentative?: string | null;
  isOrganisation?: boolean;
  /** Agents: the party represented. */
  representsId?: string | null;
  powerOfAttorney?: { scope: 'general' | 'special'; maySign: boolean } | null;
}

/** The caller as `GET /api/me` describes a staff member. */
export interface MeView {
  kind: 'staff' | 'person' | 'system';
  id: string;
  role: string;
  name?: string;
}

export type EvidenceSide = 'applicant' | 'respondent' | 'organisation';

/** What an item is filed as: evidence, or a party's identity or authorisation papers. */
export type EvidenceCategory = 'evidence' | 'identity' | 'authorisation' | 'signed_agreement';

export interface EvidenceItemView {
  id: string;
  title: string;
  purpose: string;
  category: EvidenceCategory;
  originalOrCopy: 'original' | 'copy';
  filename: string;
  typeId: string;
  mediaType: string;
  /** The type's label (Chinese), and its broad kind (pdf, image, audio, video, document). */
  label: string;
  kind: string;
  size: number;
  pages: number | null;
  sha256: string;
  uploaderRole: string;
  uploaderSide: EvidenceSide;
  receivedAt: string;
  shared: boolean;
  confidential: boolean;
  integrity: 'ok' | 'missing';
}

export type AuditVerification =
  | { ok: true; caseId: string; length: number; head: { seq: number; hash: string } | null }
  | {
      ok: false;
      caseId: string;
      length: number;
      failedAt: number;
      reason: string;
      detail: string;
    };

type Counts<K extends string> = Record<K, number>;

/** A loaded holiday schedule (server/cases/CalendarService.ts CalendarYearView). */
export interface CalendarYearView {
  year: number;
  origin: 'shipped' | 'added' | 'corrected';
  source: string;
  holidays: { first: string; last: string; name: string }[];
  workdays: string[];
  addedAt: string | null;
  correctionReason: string | null;
}

export interface CalendarView {
  years: CalendarYearView[];
  missingScheduleYears: number[];
}

/** What POST /calendar/years takes (server/cases/calendarYears.ts). */
export interface CalendarYearInput {
  year: number;
  holidays: { first: string; last: string; name: string }[];
  workdays: string[];
  source: { title: string; number?: string; url?: string; publishedOn: string };
  correction?: { reason: string };
}

export interface CalendarChangeView {
  year: number;
  origin: 'added' | 'corrected';
  deadlinesChanged: number;
  notices: number;
  missingScheduleYears: number[];
}

/** The organisation's 统计报告 (server/cases/statistics.ts CaseStatistics). */
export interface StatisticsView {
  period: { from: string | null; to: string | null };
  generatedAt: string;
  /** Years whose State Council holiday schedule is due (this year; next year from 1 November) but not loaded. */
  calendar?: { missingScheduleYears: number[] };
  totals: Counts<
    | 'received'
    | 'accepted'
    | 'refused'
    | 'open'
    | 'closed'
    | 'settled'
    | 'terminated'
    | 'withdrawn'
    | 'archived'
  >;
  byDisputeType: Record<string, number>;
  byOutcome: Counts<'agreement' | 'termination' | 'withdrawal' | 'refused' | 'pending'>;
  byMonth: { month: string; received: number; closed: number; settled: number }[];
  settlementRate: number | null;
  medianDaysToClose: number | null;
  overdue: { total: number; byKind: Record<string, number> };
}

export interface CaseSessionView {
  id: string;
  status: 'scheduled' | 'live' | 'ended' | 'cancelled';
  scheduledStart: string;
  startedAt: string | null;
  endedAt: string | null;
}

export interface CaseFileView {
  case: CaseListItem;
  people: CasePersonView[];
  sessions?: CaseSessionView[];
  deadlines?: DeadlineView[];
  notices?: CaseNoticeView[];
  recusalRequests?: RecusalRequestView[];
  mediationResponses?: MediationResponseView[];
}

/** A notice the case engine produced, and the document it was served as (null until served). */
export interface CaseNoticeView {
  id: string;
  kind: string;
  deadlineId: string | null;
  createdAt: string;
  data: Record<string, unknown>;
  documentId: string | null;
}

/** A proposed extension of the mediation period and each party's answer (server/cases/extensions.ts). */
export interface ExtensionProposalView {
  id: string;
  newDueOn: string;
  reason: string;
  previousDueOn: string;
  status: 'pending' | 'agreed' | 'refused' | 'withdrawn';
  proposedAt: string;
  parties: {
    partyId: string;
    name: string;
    role: 'applicant' | 'respondent';
    response: {
      decision: 'consent' | 'refuse';
      byId: string;
      byRole: string;
      at: string;
      offline: { evidenceId: string; evidenceSha256: string; attestation: string } | null;
    } | null;
  }[];
}

export interface RecusalRequestView {
  id: string;
  mediatorId: string;
  requestedBy: string;
  reasons: string;
  requestedAt: string;
  status: 'pending' | 'granted' | 'refused';
  decisionReasons: string | null;
  decidedAt: string | null;
}

export interface MediationResponseView {
  respondentId: string;
  decision: 'agree' | 'refuse';
  channel: 'online' | 'offline';
  evidenceId: string | null;
  note: string | null;
  at: string;
}

export type RecordingStatus = 'recording' | 'processing' | 'complete';
export type CompositeStatus = 'pending' | 'rendering' | 'complete' | 'failed';

export interface RecordingSummaryView {
  id: string;
  caseId: string;
  status: RecordingStatus;
  startedAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  compositeStatus: CompositeStatus;
  compositeProgress: number;
  composite: ManifestComposite | null;
  manifestSha256: string | null;
  manifestKid: string | null;
  completedAt: string | null;
  durationMs: number | null;
  tracks: number;
}

export interface TrackView {
  id: string;
  participantId: string;
  displayName: string;
  role: string;
  source: TrackSource;
  kind: 'audio' | 'video';
  codec: string;
  startedAt: string;
  endedAt: string | null;
  endReason: TrackEndReason | null;
  endDetail: string | null;
  durationMs: number | null;
  size: number | null;
  sha256: string | null;
}

export interface ConsentView {
  participantId: string;
  displayName: string;
  role: string;
  acknowledgedAt: string;
  withdrawnAt: string | null;
  ip: string | null;
}

export interface RecordingDetailView {
  recording: RecordingSummaryView;
  tracks: TrackView[];
  consents: ConsentView[];
  manifest: { jws: string; payload: RecordingManifest } | null;
}

export type InstitutionKind = 'court' | 'arbitration';

export type ReferralKind = 'delegated_report' | 'judicial_confirmation' | 'arbitration_review';

export interface InstitutionView {
  id: string;
  kind: InstitutionKind;
  name: string;
  webhookUrl: string | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface ReferralView {
  id: string;
  caseId: string;
  institutionId: string;
  /** In the case's list; a fresh referral's reply may lack it. */
  institutionName?: string;
  kind: ReferralKind;
  referredAt: string;
  referredBy: string;
  /** Sent after the statutory window closed: its last day and the reason staff recorded. */
  late?: { windowClosedOn: string; reason: string } | null;
}

export type WebhookStatus = 'pending' | 'delivered' | 'dead';

/** The ZIP sent with an application (judicial confirmation, arbitration review). */
export interface BundleView {
  id: string;
  caseId: string;
  institutionId: string;
  referralId: string;
  kind: ReferralKind;
  sha256: string;
  size: number;
  fileCount: number;
  createdAt: string;
  /** Its delivery to the institution's webhook; null when the institution has none. */
  delivery: {
    id: string;
    status: WebhookStatus;
    attempts: number;
    nextAttemptAt: string;
    deliveredAt: string | null;
    lastError: string | null;
    receipt: string | null;
  } | null;
}

export interface ReferralsView {
  referrals: ReferralView[];
  bundles: BundleView[];
}

export interface ReferralReply {
  referral: ReferralView;
  webhookDelivery: string | null;
  bundle: BundleView | null;
}

export interface WebhookDeliveryView {
  id: string;
  institutionId: string;
  caseId: string;
  event: string;
  bodySha256: string;
  status: WebhookStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  receipt: string | null;
}

export interface RegisterInstitutionInput {
  kind: InstitutionKind;
  name: string;
  webhookUrl?: string;
}

/** A file fetched with the bearer token, with the hash the server states for it. */
export interface FetchedFile {
  blob: Blob;
  filename: string;
  headerSha256: string | null;
}

/** A recording file a view link can name. */
export type RecordingFileId = 'composite' | 'manifest' | string;

const STORAGE_KEY = 'mediation.console.session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** What a refused input got wrong, entry by entry (400). */
    readonly issues: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function storedSession(): StaffSession | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as StaffSession;
    if (Date.parse(session.expiresAt) <= Date.now()) {
      sessionStorage.removeItem(STORAGE_KEY);
      return undefined;
    }
    return session;
  } catch {
    return undefined;
  }
}

export function forgetSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

async function parse<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as {
    error?: { code: string; message: string; issues?: string[] };
  };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body.error?.code ?? 'HTTP',
      body.error?.message ?? `HTTP ${response.status}`,
      body.error?.issues ?? [],
    );
  }
  return body as T;
}

export async function signIn(username: string, password: string): Promise<StaffSession> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const session = await parse<StaffSession>(response);
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

/** The API as one signed-in staff member; a refused token ends the sign-in. */
export class StaffApi {
  constructor(
    readonly session: StaffSession,
    private readonly onSignedOut: () => void,
  ) {}

  async #fetch(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`/api${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.session.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401) {
      forgetSession();
      this.onSignedOut();
    }
    return response;
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return parse<T>(await this.#fetch(method, path, body));
  }

  me(): Promise<MeView> {
    return this.#call('GET', '/me');
  }

  async cases(): Promise<CaseListItem[]> {
    return (await this.#call<{ cases: CaseListItem[] }>('GET', '/cases')).cases;
  }

  caseFile(caseId: string): Promise<CaseFileView> {
    return this.#call('GET', `/cases/${encodeURIComponent(caseId)}`);
  }

  extensionProposals(caseId: string): Promise<ExtensionProposalView[]> {
    return this.#call('GET', `/cases/${encodeURIComponent(caseId)}/extension-proposals`);
  }

  proposeExtension(
    caseId: string,
    body: { newDueOn: string; reason: string },
  ): Promise<ExtensionProposalView> {
    return this.#call('POST', `/cases/${encodeURIComponent(caseId)}/extension-proposals`, body);
  }

  recordOfflineExtensionAnswer(
    caseId: string,
    proposalId: string,
    body: {
      partyId: string;
      decision: 'consent' | 'refuse';
      evidenceId: string;
      attestation: string;
    },
  ): Promise<ExtensionProposalView> {
    return this.#call(
      'POST',
      `/cases/${encodeURIComponent(caseId)}/extension-proposals/${encodeURIComponent(proposalId)}/offline-answer`,
      body,
    );
  }

  async recordings(caseId: string): Promise<RecordingSummaryView[]> {
    return (
      await this.#call<{ recordings: RecordingSummaryView[] }>(
        'GET',
        `/cases/${encodeURIComponent(caseId)}/recordings`,
      )
    ).recordings;
  }

  recording(caseId: string, recordingId: string): Promise<RecordingDetailView> {
    return this.#call(
      'GET',
      `/cases/${encodeURIComponent(caseId)}/recordings/${encodeURIComponent(recordingId)}`,
    );
  }

  /** A token to join a session of the case as its mediator (the call page takes it). */
  async joinToken(sessionId: string): Promise<string> {
    return (await this.#call<{ token: string }>('POST', '/join-token', { sessionId })).token;
  }

  /** A 15-minute link to one file, for elements that cannot send the bearer token. */
  async viewLink(caseId: string, recordingId: string, file: RecordingFileId): Promise<string> {
    const { url } = await this.#call<{ url: string }>(
      'POST',
      `/cases/${encodeURIComponent(caseId)}/recordings/${encodeURIComponent(recordingId)}/view-link`,
      { file },
    );
    return url;
  }

  async evidence(caseId: string): Promise<EvidenceItemView[]> {
    return (
      await this.#call<{ items: EvidenceItemView[] }>(
        'GET',
        `/cases/${encodeURIComponent(caseId)}/evidence`,
      )
    ).items;
  }

  /** A 15-minute link to view one item of evidence in the browser. */
  async evidenceViewLink(caseId: string, itemId: string): Promise<string> {
    const { url } = await this.#call<{ url: string }>(
      'POST',
      `/cases/${encodeURIComponent(caseId)}/evidence/${encodeURIComponent(itemId)}/view-link`,
    );
    return url;
  }

  /** Refiles an item as evidence, an identity document or an authorisation; its bytes stay. */
  setEvidenceCategory(
    caseId: string,
    itemId: string,
    category: EvidenceCategory,
  ): Promise<EvidenceItemView> {
    return this.#call(
      'POST',
      `/cases/${encodeURIComponent(caseId)}/evidence/${encodeURIComponent(itemId)}/category`,
      { category },
    );
  }

  audit(caseId: string): Promise<AuditVerification> {
    return this.#call('GET', `/cases/${encodeURIComponent(caseId)}/audit`);
  }

  /** A respondent's answer given offline, with its proof (an evidence item) and a note. */
  recordMediationResponse(
    caseId: string,
    body: { respondentId: string; decision: 'agree' | 'refuse'; evidenceId: string; note: string },
  ): Promise<unknown> {
    return this.#call(
      'POST',
      `/cases/${encodeURIComponent(caseId)}/mediation-response/offline`,
      body,
    );
  }

  /** The organisation's decision on a recusal request (回避申请), with reasons. */
  decideRecusal(
    caseId: string,
    requestId: string,
    body: { decision: 'granted' | 'refused'; reasons: string },
  ): Promise<unknown> {
    return this.#call(
      'POST',
      `/cases/${encodeURIComponent(caseId)}/recusal-requests/${encodeURIComponent(requestId)}/decision`,
      body,
    );
  }

  /** Both parties' agreement (or not) that caucus material may go to a court or commission. */
  disclosure(caseId: string): Promise<DisclosureView> {
    return this.#call('GET', `/cases/${encodeURIComponent(caseId)}/disclosure`);
  }

  referrals(caseId: string): Promise<ReferralsView> {
    return this.#call('GET', `/cases/${encodeURIComponent(caseId)}/referrals`);
  }

  /** `lateReason`: why a joint application is still sent after its window closed. */
  refer(
    caseId: string,
    institutionId: string,
    kind: ReferralKind,
    lateReason?: string,
  ): Promise<ReferralReply> {
    return this.#call('POST', `/cases/${encodeURIComponent(caseId)}/referrals`, {
      institutionId,
      kind,
      ...(lateReason ? { lateReason } : {}),
    });
  }

  /** A new version of a joint application's bundle, delivered like the first. */
  async exportBundle(caseId: string, referralId: string): Promise<BundleView> {
    return (
      await this.#call<{ bundle: BundleView }>(
        'POST',
        `/cases/${encodeURIComponent(caseId)}/referrals/${encodeURIComponent(referralId)}/bundle`,
      )
    ).bundle;
  }

  /** A bundle's ZIP, fetched with the bearer token (a plain link cannot send it). */
  async bundleFile(caseId: string, bundleId: string): Promise<FetchedFile> {
    const response = await this.#fetch(
      'GET',
      `/cases/${encodeURIComponent(caseId)}/bundles/${encodeURIComponent(bundleId)}/file`,
    );
    if (!response.ok) return parse<never>(response);
    return {
      blob: await response.blob(),
      filename: filenameOf(response, `bundle-${bundleId}.zip`),
      headerSha256: response.headers.get('x-content-sha256'),
    };
  }

  async institutions(): Promise<InstitutionView[]> {
    return (await this.#call<{ institutions: InstitutionView[] }>('GET', '/institutions'))
      .institutions;
  }

  /** Clerks only; the API key is in this reply and nowhere else. */
  registerInstitution(
    input: RegisterInstitutionInput,
  ): Promise<{ institution: InstitutionView; apiKey: string }> {
    return this.#call('POST', '/institutions', input);
  }

  async revokeInstitution(institutionId: string): Promise<InstitutionView> {
    return (
      await this.#call<{ institution: InstitutionView }>(
        'POST',
        `/institutions/${encodeURIComponent(institutionId)}/revoke`,
      )
    ).institution;
  }

  async webhookDeliveries(institutionId: string): Promise<WebhookDeliveryView[]> {
    return (
      await this.#call<{ deliveries: WebhookDeliveryView[] }>(
        'GET',
        `/institutions/${encodeURIComponent(institutionId)}/webhooks`,
      )
    ).deliveries;
  }

  /** Clerks only: a dead letter back in the queue. */
  async retryWebhook(institutionId: string, deliveryId: string): Promise<WebhookDeliveryView> {
    return (
      await this.#call<{ delivery: WebhookDeliveryView }>(
        'POST',
        `/institutions/${encodeURIComponent(institutionId)}/webhooks/${encodeURIComponent(deliveryId)}/retry`,
      )
    ).delivery;
  }

  /** Clerks only: the loaded holiday schedules and the years still missing. */
  calendar(): Promise<CalendarView> {
    return this.#call('GET', '/calendar');
  }

  /** Clerks only: a year's schedule (or a correction); running deadlines are recomputed. */
  addCalendarYear(input: CalendarYearInput): Promise<CalendarChangeView> {
    return this.#call('POST', '/calendar/years', input);
  }

  /** Clerks only. */
  statistics(): Promise<StatisticsView> {
    return this.#call('GET', '/statistics');
  }

  /** The same report as CSV, fetched with the bearer token (a plain link cannot send it). */
  async statisticsCsv(): Promise<Blob> {
    const response = await this.#fetch('GET', '/statistics?format=csv');
    if (!response.ok) return parse<never>(response);
    return response.blob();
  }
}
