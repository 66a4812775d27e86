/**
 * The composite render of a recorded mediation session: every per-track
 * segment file (one participant's one source over one wall-clock interval)
 * placed on a grid canvas at its time, every voice mixed, written as one MP4
 * for playback and review. One FFmpeg process does the whole render.
 *
 * Top-level `recordings/` is the media pipeline (FFmpeg, files, no server
 * imports); the case-file side that drives it is `server/recordingService/`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface CompositeSegment {
  /** Absolute path of the segment file (WebM or Matroska, possibly without a trailer). */
  file: string;
  participantId: string;
  /** Shown as a caption on the tile. */
  displayName: string;
  kind: 'audio' | 'video';
  source: 'microphone' | 'camera' | 'screen';
  /** Offset from the recording start (wall clock), >= 0. */
  startMs: number;
  /** Offset of its end (wall clock). */
  endMs: number;
}

export type CompositeLog = (msg: string, data?: Record<string, unknown>) => void;

export interface CompositeRequest {
  segments: CompositeSegment[];
  /** The whole recording span; the output lasts exactly this long. */
  durationMs: number;
  /** Absolute path of the MP4 to write; written as `${output}.part`, then renamed. */
  output: string;
  /** Aborting kills FFmpeg and removes the `.part` file. */
  signal?: AbortSignal;
  /** 0..1, monotonic. */
  onProgress?: (fraction: number) => void;
  /** Segments dropped as unreadable, a missing caption font, FFmpeg's complaints. */
  log?: CompositeLog;
}

export interface CompositeResult {
  output: string;
  durationMs: number;
  width: number;
  height: number;
  tiles: number;
}

export interface CompositeLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  width: number;
  height: number;
}

/** FFmpeg exited with an error (or could not start); carries the end of its stderr. */
export class CompositeRenderError extends Error {
  readonly exitCode: number | null;
  readonly stderrTail: string[];

  constructor(
    message: string,
    exitCode: number | null,
    stderrTail: string[],
    options?: { cause?: unknown },
  ) {
    super(
      stderrTail.length > 0 ? `${message}\n${stderrTail.join('\n')}` : message,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.name = 'CompositeRenderError';
    this.exitCode = exitCode;
    this.stderrTail = stderrTail;
  }
}

/** The render was aborted through its signal; named like the platform's abort errors. */
export class CompositeAbortError extends Error {
  readonly code = 'ABORT_ERR';

  constructor(reason: unknown) {
    super('the composite render was aborted', reason !== undefined ? { cause: reason } : undefined);
    this.name = 'AbortError';
  }
}

const FFMPEG = 'ffmpeg';
const FFPROBE = 'ffprobe';
const FPS = 15;
const SAMPLE_RATE = 48_000;
const MAX_WIDTH = 1280;
const MAX_HEIGHT = 720;
const STDERR_TAIL_LINES = 20;
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const PROBE_CONCURRENCY = 4;

/**
 * The grid for `tileCount` tiles: columns = ceil(sqrt(n)), every tile exactly
 * 16:9 with even sides (32k × 18k), the canvas no larger than 1280×720. An
 * empty render is laid out as one tile so it still has a picture.
 */
export function compositeLayout(tileCount: number): CompositeLayout {
  if (!Number.isInteger(tileCount) || tileCount < 0) {
    throw new RangeError(`tile count must be a non-negative integer, got ${tileCount}`);
  }
  const n = Math.max(1, tileCount);
  const columns = Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / columns);
  const unit = Math.min(Math.floor(MAX_WIDTH / columns / 32), Math.floor(MAX_HEIGHT / rows / 18));
  if (unit < 1) throw new RangeError(`too many tiles for one ${MAX_WIDTH}×${MAX_HEIGHT} canvas`);
  const tileWidth = 32 * unit;
  const tileHeight = 18 * unit;
  return {
    columns,
    rows,
    tileWidth,
    tileHeight,
    width: columns * tileWidth,
    height: rows * tileHeight,
  };
}

type TileSource = 'camera' | 'screen' | 'voice';

interface Tile {
  participantId: string;
  source: TileSource;
  caption: string;
  /** Video segments shown in this tile, by start; empty for a voice-only tile. */
  segments: CompositeSegment[];
  x: number;
  y: number;
}

interface CompositePlan {
  layout: CompositeLayout;
  tiles: Tile[];
  inputArgs: string[];
  graph: string;
  outputArgs: string[];
}

