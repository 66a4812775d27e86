/**
 * Finishing a recording after its session: the composite queue (one render
 * at a time, since a render uses every core; a job cut off by a shutdown
 * runs again at the next start) and the manifest, signed with the service
 * key and written beside the files, whose hash goes into the case's audit
 * chain. The render itself is recordings/composite.ts; the manifest's shape,
 * gaps and notes are recordings/manifest.ts.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { renderComposite, type CompositeSegment } from '../../recordings/composite.js';
import {
  MANIFEST_TYPE,
  deriveGaps,
  manifestNotes,
  type ManifestComposite,
  type ManifestTrack,
  type PrivatePhase,
  type RecordingManifest,
} from '../../recordings/manifest.js';
import { fileFacts } from '../../recordings/probe.js';
import { withLease } from '../jobs/JobLeases.js';
import { writeFileDurably } from '../storage/durableWrite.js';
import { SYSTEM, emptySha256, type RecordingContext } from './context.js';
import type { Recording, TrackRecord } from './model.js';
import { pruneSegments } from './segments.js';
import { ensureLocal, keepOffNode } from './stored.js';

const PROGRESS_STEP = 0.05;

export class Finishing {
  readonly #ctx: RecordingContext;
  /** Composite renders, one at a time (they use every core). */
  #jobs: Promise<void> = Promise.resolve();
  readonly #pendingJobs = new Set<string>();
  readonly #progress = new Map<string, number>();
  #closing = false;
  readonly #abort = new AbortController();

  constructor(ctx: RecordingContext) {
    this.#ctx = ctx;
  }

  /** How far a queued or rendering composite is (0..1), while it is queued. */
  progressOf(recordingId: string): number | undefined {
    return this.#progress.get(recordingId);
  }

  /** Queues a stopped recording's composite and manifest (once). */
  enqueue(recordingId: string): void {
    if (this.#pendingJobs.has(recordingId)) return;
    this.#pendingJobs.add(recordingId);
    this.#progress.set(recordingId, 0);
    this.#jobs = this.#jobs.then(async () => {
      try {
        if (!this.#closing) await this.#process(recordingId);
      } catch (error) {
        this.#ctx.logger.error({ err: error, recordingId }, 'recording post-processing failed');
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

  /** From now on no job starts, and a render cut off leaves its recording pending. */
  refuse(): void {
    this.#closing = true;
  }

  /** Interrupts the render in progress and waits for the queue to settle. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#abort.abort();
    await this.#jobs.catch(() => undefined);
  }

  /** One process renders each composite: the one that claims it (another takes it over if that one dies). */
  async #process(recordingId: string): Promise<void> {
    await withLease(this.#ctx.jobs, `composite:${recordingId}`, () => this.#render(recordingId));
  }

  async #render(recordingId: string): Promise<void> {
    const { repository, logger } = this.#ctx;
    const recording = await repository.get(recordingId);
    if (!recording || recording.status !== 'processing') return;
    const tracks = (await repository.tracks(recordingId)).filter((t) => t.endedAt !== null);
    const stoppedAt = recording.stoppedAt ?? this.#ctx.now().toISOString();
    const start = Date.parse(recording.startedAt);
    const dir = this.#ctx.directoryOf(recordingId);
    let composite: ManifestComposite;
    await repository.update(recordingId, {
      compositeStatus: 'rendering',
      compositeProgress: 0,
    });
    try {
      // Tracks another node wrote come from the object store (several nodes).
      const present: TrackRecord[] = [];
      for (const t of tracks.filter((x) => (x.size ?? 0) > 0 && (x.durationMs ?? 0) > 0)) {
        if (await ensureLocal(this.#ctx, recordingId, t.file)) present.push(t);
        else logger.error({ recordingId, trackId: t.id }, 'track file not found for the composite');
      }
      const segments: CompositeSegment[] = present.map((t) => ({
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
            void repository
              .update(recordingId, { compositeProgress: fraction })
              .catch(() => undefined);
          }
        },
      });
      const facts = await fileFacts(output);
      await keepOffNode(this.#ctx, recordingId, 'composite.mp4', facts.sha256);
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
        await repository.update(recordingId, {
          compositeStatus: 'pending',
          compositeProgress: 0,
        });
        return;
      }
      composite = {
        status: 'failed',
        error: error instanceof Error ? error.message.slice(0, 500) : String(error),
      };
      logger.error({ err: error, recordingId }, 'composite render failed');
    }
    await this.#seal({ ...recording, stoppedAt }, tracks, composite);
  }

  /** Writes and signs the manifest, appends its hash to the audit chain, completes the recording. */
  async #seal(
    recording: Recording,
    tracks: TrackRecord[],
    composite: ManifestComposite,
  ): Promise<void> {
    const { repository, keys, audit } = this.#ctx;
    const consents = await repository.consents(recording.id);
    const stoppedAt = recording.stoppedAt ?? this.#ctx.now().toISOString();
    // A capture that ended before its first packet holds nothing: not a track of the recording.
    const withMedia = tracks.filter((t) => (t.size ?? 0) > 0);
    const segments = await repository.segments(recording.id);
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
      segments: segments
        .filter((g) => g.trackId === t.id)
        .map((g) => ({
          seq: g.seq,
          startedAt: new Date(Date.parse(t.startedAt) + g.startMs).toISOString(),
          endedAt: new Date(Date.parse(t.startedAt) + g.endMs).toISOString(),
          size: g.size,
          sha256: g.sha256,
        })),
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
      caseNumber: (await this.#ctx.cases.getCase(recording.caseId))?.caseNumber ?? null,
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
      issuedAt: this.#ctx.now().toISOString(),
    };
    const jws = await keys.sign(manifest, MANIFEST_TYPE);
    const manifestSha256 = createHash('sha256').update(jws).digest('hex');
    const dir = this.#ctx.directoryOf(recording.id);
    const completedAt = this.#ctx.now().toISOString();
    // Completed once: the row first (a process that outlived its lease finds it
    // complete and leaves the manifest alone), then the file, then the chain.
    const sealed = await repository.transaction(async () => {
      const won = await repository.updateIf(recording.id, 'processing', {
        status: 'complete',
        compositeStatus: composite.status === 'complete' ? 'complete' : 'failed',
        compositeProgress: composite.status === 'complete' ? 1 : 0,
        composite,
        manifestSha256,
        manifestKid: keys.activeKid,
        completedAt,
      });
      if (!won) return false;
      await writeFileDurably(dir, 'manifest.jws', jws);
      await keepOffNode(this.#ctx, recording.id, 'manifest.jws', manifestSha256);
      await audit.append({
        caseId: recording.caseId,
        ...SYSTEM,
        action: 'recording.manifest-signed',
        target: recording.id,
        payload: {
          manifestSha256,
          kid: keys.activeKid,
          tracks: manifestTracks.map((t) => ({ id: t.id, sha256: t.sha256 })),
          composite: composite.status === 'complete' ? composite.sha256 : null,
          gaps: gaps.length,
        },
      });
      return true;
    });
    if (!sealed) {
      this.#ctx.logger.warn(
        { recordingId: recording.id },
        'recording already sealed by another process; this seal is dropped',
      );
      return;
    }
    this.#ctx.logger.info(
      { recordingId: recording.id, manifestSha256, gaps: gaps.length },
      'recording sealed',
    );
    // The segments served to survive a node's death; sealed, the track files they made stay.
    await pruneSegments(this.#ctx, recording.id, segments);
  }
}

function pick(p: { participantId: string; displayName: string; role: string }) {
  return { participantId: p.participantId, displayName: p.displayName, role: p.role };
}
