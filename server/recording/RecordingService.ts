/**
 * Session recording in the case file. Consent is protocol state: a
 * participant's tracks are captured only after their acknowledgement of the
 * notice is stored, and a withdrawal stops them. Each producer is captured
 * by its own FFmpeg stream copy (recordings/capture.ts); every track file's
 * wall-clock span, end reason and hash are stored, gaps follow from the end
 * reasons. After the recording stops a composite is rendered (one job at a
 * time, resumed after a restart) and the manifest is signed with the
 * service key; its hash goes into the case's audit chain.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { renderComposite, type CompositeSegment } from '../../recordings/composite.js';
import {
  TrackCapture,
  containerFor,
  freePortPair,
  primaryCodec,
  type CaptureEnd,
} from '../../recordings/capture.js';
import {
  MANIFEST_TYPE,
  deriveGaps,
  manifestNotes,
  type ManifestComposite,
  type ManifestTrack,
  type PrivatePhase,
  type RecordingManifest,
  type TrackEndReason,
} from '../../recordings/manifest.js';
import { fileFacts, mediaFacts } from '../../recordings/probe.js';
import { can, type RecordingState } from '../../signaling/index.js';
import type { AuditLog } from '../audit/AuditLog.js';
import { authorize, type Actor } from '../cases/access.js';
import type { CaseRepository } from '../cases/CaseRepository.js';
import {
  ForbiddenError,
  InvalidStateError,
  MediaUnavailableError,
  NotFoundError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  LeaveReason,
  LiveSession,
  LiveSessionListener,
  SessionProducer,
} from '../media/LiveSession.js';
import type { Participant } from '../media/Participant.js';
import type { ServiceKeys } from '../signing/ServiceKeys.js';
import { writeFileDurably } from '../storage/durableWrite.js';
import type { ConsentRecord, Recording, RecordingRepository, TrackRecord } from './model.js';

export interface RecordingServiceOptions {
  repository: RecordingRepository;
  audit: AuditLog;
  keys: ServiceKeys;
  /** `${dataDir}/recordings`: one directory per recording. */
  directory: string;
  /** Where capture receivers (FFmpeg) listen. */
  listenIp: string;
  cases: CaseRepository;
  logger: Logger;
  now?: () => Date;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export interface RecordingSummary extends Recording {
  durationMs: number | null;
  tracks: number;
}

export interface RecordingDetail {
  recording: RecordingSummary;
  tracks: TrackRecord[];
  consents: ConsentRecord[];
  manifest: { jws: string; payload: RecordingManifest } | null;
}

const SYSTEM = { actorId: 'system', actorRole: 'system' };
const CAPTURE_RESTART_MS = 500;
const CAPTURE_ATTEMPTS = 3;
const HEARTBEAT_MS = 1_000;
/** Ends at which packets were still arriving: the file's last packet is the end time. */
const ENDS_ON_TIME: ReadonlySet<TrackEndReason> = new Set<TrackEndReason>([
  'recording-stopped',
  'consent-withdrawn',
  'private-phase',
  'server-stopped',
]);
const PROGRESS_STEP = 0.05;

/** One running capture of one producer. */
interface LiveTrack {
  record: TrackRecord;
  capture: TrackCapture;
  producerId: string;
  /** Why and when its source went (noted at that moment; FFmpeg finishes later). */
  ending?: { reason: TrackEndReason; at: Date };
  /** Its record has been closed (or is being closed on purpose). */
  closed?: boolean;
}

/** The live side of a recording in progress. */
class ActiveRecording {
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

export class RecordingService {
  readonly #repository: RecordingRepository;
  readonly #audit: AuditLog;
  readonly #keys: ServiceKeys;
  readonly #directory: string;
  readonly #listenIp: string;
  readonly #cases: CaseRepository;
  readonly #logger: Logger;
  readonly #now: () => Date;
  readonly #active = new Map<string, ActiveRecording>();
  /** Composite renders, one at a time (they use every core). */
  #jobs: Promise<void> = Promise.resolve();
  readonly #pendingJobs = new Set<string>();
  readonly #progress = new Map<string, number>();
  #closing = false;
  readonly #abort = new AbortController();
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: RecordingServiceOptions) {
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#keys = options.keys;
    this.#directory = options.directory;
    this.#listenIp = options.listenIp;
    this.#cases = options.cases;
    this.#logger = options.logger.child({ component: 'recording' });
    this.#now = options.now ?? (() => new Date());
    mkdirSync(this.#directory, { recursive: true, mode: 0o700 });
    this.#ffmpeg = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
    if (!this.#ffmpeg) {
      this.#logger.error(
        'FFmpeg is not installed: sessions cannot be recorded (Debian package ffmpeg)',
      );
    }
  }

  readonly #ffmpeg: boolean;

  /** The recording in progress in a live session, as participants see it. */
  state(sessionId: string): RecordingState | null {
    return this.#active.get(sessionId)?.state() ?? null;
  }

