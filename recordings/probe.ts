/**
 * Facts about a finished (or cut-off) media file: its SHA-256, size and the
 * span of its packets, read with ffprobe. A file whose trailer is missing
 * (FFmpeg or the server was killed) has no stated duration; then the last
 * packet's time is used.
 *
 * Top-level `recordings/` is the media pipeline (FFmpeg, files, no server
 * imports); the case-file side that drives it is `server/recordingService/`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface FileFacts {
  size: number;
  sha256: string;
}

export async function fileFacts(file: string): Promise<FileFacts> {
  const { size } = await stat(file);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return { size, sha256: hash.digest('hex') };
}

export interface MediaFacts {
  /** Time from the first packet to the end of the last, in milliseconds. */
  durationMs: number;
  codecs: string[];
}

/** The media span of a file; 0 ms and no codecs when nothing decodable was written. */
export async function mediaFacts(file: string, ffprobePath = 'ffprobe'): Promise<MediaFacts> {
  let codecs: string[] = [];
  let stated: number | undefined;
  try {
    const { stdout } = await run(
      ffprobePath,
      ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file],
      { maxBuffer: 1 << 20 },
    );
    const parsed = JSON.parse(stdout) as {
      format?: { duration?: string };
      streams?: { codec_name?: string }[];
    };
    codecs = (parsed.streams ?? []).flatMap((s) => (s.codec_name ? [s.codec_name] : []));
    const d = Number(parsed.format?.duration);
    if (Number.isFinite(d) && d > 0) stated = d * 1000;
  } catch {
    return { durationMs: 0, codecs: [] };
  }
  if (stated !== undefined) return { durationMs: Math.round(stated), codecs };
  // No trailer: the span of the packets that are there.
  try {
    const { stdout } = await run(
      ffprobePath,
      [
        ...['-v', 'error', '-select_streams', '0'],
        ...['-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', file],
      ],
      { maxBuffer: 256 << 20 },
    );
    let first: number | undefined;
    let last = 0;
    for (const line of stdout.split('\n')) {
      const [pts, dur] = line.split(',').map(Number);
      if (pts === undefined || !Number.isFinite(pts)) continue;
      first ??= pts;
      last = Math.max(last, pts + (dur !== undefined && Number.isFinite(dur) ? dur : 0));
    }
    return { durationMs: first === undefined ? 0 : Math.round((last - first) * 1000), codecs };
  } catch {
    return { durationMs: 0, codecs };
  }
}