const TILE_ORDER: Record<TileSource, number> = { camera: 0, screen: 1, voice: 2 };

/** The segments that show or sound within the span, their ends clipped to it; throws on nonsense. */
function usableSegments(request: CompositeRequest): CompositeSegment[] {
  const { durationMs } = request;
  if (!Number.isFinite(durationMs) || durationMs <= 0) {
    throw new RangeError(`durationMs must be a positive number, got ${durationMs}`);
  }
  const usable: CompositeSegment[] = [];
  for (const s of request.segments) {
    if (!path.isAbsolute(s.file)) throw new RangeError(`segment file is not absolute: ${s.file}`);
    if (!Number.isFinite(s.startMs) || !Number.isFinite(s.endMs) || s.startMs < 0) {
      throw new RangeError(`segment ${s.file} has an invalid span ${s.startMs}..${s.endMs}`);
    }
    if (s.endMs < s.startMs) {
      throw new RangeError(`segment ${s.file} ends before it starts (${s.startMs}..${s.endMs})`);
    }
    const audioSource = s.source === 'microphone';
    if ((s.kind === 'audio') !== audioSource) {
      throw new RangeError(`segment ${s.file} is ${s.kind} from a ${s.source}`);
    }
    const endMs = Math.min(s.endMs, durationMs);
    if (endMs > s.startMs) usable.push({ ...s, endMs });
  }
  return usable;
}

type TileSlot = Omit<Tile, 'x' | 'y'>;

/** One tile per (participant, video source), plus one per participant heard but never seen. */
function tileSlots(segments: CompositeSegment[]): TileSlot[] {
  const firstSeen = new Map<string, { startMs: number; displayName: string }>();
  for (const s of segments) {
    const seen = firstSeen.get(s.participantId);
    if (!seen || s.startMs < seen.startMs) {
      firstSeen.set(s.participantId, { startMs: s.startMs, displayName: s.displayName });
    }
  }
  const tiles = new Map<string, TileSlot>();
  const byStart = [...segments].sort((a, b) => a.startMs - b.startMs);
  for (const s of byStart) {
    const name = firstSeen.get(s.participantId)?.displayName ?? s.participantId;
    if (s.kind === 'video') {
      const source: TileSource = s.source === 'screen' ? 'screen' : 'camera';
      const key = `${s.participantId}\u0000${source}`;
      const tile = tiles.get(key) ?? {
        participantId: s.participantId,
        source,
        caption: source === 'screen' ? `${name} · 屏幕共享` : name,
        segments: [],
      };
      tile.segments.push(s);
      tiles.set(key, tile);
    }
  }
  const seenParticipants = new Set([...tiles.values()].map((t) => t.participantId));
  for (const s of byStart) {
    if (s.kind !== 'audio' || seenParticipants.has(s.participantId)) continue;
    seenParticipants.add(s.participantId);
    const name = firstSeen.get(s.participantId)?.displayName ?? s.participantId;
    tiles.set(`${s.participantId}\u0000voice`, {
      participantId: s.participantId,
      source: 'voice',
      caption: name,
      segments: [],
    });
  }

  return [...tiles.values()].sort((a, b) => {
    const first = (t: TileSlot): number => firstSeen.get(t.participantId)?.startMs ?? 0;
    return (
      first(a) - first(b) ||
      (a.participantId < b.participantId ? -1 : a.participantId > b.participantId ? 1 : 0) ||
      TILE_ORDER[a.source] - TILE_ORDER[b.source]
    );
  });
}

/** Places the slots on the grid in reading order. */
function placeTiles(slots: TileSlot[], layout: CompositeLayout): Tile[] {
  const lastRowCount = slots.length - (layout.rows - 1) * layout.columns;
  return slots.map((tile, i) => {
    const column = i % layout.columns;
    const row = Math.floor(i / layout.columns);
    // A short last row is centred; tile widths are multiples of 32, so the offset stays even.
    const inset =
      row === layout.rows - 1 ? ((layout.columns - lastRowCount) * layout.tileWidth) / 2 : 0;
    return { ...tile, x: inset + column * layout.tileWidth, y: row * layout.tileHeight };
  });
}

/**
 * Escapes a filter option value for a filtergraph description: first for the
 * filter's own `key=value:key=value` parser, then for the graph parser, which
 * splits on `[ ] , ;`. Both honour backslash escapes.
 */