  /** The directory holding a recording's files. */
  directoryOf(recordingId: string): string {
    return path.join(this.#directory, recordingId);
  }

  // ── live: start, consent, stop ────────────────────────────────────────────

  async start(session: LiveSession, by: Participant, client: ClientInfo): Promise<RecordingState> {
    if (!can(by.identity.role, 'recording.control')) {
      throw new ForbiddenError(`A ${by.identity.role} may not start a recording`);
    }
    if (this.#closing) throw new InvalidStateError('The service is shutting down');
    if (!this.#ffmpeg) {
      throw new MediaUnavailableError(
        '本服务器未安装 FFmpeg，无法录制 / Recording is unavailable: FFmpeg is not installed on the server',
      );
    }
    if (this.#active.has(session.sessionId)) {
      throw new InvalidStateError('This session is being recorded already');
    }
    const now = this.#now().toISOString();
    const recording: Recording = {
      id: randomUUID(),
      caseId: session.caseId,
      sessionId: session.sessionId,
      status: 'recording',
      startedAt: now,
      startedBy: by.id,
      stoppedAt: null,
      stopReason: null,
      privatePhases: [],
      compositeStatus: 'pending',
      compositeProgress: 0,
      composite: null,
      manifestSha256: null,
      manifestKid: null,
      completedAt: null,
    };
    const active = new ActiveRecording(recording, session, by.identity.displayName);
    this.#active.set(session.sessionId, active);
    try {
      mkdirSync(this.directoryOf(recording.id), { recursive: true, mode: 0o700 });
      await this.#repository.insert(recording);
      await this.#audit.append({
        caseId: session.caseId,
        actorId: by.id,
        actorRole: by.identity.role,
        action: 'recording.started',
        target: recording.id,
        payload: { sessionId: session.sessionId, startedAt: now },
      });
    } catch (error) {
      this.#active.delete(session.sessionId);
      throw error;
    }
    active.detach = session.addListener(this.#listenerFor(active));
    this.#startHeartbeat();
    this.#logger.info(
      { recordingId: recording.id, sessionId: session.sessionId },
      'recording started',
    );
    // Starting the recording is the mediator's own acknowledgement of it.
    await this.#consent(active, by, client);
    this.#broadcast(active);
    return active.state();
  }

