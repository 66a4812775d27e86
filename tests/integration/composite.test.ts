/**
 * The composite render against real FFmpeg: per-track WebM segments generated
 * from lavfi sources (VP8 cameras, Opus microphones), rendered into one MP4
 * and checked with ffprobe, a full decode, loudness windows and pixels.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildCompositeArgs,
  compositeLayout,
  CompositeRenderError,
  renderComposite,
  type CompositeSegment,
} from '../../recordings/composite.js';

// npm test installs FFmpeg (scripts/install-system-deps.sh test); without it this fails, never skips.
if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
  throw new Error('ffmpeg is not installed: run scripts/install-system-deps.sh test');
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'composite-test-'));

function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * A VP8 camera clip. `live` writes it as a capture does when killed: to a
 * pipe, so without cues or duration. `offsetS` makes its timestamps start late.
 */
function cameraClip(
  name: string,
  seconds: number,
  options: { source?: string; live?: boolean; offsetS?: number } = {},
): string {
  const file = path.join(tmp, name);
  const source = options.source ?? 'testsrc2=s=320x180:r=10';
  const args = [
    ...['-f', 'lavfi', '-i', `${source}:d=${seconds}`],
    ...['-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '200k'],
    ...(options.offsetS ? ['-output_ts_offset', String(options.offsetS)] : []),
    '-f',
    'webm',
  ];
  if (options.live) writeFileSync(file, ffmpeg([...args, 'pipe:1']));
  else ffmpeg([...args, file]);
  return file;
}

/** An Opus microphone clip: a tone for `audibleS` seconds, then digital silence to `seconds`. */
function micClip(
  name: string,
  frequency: number,
  seconds: number,
  audibleS = seconds,
  live = false,
): string {
  const file = path.join(tmp, name);
  const tone = `sine=f=${frequency}:r=48000:d=${seconds},volume='if(lt(t,${audibleS}),1,0)':eval=frame`;
  const args = ['-f', 'lavfi', '-i', tone, '-c:a', 'libopus', '-b:a', '32k', '-f', 'webm'];
  if (live) writeFileSync(file, ffmpeg([...args, 'pipe:1']));
  else ffmpeg([...args, file]);
  return file;
}

function segment(
  file: string,
  participantId: string,
  displayName: string,
  kind: 'audio' | 'video',
  startMs: number,
  endMs: number,
): CompositeSegment {
  const source = kind === 'audio' ? 'microphone' : 'camera';
  return { file, participantId, displayName, kind, source, startMs, endMs };
}

interface Probe {
  streams: { codec_type: string; codec_name: string }[];
  format: { duration: string };
}

function probe(file: string): Probe {
  const json = execFileSync('ffprobe', [
    ...['-v', 'error', '-show_entries', 'stream=codec_type,codec_name:format=duration'],
    ...['-of', 'json', file],
  ]);
  return JSON.parse(json.toString()) as Probe;
}

/** volumedetect's mean volume (dB) of the audio between `fromS` and `toS`. */
function meanVolume(file: string, fromS: number, toS: number): number {
  const r = spawnSync('ffmpeg', [
    ...['-hide_banner', '-nostdin', '-ss', String(fromS), '-t', String(toS - fromS)],
    ...['-i', file, '-map', '0:a', '-af', 'volumedetect', '-f', 'null', '-'],
  ]);
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(r.stderr.toString());
  if (!match?.[1]) throw new Error(`no volumedetect output:\n${r.stderr.toString()}`);
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

/** The mean colour of a rectangle of the frame shown at `atS`. */
function meanColour(
  file: string,
  atS: number,
  frameWidth: number,
  rect: { x: number; y: number; width: number; height: number },
): { r: number; g: number; b: number } {
  const frame = ffmpeg([
    ...['-ss', String(atS), '-i', file, '-frames:v', '1'],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ]);
  const sum = { r: 0, g: 0, b: 0 };
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const at = (y * frameWidth + x) * 3;
      sum.r += frame[at] ?? 0;
      sum.g += frame[at + 1] ?? 0;
      sum.b += frame[at + 2] ?? 0;
    }
  }
  const n = rect.width * rect.height;
  return { r: sum.r / n, g: sum.g / n, b: sum.b / n };
}

