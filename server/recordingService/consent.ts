/**
 * The consent protocol of a live recording. The mediator starts and stops
 * it (starting is their own acknowledgement of the notice); a participant's
 * tracks are captured only after their acknowledgement is stored, a
 * withdrawal stops them for good, a refusal is kept in the case record; an
 * unrecorded private phase (caucus) stops everyone's tracks while it lasts.
 * Every change is written to the audit chain and sent to the session as
 * `recording:state`. Stopping closes the recording and hands it to
 * finishing.ts; capturing itself is tracks.ts.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { can, type RecordingState } from '../../signaling/index.js';
import { NotFoundError, fail } from '../errors.js';
import type { LiveSession } from '../media/LiveSession.js';
import type { Participant } from '../media/Participant.js';
import {
  ActiveRecording,
  LIVE_LEASE_MS,
  SYSTEM,
  liveJob,
  type ClientInfo,
  type RecordingContext,
} from './context.js';
import type { ConsentRecord, Recording } from './model.js';
import { claimJob } from '../jobs/JobLeases.js';
import { Heartbeat, closeDeadTrack } from './recovery.js';
import type { RecordingTracks } from './tracks.js';

/** How often a node taking a session over tries for the recording's lease. */
const ADOPT_RETRY_MS = 500;
/** How long a stop waits for the files of captures whose source went (FFmpeg finishing them). */
const FILES_FINISHED_MS = 30_000;

export class ConsentProtocol {
  readonly #ctx: RecordingContext;
  readonly #tracks: RecordingTracks;
  /** Queues a stopped recording's post-processing (finishing.ts). */
  readonly #enqueue: (recordingId: string) => void;
  /** FFmpeg was found at start: without it nothing can be recorded. */
  readonly #ffmpeg: boolean;
  /** Recordings in progress, by session id. */
  readonly #active = new Map<string, ActiveRecording>();
  /** Recordings this process holds the live lease of (in progress or being stopped). */
  readonly #leased = new Set<string>();
  /** Recordings this process is taking over (adopt): its recovery sweeps leave them alone. */
  readonly #adopting = new Set<string>();
  readonly #heartbeat: Heartbeat;
  #closing = false;

  constructor(
    ctx: RecordingContext,
    parts: { tracks: RecordingTracks; enqueue: (recordingId: string) => void; ffmpeg: boolean },
  ) {
    this.#ctx = ctx;
    this.#tracks = parts.tracks;
    this.#enqueue = parts.enqueue;
    this.#ffmpeg = parts.ffmpeg;
    this.#heartbeat = new Heartbeat(ctx, this.#active, this.#leased);
  }

  /** The recording in progress in a live session, as participants see it. */
  state(sessionId: string): RecordingState | null {
    return this.#active.get(sessionId)?.state() ?? null;
  }

