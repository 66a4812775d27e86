/** Recordings as the case file keeps them. */
import type {
  ManifestComposite,
  PrivatePhase,
  TrackEndReason,
  TrackSource,
} from '../../recordings/manifest.js';

export type RecordingStatus = 'recording' | 'processing' | 'complete';
export type CompositeStatus = 'pending' | 'rendering' | 'complete' | 'failed';

export interface Recording {
  id: string;
  caseId: string;
  sessionId: string;
  status: RecordingStatus;
  startedAt: string;
  /** The participant id of the mediator who started it. */
  startedBy: string;
  stoppedAt: string | null;
  stopReason: string | null;
  privatePhases: PrivatePhase[];
  compositeStatus: CompositeStatus;
  compositeProgress: number;
  composite: ManifestComposite | null;
  manifestSha256: string | null;
  manifestKid: string | null;
  completedAt: string | null;
  /** Written every second while recording: a crash happened less than a second after it. */
  aliveAt?: string | null;
}

export interface ConsentRecord {
  recordingId: string;
  participantId: string;
  displayName: string;
  role: string;
  acknowledgedAt: string;
  withdrawnAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface TrackRecord {
  id: string;
  recordingId: string;
  participantId: string;
  displayName: string;
  role: string;
  source: TrackSource;
  kind: 'audio' | 'video';
  codec: string;
  /** File name inside the recording's directory. */
  file: string;
  pid: number | null;
  startedAt: string;
  endedAt: string | null;
  endReason: TrackEndReason | null;
  endDetail: string | null;
  durationMs: number | null;
  size: number | null;
  sha256: string | null;
  pauses: { from: string; to: string | null }[];
}

/** A finished segment of a track, copied into the segment store. */
export interface SegmentRecord {
  trackId: string;
  /** 0, 1, 2… in the track's order. */
  seq: number;
  recordingId: string;
  /** Its key in the recordings' segment store. */
  key: string;
  /** Where it starts and ends in the track's stream, ms. */
  startMs: number;
  endMs: number;
  size: number;
  sha256: string;
  storedAt: string;
}

/** A finished file of a recording kept in the object store (several nodes). */
export interface StoredFileRecord {
  recordingId: string;
  /** The file's name in the recording's directory. */
  name: string;
  key: string;
  size: number;
  sha256: string;
  storedAt: string;
}

export interface RecordingRepository {
  transaction<T>(work: () => Promise<T>): Promise<T>;
  insert(recording: Recording): Promise<void>;
  get(id: string): Promise<Recording | undefined>;
  listByCase(caseId: string): Promise<Recording[]>;
  listByStatus(status: RecordingStatus): Promise<Recording[]>;
  update(
    id: string,
    changes: Partial<Omit<Recording, 'id' | 'caseId' | 'sessionId'>>,
  ): Promise<void>;
  /**
   * The same, only while the recording is in `status`; false when it was not
   * (another process got there first). On PostgreSQL the row stays locked until
   * the surrounding transaction ends.
   */
  updateIf(
    id: string,
    status: RecordingStatus,
    changes: Partial<Omit<Recording, 'id' | 'caseId' | 'sessionId'>>,
  ): Promise<boolean>;
  /** Inserts the consent, or returns the one stored already (acknowledging twice is one record). */
  acknowledge(consent: ConsentRecord): Promise<{ record: ConsentRecord; created: boolean }>;
  withdraw(
    recordingId: string,
    participantId: string,
    at: string,
  ): Promise<ConsentRecord | undefined>;
  consents(recordingId: string): Promise<ConsentRecord[]>;
  insertTrack(track: TrackRecord): Promise<void>;
  updateTrack(id: string, changes: Partial<Omit<TrackRecord, 'id' | 'recordingId'>>): Promise<void>;
  tracks(recordingId: string): Promise<TrackRecord[]>;
  /** Records a stored segment; recording the same (track, seq) again changes nothing. */
  insertSegment(segment: SegmentRecord): Promise<void>;
  /** A recording's segments, by track and order. */
  segments(recordingId: string): Promise<SegmentRecord[]>;
  /** Records where a file is kept (replacing what was recorded for its name). */
  putStoredFile(file: StoredFileRecord): Promise<void>;
  storedFile(recordingId: string, name: string): Promise<StoredFileRecord | undefined>;
}