function filterValue(value: string): string {
  const option = value.replace(/[\\':]/g, '\\$&');
  return option.replace(/[\\'[\],;]/g, '\\$&');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Shortens a caption to fit `maxWidth` pixels, counting CJK glyphs as one em and others as 0.6. */
function fitCaption(text: string, fontSize: number, maxWidth: number): string {
  const clean = text.replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, ' ').trim();
  const width = (c: string): number => ((c.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : 0.6) * fontSize;
  const chars = [...clean];
  const total = chars.reduce((sum, c) => sum + width(c), 0);
  if (total <= maxWidth) return clean;
  let used = fontSize; // room for the ellipsis
  let kept = '';
  for (const c of chars) {
    used += width(c);
    if (used > maxWidth) break;
    kept += c;
  }
  return `${kept.trimEnd()}…`;
}

function captionFilter(tile: Tile, layout: CompositeLayout, font: string): string | undefined {
  const fontSize = Math.max(10, Math.round(layout.tileHeight / 16));
  const margin = Math.max(4, Math.round(fontSize / 2));
  const text = fitCaption(tile.caption, fontSize, layout.tileWidth - 4 * margin);
  if (text === '') return undefined;
  const options = [
    `fontfile=${filterValue(font)}`,
    `text=${filterValue(text)}`,
    // No %{…} expansion: a caption is shown exactly as given.
    'expansion=none',
    `fontsize=${fontSize}`,
    'fontcolor=white',
    'box=1',
    'boxcolor=black@0.55',
    `boxborderw=${Math.round(margin / 2)}`,
    `x=${tile.x + margin}`,
    `y=${filterValue(`${tile.y + layout.tileHeight - margin}-th`)}`,
  ];
  return `drawtext=${options.join(':')}`;
}

function planComposite(
  request: CompositeRequest,
  segments: CompositeSegment[],
  font: string | undefined,
): CompositePlan {
  const durationMs = request.durationMs;
  const duration = seconds(durationMs);
  const totalSamples = Math.round((durationMs * SAMPLE_RATE) / 1000);
  const slots = tileSlots(segments);
  const layout = compositeLayout(slots.length);
  const tiles = placeTiles(slots, layout);
  const { tileWidth: w, tileHeight: h } = layout;

  const inputArgs: string[] = [];
  const chains: string[] = [];
  let inputs = 0;
  const addInput = (file: string, kind: 'audio' | 'video'): number => {
    // Files cut short by a killed capture have no cues or duration and may lack
    // timestamps; cameras change resolution mid-file (scale follows, no re-init).
    inputArgs.push('-fflags', '+genpts');
    if (kind === 'video') inputArgs.push('-reinit_filter', '0');
    inputArgs.push('-i', file);
    return inputs++;
  };

  chains.push(`color=c=black:s=${layout.width}x${layout.height}:r=${FPS}:d=${duration}[v0]`);
  // Cameras change resolution mid-file. pad and overlay keep the frame size they
  // were configured with, so scale must keep its output size: with plain w/h
  // expressions evaluated once (not force_original_aspect_ratio, which re-fits
  // every new size) the fit of the first frame holds, and a later change of
  // aspect ratio is stretched into it rather than corrupting the tile.
  const fitWidth = `max(2,2*trunc(min(${w},${h}*dar)/2))`;
  const fitHeight = `max(2,2*trunc(min(${h},${w}/dar)/2))`;
  const fit = `scale=w=${filterValue(fitWidth)}:h=${filterValue(fitHeight)}:eval=init`;
  let video = 0;
  for (const tile of tiles) {
    for (const s of tile.segments) {
      const input = addInput(s.file, 'video');
      const span = seconds(s.endMs - s.startMs);
      chains.push(
        `[${input}:v:0]setpts=PTS-STARTPTS,trim=end=${span},setpts=PTS+${seconds(s.startMs)}/TB,` +
          `${fit},pad=${w}:${h}:-1:-1:color=black,setsar=1,format=yuv420p[s${input}]`,
      );
      // A camera's file ends a little before its span does (its first frame waits for a
      // key frame): its last picture stays up until the span ends, never a black tile.
      const enable = filterValue(`between(t,${seconds(s.startMs)},${seconds(s.endMs)})`);
      chains.push(
        `[v${video}][s${input}]overlay=x=${tile.x}:y=${tile.y}:eof_action=repeat:enable=${enable}` +
          `[v${video + 1}]`,
      );
      video++;
    }
  }
  const captions = font ? tiles.flatMap((tile) => captionFilter(tile, layout, font) ?? []) : [];
  chains.push(`[v${video}]${[...captions, 'format=yuv420p'].join(',')}[vout]`);

  const audio = segments.filter((s) => s.kind === 'audio').sort((a, b) => a.startMs - b.startMs);
  const mixed: string[] = [];
  for (const s of audio) {
    const input = addInput(s.file, 'audio');
    const delay = Math.round((s.startMs * SAMPLE_RATE) / 1000);
    // async=1 fills timestamp gaps (Opus DTX, lost packets) with silence so voices stay in sync.
    chains.push(
      `[${input}:a:0]asetpts=PTS-STARTPTS,aresample=${SAMPLE_RATE}:async=1:first_pts=0,` +
        `atrim=end=${seconds(s.endMs - s.startMs)},` +
        `aformat=sample_fmts=fltp:sample_rates=${SAMPLE_RATE}:channel_layouts=stereo,` +
        `adelay=${delay}S:all=1[a${input}]`,
    );
    mixed.push(`[a${input}]`);
  }
  const fitToSpan = `apad=whole_len=${totalSamples},atrim=end_sample=${totalSamples},asetpts=N/SR/TB`;
  if (mixed.length === 0) {
    chains.push(`anullsrc=r=${SAMPLE_RATE}:cl=stereo,${fitToSpan}[aout]`);
  } else {
    chains.push(
      `${mixed.join('')}amix=inputs=${mixed.length}:normalize=0:duration=longest:` +
        `dropout_transition=0,${fitToSpan}[aout]`,
    );
  }

  const outputArgs = [
    ...['-map', '[vout]', '-map', '[aout]'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
    ...['-r', String(FPS), '-fps_mode', 'cfr', '-g', String(FPS * 2)],
    ...['-c:a', 'aac', '-b:a', '128k', '-ar', String(SAMPLE_RATE), '-ac', '2'],
    ...['-t', duration, '-max_muxing_queue_size', '4096'],
    ...['-movflags', '+faststart', '-f', 'mp4', `${request.output}.part`],
  ];
  return { layout, tiles, inputArgs, graph: chains.join(';\n'), outputArgs };
}

const GLOBAL_ARGS = [
  ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats'],
  ...['-progress', 'pipe:1', '-y', '-ignore_unknown'],
];

/**
 * The FFmpeg argument list for `request`, the graph inline. Pure: every
 * segment is assumed readable. `font` is a font file for the captions; without
 * one the tiles have no captions.
 */
export function buildCompositeArgs(request: CompositeRequest, font?: string): string[] {
  const plan = planComposite(request, usableSegments(request), font);
  return [...GLOBAL_ARGS, ...plan.inputArgs, '-filter_complex', plan.graph, ...plan.outputArgs];
}

function run(
  command: string,
  args: string[],
  signal?: AbortSignal,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) },
      (error, stdout, stderr) => (error ? reject(error) : resolve({ stdout, stderr })),
    );
  });
}

/** A font file with CJK glyphs, or undefined: the known Noto path, else whatever fontconfig offers. */
async function findCaptionFont(): Promise<string | undefined> {
  if (await isFile(CJK_FONT)) return CJK_FONT;
  try {
    // fontconfig always answers with something; accept it only if it covers Simplified Chinese.
    const { stdout } = await run('fc-match', [
      '-f',
      '%{file}\n%{lang}',
      'Noto Sans CJK SC:lang=zh-cn',
    ]);
    const [file, langs = ''] = stdout.split('\n');
    if (file && langs.split('|').includes('zh-cn') && (await isFile(file))) return file;
  } catch {
    // No fontconfig: render without captions.
  }
  return undefined;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * Whether FFmpeg can read a stream of the segment's kind from its file. A
 * capture killed at its start leaves an empty or header-less file: nothing to
 * show, so the segment is left out rather than failing the whole render.
 */
async function readable(segment: CompositeSegment, signal?: AbortSignal): Promise<boolean> {
  try {
    const { stdout } = await run(
      FFPROBE,
      ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', segment.file],
      signal,
    );
    return stdout.split('\n').some((line) => line.trim() === segment.kind);
  } catch {
    if (signal?.aborted) throw new CompositeAbortError(signal.reason);
    return false;
  }
}

async function readableSegments(
  segments: CompositeSegment[],
  signal: AbortSignal | undefined,
  log: CompositeLog | undefined,
): Promise<CompositeSegment[]> {
  for (const s of segments) {
    if (!(await isFile(s.file))) throw new Error(`composite segment file is missing: ${s.file}`);
  }
  const keep = new Array<boolean>(segments.length).fill(false);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < segments.length) {
      const i = next++;
      const segment = segments[i] as CompositeSegment;
      keep[i] = await readable(segment, signal);
      if (!keep[i]) {
        log?.('composite: segment has no readable stream, left out', {
          file: segment.file,
          participantId: segment.participantId,
          kind: segment.kind,
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, segments.length) }, worker));
  return segments.filter((_, i) => keep[i]);
}

/** Keeps the last lines of a stream without holding all of it. */
class LineTail {
  private text = '';

  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-64 * 1024);
  }

  lines(count = STDERR_TAIL_LINES): string[] {
    return this.text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '')
      .slice(-count);
  }
}