  /** Ids of the recordings in progress in this process (or being taken over by it). */
  liveIds(): string[] {
    return [...this.#active.values()]
      .map((a) => a.recording.id)
      .concat([...this.#leased], [...this.#adopting]);
  }

  async start(session: LiveSession, by: Participant, client: ClientInfo): Promise<RecordingState> {
    if (!can(by.identity.role, 'recording.control')) {
      throw fail('ROLE_MAY_NOT_START_RECORDING', { role: by.identity.role });
    }
    if (this.#closing) throw fail('SERVICE_SHUTTING_DOWN');
    if (!this.#ffmpeg) throw fail('RECORDING_UNAVAILABLE');
    if (this.#active.has(session.sessionId)) throw fail('ALREADY_RECORDING');
    const now = this.#ctx.now().toISOString();
    // Started during a caucus: the private phase is open from the first moment.
    const caucus = session.caucus;
    const recording: Recording = {
      id: randomUUID(),
      caseId: session.caseId,
      sessionId: session.sessionId,
      status: 'recording',
      startedAt: now,
      startedBy: by.id,
      stoppedAt: null,
      stopReason: null,
      privatePhases: caucus
        ? [
            {
              from: now,
              to: null,
              participantIds: caucus.participantIds,
              recorded: caucus.recorded,
            },
          ]
        : [],
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
      // Live in this process before it exists for the others (their recovery sweeps).
      await this.#ctx.liveClaims.leases.claim(
        liveJob(recording.id),
        this.#ctx.jobs.owner,
        LIVE_LEASE_MS,
      );
      this.#leased.add(recording.id);
      await mkdir(this.#ctx.directoryOf(recording.id), { recursive: true, mode: 0o700 });
      await this.#ctx.repository.insert(recording);
      await this.#ctx.audit.append({
        caseId: session.caseId,
        actorId: by.id,
        actorRole: by.identity.role,
        action: 'recording.started',
        target: recording.id,
        payload: { sessionId: session.sessionId, startedAt: now },
      });
      if (caucus) {
        await this.#ctx.audit.append({
          caseId: session.caseId,
          ...SYSTEM,
          action: 'recording.private-phase-started',
          target: recording.id,
          payload: { at: now, participantIds: caucus.participantIds, recorded: caucus.recorded },
        });
      }
    } catch (error) {
      this.#active.delete(session.sessionId);
      this.#releaseLive(recording.id);
      throw error;
    }
    this.#attach(active);
    this.#heartbeat.start();
    this.#ctx.logger.info(
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
      throw fail('CONSENT_WITHDRAWN_FOR_GOOD');
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
    const at = this.#ctx.now().toISOString();
    await active.serial(async () => {
      active.withdrawn.add(participant.id);
      await this.#ctx.repository.withdraw(recordingId, participant.id, at);
      await this.#ctx.audit.append({
        caseId: session.caseId,
        actorId: participant.id,
        actorRole: participant.identity.role,
        action: 'recording.consent-withdrawn',
        target: recordingId,
        payload: { participantId: participant.id, withdrawnAt: at },
      });
      await this.#tracks.endTracks(
        active,
        (t) => t.record.participantId === participant.id,
        'consent-withdrawn',
      );
    });
    this.#ctx.logger.info({ recordingId, participantId: participant.id }, 'consent withdrawn');
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
      throw fail('CONSENT_GIVEN_WITHDRAW_INSTEAD');
    }
    await this.#ctx.audit.append({
      caseId: session.caseId,
      actorId: participant.id,
      actorRole: participant.identity.role,
      action: 'recording.consent-declined',
      target: recordingId,
      payload: { participantId: participant.id, at: this.#ctx.now().toISOString(), ip: client.ip },
    });
    this.#ctx.logger.info(
      { recordingId, participantId: participant.id },
      'recording notice declined',
    );
  }

  async stop(session: LiveSession, by: Participant): Promise<void> {
    if (!can(by.identity.role, 'recording.control')) {
      throw fail('ROLE_MAY_NOT_STOP_RECORDING', { role: by.identity.role });
    }
    const active = this.#active.get(session.sessionId);
    if (!active) throw fail('NOT_RECORDING');
    await this.#finish(active, 'stopped-by-mediator', {
      actorId: by.id,
      actorRole: by.identity.role,
    });
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
    const now = this.#ctx.now().toISOString();
    await active.serial(async () => {
      const phases = [...active.recording.privatePhases];
      const open = phases.at(-1);
      if (open && open.to === null) phases[phases.length - 1] = { ...open, to: now };
      if (phase) phases.push({ from: now, to: null, ...phase });
      active.recording.privatePhases = phases;
      await this.#ctx.repository.update(active.recording.id, { privatePhases: phases });
      await this.#ctx.audit.append({
        caseId: active.recording.caseId,
        ...SYSTEM,
        action: phase ? 'recording.private-phase-started' : 'recording.private-phase-ended',
        target: active.recording.id,
        payload: phase ? { at: now, ...phase } : { at: now },
      });
      if (phase && !phase.recorded) {
        await this.#tracks.endTracks(active, () => true, 'private-phase');
      }
    });
    if (!phase || phase.recorded) this.#tracks.captureEligible(active);
  }

  /** Hears the session's events for the recording (tracks.ts), its caucus and its end. */
  #attach(active: ActiveRecording): void {
    active.detach = active.session.addListener(
      this.#tracks.listenerFor(active, {
        privatePhase: (phase) => {
          void this.setPrivatePhase(active.session.sessionId, phase).catch((error: unknown) =>
            this.#ctx.logger.error({ err: error }, 'cannot record the private phase'),
          );
        },
        closed: () => {
          const end = active.handingOver
            ? this.#leave(active)
            : this.#finish(active, 'session-ended', SYSTEM);
          void end.catch((error: unknown) =>
            this.#ctx.logger.error({ err: error }, 'cannot end recording at session end'),
          );
        },
      }),
    );
  }

  /**
   * A live session opened on this node (it took the session over from a node
   * that died): a recording of it still in progress continues here, once the
   * dead node's live lease on it has run out. The dead node's tracks are
   * closed from their stored segments (`node-failed`: the manifest shows the
   * gap until each is captured here again), the consents stored so far stand,
   * and everyone's state is sent again.
   */
  adopt(session: LiveSession): void {
    if (this.#closing || !this.#ffmpeg) return;
    void this.#adopt(session).catch((error: unknown) =>
      this.#ctx.logger.error(
        { err: error, sessionId: session.sessionId },
        'cannot continue the recording',
      ),
    );
  }

  async #adopt(session: LiveSession): Promise<void> {
    const found = (await this.#ctx.repository.listByStatus('recording')).find(
      (r) => r.sessionId === session.sessionId,
    );
    if (!found || this.#adopting.has(found.id)) return;
    this.#adopting.add(found.id);
    try {
      await this.#takeOver(session, found.id);
    } finally {
      this.#adopting.delete(found.id);
    }
  }

  async #takeOver(session: LiveSession, recordingId: string): Promise<void> {
    const { repository } = this.#ctx;
    const found = { id: recordingId };
    // The dead node's lease runs out within LIVE_LEASE_MS of its last heartbeat; this
    // node's own (it lost the session a moment ago) once its files are finished.
    const deadline = Date.now() + 2 * LIVE_LEASE_MS + FILES_FINISHED_MS;
    for (;;) {
      if (session.closed || this.#closing || this.#active.has(session.sessionId)) return;
      const free = !this.#leased.has(found.id);
      if (free && (await claimJob(this.#ctx.liveClaims, liveJob(found.id)))) break;
      // Still renewed: the recording is live in a process that is not dead (and will end it).
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, ADOPT_RETRY_MS));
    }
    this.#leased.add(found.id);
    this.#heartbeat.start();
    const recording = await repository.get(found.id);
    if (
      !recording ||
      recording.status !== 'recording' ||
      session.closed ||
      this.#active.has(session.sessionId)
    ) {
      this.#releaseLive(found.id);
      return;
    }
    let closed = 0;
    for (const track of await repository.tracks(recording.id)) {
      if (track.endedAt !== null) continue;
      await closeDeadTrack(this.#ctx, this.#tracks, recording, track);
      closed += 1;
    }
    const consents = await repository.consents(recording.id);
    const starter = consents.find((c) => c.participantId === recording.startedBy);
    const active = new ActiveRecording(
      recording,
      session,
      starter?.displayName ?? recording.startedBy,
    );
    for (const c of consents) {
      active.consented.add(c.participantId);
      if (c.withdrawnAt !== null) active.withdrawn.add(c.participantId);
    }
    if (session.closed || this.#active.has(session.sessionId)) {
      this.#releaseLive(recording.id);
      return;
    }
    this.#active.set(session.sessionId, active);
    this.#attach(active);
    const at = this.#ctx.now().toISOString();
    await this.#ctx.audit.append({
      caseId: recording.caseId,
      ...SYSTEM,
      action: 'recording.continued',
      target: recording.id,
      payload: {
        at,
        reason: 'node-failed',
        lastAliveAt: recording.aliveAt ?? null,
        tracksClosed: closed,
      },
    });
    this.#ctx.logger.warn(
      { recordingId: recording.id, sessionId: session.sessionId, tracksClosed: closed },
      'recording continued after its node failed',
    );
    this.#tracks.captureEligible(active);
    this.#broadcast(active);
  }

  /** This node lost the session (see RecordingService.handOver). */
  handOver(sessionId: string): void {
    const active = this.#active.get(sessionId);
    if (active) active.handingOver = true;
  }

  /**
   * The session closed here because this node lost it: every capture ends
   * (`node-failed`), its files are finished and kept, and the live lease is
   * released while the recording stays in progress, so the session's next
   * node continues it at once (adopt).
   */
  async #leave(active: ActiveRecording): Promise<void> {
    if (active.stopping) return;
    active.stopping = true;
    active.detach();
    if (this.#active.get(active.session.sessionId) === active) {
      this.#active.delete(active.session.sessionId);
    }
    await active.serial(() => this.#tracks.endTracks(active, () => true, 'node-failed'));
    const deadline = Date.now() + FILES_FINISHED_MS;
    while ((active.gone.size > 0 || active.finishing.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#releaseLive(active.recording.id);
    this.#ctx.logger.warn(
      { recordingId: active.recording.id, sessionId: active.session.sessionId },
      "session lost here: its recording is left for the session's next node",
    );
  }

  /** Ends every live recording (their files are finished); no new one starts. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#heartbeat.stop();
    await Promise.all(
      [...this.#active.values()].map((a) =>
        this.#finish(a, 'server-shutdown', SYSTEM).catch(() => undefined),
      ),
    );
  }

  #releaseLive(recordingId: string): void {
    this.#leased.delete(recordingId);
    void this.#ctx.jobs.leases
      .release(liveJob(recordingId), this.#ctx.jobs.owner)
      .catch(() => undefined);
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
      acknowledgedAt: this.#ctx.now().toISOString(),
      withdrawnAt: null,
      ip: client.ip,
      userAgent: client.userAgent?.slice(0, 300) ?? null,
    };
    await active.serial(async () => {
      const { record, created } = await this.#ctx.repository.acknowledge(consent);
      if (created) {
        await this.#ctx.audit.append({
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
    this.#tracks.captureEligible(active, participant.id);
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
    const at = this.#ctx.now().toISOString();
    active.detach();
    if (this.#active.get(active.session.sessionId) === active) {
      this.#active.delete(active.session.sessionId);
    }
    this.#broadcast(active);
    const stoppedAt = await active.serial(async () => {
      await this.#tracks.endTracks(active, () => true, 'recording-stopped');
      const phases = active.recording.privatePhases.map((p) =>
        p.to === null ? { ...p, to: at } : p,
      );
      await this.#ctx.repository.update(active.recording.id, {
        status: 'processing',
        stoppedAt: at,
        stopReason: reason,
        privatePhases: phases,
      });
      await this.#ctx.audit.append({
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
    const deadline = Date.now() + FILES_FINISHED_MS;
    while ((active.gone.size > 0 || active.finishing.size > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    this.#ctx.logger.info(
      { recordingId: active.recording.id, reason, stoppedAt },
      'recording stopped',
    );
    // Its files are finished: from now on its composite is a job any process may claim.
    this.#releaseLive(active.recording.id);
    this.#enqueue(active.recording.id);
  }
}
