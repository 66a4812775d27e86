/**
 * Session recording in the case file: the service the rest of the server
 * sees. It only composes its parts, each a seam of its own:
 *
 * - consent.ts   — the protocol of a live recording: start, acknowledge,
 *                  decline, withdraw, private phases, stop;
 * - tracks.ts    — which producers are captured when, each track file's record
 *                  (the FFmpeg capture itself is recordings/capture.ts);
 * - finishing.ts — the composite queue and the signed manifest;
 * - recovery.ts  — the heartbeat and closing what a crash left open;
 * - files.ts     — the case file's listing, detail and file serving.
 *
 * `server/recordingService/` is the case-file side (consent, records, audit,
 * serving); the top-level `recordings/` is the media pipeline it drives
 * (FFmpeg capture, probe, composite render, manifest shape) and knows
 * nothing of the server.
 *
 * Construction does no I/O: `RecordingService.create()` makes the recordings
 * directory and looks for FFmpeg, then constructs; `recover()` (called by the
 * composition root once the server listens) closes what a crash left open.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import type { RecordingState } from '../../signaling/index.js';
import type { AuditLog } from '../audit/AuditLog.js';
import type { Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import type { BlobStore } from '../evidence/BlobStore.js';
import type { Logger } from '../logger.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { Participant } from '../media/Participant.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import { ConsentProtocol } from './consent.js';
import { RecordingContext, type ClientInfo } from './context.js';
import {
  RecordingFiles,
  type OpenedRecordingFile,
  type RecordingDetail,
  type RecordingSummary,
} from './files.js';
import { processLocalClaims, type JobClaims } from '../jobs/JobLeases.js';
import { Finishing } from './finishing.js';
import type { RecordingRepository } from './model.js';
import { recoverRecordings } from './recovery.js';
import { RecordingTracks } from './tracks.js';

export type { ClientInfo } from './context.js';
export type { OpenedRecordingFile, RecordingDetail, RecordingSummary } from './files.js';

export interface RecordingServiceOptions {
  repository: RecordingRepository;
  audit: AuditLog;
  keys: ServiceKeys;
  /** `${dataDir}/recordings`: one directory per recording. */
  directory: string;
  /**
   * Where each finished segment of a capture is copied (the object store on several nodes),
   * and with an object store where the finished files are kept for every node.
   */
  stores: { segments: BlobStore; files?: BlobStore | undefined };
  /** Where capture receivers (FFmpeg) listen. */
  listenIp: string;
  cases: CaseRepository;
  logger: Logger;
  now?: () => Date;
  /** Claims shared with the other processes on the database (default: this process alone). */
  jobs?: JobClaims;
  /**
   * Several nodes (REDIS_URL): a recording whose node died waits
   * ADOPTION_GRACE_MS for the node that takes its session over to continue
   * it, before it is closed; on one node it is closed at the next start.
   */
  severalNodes?: boolean;
}

/** How long a recording whose node died is left for its session's next node (several nodes). */
export const ADOPTION_GRACE_MS = 30_000;

/** What create() found on the machine. */
export interface RecordingEnvironment {
  /** `ffmpeg -version` ran: without FFmpeg nothing can be recorded. */
  ffmpeg: boolean;
}

export class RecordingService {
  readonly #ctx: RecordingContext;
  readonly #tracks: RecordingTracks;
  readonly #live: ConsentProtocol;
  readonly #finishing: Finishing;
  readonly #files: RecordingFiles;
  readonly #adoptionGraceMs: number;
  #recovering: Promise<void> = Promise.resolve();
  #sweep: NodeJS.Timeout | undefined;

  /** Makes the recordings directory, looks for FFmpeg, then constructs the service. */
  static async create(options: RecordingServiceOptions): Promise<RecordingService> {
    await mkdir(options.directory, { recursive: true, mode: 0o700 });
    const ffmpeg = await ffmpegInstalled();
    if (!ffmpeg) {
      options.logger
        .child({ component: 'recording' })
        .error('FFmpeg is not installed: sessions cannot be recorded (Debian package ffmpeg)');
    }
    return new RecordingService(options, { ffmpeg });
  }

