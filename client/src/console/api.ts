/**
 * The staff console's side of the HTTP API: sign-in, the bearer token kept
 * in sessionStorage (gone when the tab closes), and the shapes it reads.
 */
import type {
  ManifestComposite,
  RecordingManifest,
  TrackEndReason,
  TrackSource,
} from '../../../recordings/manifest.js';

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
  status: 'open' | 'met' | 'overdue' | 'cancelled';
}

export interface CaseListItem {
  id: string;
  caseNumber: string;
  status: string;
  disputeType: string;
  receivedOn: string;
  mediationDueOn: string;
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

export interface EvidenceItemView {
  id: string;
  title: string;
  purpose: string;
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

/** The organisation's 统计报告 (server/cases/statistics.ts CaseStatistics). */
export interface StatisticsView {
  period: { from: string | null; to: string | null };
  generatedAt: string;
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

/** A recording file a view link can name. */
export type RecordingFileId = 'composite' | 'manifest' | string;

const STORAGE_KEY = 'mediation.console.session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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
    error?: { code: string; message: string };
  };
  if (!response.ok) {
    throw new ApiError(
      response.status,
      body.error?.code ?? 'HTTP',
      body.error?.message ?? `HTTP ${response.status}`,
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

  audit(caseId: string): Promise<AuditVerification> {
    return this.#call('GET', `/cases/${encodeURIComponent(caseId)}/audit`);
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
