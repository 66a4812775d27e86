/**
 * The domain desks the signalling gateway serves, as the socket layer reaches
 * them: evidence, the session recorder and a person's inbox of served
 * documents. The composition root adapts each domain service to its desk
 * (evidenceDesk.ts, documentDesk.ts; RecordingService is one as it stands).
 */
import type {
  DeliverySummary,
  EvidencePresentation,
  EvidenceSummary,
  RecordingState,
  ServedDocument,
} from '../../signaling/index.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { Participant } from '../media/Participant.js';

/**
 * Opens an item of evidence for the participants allowed to see it: returns,
 * per participant id, what that participant's screen is to open.
 */
export interface EvidenceDesk {
  /** What a participant may list of the case's evidence. */
  list(request: {
    caseId: string;
    participant: { id: string; role: string };
  }): Promise<EvidenceSummary[]>;
  present: EvidencePresenter;
  /** Shares an item or keeps it confidential, as the participant may (refusals are errors). */
  setVisibility(request: {
    caseId: string;
    participant: { id: string; role: string };
    evidenceId: string;
    flags: { shared?: boolean; confidential?: boolean };
  }): Promise<EvidenceSummary>;
  /** Calls `listener` after each change of who may see an item, whoever made it (session or case file). */
  onVisibilityChange(listener: (change: EvidenceVisibilityChange) => void): () => void;
  /** A change made on another node, from what it told (undefined when the item is not found). */
  changeFrom(notice: EvidenceChangeNotice): Promise<EvidenceVisibilityChange | undefined>;
}

/** An evidence visibility change as one node tells the others (they read the item themselves). */
export interface EvidenceChangeNotice {
  caseId: string;
  evidenceId: string;
  /** The item's flags before the change. */
  before: { shared: boolean; confidential: boolean };
}

/** An item whose visibility changed, as the socket layer tells a case's live sessions. */
export interface EvidenceVisibilityChange {
  caseId: string;
  /** What to tell the other nodes (several nodes: their live sessions are theirs to tell). */
  notice: EvidenceChangeNotice;
  /** The item as it is now. */
  item: EvidenceSummary;
  /** Of the given participants: who may see the item now, and who could before the change. */
  audience(
    participants: { id: string; role: string }[],
  ): Promise<{ now: ReadonlySet<string>; before: ReadonlySet<string> }>;
}

/**
 * Presents an item: per participant id allowed to see it, what that
 * participant's screen is to open. Inside a caucus the item is kept
 * confidential first (see EvidenceService.presentation).
 */
export type EvidencePresenter = (request: {
  caseId: string;
  presenter: { id: string; role: string };
  evidenceId: string;
  participants: { id: string; role: string }[];
  inCaucus: boolean;
}) => Promise<{ shown: Map<string, EvidencePresentation>; confidential: boolean }>;

/** The session recorder, as the socket layer reaches it (see RecordingService). */
export interface RecordingDesk {
  state(sessionId: string): RecordingState | null;
  start(session: LiveSession, by: Participant, client: ClientInfo): Promise<RecordingState>;
  stop(session: LiveSession, by: Participant): Promise<void>;
  acknowledge(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<RecordingState>;
  withdraw(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
  ): Promise<RecordingState>;
  decline(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<void>;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The document service as the socket layer reaches it: a person's inbox and their steps. */
export interface DocumentDesk {
  /** Notices dispatched and not yet delivered: pushed at each connection until received. */
  pending(recipient: Recipient): Promise<ServedDocument[]>;
  list(recipient: Recipient): Promise<DeliverySummary[]>;
  step(
    recipient: Recipient,
    deliveryId: string,
    action: 'deliver' | 'read' | 'acknowledge' | 'challenge' | 'requestPaperCopy',
    detail: Record<string, unknown> | null,
    client: ClientInfo,
  ): Promise<DeliverySummary>;
}

export interface Recipient {
  caseId: string;
  personId: string;
}

/** The floor's record in the case file (SessionFloorLog): written behind the floor, in order. */
export interface FloorRecord {
  /** Resolves when every floor event so far is stored. */
  flushed(): Promise<void>;
}

/** The optional domain desks a gateway serves. */
export interface GatewayDesks {
  floorRecord?: FloorRecord;
  evidence?: EvidenceDesk;
  recording?: RecordingDesk;
  documents?: DocumentDesk;
}
