/**
 * The manifest of one recording: who was recorded under which consent, every
 * track file with its hash and wall-clock span, the gaps and why they
 * happened, the private (caucus) phases and whether they were recorded, and
 * the composite. Pure: built from records, signed by the caller.
 *
 * Top-level `recordings/` is the media pipeline (FFmpeg, files, no server
 * imports); the case-file side that drives it is `server/recordingService/`.
 */

export const MANIFEST_TYPE = 'mediation-recording-manifest+jws';

export type TrackSource = 'microphone' | 'camera' | 'screen';

/** Why a track file ends. */
export type TrackEndReason =
  | 'recording-stopped'
  | 'consent-withdrawn'
  | 'private-phase'
  | 'producer-closed'
  | 'participant-left'
  | 'participant-disconnected'
  | 'worker-died'
  | 'capture-failed'
  | 'server-stopped'
  /** The node capturing it died: the track ends with its last stored segment. */
  | 'node-failed'
  | 'session-ended';

/** Ends after which the participant's media was expected to continue: a gap follows. */
export const INTERRUPTIONS: ReadonlySet<TrackEndReason> = new Set<TrackEndReason>([
  'participant-disconnected',
  'worker-died',
  'capture-failed',
  'server-stopped',
  'node-failed',
]);

export interface ManifestPerson {
  participantId: string;
  displayName: string;
  role: string;
}

export interface ManifestConsent extends ManifestPerson {
  /** When the participant acknowledged the recording notice. */
  acknowledgedAt: string;
  withdrawnAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface ManifestTrack {
  id: string;
  participantId: string;
  source: TrackSource;
  kind: 'audio' | 'video';
  codec: string;
  file: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  size: number;
  sha256: string;
  endReason: TrackEndReason;
  /** Periods the participant paused this track (muted, camera off). */
  pauses: { from: string; to: string | null }[];
  /**
   * The track in segments of a few seconds, each copied off the capturing
   * node when finished (the file above holds the same packets); after a
   * node's death the file is rebuilt from these.
   */
  segments: ManifestSegment[];
}

export interface ManifestSegment {
  seq: number;
  startedAt: string;
  endedAt: string;
  size: number;
  sha256: string;
}

export interface ManifestGap {
  participantId: string;
  source: TrackSource;
  from: string;
  to: string;
  reason: TrackEndReason;
}

export interface PrivatePhase {
  from: string;
  to: string | null;
  /** Who was in the private room with the mediator. */
  participantIds: string[];
  /** Whether the mediator chose to record it. */
  recorded: boolean;
}

export type ManifestComposite =
  | {
      status: 'complete';
      file: string;
      sha256: string;
      size: number;
      durationMs: number;
      width: number;
      height: number;
    }
  | { status: 'failed'; error: string };

export interface RecordingManifest {
  type: typeof MANIFEST_TYPE;
  version: 1;
  recordingId: string;
  caseId: string;
  caseNumber: string | null;
  sessionId: string;
  startedAt: string;
  startedBy: ManifestPerson;
  stoppedAt: string;
  stopReason: string;
  participants: ManifestPerson[];
  consents: ManifestConsent[];
  tracks: ManifestTrack[];
  gaps: ManifestGap[];
  privatePhases: PrivatePhase[];
  /** A note for readers, e.g. that private phases were not recorded. */
  notes: string[];
  composite: ManifestComposite;
  issuedAt: string;
}

/**
 * The gaps of a recording: after every interrupted track file, until the
 * same participant's same source is captured again, or the recording ends.
 */
export function deriveGaps(tracks: readonly ManifestTrack[], recordingEnd: string): ManifestGap[] {
  const gaps: ManifestGap[] = [];
  const byStream = new Map<string, ManifestTrack[]>();
  for (const t of tracks) {
    const key = `${t.participantId}\u0000${t.source}`;
    byStream.set(key, [...(byStream.get(key) ?? []), t]);
  }
  for (const list of byStream.values()) {
    const sorted = [...list].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    sorted.forEach((track, i) => {
      if (!INTERRUPTIONS.has(track.endReason)) return;
      const next = sorted[i + 1];
      const to = next ? next.startedAt : recordingEnd;
      if (to <= track.endedAt) return;
      gaps.push({
        participantId: track.participantId,
        source: track.source,
        from: track.endedAt,
        to,
        reason: track.endReason,
      });
    });
  }
  return gaps.sort((a, b) => a.from.localeCompare(b.from));
}

/** Notes a reader of the manifest needs, in Chinese then English. */
export function manifestNotes(
  phases: readonly PrivatePhase[],
  gaps: readonly ManifestGap[],
): string[] {
  const notes: string[] = [];
  const unrecorded = phases.filter((p) => !p.recorded).length;
  if (unrecorded > 0) {
    notes.push(
      `背靠背（单方）调解环节 ${unrecorded} 段未录制 / ${unrecorded} private (caucus) phase(s) not recorded`,
    );
  }
  if (phases.some((p) => p.recorded)) {
    notes.push(
      '已录制的背靠背环节内容保密，不得作为证据使用 / recorded caucus content is confidential and not for use as evidence',
    );
  }
  if (gaps.length > 0) {
    notes.push(`录制存在 ${gaps.length} 处中断 / ${gaps.length} gap(s) in the recording`);
  }
  return notes;
}