  /** Does no I/O: `environment` is what create() found. */
  constructor(options: RecordingServiceOptions, environment: RecordingEnvironment) {
    this.#ctx = new RecordingContext(
      options.repository,
      options.audit,
      options.keys,
      options.cases,
      options.logger.child({ component: 'recording' }),
      options.now ?? (() => new Date()),
      options.directory,
      options.jobs ?? processLocalClaims(),
      options.stores.segments,
      options.stores.files,
    );
    this.#tracks = new RecordingTracks(this.#ctx, options.listenIp);
    this.#finishing = new Finishing(this.#ctx);
    this.#live = new ConsentProtocol(this.#ctx, {
      tracks: this.#tracks,
      enqueue: (id) => this.#finishing.enqueue(id),
      ffmpeg: environment.ffmpeg,
    });
    this.#files = new RecordingFiles(this.#ctx, (id) => this.#finishing.progressOf(id));
    this.#adoptionGraceMs = options.severalNodes ? ADOPTION_GRACE_MS : 0;
  }

  /** The recording in progress in a live session, as participants see it. */
  state(sessionId: string): RecordingState | null {
    return this.#live.state(sessionId);
  }

  /** The directory holding a recording's files. */
  directoryOf(recordingId: string): string {
    return this.#ctx.directoryOf(recordingId);
  }

  // ── live: start, consent, stop (consent.ts) ───────────────────────────────

  start(session: LiveSession, by: Participant, client: ClientInfo): Promise<RecordingState> {
    return this.#live.start(session, by, client);
  }

  acknowledge(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<RecordingState> {
    return this.#live.acknowledge(session, participant, recordingId, client);
  }

  withdraw(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
  ): Promise<RecordingState> {
    return this.#live.withdraw(session, participant, recordingId);
  }

  /** The participant declined the notice (see ConsentProtocol.decline). */
  decline(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<void> {
    return this.#live.decline(session, participant, recordingId, client);
  }

  stop(session: LiveSession, by: Participant): Promise<void> {
    return this.#live.stop(session, by);
  }

  /** A private phase (caucus) begins or ends (see ConsentProtocol.setPrivatePhase). */
  setPrivatePhase(
    sessionId: string,
    phase: { participantIds: string[]; recorded: boolean } | null,
  ): Promise<void> {
    return this.#live.setPrivatePhase(sessionId, phase);
  }

  // ── after the session: recovery, composite, manifest ─────────────────────

  /**
   * After a start: recordings cut off by a crash are closed and every
   * recording awaiting its composite is queued again (recovery.ts).
   */
  recover(): Promise<void> {
    // One pass at a time in this process: two would both hold its own lease on a recording.
    const pass = this.#recovering.then(() => this.#recoverOnce());
    this.#recovering = pass.catch(() => undefined);
    return pass;
  }

  #recoverOnce(): Promise<void> {
    return recoverRecordings(this.#ctx, {
      live: () => this.#live.liveIds(),
      tracks: this.#tracks,
      enqueue: (id) => this.#finishing.enqueue(id),
      adoptionGraceMs: this.#adoptionGraceMs,
    });
  }

  /**
   * A live session opened on this node: a recording of it that a node which
   * died left in progress continues here (see ConsentProtocol.adopt).
   */
  adopt(session: LiveSession): void {
    this.#live.adopt(session);
  }

  /**
   * This node lost the session's lease and is about to close it: its
   * recording is left in progress for the session's next node to continue
   * (see ConsentProtocol.handOver), not stopped.
   */
  handOver(sessionId: string): void {
    this.#live.handOver(sessionId);
  }

  /**
   * From now on, every `intervalMs`: the same as recover(), for recordings
   * another process left when it died and composites nobody is rendering.
   */
  startSweeps(intervalMs = 2_000): void {
    if (this.#sweep) return;
    let running = false;
    this.#sweep = setInterval(() => {
      if (running) return;
      running = true;
      void this.recover()
        .catch((error: unknown) =>
          this.#ctx.logger.error({ err: error }, 'recording recovery sweep failed'),
        )
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    this.#sweep.unref();
  }

  /** Resolves when every queued post-processing job has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.#finishing.idle();
  }

  // ── the case file: listing, detail, files (files.ts) ──────────────────────

  list(actor: Actor, caseId: string): Promise<RecordingSummary[]> {
    return this.#files.list(actor, caseId);
  }

  detail(actor: Actor, caseId: string, recordingId: string): Promise<RecordingDetail> {
    return this.#files.detail(actor, caseId, recordingId);
  }

  /** Opens a file of a recording for reading, with custody (see RecordingFiles.openFile). */
  openFile(
    actor: Actor,
    caseId: string,
    recordingId: string,
    fileId: string,
    options: { custody: boolean; client: ClientInfo },
  ): Promise<OpenedRecordingFile> {
    return this.#files.openFile(actor, caseId, recordingId, fileId, options);
  }

  /** Ends live recordings (their files are finished) and stops post-processing. */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#finishing.refuse();
    await this.#live.close();
    await this.#finishing.close();
  }
}

/** Whether `ffmpeg -version` runs. */
function ffmpegInstalled(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('close', (code) => resolve(code === 0));
  });
}