describe('the composite render of a recorded session', () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('renders three participants, one heard only, into H.264 + AAC of the exact span', async () => {
    // Every voice falls silent by 5 s, so the last second of the 6 s span is silent.
    const segments = [
      segment(cameraClip('a-cam.webm', 6), 'a', '张三（劳动者）', 'video', 0, 6000),
      segment(micClip('a-mic.webm', 440, 6, 5), 'a', '张三（劳动者）', 'audio', 0, 6000),
      segment(cameraClip('b-cam.webm', 5), 'b', '某公司（用人单位）', 'video', 1000, 6000),
      segment(micClip('b-mic.webm', 660, 5, 4), 'b', '某公司（用人单位）', 'audio', 1000, 6000),
      // A caption that needs every kind of filtergraph escaping.
      segment(
        micClip('c-mic.webm', 880, 3),
        'c',
        "O'Brien: 50% \\ [代理人], x;y",
        'audio',
        2000,
        5000,
      ),
    ];
    const output = path.join(tmp, 'three.mp4');
    const progress: number[] = [];

    const result = await renderComposite({
      segments,
      durationMs: 6000,
      output,
      onProgress: (f) => progress.push(f),
    });

    expect(result).toEqual({
      output,
      durationMs: expect.any(Number),
      width: 1280,
      height: 720,
      tiles: 3,
    });
    expect(existsSync(`${output}.part`)).toBe(false);
    const info = probe(output);
    expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    expect(Math.abs(Number(info.format.duration) - 6)).toBeLessThan(0.3);
    expect(Math.abs(result.durationMs - 6000)).toBeLessThan(300);

    const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', output, '-f', 'null', '-']);
    expect(decode.status).toBe(0);
    expect(decode.stderr.toString()).toBe('');

    expect(progress.length).toBeGreaterThan(0);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] ?? 0);
    }
    expect(progress.at(-1)).toBeGreaterThanOrEqual(0.99);

    expect(meanVolume(output, 1, 4)).toBeGreaterThan(-40);
    expect(meanVolume(output, 5.2, 6)).toBeLessThan(-80);
  });

  it('places a video segment on its tile only during its span, whatever its own timestamps', async () => {
    // The red clip's timestamps start at 10 s; it belongs at 2–4 s of the session.
    const red = cameraClip('red.webm', 2, { source: 'color=red:s=320x180:r=10', offsetS: 10 });
    const output = path.join(tmp, 'placement.mp4');

    const result = await renderComposite({
      segments: [
        segment(micClip('voice.webm', 440, 5), 'voice', '李四', 'audio', 0, 5000),
        segment(red, 'red', '王五', 'video', 2000, 4000),
      ],
      durationMs: 5000,
      output,
    });

    // Two tiles side by side: the voice-only one first (heard from 0 s), the red one second.
    expect(result).toMatchObject({ width: 1280, height: 360, tiles: 2 });
    const redTile = { x: 640 + 160, y: 60, width: 320, height: 180 };
    const voiceTile = { x: 160, y: 60, width: 320, height: 180 };
    const before = meanColour(output, 1, result.width, redTile);
    expect(Math.max(before.r, before.g, before.b)).toBeLessThan(40);
    const during = meanColour(output, 3, result.width, redTile);
    expect(during.r).toBeGreaterThan(180);
    expect(Math.max(during.g, during.b)).toBeLessThan(70);
    const neighbour = meanColour(output, 3, result.width, voiceTile);
    expect(Math.max(neighbour.r, neighbour.g, neighbour.b)).toBeLessThan(40);
    const after = meanColour(output, 4.5, result.width, redTile);
    expect(Math.max(after.r, after.g, after.b)).toBeLessThan(40);
  });

  it('renders segments cut short by a killed capture, and leaves out an empty one', async () => {
    const camera = cameraClip('cut-cam.webm', 4, { live: true });
    const mic = micClip('cut-mic.webm', 440, 4, 4, true);
    for (const file of [camera, mic]) truncateSync(file, Math.floor(statSync(file).size * 0.7));
    const empty = path.join(tmp, 'empty-cam.webm');
    writeFileSync(empty, '');
    const output = path.join(tmp, 'cut.mp4');
    const logged: string[] = [];

    const result = await renderComposite({
      segments: [
        segment(camera, 'a', '张三', 'video', 0, 4000),
        segment(mic, 'a', '张三', 'audio', 0, 4000),
        segment(empty, 'b', '李四', 'video', 1000, 4000),
      ],
      durationMs: 4000,
      output,
      log: (msg) => logged.push(msg),
    });

    expect(result.tiles).toBe(1);
    expect(Math.abs(result.durationMs - 4000)).toBeLessThan(300);
    expect(logged.some((msg) => msg.includes('left out'))).toBe(true);
    const picture = meanColour(output, 0.5, result.width, { x: 0, y: 0, width: 1280, height: 600 });
    expect(picture.r + picture.g + picture.b).toBeGreaterThan(150);
    expect(meanVolume(output, 0.5, 2)).toBeGreaterThan(-40);
  });

  it('keeps a tile whole when a camera changes resolution and aspect mid-file', async () => {
    // Packets copied from a 16:9 clip, then a square red one: one file, two frame sizes.
    const list = path.join(tmp, 'resize.txt');
    writeFileSync(
      list,
      `file '${cameraClip('wide.webm', 1)}'\nfile '${cameraClip('square.webm', 2, { source: 'color=red:s=240x240:r=10' })}'\n`,
    );
    const camera = path.join(tmp, 'resize.webm');
    ffmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', camera]);
    const output = path.join(tmp, 'resize.mp4');

    const result = await renderComposite({
      segments: [
        segment(camera, 'a', '张三', 'video', 0, 3000),
        segment(micClip('resize-mic.webm', 440, 3), 'b', '李四', 'audio', 0, 3000),
      ],
      durationMs: 3000,
      output,
    });

    // Without care, FFmpeg 5.1's pad/overlay read the square frame with the old
    // width: a green (all-zero YUV) band or bytes from beyond the frame.
    for (const x of [8, 300, 600]) {
      const strip = meanColour(output, 2.5, result.width, { x, y: 40, width: 32, height: 200 });
      expect(strip.r).toBeGreaterThan(150);
      expect(Math.max(strip.g, strip.b)).toBeLessThan(80);
    }
  });

  it('aborts: FFmpeg is killed, the promise rejects and no file is left', async () => {
    const camera = cameraClip('long-cam.webm', 20);
    const output = path.join(tmp, 'aborted.mp4');
    const controller = new AbortController();
    const abortedAt: number[] = [];

    const render = renderComposite({
      segments: [segment(camera, 'a', '张三', 'video', 0, 20_000)],
      durationMs: 20_000,
      output,
      signal: controller.signal,
      onProgress: (fraction) => {
        abortedAt.push(fraction);
        controller.abort();
      },
    });

    await expect(render).rejects.toMatchObject({ name: 'AbortError' });
    expect(abortedAt[0]).toBeLessThan(1);
    expect(existsSync(output)).toBe(false);
    expect(existsSync(`${output}.part`)).toBe(false);
  });

  it('rejects with the end of FFmpeg stderr when FFmpeg fails, leaving no file', async () => {
    const output = path.join(tmp, 'no-such-dir', 'out.mp4');
    const render = renderComposite({ segments: [], durationMs: 1000, output });

    await expect(render).rejects.toBeInstanceOf(CompositeRenderError);
    const error = (await render.catch((e: unknown) => e)) as CompositeRenderError;
    expect(error.exitCode).not.toBe(0);
    expect(error.stderrTail.length).toBeGreaterThan(0);
    expect(error.stderrTail.length).toBeLessThanOrEqual(20);
    expect(error.message).toContain('No such file or directory');
    expect(existsSync(`${output}.part`)).toBe(false);
  });

  it('lays out 1–9 tiles as a 16:9 grid of even sizes within 1280×720', () => {
    for (let n = 1; n <= 9; n++) {
      const layout = compositeLayout(n);
      expect(layout.columns).toBe(Math.ceil(Math.sqrt(n)));
      expect(layout.columns * layout.rows).toBeGreaterThanOrEqual(n);
      expect(layout.width).toBe(layout.columns * layout.tileWidth);
      expect(layout.height).toBe(layout.rows * layout.tileHeight);
      expect(layout.width).toBeLessThanOrEqual(1280);
      expect(layout.height).toBeLessThanOrEqual(720);
      expect(layout.tileWidth % 2).toBe(0);
      expect(layout.tileHeight % 2).toBe(0);
      expect(layout.tileWidth * 9).toBe(layout.tileHeight * 16);
    }
    expect(compositeLayout(1)).toMatchObject({ width: 1280, height: 720 });
    expect(() => compositeLayout(-1)).toThrow(RangeError);
  });

  it('builds one FFmpeg command: silence from anullsrc without audio, captions escaped', () => {
    const request = {
      segments: [
        segment('/rec/a-cam.webm', 'a', "O'Brien: 50% \\ [代理人], x;y", 'video', 0, 3000),
      ],
      durationMs: 3000,
      output: '/rec/out.mp4',
    };

    const args = buildCompositeArgs(request, '/fonts/cjk.ttc');
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    expect(graph).toContain('anullsrc');
    expect(graph).not.toContain('amix');
    expect(graph).toContain(
      "text=O\\\\\\'Brien\\\\: 50% \\\\\\\\ \\[代理人\\]\\, x\\;y:expansion=none",
    );
    expect(args.filter((a) => a === '-i')).toHaveLength(1);
    expect(args).toEqual(expect.arrayContaining(['-nostdin', '-progress', 'pipe:1', '-y']));
    expect(args.at(-1)).toBe('/rec/out.mp4.part');

    expect(buildCompositeArgs(request).join(' ')).not.toContain('drawtext');
    expect(() => buildCompositeArgs({ ...request, durationMs: 0 })).toThrow(RangeError);
  });
});