/** Runs FFmpeg, reporting progress from `-progress pipe:1`; resolves on exit 0. */
function runFfmpeg(
  args: string[],
  durationMs: number,
  onProgress: ((fraction: number) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<{ warnings: string[] }> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new CompositeAbortError(signal.reason));
      return;
    }
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stderr = new LineTail();
    let stdoutRest = '';
    let reported = 0;
    let aborted = false;
    let spawnError: Error | undefined;
    const report = (fraction: number): void => {
      const clamped = Math.min(1, Math.max(0, fraction));
      if (clamped <= reported) return;
      reported = clamped;
      onProgress?.(clamped);
    };
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (stdoutRest + chunk).split('\n');
      stdoutRest = lines.pop() ?? '';
      for (const line of lines) {
        const [key, value] = line.trim().split('=', 2);
        if (key === 'out_time_us' || key === 'out_time_ms') {
          // Both are microseconds (out_time_ms is misnamed); "N/A" before the first frame.
          const us = Number(value);
          if (Number.isFinite(us)) report(us / 1000 / durationMs);
        } else if (key === 'progress' && value === 'end') {
          report(1);
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    child.on('error', (error) => {
      spawnError = error;
    });
    child.on('close', (code, killedBy) => {
      signal?.removeEventListener('abort', onAbort);
      if (aborted) {
        reject(new CompositeAbortError(signal?.reason));
      } else if (spawnError) {
        reject(
          new CompositeRenderError(`could not run ${FFMPEG}`, null, stderr.lines(), {
            cause: spawnError,
          }),
        );
      } else if (code !== 0) {
        const how = code === null ? `was killed by ${killedBy}` : `exited with code ${code}`;
        reject(new CompositeRenderError(`${FFMPEG} ${how}`, code, stderr.lines()));
      } else {
        report(1);
        resolve({ warnings: stderr.lines() });
      }
    });
  });
}

