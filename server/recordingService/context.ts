/**
 * What the parts of the recording service share: the stores and clock they
 * are given (RecordingContext), the live state of one recording in progress
 * (ActiveRecording and its LiveTracks), and the small constants several
 * parts use. No I/O happens here.
 *
 * The parts: consent.ts (the protocol of a live recording), tracks.ts (which
 * producers are captured, each track file's record), finishing.ts (composite
 * queue and signed manifest), recovery.ts (heartbeat and crash recovery),
 * files.ts (the case file's listing and file serving); RecordingService.ts
 * composes them.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { TrackCapture } from '../../recordings/capture.js';
import type { TrackEndReason } from '../../recordings/manifest.js';
import type { RecordingState } from '../../signaling/index.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { BlobStore } from '../evidence/BlobStore.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { JobClaims } from '../jobs/JobLeases.js';
import type { Logger } from '../logger.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import type { Recording, RecordingRepository, TrackRecord } from './model.js';

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The actor of what the service does by itself. */
export const SYSTEM = { actorId: 'system', actorRole: 'system' };

/** How long a recording stays someone's without a heartbeat (which beats every second). */
export const LIVE_LEASE_MS = 5_000;

/** The job name of a live recording's lease. */
export function liveJob(recordingId: string): string {
  return `recording:${recordingId}`;
}

/** The stores, keys and clock every part works with. */
export class RecordingContext {
  constructor(
    readonly repository: RecordingRepository,
    readonly audit: AuditLog,
    readonly keys: ServiceKeys,
    readonly cases: CaseRepository,
    readonly logger: Logger,
    readonly now: () => Date,
    /** `${dataDir}/recordings`: one directory per recording. */
    readonly directory: string,
    /** Composite renders and live recordings are claimed here (one process each). */
    readonly jobs: JobClaims,
    /** Where each finished segment of a capture is copied (segments.ts). */
    readonly segmentStore: BlobStore,
    /** Several nodes: where finished files are kept for every node (stored.ts). */
    readonly fileStore?: BlobStore,
  ) {}

  /**
   * The lease that says a recording is live in some process: renewed every
   * second by its heartbeat, so another process closes it only once that
   * process has died (or stalled this long).
   */
  get liveClaims(): JobClaims {
    return { ...this.jobs, leaseMs: LIVE_LEASE_MS };
  }

  /** The directory holding a recording's files. */
  directoryOf(recordingId: string): string {
    return path.join(this.directory, recordingId);
  }
}

/** One running capture of one producer. */
export interface LiveTrack {
  record: TrackRecord;
  capture: TrackCapture;
  producerId: string;
  /** Why and when its source went (noted at that moment; FFmpeg finishes later). */
  ending?: { reason: TrackEndReason; at: Date };
  /** Its record has been closed (or is being closed on purpose). */
  closed?: boolean;
}

/** The live side of a recording in progress. */
export class ActiveRecording {
  readonly tracks = new Map<string, LiveTrack>();
  /** Producers whose capture is being started (so a second start is not made). */
  readonly starting = new Set<string>();
  /** Captures being started. */
  readonly pending = new Set<Promise<void>>();
  /** Track files being finished after their source went (FFmpeg ends within 10 s). */
  readonly finishing = new Set<Promise<void>>();
  /** Tracks whose source went and whose file is not finished yet. */
  readonly gone = new Set<LiveTrack>();
  /** Why each participant's tracks are about to end (they left, the worker died). */
  readonly endingFor = new Map<string, TrackEndReason>();
  consented = new Set<string>();
  withdrawn = new Set<string>();
  stopping = false;
  /** This node lost the session: the recording is left for its next node, not stopped. */
  handingOver = false;
  #queue: Promise<unknown> = Promise.resolve();
  detach: () => void = () => undefined;

  constructor(
    readonly recording: Recording,
    readonly session: LiveSession,
    readonly startedByName: string,
  ) {}

  /** Runs `work` after everything queued before it (start/stop of captures never interleave). */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** A private phase the mediator does not record is open: nobody's tracks run. */
  privateUnrecorded(): boolean {
    const open = this.recording.privatePhases.at(-1);
    return open !== undefined && open.to === null && !open.recorded;
  }

  state(): RecordingState {
    return {
      recordingId: this.recording.id,
      startedAt: this.recording.startedAt,
      startedByName: this.startedByName,
      consented: [...this.consented].filter((id) => !this.withdrawn.has(id)),
      withdrawn: [...this.withdrawn],
    };
  }
}

/** The SHA-256 of nothing (a track file that holds no media). */
export function emptySha256(): string {
  return createHash('sha256').digest('hex');
}
