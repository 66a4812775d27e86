/**
 * The tracks of a live recording: which producers are captured and when
 * (only a consenting participant's, never during an unrecorded private
 * phase, a paused track from when it resumes), each capture started by
 * recordings/capture.ts (one FFmpeg stream copy per producer), and each
 * track file's record: its wall-clock span, why it ended, its size and
 * hash. The session's events reach this part through listenerFor().
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import {
  TrackCapture,
  containerFor,
  freePortPair,
  primaryCodec,
  type CaptureEnd,
} from '../../recordings/capture.js';
import type { TrackEndReason } from '../../recordings/manifest.js';
import { fileFacts, mediaFacts } from '../../recordings/probe.js';
import type { LeaveReason, LiveSessionListener, SessionProducer } from '../media/LiveSession.js';
import type { Participant } from '../media/Participant.js';
import {
  emptySha256,
  type ActiveRecording,
  type LiveTrack,
  type RecordingContext,
} from './context.js';
import type { TrackRecord } from './model.js';
import { SEGMENT_SECONDS, storeSegment } from './segments.js';
import { keepOffNode } from './stored.js';

const CAPTURE_RESTART_MS = 500;
const CAPTURE_ATTEMPTS = 3;
/** Ends at which packets were still arriving: the file's last packet is the end time. */
const ENDS_ON_TIME: ReadonlySet<TrackEndReason> = new Set<TrackEndReason>([
  'recording-stopped',
  'consent-withdrawn',
  'private-phase',
  'server-stopped',
]);

/** What the rest of the recording hears from the session through the tracks' listener. */
export interface SessionHooks {
  privatePhase(phase: { participantIds: string[]; recorded: boolean } | null): void;
  closed(): void;
}

export class RecordingTracks {
  readonly #ctx: RecordingContext;
  /** Where capture receivers (FFmpeg) listen. */
  readonly #listenIp: string;

  constructor(ctx: RecordingContext, listenIp: string) {
    this.#ctx = ctx;
    this.#listenIp = listenIp;
  }

  #eligible(active: ActiveRecording, participantId: string): boolean {
    return (
      !active.stopping &&
      active.consented.has(participantId) &&
      !active.withdrawn.has(participantId) &&
      !active.privateUnrecorded()
    );
  }

  /** Starts captures of every eligible producer not captured yet. */
  captureEligible(active: ActiveRecording, onlyParticipant?: string): void {
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
          this.#ctx.logger.warn(
            { err: error, producerId: producer.id, attempt },
            'capture did not start; retrying',
          );
          await new Promise((r) => setTimeout(r, CAPTURE_RESTART_MS));
        }
      }
    })()
      .catch((error: unknown) => {
        this.#ctx.logger.error(
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
    if (active.privateUnrecorded()) return 'private-phase';
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
    // Segments are copied off this machine as FFmpeg finishes them, once the track is recorded.
    let recorded: (record: TrackRecord) => void = () => undefined;
    let notRecorded: (error: unknown) => void = () => undefined;
    const trackRow = new Promise<TrackRecord>((resolve, reject) => {
      recorded = resolve;
      notRecorded = reject;
    });
    trackRow.catch(() => undefined);
    const capture = await TrackCapture.start({
      file: path.join(this.#ctx.directoryOf(active.recording.id), file),
      source,
      receiver,
      log: this.#ctx.logger,
      segments: {
        seconds: SEGMENT_SECONDS,
        onSegment: async (segment) => {
          await storeSegment(this.#ctx, await trackRow, segment);
        },
      },
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
    try {
      await this.#ctx.repository.insertTrack(record);
    } catch (error) {
      notRecorded(error);
      void capture.stop();
      throw error;
    }
    recorded(record);
    const live: LiveTrack = { record, capture, producerId: producer.id };
    active.tracks.set(producer.id, live);
    // Things may have changed while FFmpeg started (consent withdrawn, a caucus, a stop).
    const reason = this.#reasonToEnd(active, participant.id);
    if (reason) {
      active.tracks.delete(producer.id);
      const end = await capture.stop();
      await this.closeTrack(record, end.endedAt, reason, null);
      return;
    }
    capture.onEnded((end) => {
      const job = active
        .serial(() => this.#trackEnded(active, live, end))
        .catch((error: unknown) =>
          this.#ctx.logger.error({ err: error, trackId: id }, 'cannot close track record'),
        )
        .finally(() => active.finishing.delete(job));
      active.finishing.add(job);
    });
    this.#ctx.logger.info(
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
    await this.closeTrack(live.record, endedAt, reason, end.detail ?? null);
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
  async endTracks(
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
        await this.closeTrack(t.record, end.endedAt, reason, null);
      }),
    );
  }

  /** Stores a finished track file's span, end reason, size and hash. */
  async closeTrack(
    record: TrackRecord,
    endedAt: Date,
    reason: TrackEndReason,
    detail: string | null,
  ): Promise<void> {
    const file = path.join(this.#ctx.directoryOf(record.recordingId), record.file);
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
    await this.#ctx.repository.updateTrack(record.id, changes);
    // Several nodes: kept where every node reads it (the composite may be made elsewhere).
    if (facts.size > 0) {
      await keepOffNode(this.#ctx, record.recordingId, record.file, facts.sha256).catch(
        (error: unknown) =>
          this.#ctx.logger.error(
            { err: error, trackId: record.id },
            'track file not copied to the object store',
          ),
      );
    }
    this.#ctx.logger.info(
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
    live.ending = { reason, at: this.#ctx.now() };
    active.gone.add(live);
    if (active.tracks.get(live.producerId) === live) active.tracks.delete(live.producerId);
    void this.#ctx.repository
      .updateTrack(live.record.id, { endedAt: live.ending.at.toISOString(), endReason: reason })
      .catch(() => undefined);
  }

  /** The session's events as they concern this recording. */
  listenerFor(active: ActiveRecording, hooks: SessionHooks): LiveSessionListener {
    return {
      producerClosed: (participant, producer) => {
        const live = active.tracks.get(producer.id);
        if (live) {
          const reason = active.handingOver
            ? 'node-failed'
            : active.session.mediaLost
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
        const at = this.#ctx.now().toISOString();
        const pauses = [...live.record.pauses];
        const last = pauses.at(-1);
        if (paused && (!last || last.to !== null)) pauses.push({ from: at, to: null });
        if (!paused && last && last.to === null) pauses[pauses.length - 1] = { ...last, to: at };
        live.record.pauses = pauses;
        void this.#ctx.repository.updateTrack(live.record.id, { pauses }).catch(() => undefined);
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
      privatePhase: (phase) => hooks.privatePhase(phase),
      closed: () => hooks.closed(),
    };
  }
}