async function fsyncPath(target: string): Promise<void> {
  const handle = await open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Renders the session's segments into one MP4 at `request.output`: H.264 at
 * 15 fps and AAC 48 kHz stereo, exactly `durationMs` long. The file appears
 * only complete (written aside, synced, renamed); on failure or abort nothing
 * is left behind.
 */
export async function renderComposite(request: CompositeRequest): Promise<CompositeResult> {
  const { signal, log } = request;
  if (signal?.aborted) throw new CompositeAbortError(signal.reason);
  const part = `${request.output}.part`;
  const segments = await readableSegments(usableSegments(request), signal, log);
  const font = await findCaptionFont();
  if (!font) log?.('composite: no CJK font found, tiles have no captions', {});
  const plan = planComposite(request, segments, font);

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'composite-'));
  try {
    // A graph with many inputs outgrows a command line; FFmpeg reads it from a file.
    const script = path.join(scratch, 'graph.txt');
    await writeFile(script, plan.graph, 'utf8');
    const args = [
      ...GLOBAL_ARGS,
      ...plan.inputArgs,
      ...['-filter_complex_script', script],
      ...plan.outputArgs,
    ];
    const { warnings } = await runFfmpeg(args, request.durationMs, request.onProgress, signal);
    if (warnings.length > 0) log?.('composite: ffmpeg reported problems', { stderr: warnings });

    const { stdout } = await run(FFPROBE, [
      ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', part],
    ]);
    const seconds = Number(stdout.trim());
    await fsyncPath(part);
    await rename(part, request.output);
    await fsyncPath(path.dirname(request.output));
    return {
      output: request.output,
      durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : request.durationMs,
      width: plan.layout.width,
      height: plan.layout.height,
      tiles: plan.tiles.length,
    };
  } catch (error) {
    await rm(part, { force: true });
    throw error;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
