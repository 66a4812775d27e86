/**
 * The staff console's side of the HTTP API: sign-in, the bearer token kept
 * in sessionStorage (gone when the tab closes), and the shapes it reads.
 */
import type { z } from 'zod';
import type { BodyOf, ReplyOf } from '../../../signaling/http/endpoint.js';
import type { HttpApi } from '../../../signaling/http/index.js';
import type { calendarYearObject } from '../../../signaling/http/calendar.js';
import type { bundleView, referralView } from '../../../signaling/http/institutions.js';
import type { evidenceItemView } from '../../../signaling/http/evidence.js';
import { filenameOf } from '../documents/api.js';
import type { DisclosureView } from '../documents/model.js';

// The replies, derived from the shared HTTP contract (signaling/http): type-only, no zod in the bundle.
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
export type EvidenceItemView = z.output<typeof evidenceItemView>;
export type EvidenceSide = EvidenceItemView['uploaderSide'];
/** What an item is filed as: evidence, or a party's identity or authorisation papers. */
export type EvidenceCategory = EvidenceItemView['category'];
export type AuditVerification = ReplyOf<Api['cases']['audit']>;
export type CalendarView = ReplyOf<Api['calendar']['view']>;
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
