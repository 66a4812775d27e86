/**
 * Surviving a crash. While anything records, a heartbeat notes every second
 * that the server is alive (`aliveAt`) and renews the recording's live lease
 * (JobLeases); after a start, and every few seconds after, recordings whose
 * process died (their lease ran out, or its holder is a gone process of this
 * machine) are closed: an orphaned capture FFmpeg is interrupted so its file
 * gets its trailer, each unfinished track ends at its file's last packet
 * (never after the last heartbeat but one second), the gap until now is
 * marked, and every recording awaiting its composite is queued again. Every
 * process sharing the database runs this; the lease makes one of them close
 * each recording.
 */
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { mediaFacts } from '../../recordings/probe.js';
import { withLease } from '../jobs/JobLeases.js';
import {
  LIVE_LEASE_MS,
  SYSTEM,
  liveJob,
  type ActiveRecording,
  type RecordingContext,
} from './context.js';
import type { Recording, TrackRecord } from './model.js';
import { isLocal, rebuildFromSegments } from './segments.js';
import type { RecordingTracks } from './tracks.js';

const HEARTBEAT_MS = 1_000;

/** Notes every second that the server is alive, while any recording is in progress. */
export class Heartbeat {
  readonly #ctx: RecordingContext;
  readonly #active: ReadonlyMap<string, ActiveRecording>;
  readonly #leased: ReadonlySet<string>;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    ctx: RecordingContext,
    active: ReadonlyMap<string, ActiveRecording>,
    /** Recordings whose live lease this process holds (also while they are being stopped). */
    leased: ReadonlySet<string>,
  ) {
    this.#ctx = ctx;
    this.#active = active;
    this.#leased = leased;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#active.size === 0 && this.#leased.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
        return;
      }
      const at = this.#ctx.now().toISOString();
      for (const a of this.#active.values()) {
        void this.#ctx.repository.update(a.recording.id, { aliveAt: at }).catch(() => undefined);
      }
      const { leases, owner } = this.#ctx.jobs;
      for (const id of this.#leased) {
        void leases.renew(liveJob(id), owner, LIVE_LEASE_MS).catch(() => undefined);
      }
    }, HEARTBEAT_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/**
 * Closes the recordings a previous process left in progress (those not
 * live in this one), then queues every recording awaiting its composite.
 */
export async function recoverRecordings(
  ctx: RecordingContext,
  parts: {
    /** Recording ids live in this process (left alone). */
    live: () => Iterable<string>;
    tracks: RecordingTracks;
    enqueue: (recordingId: string) => void;
    /**
     * Several nodes: how long a recording whose node died is left for the
     * node that takes its session over to continue it (ConsentProtocol.adopt);
     * 0 on one node, whose sessions end with it.
     */
    adoptionGraceMs: number;
  },
): Promise<void> {
  const { repository } = ctx;
  for (const found of await repository.listByStatus('recording')) {
    if ([...parts.live()].includes(found.id)) continue;
    const lastSign = Date.parse(found.aliveAt ?? found.startedAt);
    if (ctx.now().getTime() - lastSign < parts.adoptionGraceMs) continue;
    // Not claimed: live in another process (its heartbeat renews the lease), or being closed.
    await withLease(ctx.liveClaims, liveJob(found.id), async () => {
      const recording = await repository.get(found.id);
      if (recording?.status === 'recording') await closeOrphaned(ctx, recording, parts.tracks);
    });
  }
  for (const recording of await repository.listByStatus('processing')) {
    if ([...parts.live()].includes(recording.id)) continue;
    // Still held live: its process is finishing the track files the manifest will hash.
    const free = await withLease(ctx.liveClaims, liveJob(recording.id), async () => true);
    if (free.ran) parts.enqueue(recording.id);
  }
}

/** Closes a recording its process left open when it died (its live lease is now this one's). */
async function closeOrphaned(
  ctx: RecordingContext,
  recording: Recording,
  tracks: RecordingTracks,
): Promise<void> {
  const { repository } = ctx;
  const now = ctx.now();
  let elsewhere = false;
  for (const track of await repository.tracks(recording.id)) {
    if (track.endedAt !== null) continue;
    elsewhere = (await closeDeadTrack(ctx, tracks, recording, track)) || elsewhere;
  }
  const at = now.toISOString();
  const reason = elsewhere ? 'node-failed' : 'server-restart';
  await repository.update(recording.id, {
    status: 'processing',
    stoppedAt: at,
    stopReason: reason,
    privatePhases: recording.privatePhases.map((p) => (p.to === null ? { ...p, to: at } : p)),
  });
  await ctx.audit.append({
    caseId: recording.caseId,
    ...SYSTEM,
    action: 'recording.recovered',
    target: recording.id,
    payload: { stoppedAt: at, reason },
  });
  ctx.logger.warn(
    { recordingId: recording.id, reason },
    'orphaned recording closed (its server restarted or its node died)',
  );
}

/**
 * Closes a track whose capturing process died. Its file on this machine (the
 * same server restarted): its orphaned FFmpeg is interrupted, and the track
 * ends at the file's last packet (never after the last heartbeat but one
 * second). Its file on another machine (a node that died): the file is
 * rebuilt from the segments that node stored, and the track ends with the
 * last of them. Resolves with whether the file was elsewhere.
 */
export async function closeDeadTrack(
  ctx: RecordingContext,
  tracks: RecordingTracks,
  recording: Recording,
  track: TrackRecord,
): Promise<boolean> {
  const file = path.join(ctx.directoryOf(recording.id), track.file);
  if (!(await isLocal(file))) {
    const segments = (await ctx.repository.segments(recording.id)).filter(
      (g) => g.trackId === track.id,
    );
    await mkdir(ctx.directoryOf(recording.id), { recursive: true, mode: 0o700 });
    const span = await rebuildFromSegments(ctx.segmentStore, segments, file);
    const endedAt = new Date(
      Math.min(ctx.now().getTime(), Date.parse(track.startedAt) + (span?.endMs ?? 0)),
    );
    await tracks.closeTrack(
      track,
      endedAt,
      'node-failed',
      `the node capturing it stopped; kept up to its last stored segment (${segments.length})`,
    );
    return true;
  }
  if (track.pid !== null) await stopOrphan(track.pid, file);
  const media = await mediaFacts(file).catch(() => ({ durationMs: 0, codecs: [] }));
  // Media stopped when the server died: less than a second after the last
  // heartbeat. Without one, the file's start plus its length.
  const alive = recording.aliveAt ? Date.parse(recording.aliveAt) : NaN;
  // (The file can hold a little more than that: then its own end counts.)
  const fromFile = Date.parse(track.startedAt) + media.durationMs;
  const endedAt = new Date(
    Math.min(ctx.now().getTime(), Number.isFinite(alive) ? Math.max(alive, fromFile) : fromFile),
  );
  await tracks.closeTrack(
    track,
    endedAt,
    'server-stopped',
    'the server stopped during the recording',
  );
  return false;
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
