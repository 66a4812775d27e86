/**
 * A track's segments off the capturing machine. Each segment FFmpeg
 * finishes (recordings/capture.ts) is copied into the recordings' segment
 * store, hashed on the way, recorded with its place in the track, then
 * removed locally; the whole track file stays on the capturing node. When
 * that node died, another one rebuilds the track's file from its stored
 * segments (a stream copy, nothing re-encoded): what the recording keeps of
 * that track is everything but the segment being written at the death.
 * Once the recording is sealed the segments have served: they are removed
 * from the store (their rows, with each one's hash, stay as the capture's
 * record and are listed in the manifest), so a recording is not kept twice.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CapturedSegment } from '../../recordings/capture.js';
import type { BlobStore } from '../evidence/BlobStore.js';
import type { RecordingContext } from './context.js';
import type { SegmentRecord, TrackRecord } from './model.js';

/** Target segment length: a node's death loses at most about this much of each track. */
export const SEGMENT_SECONDS = 4;
/** Larger than any segment of a few seconds can be (a 4K screen share at 50 Mbit/s is 25 MB). */
const SEGMENT_MAX_BYTES = 512 * 1024 * 1024;

/** Copies a finished segment into the store, records it, and removes the local file. */
export async function storeSegment(
  ctx: RecordingContext,
  track: TrackRecord,
  segment: CapturedSegment,
): Promise<SegmentRecord> {
  const blob = await ctx.segmentStore.write(createReadStream(segment.file), {
    maxBytes: SEGMENT_MAX_BYTES,
  });
  const record: SegmentRecord = {
    trackId: track.id,
    seq: segment.seq,
    recordingId: track.recordingId,
    key: blob.key,
    startMs: segment.startMs,
    endMs: segment.endMs,
    size: blob.size,
    sha256: blob.sha256,
    storedAt: ctx.now().toISOString(),
  };
  await ctx.repository.insertSegment(record);
  await unlink(segment.file).catch(() => undefined);
  return record;
}

/** Whether a track's file is on this machine. */
export async function isLocal(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Writes `target` from the track's stored segments, each checked against its
 * recorded hash; resolves with the span of the stream they cover (ms), or
 * undefined when no segment was stored (then nothing is written).
 */
export async function rebuildFromSegments(
  store: BlobStore,
  segments: readonly SegmentRecord[],
  target: string,
): Promise<{ startMs: number; endMs: number } | undefined> {
  const ordered = [...segments].sort((a, b) => a.seq - b.seq);
  if (ordered.length === 0) return undefined;
  const work = path.join(path.dirname(target), `.rebuild-${path.basename(target)}`);
  await mkdir(work, { recursive: true, mode: 0o700 });
  try {
    const parts: string[] = [];
    for (const s of ordered) {
      const part = path.join(work, `${String(s.seq).padStart(5, '0')}${path.extname(target)}`);
      const hash = createHash('sha256');
      await pipeline(
        store.read(s.key),
        new Transform({
          transform(chunk: Buffer, _e, done) {
            hash.update(chunk);
            done(null, chunk);
          },
        }),
        createWriteStream(part, { mode: 0o600 }),
      );
      const sha256 = hash.digest('hex');
      if (sha256 !== s.sha256) {
        throw new Error(`segment ${s.trackId}/${s.seq} does not match its hash`);
      }
      parts.push(part);
    }
    const list = path.join(work, 'list.txt');
    // Each part lasts until the next one starts (its own last packet would otherwise
    // share a timestamp with the next part's first).
    const lines = parts.map((p, i) => {
      const next = ordered[i + 1];
      const entry = `file '${p.replace(/'/g, "'\\''")}'\n`;
      return next
        ? `${entry}duration ${((next.startMs - ordered[i]!.startMs) / 1000).toFixed(3)}\n`
        : entry;
    });
    await writeFile(list, lines.join(''));
    await ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-map', '0', '-c', 'copy', target]);
    return { startMs: ordered[0]!.startMs, endMs: ordered.at(-1)!.endMs };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function ffmpeg(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffmpeg',
      ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      err = (err + d).slice(-2000);
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ffmpeg concat failed (${code}): ${err}`)),
    );
  });
}

/**
 * Removes a sealed recording's segments from the store (their rows stay). A
 * removal that fails is logged and left: the sweep of the store may take it.
 */
export async function pruneSegments(
  ctx: RecordingContext,
  recordingId: string,
  segments: readonly SegmentRecord[],
): Promise<void> {
  for (const g of segments) {
    await ctx.segmentStore
      .remove(g.key)
      .catch((error: unknown) =>
        ctx.logger.warn(
          { err: error, recordingId, key: g.key },
          'segment not removed from the store',
        ),
      );
  }
}