  async acknowledge(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<RecordingState> {
    const active = this.#activeFor(session, recordingId);
    if (active.withdrawn.has(participant.id)) {
      throw new InvalidStateError(
        'Consent to this recording was withdrawn; it cannot be given again',
      );
    }
    await this.#consent(active, participant, client);
    this.#broadcast(active);
    return active.state();
  }

  async withdraw(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
  ): Promise<RecordingState> {
    const active = this.#activeFor(session, recordingId);
    if (!active.consented.has(participant.id) || active.withdrawn.has(participant.id)) {
      return active.state();
    }
    const at = this.#now().toISOString();
    await active.serial(async () => {
      active.withdrawn.add(participant.id);
      await this.#repository.withdraw(recordingId, participant.id, at);
      await this.#audit.append({
        caseId: session.caseId,
        actorId: participant.id,
        actorRole: participant.identity.role,
        action: 'recording.consent-withdrawn',
        target: recordingId,
        payload: { participantId: participant.id, withdrawnAt: at },
      });
      await this.#endTracks(
        active,
        (t) => t.record.participantId === participant.id,
        'consent-withdrawn',
      );
    });
    this.#logger.info({ recordingId, participantId: participant.id }, 'consent withdrawn');
    this.#broadcast(active);
    return active.state();
  }

  /**
   * The participant declined the notice: nothing of theirs is recorded, and
   * the refusal is kept in the case record (the mediator sees who declined).
   */
  async decline(
    session: LiveSession,
    participant: Participant,
    recordingId: string,
    client: ClientInfo,
  ): Promise<void> {
    const active = this.#activeFor(session, recordingId);
    if (active.consented.has(participant.id) && !active.withdrawn.has(participant.id)) {
      throw new InvalidStateError('Consent was given: withdraw it instead');
    }
    await this.#audit.append({
      caseId: session.caseId,
      actorId: participant.id,
      actorRole: participant.identity.role,
      action: 'recording.consent-declined',
      target: recordingId,
      payload: { participantId: participant.id, at: this.#now().toISOString(), ip: client.ip },
    });
    this.#logger.info({ recordingId, participantId: participant.id }, 'recording notice declined');
  }

  async stop(session: LiveSession, by: Participant): Promise<void> {
    if (!can(by.identity.role, 'recording.control')) {
      throw new ForbiddenError(`A ${by.identity.role} may not stop a recording`);
    }
    const active = this.#active.get(session.sessionId);
    if (!active) throw new InvalidStateError('This session is not being recorded');
    await this.#finish(active, 'stopped-by-mediator', {
      actorId: by.id,
      actorRole: by.identity.role,
    });
  }

  /** While anything records, notes every second that the server is alive (see recover()). */
  #startHeartbeat(): void {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      if (this.#active.size === 0) {
        clearInterval(this.#heartbeat);
        this.#heartbeat = undefined;
        return;
      }
      const at = this.#now().toISOString();
      for (const a of this.#active.values()) {
        void this.#repository.update(a.recording.id, { aliveAt: at }).catch(() => undefined);
      }
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  /**
   * A private phase (caucus) begins or ends. Unless the mediator records it,
   * the tracks of everyone stop for its duration (the recording shows only
   * that a private phase took place) and resume when it ends.
   */
  async setPrivatePhase(
    sessionId: string,
    phase: { participantIds: string[]; recorded: boolean } | null,
  ): Promise<void> {
    const active = this.#active.get(sessionId);
    if (!active) return;
    const now = this.#now().toISOString();
    await active.serial(async () => {
      const phases = [...active.recording.privatePhases];
      const open = phases.at(-1);
      if (open && open.to === null) phases[phases.length - 1] = { ...open, to: now };
      if (phase) phases.push({ from: now, to: null, ...phase });
      active.recording.privatePhases = phases;
      await this.#repository.update(active.recording.id, { privatePhases: phases });
      await this.#audit.append({
        caseId: active.recording.caseId,
        ...SYSTEM,
        action: phase ? 'recording.private-phase-started' : 'recording.private-phase-ended',
        target: active.recording.id,
        payload: phase ? { at: now, ...phase } : { at: now },
      });
      if (phase && !phase.recorded) {
        await this.#endTracks(active, () => true, 'private-phase');
      }
    });
    if (!phase || phase.recorded) this.#captureEligible(active);
  }

  #privateUnrecorded(active: ActiveRecording): boolean {
    const open = active.recording.privatePhases.at(-1);
    return open !== undefined && open.to === null && !open.recorded;
  }

  async #consent(
    active: ActiveRecording,
    participant: Participant,
    client: ClientInfo,
  ): Promise<void> {
    const consent: ConsentRecord = {
      recordingId: active.recording.id,
      participantId: participant.id,
      displayName: participant.identity.displayName,
      role: participant.identity.role,
      acknowledgedAt: this.#now().toISOString(),
      withdrawnAt: null,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    };
    await active.serial(async () => {
      const { record, created } = await this.#repository.acknowledge(consent);
      if (created) {
        await this.#audit.append({
          caseId: active.recording.caseId,
          actorId: participant.id,
          actorRole: participant.identity.role,
          action: 'recording.consent',
          target: active.recording.id,
          payload: { participantId: participant.id, acknowledgedAt: record.acknowledgedAt },
        });
      }
      // Only after the acknowledgement is stored may the tracks be captured.
      active.consented.add(participant.id);
    });
    this.#captureEligible(active, participant.id);
  }

  #activeFor(session: LiveSession, recordingId: string): ActiveRecording {
    const active = this.#active.get(session.sessionId);
    if (!active || active.recording.id !== recordingId) {
      throw new NotFoundError('Recording');
    }
    return active;
  }

  #broadcast(active: ActiveRecording): void {
    if (active.session.closed) return;
    active.session.notifyAll('recording:state', {
      recording: this.#active.get(active.session.sessionId) === active ? active.state() : null,
    });
  }

  #eligible(active: ActiveRecording, participantId: string): boolean {
    return (
      !active.stopping &&
      active.consented.has(participantId) &&
      !active.withdrawn.has(participantId) &&
      !this.#privateUnrecorded(active)
    );
  }

  /** Starts captures of every eligible producer not captured yet. */
  #captureEligible(active: ActiveRecording, onlyParticipant?: string): void {
    if (active.session.closed) return;
    for (const p of active.session.participants()) {
      if (onlyParticipant !== undefined && p.id !== onlyParticipant) continue;
      for (const producer of p.producers.values()) this.#startTrack(active, p, producer);
    }
  }

  #startTrack(active: ActiveRecording, participant: Participant, producer: SessionProducer): void {
    if (!this.#eligible(active, participant.id)) return;
    // A paused track (muted, camera off) sends nothing to capture: it starts when resumed.
    if (producer.paused) return;
    if (active.tracks.has(producer.id) || active.starting.has(producer.id)) return;
    active.starting.add(producer.id);
    // Captures start side by side (each waits for its FFmpeg to listen); stopping
    // waits for those in flight (see #settleStarts).
    const job = (async () => {
      if (!this.#eligible(active, participant.id) || producer.closed || participant.closed) return;
      // A port picked for FFmpeg can be taken by another transport before FFmpeg
      // binds it: try again with new ports.
      for (let attempt = 1; ; attempt++) {
        try {
          await this.#openTrack(active, participant, producer);
          return;
        } catch (error) {
          if (attempt >= CAPTURE_ATTEMPTS || producer.closed || participant.closed) throw error;
          this.#logger.warn(
            { err: error, producerId: producer.id, attempt },
            'capture did not start; retrying',
          );
          await new Promise((r) => setTimeout(r, CAPTURE_RESTART_MS));
        }
      }
    })()
      .catch((error: unknown) => {
        this.#logger.error(
          { err: error, recordingId: active.recording.id, producerId: producer.id },
          'cannot start capture',
        );
      })
      .finally(() => {
        active.starting.delete(producer.id);
        active.pending.delete(job);
      });
    active.pending.add(job);
  }

  /** Waits for captures being started, so a stop sees every one of them. */
  async #settleStarts(active: ActiveRecording): Promise<void> {
    while (active.pending.size > 0) await Promise.allSettled([...active.pending]);
  }

  /** Why a participant's capture must end now, if it must. */
  #reasonToEnd(active: ActiveRecording, participantId: string): TrackEndReason | undefined {
    if (active.stopping) return 'recording-stopped';
    if (active.withdrawn.has(participantId)) return 'consent-withdrawn';
    if (this.#privateUnrecorded(active)) return 'private-phase';
    return undefined;
  }

  async #openTrack(
    active: ActiveRecording,
    participant: Participant,
    producer: SessionProducer,
  ): Promise<void> {
    const receiver = { ip: this.#listenIp, ...(await freePortPair(this.#listenIp)) };
    const source = await active.session.tapProducer(producer.id, receiver);
    const codec = containerFor(primaryCodec(source));
    const id = randomUUID();
    const file = `${id}${codec.extension}`;
    const capture = await TrackCapture.start({
      file: path.join(this.directoryOf(active.recording.id), file),
      source,
      receiver,
      log: this.#logger,
    });
    const record: TrackRecord = {
      id,
      recordingId: active.recording.id,
      participantId: participant.id,
      displayName: participant.identity.displayName,
      role: participant.identity.role,
      source: producer.appData.source,
      kind: producer.kind,
      codec: codec.mimeType,
      file,
      pid: capture.pid ?? null,
      startedAt: capture.startedAt.toISOString(),
      endedAt: null,
      endReason: null,
      endDetail: null,
      durationMs: null,
      size: null,
      sha256: null,
      pauses: producer.paused ? [{ from: capture.startedAt.toISOString(), to: null }] : [],
    };
    await this.#repository.insertTrack(record);
    const live: LiveTrack = { record, capture, producerId: producer.id };
    active.tracks.set(producer.id, live);
    // Things may have changed while FFmpeg started (consent withdrawn, a caucus, a stop).
    const reason = this.#reasonToEnd(active, participant.id);
    if (reason) {
      active.tracks.delete(producer.id);
      const end = await capture.stop();
      await this.#closeTrack(record, end.endedAt, reason, null);
      return;
    }
    capture.onEnded((end) => {
      const job = active
        .serial(() => this.#trackEnded(active, live, end))
        .catch((error: unknown) =>
          this.#logger.error({ err: error, trackId: id }, 'cannot close track record'),
        )
        .finally(() => active.finishing.delete(job));
      active.finishing.add(job);
    });
    this.#logger.info(
      {
        recordingId: active.recording.id,
        trackId: id,
        participantId: participant.id,
        source: record.source,
      },
      'capture started',
    );
  }

  /** A capture ended by itself: the producer closed, the worker died, FFmpeg failed. */
  async #trackEnded(active: ActiveRecording, live: LiveTrack, end: CaptureEnd): Promise<void> {
    active.gone.delete(live);
    if (live.closed) return;
    live.closed = true;
    if (active.tracks.get(live.producerId) === live) active.tracks.delete(live.producerId);
    const reason: TrackEndReason =
      end.reason === 'capture-failed'
        ? 'capture-failed'
        : (live.ending?.reason ??
          (end.reason === 'router-closed' ? 'worker-died' : 'producer-closed'));
    const endedAt =
      end.reason === 'capture-failed' ? end.endedAt : (live.ending?.at ?? end.endedAt);
    await this.#closeTrack(live.record, endedAt, reason, end.detail ?? null);
    if (reason === 'capture-failed') {
      // Capture again after a moment, if the producer is still there: the gap is marked.
      setTimeout(() => {
        const participant = active.session.closed
          ? undefined
          : active.session.participants().find((p) => p.id === live.record.participantId);
        const producer = participant?.producers.get(live.producerId);
        if (participant && producer && !active.stopping)
          this.#startTrack(active, participant, producer);
      }, CAPTURE_RESTART_MS);
    }
  }

  /** Ends the chosen running captures on purpose. */
  async #endTracks(
    active: ActiveRecording,
    which: (t: LiveTrack) => boolean,
    reason: TrackEndReason,
  ): Promise<void> {
    await this.#settleStarts(active);
    const chosen = [...active.tracks.values()].filter(which);
    for (const t of chosen) {
      active.tracks.delete(t.producerId);
      t.closed = true;
    }
    await Promise.all(
      chosen.map(async (t) => {
        const end = await t.capture.stop();
        await this.#closeTrack(t.record, end.endedAt, reason, null);
      }),
    );
  }

  async #closeTrack(
    record: TrackRecord,
    endedAt: Date,
    reason: TrackEndReason,
    detail: string | null,
  ): Promise<void> {
    const file = path.join(this.directoryOf(record.recordingId), record.file);
    const facts = await fileFacts(file).catch(() => ({ size: 0, sha256: emptySha256() }));
    const media = facts.size > 0 ? await mediaFacts(file) : { durationMs: 0, codecs: [] };
    const pauses = record.pauses.map((p) =>
      p.to === null ? { ...p, to: endedAt.toISOString() } : p,
    );
    // Media begins at the first key frame, which can come a moment after the
    // capture opened. Stopped on purpose, a file ends at `endedAt` exactly, so
    // its start is `endedAt` minus its length: the manifest then gives the
    // wall-clock span of what the file holds.
    let startedAt = record.startedAt;
    if (ENDS_ON_TIME.has(reason) && media.durationMs > 0) {
      const mediaStart = endedAt.getTime() - media.durationMs;
      if (mediaStart > Date.parse(startedAt)) startedAt = new Date(mediaStart).toISOString();
    }
    const changes = {
      startedAt,
      endedAt: endedAt.toISOString(),
      endReason: reason,
      endDetail: detail,
      durationMs: media.durationMs,
      size: facts.size,
      sha256: facts.sha256,
      pauses,
    };
    Object.assign(record, changes);
    await this.#repository.updateTrack(record.id, changes);
    this.#logger.info(
      { trackId: record.id, reason, durationMs: media.durationMs, size: facts.size },
      'capture ended',
    );
  }

  /**
   * A track's source went (its producer closed, the worker died): noted now,
   * with the reason known now (who left and how), though FFmpeg finishes the
   * file a little later. The track is no longer running from this moment.
   */
  #sourceGone(active: ActiveRecording, live: LiveTrack, reason: TrackEndReason): void {
    if (live.ending || live.closed) return;
    live.ending = { reason, at: this.#now() };
    active.gone.add(live);
    if (active.tracks.get(live.producerId) === live) active.tracks.delete(live.producerId);
    void this.#repository
      .updateTrack(live.record.id, { endedAt: live.ending.at.toISOString(), endReason: reason })
      .catch(() => undefined);
  }

  #listenerFor(active: ActiveRecording): LiveSessionListener {
    return {
      producerClosed: (participant, producer) => {
        const live = active.tracks.get(producer.id);
        if (live) {
          const reason = active.session.mediaLost
            ? 'worker-died'
            : (active.endingFor.get(participant.id) ?? 'producer-closed');
          this.#sourceGone(active, live, reason);
        }
      },
      mediaReset: () => {
        for (const live of [...active.tracks.values()])
          this.#sourceGone(active, live, 'worker-died');
      },
      producerAdded: (participant, producer) => {
        active.endingFor.delete(participant.id);
        this.#startTrack(active, participant, producer);
      },
      producerPaused: (participant, producer, paused) => {
        const live = active.tracks.get(producer.id);
        if (!live) {
          if (!paused) this.#startTrack(active, participant, producer);
          return;
        }
        const at = this.#now().toISOString();
        const pauses = [...live.record.pauses];
        const last = pauses.at(-1);
        if (paused && (!last || last.to !== null)) pauses.push({ from: at, to: null });
        if (!paused && last && last.to === null) pauses[pauses.length - 1] = { ...last, to: at };
        live.record.pauses = pauses;
        void this.#repository.updateTrack(live.record.id, { pauses }).catch(() => undefined);
      },
      participantLeft: (participant, reason: LeaveReason) => {
        active.endingFor.set(
          participant.id,
          reason === 'disconnected'
            ? 'participant-disconnected'
            : reason === 'session-closed'
              ? 'session-ended'
              : 'participant-left',
        );
      },
      participantJoined: (participant) => {
        active.endingFor.delete(participant.id);
      },
      privatePhase: (phase) => {
        void this.setPrivatePhase(active.session.sessionId, phase).catch((error: unknown) =>
          this.#logger.error({ err: error }, 'cannot record the private phase'),
        );
      },
      closed: () => {
        void this.#finish(active, 'session-ended', SYSTEM).catch((error: unknown) =>
          this.#logger.error({ err: error }, 'cannot finish recording at session end'),
        );
      },
    };
  }

  /** Stops every capture, closes the recording and queues its post-processing. */
  async #finish(
    active: ActiveRecording,
    reason: string,
    actor: { actorId: string; actorRole: string },
  ): Promise<void> {
    if (active.stopping) return;
    active.stopping = true;
    // The recording ends now, when it was asked to (or its session ended), not
    // when FFmpeg has finished the files.
    const at = this.#now().toISOString();
    active.detach();
    if (this.#active.get(active.session.sessionId) === active) {
      this.#active.delete(active.session.sessionId);
    }
    this.#broadcast(active);
    const stoppedAt = await active.serial(async () => {
      await this.#endTracks(active, () => true, 'recording-stopped');
      const phases = active.recording.privatePhases.map((p) =>
        p.to === null ? { ...p, to: at } : p,
      );
      await this.#repository.update(active.recording.id, {
        status: 'processing',
        stoppedAt: at,
        stopReason: reason,
        privatePhases: phases,
      });
      await this.#audit.append({
        caseId: active.recording.caseId,
        ...actor,
        action: 'recording.stopped',
        target: active.recording.id,
        payload: { stoppedAt: at, reason },
      });
      return at;
    });
    // Files whose source had already gone are finished before post-processing
    // (FFmpeg ends them within ~10 s of their last packet): the manifest needs
    // every file's hash.
    const deadline = Date.now() + 30_000;
    while ((active.gone.size > 0 || active.finishing.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#logger.info({ recordingId: active.recording.id, reason, stoppedAt }, 'recording stopped');
    this.#enqueue(active.recording.id);
  }

  // ── after the session: recovery, composite, manifest ─────────────────────

  /**
   * After a start: recordings cut off by a crash are closed (each unfinished
   * track ends at its file's last packet, the gap until now is marked) and
   * every recording awaiting its composite is queued again.
   */
  async recover(): Promise<void> {
    const now = this.#now();
    for (const recording of await this.#repository.listByStatus('recording')) {
      if ([...this.#active.values()].some((a) => a.recording.id === recording.id)) continue;
      for (const track of await this.#repository.tracks(recording.id)) {
        if (track.endedAt !== null) continue;
        if (track.pid !== null)
          await stopOrphan(track.pid, path.join(this.directoryOf(recording.id), track.file));
        const file = path.join(this.directoryOf(recording.id), track.file);
        const media = await mediaFacts(file).catch(() => ({ durationMs: 0, codecs: [] }));
        // Media stopped when the server died: less than a second after the last
        // heartbeat. Without one, the file's start plus its length.
        const alive = recording.aliveAt ? Date.parse(recording.aliveAt) : NaN;
        // (The file can hold a little more than that: then its own end counts.)
        const fromFile = Date.parse(track.startedAt) + media.durationMs;
        const endedAt = new Date(
          Math.min(now.getTime(), Number.isFinite(alive) ? Math.max(alive, fromFile) : fromFile),
        );
        await this.#closeTrack(
          track,
          endedAt,
          'server-stopped',
          'the server stopped during the recording',
        );
      }
      const at = now.toISOString();
      await this.#repository.update(recording.id, {
        status: 'processing',
        stoppedAt: at,
        stopReason: 'server-restart',
        privatePhases: recording.privatePhases.map((p) => (p.to === null ? { ...p, to: at } : p)),
      });
      await this.#audit.append({
        caseId: recording.caseId,
        ...SYSTEM,
        action: 'recording.recovered',
        target: recording.id,
        payload: { stoppedAt: at, reason: 'server-restart' },
      });
      this.#logger.warn({ recordingId: recording.id }, 'recording cut off by a restart closed');
    }
    for (const recording of await this.#repository.listByStatus('processing')) {
      this.#enqueue(recording.id);
    }
  }

  #enqueue(recordingId: string): void {
    if (this.#pendingJobs.has(recordingId)) return;
    this.#pendingJobs.add(recordingId);
    this.#progress.set(recordingId, 0);
    this.#jobs = this.#jobs.then(async () => {
      try {
        if (!this.#closing) await this.#process(recordingId);
      } catch (error) {
        this.#logger.error({ err: error, recordingId }, 'recording post-processing failed');
      } finally {
        this.#pendingJobs.delete(recordingId);
        this.#progress.delete(recordingId);
      }
    });
  }

  /** Resolves when every queued post-processing job has run (tests, shutdown). */
  async idle(): Promise<void> {
    let seen: Promise<void> | undefined;
    while (seen !== this.#jobs) {
      seen = this.#jobs;
      await seen;
    }
  }

  async #process(recordingId: string): Promise<void> {
    const recording = await this.#repository.get(recordingId);
    if (!recording || recording.status !== 'processing') return;
    const tracks = (await this.#repository.tracks(recordingId)).filter((t) => t.endedAt !== null);
    const stoppedAt = recording.stoppedAt ?? this.#now().toISOString();
    const start = Date.parse(recording.startedAt);
    const dir = this.directoryOf(recordingId);
    let composite: ManifestComposite;
    await this.#repository.update(recordingId, {
      compositeStatus: 'rendering',
      compositeProgress: 0,
    });
    try {
      const segments: CompositeSegment[] = tracks
        .filter((t) => (t.size ?? 0) > 0 && (t.durationMs ?? 0) > 0)
        .map((t) => ({
          file: path.join(dir, t.file),
          participantId: t.participantId,
          displayName: t.displayName,
          kind: t.kind,
          source: t.source,
          startMs: Math.max(0, Date.parse(t.startedAt) - start),
          endMs: Math.max(0, Date.parse(t.endedAt ?? stoppedAt) - start),
        }));
      const output = path.join(dir, 'composite.mp4');
      let reported = 0;
      const result = await renderComposite({
        segments,
        durationMs: Math.max(1000, Date.parse(stoppedAt) - start),
        output,
        signal: this.#abort.signal,
        onProgress: (fraction) => {
          this.#progress.set(recordingId, fraction);
          if (fraction - reported >= PROGRESS_STEP) {
            reported = fraction;
            void this.#repository
              .update(recordingId, { compositeProgress: fraction })
              .catch(() => undefined);
          }
        },
      });
      const facts = await fileFacts(output);
      composite = {
        status: 'complete',
        file: 'composite.mp4',
        sha256: facts.sha256,
        size: facts.size,
        durationMs: result.durationMs,
        width: result.width,
        height: result.height,
      };
    } catch (error) {
      if (this.#closing) {
        // Shutting down: the job runs again at the next start.
        await this.#repository.update(recordingId, {
          compositeStatus: 'pending',
          compositeProgress: 0,
        });
        return;
      }
      composite = {
        status: 'failed',
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
      };
      this.#logger.error({ err: error, recordingId }, 'composite render failed');
    }
    await this.#seal({ ...recording, stoppedAt }, tracks, composite);
  }

  /** Writes and signs the manifest, appends its hash to the audit chain, completes the recording. */
  async #seal(
    recording: Recording,
    tracks: TrackRecord[],
    composite: ManifestComposite,
  ): Promise<void> {
    const consents = await this.#repository.consents(recording.id);
    const stoppedAt = recording.stoppedAt ?? this.#now().toISOString();
    // A capture that ended before its first packet holds nothing: not a track of the recording.
    const withMedia = tracks.filter((t) => (t.size ?? 0) > 0);
    const manifestTracks: ManifestTrack[] = withMedia.map((t) => ({
      id: t.id,
      participantId: t.participantId,
      source: t.source,
      kind: t.kind,
      codec: t.codec,
      file: t.file,
      startedAt: t.startedAt,
      endedAt: t.endedAt ?? stoppedAt,
      durationMs: t.durationMs ?? 0,
      size: t.size ?? 0,
      sha256: t.sha256 ?? emptySha256(),
      endReason: t.endReason ?? 'recording-stopped',
      pauses: t.pauses,
    }));
    const people = new Map<string, { participantId: string; displayName: string; role: string }>();
    for (const c of consents) people.set(c.participantId, pick(c));
    for (const t of tracks) people.set(t.participantId, pick(t));
    const starter = people.get(recording.startedBy) ?? {
      participantId: recording.startedBy,
      displayName: recording.startedBy,
      role: 'mediator',
    };
    const gaps = deriveGaps(manifestTracks, stoppedAt);
    const phases: PrivatePhase[] = recording.privatePhases;
    const manifest: RecordingManifest = {
      type: MANIFEST_TYPE,
      version: 1,
      recordingId: recording.id,
      caseId: recording.caseId,
      caseNumber: (await this.#cases.getCase(recording.caseId))?.caseNumber ?? null,
      sessionId: recording.sessionId,
      startedAt: recording.startedAt,
      startedBy: starter,
      stoppedAt,
      stopReason: recording.stopReason ?? 'unknown',
      participants: [...people.values()],
      consents: consents.map((c) => ({
        participantId: c.participantId,
        displayName: c.displayName,
        role: c.role,
        acknowledgedAt: c.acknowledgedAt,
        withdrawnAt: c.withdrawnAt,
        ip: c.ip,
        userAgent: c.userAgent,
      })),
      tracks: manifestTracks,
      gaps,
      privatePhases: phases,
      notes: manifestNotes(phases, gaps),
      composite,
      issuedAt: this.#now().toISOString(),
    };
    const jws = await this.#keys.sign(manifest, MANIFEST_TYPE);
    const manifestSha256 = createHash('sha256').update(jws).digest('hex');
    const dir = this.directoryOf(recording.id);
    await writeFileDurably(dir, 'manifest.jws', jws);
    const completedAt = this.#now().toISOString();
    await this.#repository.update(recording.id, {
      status: 'complete',
      compositeStatus: composite.status === 'complete' ? 'complete' : 'failed',
      compositeProgress: composite.status === 'complete' ? 1 : 0,
      composite,
      manifestSha256,
      manifestKid: this.#keys.activeKid,
      completedAt,
    });
    await this.#audit.append({
      caseId: recording.caseId,
      ...SYSTEM,
      action: 'recording.manifest-signed',
      target: recording.id,
      payload: {
        manifestSha256,
        kid: this.#keys.activeKid,
        tracks: manifestTracks.map((t) => ({ id: t.id, sha256: t.sha256 })),
        composite: composite.status === 'complete' ? composite.sha256 : null,
        gaps: gaps.length,
      },
    });
    this.#logger.info(
      { recordingId: recording.id, manifestSha256, gaps: gaps.length },
      'recording sealed',
    );
  }

  // ── the case file: listing, detail, files ─────────────────────────────────

  async #authorized(actor: Actor, caseId: string): Promise<void> {
    const c = await this.#cases.getCase(caseId);
    if (!c) throw new NotFoundError('Case');
    authorize(actor, 'case.recordings', c);
  }

  async #recordingOf(actor: Actor, caseId: string, recordingId: string): Promise<Recording> {
    await this.#authorized(actor, caseId);
    const recording = await this.#repository.get(recordingId);
    if (!recording || recording.caseId !== caseId) throw new NotFoundError('Recording');
    return recording;
  }

  async list(actor: Actor, caseId: string): Promise<RecordingSummary[]> {
    await this.#authorized(actor, caseId);
    const recordings = await this.#repository.listByCase(caseId);
    return Promise.all(recordings.map(async (r) => this.#summary(r)));
  }

  async #summary(r: Recording): Promise<RecordingSummary> {
    const tracks = await this.#repository.tracks(r.id);
    return {
      ...r,
      compositeProgress: this.#progress.get(r.id) ?? r.compositeProgress,
      durationMs: r.stoppedAt !== null ? Date.parse(r.stoppedAt) - Date.parse(r.startedAt) : null,
      tracks: tracks.length,
    };
  }

  async detail(actor: Actor, caseId: string, recordingId: string): Promise<RecordingDetail> {
    const recording = await this.#recordingOf(actor, caseId, recordingId);
    const manifest =
      recording.status === 'complete'
        ? await readFile(path.join(this.directoryOf(recordingId), 'manifest.jws'), 'utf8')
        : null;
    return {
      recording: await this.#summary(recording),
      tracks: await this.#repository.tracks(recordingId),
      consents: await this.#repository.consents(recordingId),
      manifest: manifest
        ? {
            jws: manifest,
            payload: (await this.#keys.verify<RecordingManifest>(manifest, { typ: MANIFEST_TYPE }))
              .payload,
          }
        : null,
    };
  }

  /**
   * Opens a file of a recording (a track, the composite, the signed
   * manifest) for reading; the first read of a file by someone is written to
   * the audit chain as custody.
   */
  async openFile(
    actor: Actor,
    caseId: string,
    recordingId: string,
    fileId: string,
    options: { custody: boolean; client: ClientInfo },
  ): Promise<{
    path: string;
    size: number;
    mediaType: string;
    filename: string;
    sha256: string | null;
  }> {
    const recording = await this.#recordingOf(actor, caseId, recordingId);
    const dir = this.directoryOf(recordingId);
    let file: { name: string; mediaType: string; sha256: string | null };
    if (fileId === 'composite') {
      if (recording.composite?.status !== 'complete') throw new NotFoundError('Composite');
      file = {
        name: recording.composite.file,
        mediaType: 'video/mp4',
        sha256: recording.composite.sha256,
      };
    } else if (fileId === 'manifest') {
      if (recording.status !== 'complete') throw new NotFoundError('Manifest');
      file = {
        name: 'manifest.jws',
        mediaType: 'application/jose',
        sha256: recording.manifestSha256,
      };
    } else {
      const track = (await this.#repository.tracks(recordingId)).find((t) => t.id === fileId);
      if (!track || track.endedAt === null) throw new NotFoundError('Recording file');
      const webm = track.file.endsWith('.webm');
      file = {
        name: track.file,
        mediaType: `${track.kind}/${webm ? 'webm' : 'x-matroska'}`,
        sha256: track.sha256,
      };
    }
    const full = path.join(dir, file.name);
    const { size } = await stat(full).catch(() => {
      throw new NotFoundError('Recording file');
    });
    if (options.custody && actor.kind !== 'system') {
      await this.#audit.append({
        caseId,
        actorId: actor.id,
        actorRole: actor.role,
        action: 'recording.viewed',
        target: `${recordingId}/${fileId}`,
        payload: { file: file.name, sha256: file.sha256, ip: options.client.ip },
      });
    }
    return {
      path: full,
      size,
      mediaType: file.mediaType,
      filename: file.name,
      sha256: file.sha256,
    };
  }

  /** Ends live recordings (their files are finished) and stops post-processing. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#heartbeat);
    await Promise.all(
      [...this.#active.values()].map((a) =>
        this.#finish(a, 'server-shutdown', SYSTEM).catch(() => undefined),
      ),
    );
    this.#abort.abort();
    await this.#jobs.catch(() => undefined);
  }
}

function pick(p: { participantId: string; displayName: string; role: string }) {
  return { participantId: p.participantId, displayName: p.displayName, role: p.role };
}

function emptySha256(): string {
  return createHash('sha256').digest('hex');
}

/**
 * A capture FFmpeg of a previous server process may still be running (it
 * was told to finish when the server died, but may be waiting for a packet):
 * interrupt it if it is ours, so its file is complete before it is hashed.
 */
async function stopOrphan(pid: number, file: string): Promise<void> {
  const alive = async () => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')) !== '';
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes(file)) return;
  // One SIGINT: FFmpeg finishes its file once its read gives up (10 s without
  // packets); a second would make it quit without its trailer.
  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    for (let i = 0; i < 120; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (!(await alive())) return;
    }
  }
}
