/**
 * The staff console's side of the HTTP API: sign-in, the bearer token kept in sessionStorage
 * (gone when the tab closes), and the shapes it reads, derived from signaling/http/'s contract.
 */
import type { AnyEndpoint, BodyOf, ParamsOf, ReplyOf } from '../../../signaling/http/endpoint.js';
import { fillPath } from '../../../signaling/http/path.js';
import type { HttpApi } from '../../../signaling/http/index.js';
import { filenameOf } from '../shared/documents/api.js';
import type { DisclosureView } from '../shared/documents/model.js';
import type { ErrorPayload } from '../../../signaling/errors.js';
import { errorText } from '../shared/errorText.js';

// The replies, derived from the shared HTTP contract (./apiTypes.ts).
type Api = HttpApi;
export type * from './apiTypes.js';
import type {
  StaffSession,
  MeView,
  CaseListItem,
  CaseFileView,
  RepresentativeView,
  RepresentativeInput,
  EvidenceItemView,
  EvidenceCategory,
  AuditVerification,
  CalendarView,
  DemoMessage,
  CalendarYearInput,
  CalendarChangeView,
  StatisticsView,
  ExtensionProposalView,
  RecordingSummaryView,
  RecordingDetailView,
  InstitutionView,
  IncomingReferralView,
  ReferralKind,
  BundleView,
  ReferralsView,
  ReferralReply,
  WebhookDeliveryView,
  RegisterInstitutionInput,
  ApplicationView,
  SessionRecordView,
  SessionRecordInput,
  IssuedRecordView,
} from './apiTypes.js';

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
    /** Why, as the server's reason code (signaling/reasons.ts), where it said. */
    readonly reason?: string,
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
  const body = (await response.json().catch(() => ({}))) as { error?: ErrorPayload };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body.error?.code ?? 'HTTP',
      body.error ? errorText(body.error) : `HTTP ${response.status}`,
      body.error?.issues ?? [],
      body.error?.reason,
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

  /** One route of the contract, for the area modules beside this one (riskApi.ts, networkApi.ts). */
  request<E extends AnyEndpoint>(route: {
    method: E['method'];
    path: E['path'];
    params: ParamsOf<E>;
    query?: Record<string, string>;
    body?: BodyOf<E>;
  }): Promise<ReplyOf<E>> {
    const query = route.query ? `?${new URLSearchParams(route.query).toString()}` : '';
    return this.#call(
      route.method === 'get' ? 'GET' : 'POST',
      fillPath(route.path, route.params as Record<string, string>) + query,
      route.body,
    );
  }

  /**
   * One route of the contract: the method and path must be the entry's own (the
   * compiler checks them against signaling/http), the reply is the entry's type.
   */
  #send<E extends AnyEndpoint>(
    method: E['method'],
    path: E['path'],
    params: ParamsOf<E>,
    ...body: BodyOf<E> extends undefined ? [] : [BodyOf<E>]
  ): Promise<ReplyOf<E>> {
    return this.#call(
      method === 'get' ? 'GET' : 'POST',
      fillPath(path, params as Record<string, string>),
      body[0],
    );
  }

  me(): Promise<MeView> {
    return this.#send<Api['cases']['me']>('get', '/me', {});
  }

  async cases(): Promise<CaseListItem[]> {
    return (await this.#send<Api['cases']['list']>('get', '/cases', {})).cases;
  }

  caseFile(caseId: string): Promise<CaseFileView> {
    return this.#send<Api['cases']['file']>('get', '/cases/:caseId', { caseId });
  }

  extensionProposals(caseId: string): Promise<ExtensionProposalView[]> {
    return this.#send<Api['procedure']['extensionProposals']>(
      'get',
      '/cases/:caseId/extension-proposals',
      { caseId },
    );
  }

  proposeExtension(
    caseId: string,
    body: BodyOf<Api['procedure']['proposeExtension']>,
  ): Promise<ExtensionProposalView> {
    return this.#send<Api['procedure']['proposeExtension']>(
      'post',
      '/cases/:caseId/extension-proposals',
      { caseId },
      body,
    );
  }

  recordOfflineExtensionAnswer(
    caseId: string,
    proposalId: string,
    body: BodyOf<Api['procedure']['recordOfflineExtensionAnswer']>,
  ): Promise<ExtensionProposalView> {
    return this.#send<Api['procedure']['recordOfflineExtensionAnswer']>(
      'post',
      '/cases/:caseId/extension-proposals/:proposalId/offline-answer',
      { caseId, proposalId },
      body,
    );
  }

  async recordings(caseId: string): Promise<RecordingSummaryView[]> {
    return (
      await this.#send<Api['recordings']['list']>('get', '/cases/:caseId/recordings', { caseId })
    ).recordings;
  }

  recording(caseId: string, recordingId: string): Promise<RecordingDetailView> {
    return this.#send<Api['recordings']['detail']>(
      'get',
      '/cases/:caseId/recordings/:recordingId',
      { caseId, recordingId },
    );
  }

  /** A token to join a session of the case as its mediator (the call page takes it). */
  async joinToken(sessionId: string): Promise<string> {
    return (await this.#send<Api['cases']['joinToken']>('post', '/join-token', {}, { sessionId }))
      .token;
  }

  /** A 15-minute link to one file, for elements that cannot send the bearer token. */
  async viewLink(caseId: string, recordingId: string, file: RecordingFileId): Promise<string> {
    const { url } = await this.#send<Api['recordings']['viewLink']>(
      'post',
      '/cases/:caseId/recordings/:recordingId/view-link',
      { caseId, recordingId },
      { file },
    );
    return url;
  }

  async evidence(caseId: string): Promise<EvidenceItemView[]> {
    return (await this.#send<Api['evidence']['list']>('get', '/cases/:caseId/evidence', { caseId }))
      .items;
  }

  /** A 15-minute link to view one item of evidence in the browser. */
  async evidenceViewLink(caseId: string, itemId: string): Promise<string> {
    const { url } = await this.#send<Api['evidence']['viewLink']>(
      'post',
      '/cases/:caseId/evidence/:itemId/view-link',
      { caseId, itemId },
    );
    return url;
  }

  /** Refiles an item as evidence, an identity document or an authorisation; its bytes stay. */
  setEvidenceCategory(
    caseId: string,
    itemId: string,
    category: EvidenceCategory,
  ): Promise<EvidenceItemView> {
    return this.#send<Api['evidence']['category']>(
      'post',
      '/cases/:caseId/evidence/:itemId/category',
      { caseId, itemId },
      { category },
    );
  }

  /** Records an applicant elected to act for co-applicants, with the election document. */
  electRepresentative(caseId: string, body: RepresentativeInput): Promise<RepresentativeView> {
    return this.#send<Api['cases']['electRepresentative']>(
      'post',
      '/cases/:caseId/representatives',
      { caseId },
      body,
    );
  }

  /** Ends an election: the representative's later signatures bind only itself. */
  revokeRepresentative(caseId: string, representationId: string): Promise<RepresentativeView> {
    return this.#send<Api['cases']['revokeRepresentative']>(
      'post',
      '/cases/:caseId/representatives/:representationId/revoke',
      { caseId, representationId },
    );
  }

  /** Replaces one applicant's own claims. */
  setPersonClaims(caseId: string, personId: string, body: BodyOf<Api['cases']['setPersonClaims']>) {
    const path = '/cases/:caseId/people/:personId/claims';
    return this.#send<Api['cases']['setPersonClaims']>('post', path, { caseId, personId }, body);
  }

  /** Records what was found of one person's part of the effective agreement. */
  recordPerformance(caseId: string, body: BodyOf<Api['cases']['recordPerformance']>) {
    const path = '/cases/:caseId/performance';
    return this.#send<Api['cases']['recordPerformance']>('post', path, { caseId }, body);
  }

  audit(caseId: string): Promise<AuditVerification> {
    return this.#send<Api['cases']['audit']>('get', '/cases/:caseId/audit', { caseId });
  }

  /** A respondent's answer given offline, with its proof (an evidence item) and a note. */
  recordMediationResponse(
    caseId: string,
    body: BodyOf<Api['procedure']['recordMediationResponse']>,
  ): Promise<ReplyOf<Api['procedure']['recordMediationResponse']>> {
    return this.#send<Api['procedure']['recordMediationResponse']>(
      'post',
      '/cases/:caseId/mediation-response/offline',
      { caseId },
      body,
    );
  }

  /** The organisation's decision on a recusal request (回避申请), with reasons. */
  decideRecusal(
    caseId: string,
    requestId: string,
    body: BodyOf<Api['procedure']['decideRecusal']>,
  ): Promise<ReplyOf<Api['procedure']['decideRecusal']>> {
    return this.#send<Api['procedure']['decideRecusal']>(
      'post',
      '/cases/:caseId/recusal-requests/:requestId/decision',
      { caseId, requestId },
      body,
    );
  }

  /** Both parties' agreement (or not) that caucus material may go to a court or commission. */
  disclosure(caseId: string): Promise<DisclosureView> {
    return this.#send<Api['institutions']['disclosure']>('get', '/cases/:caseId/disclosure', {
      caseId,
    });
  }

  referrals(caseId: string): Promise<ReferralsView> {
    return this.#send<Api['institutions']['referrals']>('get', '/cases/:caseId/referrals', {
      caseId,
    });
  }

  /** `lateReason`: why a joint application is still sent after its window closed. */
  refer(
    caseId: string,
    institutionId: string,
    kind: ReferralKind,
    lateReason?: string,
  ): Promise<ReferralReply> {
    return this.#send<Api['institutions']['refer']>(
      'post',
      '/cases/:caseId/referrals',
      { caseId },
      { institutionId, kind, ...(lateReason ? { lateReason } : {}) },
    );
  }

  /** A new version of a joint application's bundle, delivered like the first. */
  async exportBundle(caseId: string, referralId: string): Promise<BundleView> {
    return (
      await this.#send<Api['institutions']['exportBundle']>(
        'post',
        '/cases/:caseId/referrals/:referralId/bundle',
        { caseId, referralId },
      )
    ).bundle;
  }

  /** A file route of the contract, fetched with the bearer token (a plain link cannot send it). */
  async file<E extends AnyEndpoint>(
    path: E['path'],
    params: ParamsOf<E>,
    fallbackName: string,
  ): Promise<FetchedFile> {
    const response = await this.#fetch('GET', fillPath(path, params as Record<string, string>));
    if (!response.ok) return parse<never>(response);
    return {
      blob: await response.blob(),
      filename: filenameOf(response, fallbackName),
      headerSha256: response.headers.get('x-content-sha256'),
    };
  }

  /** A bundle's ZIP. */
  bundleFile(caseId: string, bundleId: string): Promise<FetchedFile> {
    return this.file<Api['institutions']['bundleFile']>(
      '/cases/:caseId/bundles/:bundleId/file',
      { caseId, bundleId },
      `bundle-${bundleId}.zip`,
    );
  }

  async incomingReferrals(): Promise<IncomingReferralView[]> {
    return (await this.#send<Api['inboundReferrals']['incoming']>('get', '/referrals/incoming', {}))
      .referrals;
  }

  /** Clerks only: registers and accepts the case; its id. */
  async acceptReferral(referralId: string): Promise<string> {
    return (
      await this.#send<Api['inboundReferrals']['accept']>(
        'post',
        '/referrals/incoming/:referralId/accept',
        { referralId },
      )
    ).caseId;
  }

  async declineReferral(referralId: string, reason: string): Promise<IncomingReferralView> {
    return (
      await this.#send<Api['inboundReferrals']['decline']>(
        'post',
        '/referrals/incoming/:referralId/decline',
        { referralId },
        { reason },
      )
    ).referral;
  }

  /** The organisation's online applications, submitted and decided, newest first. */
  async applications(): Promise<ApplicationView[]> {
    return (await this.#send<Api['applications']['queue']>('get', '/applications', {}))
      .applications;
  }

  /** Clerks only: registers the case from the application; the application and the case's id. */
  acceptApplication(applicationId: string): Promise<ReplyOf<Api['applications']['accept']>> {
    return this.#send<Api['applications']['accept']>(
      'post',
      '/applications/:applicationId/accept',
      { applicationId },
    );
  }

  /** Clerks only: declines with reasons the applicant reads. */
  async declineApplication(applicationId: string, reason: string): Promise<ApplicationView> {
    return (
      await this.#send<Api['applications']['decline']>(
        'post',
        '/applications/:applicationId/decline',
        { applicationId },
        { reason },
      )
    ).application;
  }

  async institutions(): Promise<InstitutionView[]> {
    return (await this.#send<Api['institutions']['list']>('get', '/institutions', {})).institutions;
  }

  /** Clerks only; the API key is in this reply and nowhere else. */
  registerInstitution(
    input: RegisterInstitutionInput,
  ): Promise<ReplyOf<Api['institutions']['register']>> {
    return this.#send<Api['institutions']['register']>('post', '/institutions', {}, input);
  }

  async revokeInstitution(institutionId: string): Promise<InstitutionView> {
    return (
      await this.#send<Api['institutions']['revoke']>(
        'post',
        '/institutions/:institutionId/revoke',
        { institutionId },
      )
    ).institution;
  }

  async webhookDeliveries(institutionId: string): Promise<WebhookDeliveryView[]> {
    return (
      await this.#send<Api['institutions']['webhooks']>(
        'get',
        '/institutions/:institutionId/webhooks',
        { institutionId },
      )
    ).deliveries;
  }

  /** Clerks only: a dead letter back in the queue. */
  async retryWebhook(institutionId: string, deliveryId: string): Promise<WebhookDeliveryView> {
    return (
      await this.#send<Api['institutions']['retryWebhook']>(
        'post',
        '/institutions/:institutionId/webhooks/:deliveryId/retry',
        { institutionId, deliveryId },
      )
    ).delivery;
  }

  sessionRecord(caseId: string, sessionId: string): Promise<SessionRecordView> {
    return this.#send<Api['sessionRecords']['read']>(
      'get',
      '/cases/:caseId/sessions/:sessionId/record',
      { caseId, sessionId },
    );
  }

  /** The case's mediator saves the draft; the record as it now stands. */
  saveSessionRecord(
    caseId: string,
    sessionId: string,
    content: SessionRecordInput,
  ): Promise<SessionRecordView> {
    return this.#send<Api['sessionRecords']['save']>(
      'post',
      '/cases/:caseId/sessions/:sessionId/record',
      { caseId, sessionId },
      content,
    );
  }

  /** The case's mediator issues the saved draft once the session ended: served on the attendees. */
  issueSessionRecord(caseId: string, sessionId: string): Promise<IssuedRecordView> {
    return this.#send<Api['sessionRecords']['issue']>(
      'post',
      '/cases/:caseId/sessions/:sessionId/record/issue',
      { caseId, sessionId },
    );
  }

  /** The case's mediator records that an attendee refused to sign the record, and why. */
  async recordSigningRefusal(
    caseId: string,
    documentId: string,
    body: BodyOf<Api['sessionRecords']['refusal']>,
  ): Promise<IssuedRecordView['document']> {
    return (
      await this.#send<Api['sessionRecords']['refusal']>(
        'post',
        '/cases/:caseId/documents/:documentId/signing-refusals',
        { caseId, documentId },
        body,
      )
    ).document;
  }

  /** Clerks only: the loaded holiday schedules and the years still missing. */
  calendar(): Promise<CalendarView> {
    return this.#send<Api['calendar']['view']>('get', '/calendar', {});
  }

  /** Clerks only: a year's schedule (or a correction); running deadlines are recomputed. */
  addCalendarYear(input: CalendarYearInput): Promise<CalendarChangeView> {
    return this.#send<Api['calendar']['addYear']>('post', '/calendar/years', {}, input);
  }

  /** Clerks only. */
  statistics(): Promise<StatisticsView> {
    return this.#send<Api['cases']['statistics']>('get', '/statistics', {});
  }

  /** The same report as CSV, fetched with the bearer token (a plain link cannot send it). */
  async statisticsCsv(): Promise<Blob> {
    const response = await this.#fetch('GET', '/statistics?format=csv');
    if (!response.ok) return parse<never>(response);
    return response.blob();
  }

  /** The demo's loopback relay and SMSC received these; undefined outside the demo (404). */
  async demoMessages(): Promise<DemoMessage[] | undefined> {
    const r = this.#send<Api['documents']['demoMessages']>('get', '/demo/messages', {});
    return (await r.catch((e: ApiError) => (e.status === 404 ? null : Promise.reject(e))))
      ?.messages;
  }
}
