/**
 * What the last moments of a rendered recording hold: how much of its final
 * `seconds` is black picture and how much is silence, measured by FFmpeg's
 * blackdetect and silencedetect filters on the decoded end of the file.
 */
import { spawnSync } from 'node:child_process';

export interface MediaEnd {
  /** Seconds of black picture within the last `seconds` (0 when none). */
  blackSeconds: number;
  /** Seconds of silence within the last `seconds` (0 when none). */
  silentSeconds: number;
}

/** Sums FFmpeg's `<name>_duration: x` reports, closing an interval still open at the end. */
function detected(log: string, name: 'black' | 'silence', windowSeconds: number): number {
  let total = 0;
  for (const m of log.matchAll(new RegExp(`${name}_duration:\\s*([0-9.]+)`, 'g'))) {
    total += Number(m[1]);
  }
  // silencedetect reports a silence still running at the end only by its start.
  const starts = [...log.matchAll(/silence_start:\s*(-?[0-9.]+)/g)].length;
  const ends = [...log.matchAll(/silence_end:/g)].length;
  if (name === 'silence' && starts > ends) {
    const last = [...log.matchAll(/silence_start:\s*(-?[0-9.]+)/g)].at(-1);
    const from = Math.max(0, Number(last?.[1] ?? 0));
    total += Math.max(0, windowSeconds - from);
  }
  return total;
}

/**
 * Black and silent time within `seconds` of `file`: its last ones, or from
 * `from` seconds on. A frame is black when 90 % of it is below 10 % luma (a
 * composite's empty tiles and margins are black, its captions are not much);
 * silence is below -50 dBFS for 0.2 s.
 */
export function mediaEnd(file: string, seconds = 1, from?: number): MediaEnd {
  const seek =
    from === undefined ? ['-sseof', `-${seconds}`] : ['-ss', String(from), '-t', String(seconds)];
  const run = (filter: string[]) =>
    spawnSync(
      'ffmpeg',
      ['-hide_banner', '-nostats', '-v', 'info', ...seek, '-i', file, ...filter],
      { encoding: 'utf8' },
    ).stderr;
  const video = run([
    '-an',
    '-vf',
    'setpts=PTS-STARTPTS,blackdetect=d=0.2:pic_th=0.9:pix_th=0.1',
    '-f',
    'null',
    '-',
  ]);
  const audio = run([
    '-vn',
    '-af',
    'asetpts=PTS-STARTPTS,silencedetect=n=-50dB:d=0.2',
    '-f',
    'null',
    '-',
  ]);
  return {
    blackSeconds: detected(video, 'black', seconds),
    silentSeconds: detected(audio, 'silence', seconds),
  };
}
