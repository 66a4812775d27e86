/**
 * What the call's media client tells its page, and the shapes it hands over:
 * shared by `CallClient` (which re-exports them), its sending side
 * (`Publisher`) and its receiving side (`Receiver`).
 */
import type {
  EvidencePresentation,
  JoinResult,
  MediaSource,
  ParticipantInfo,
  RecordingState,
} from '../../../signaling/index.js';
import type { HandshakeRefusal } from '../../../signaling/errors.js';

export interface RemoteTrack {
  consumerId: string;
  producerId: string;
  participantId: string;
  source: MediaSource;
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  paused: boolean;
}

/**
 * `waiting`: in the waiting room, connected but without media until the
 * mediator admits this participant.
 */
export type CallStatus =
  'idle' | 'joining' | 'waiting' | 'joined' | 'reconnecting' | 'left' | 'failed';

/** Why the page stops for good (no retry): a message key and the server's words, if any. */
export type FatalReason =
  HandshakeRefusal | 'UNKNOWN' | 'replaced' | 'refused' | 'removed' | 'locked' | 'forbidden';

export interface CallEvents {
  status(status: CallStatus, detail?: string): void;
  participants(list: ParticipantInfo[]): void;
  trackAdded(track: RemoteTrack): void;
  trackRemoved(consumerId: string): void;
  trackPaused(producerId: string, paused: boolean): void;
  activeSpeaker(participantId: string | null): void;
  evidencePresented(presentation: EvidencePresentation): void;
  evidenceStopped(presenterId: string): void;
  /** The recording in progress (`null`: none), from the join result and every change after. */
  recordingState(recording: RecordingState | null): void;
  /** Every join result: the first, one after each reconnect, and the one admission grants. */
  joinResult(result: JoinResult): void;
  /** This participant's own state changed (identity check, mute by the mediator, hand). */
  selfUpdated(self: ParticipantInfo): void;
  fatal(reason: FatalReason, detail?: string): void;
}

/** The page's own tracks, by source (any may be absent). */
export type LocalTracks = Partial<Record<MediaSource, MediaStreamTrack | undefined>>;
