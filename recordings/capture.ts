/**
 * Capture of one producer's RTP into one file: FFmpeg reads the RTP a
 * mediasoup consumer sends it (described by an SDP on its stdin) and copies
 * the packets, without re-encoding, into a Matroska/WebM file written in
 * half-second clusters, so a crash of anything leaves a file decodable up to
 * the crash. The same FFmpeg (its tee muxer) also cuts the stream into short
 * segments of their own (a video segment starts at a key frame, asked for
 * every segment length), listed in a CSV as each is finished: the caller
 * copies each finished segment off the machine, so a machine that dies with
 * its disk loses at most the segment being written. FFmpeg ends its input by itself after 10 s without packets, so
 * a capture whose source or server died still finishes its file (trailer,
 * duration, cues). FFmpeg is deliberately not tied to the server's life with
 * a parent-death signal: Linux sends that signal once per exiting thread of
 * the parent, and a second SIGINT makes FFmpeg abandon its trailer.
 * Ended on purpose, or after its source went, FFmpeg is also sent an RTCP
 * BYE: its RTP reader then ends its input at once instead of waiting for a
 * packet (a paused track sends none) or for its 10 s timeout.
 *
 * Top-level `recordings/` is the media pipeline (FFmpeg, files, no server
 * imports); the case-file side that drives it is `server/recordingService/`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { closeSync, openSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** A copy of a producer's RTP (the server's `ProducerTap`). */
export interface RtpSource {
  readonly kind: 'audio' | 'video';
  readonly rtpParameters: {
    codecs: {
      mimeType: string;
      payloadType: number;
      clockRate: number;
      channels?: number;
      parameters?: Record<string, unknown>;
    }[];
  };
  resume(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  close(): void;
  onEnded(listener: (reason: 'producer-closed' | 'router-closed') => void): void;
}

export type OpenRtpSource = (receiver: {
  ip: string;
  port: number;
  rtcpPort: number;
}) => Promise<RtpSource>;

/** Why a capture ended. */
export type CaptureEndReason =
  /** Stopped on purpose (recording stopped, consent withdrawn, caucus). */
  | 'stopped'
  /** The producer closed (the participant stopped the track or left). */
  | 'producer-closed'
  /** The media worker died. */
  | 'router-closed'
  /** FFmpeg exited by itself or was killed. */
  | 'capture-failed';

export interface CaptureEnd {
  reason: CaptureEndReason;
  endedAt: Date;
  /** FFmpeg's exit code or signal, and its last lines of output when it failed. */
  detail?: string;
}

export interface CodecInfo {
  mimeType: string;
  /** The container the stream copy goes into. */
  container: 'webm' | 'matroska';
  extension: '.webm' | '.mkv';
}

export interface CaptureLog {
  info(data: Record<string, unknown>, message: string): void;
  warn(data: Record<string, unknown>, message: string): void;
}

/** A finished segment of a capture (its file beside the capture's). */
export interface CapturedSegment {
  /** 0, 1, 2… in the order written. */
  seq: number;
  /** Full path of the segment's file. */
  file: string;
  /** Where the segment starts and ends in the capture's stream, ms. */
  startMs: number;
  endMs: number;
}

export interface SegmentOptions {
  /** Target length; a video segment can only be cut at a key frame. */
  seconds: number;
  /**
   * Called once per finished segment, in order; the capture's end (stop() and
   * the onEnded listener) waits for the promises it returns.
   */
  onSegment: (segment: CapturedSegment) => Promise<void>;
}

export interface TrackCaptureOptions {
  /** Where to write; its extension must match `containerFor(codec)`. */
  file: string;
  /** Also cut the stream into segments (`<file>.<seq>.<ext>`, listed in `<file>.segments.csv`). */
  segments?: SegmentOptions;
  source: RtpSource;
  receiver: { ip: string; port: number; rtcpPort: number };
  ffmpegPath?: string;
  log?: CaptureLog;
}

const LISTEN_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;
/** FFmpeg gives up reading after 10 s without a packet (then finishes its file). */
const INPUT_TIMEOUT_MS = 10_000;
/** Key frames asked for after resuming: the first may arrive before FFmpeg has probed. */
const KEY_FRAME_RETRIES_MS = [0, 500, 1_500, 3_000];
/** How often the list of finished segments is read. */
const SEGMENT_POLL_MS = 250;

/** The container a codec is copied into: WebM for VP8/VP9/Opus, Matroska otherwise. */
export function containerFor(mimeType: string): CodecInfo {
  const webm = ['audio/opus', 'video/vp8', 'video/vp9'].includes(mimeType.toLowerCase());
  return webm
    ? { mimeType, container: 'webm', extension: '.webm' }
    : { mimeType, container: 'matroska', extension: '.mkv' };
}

/** The SDP that tells FFmpeg what arrives on which port. */
export function captureSdp(
  source: Pick<RtpSource, 'kind' | 'rtpParameters'>,
  receiver: { ip: string; port: number; rtcpPort: number },
): string {
  const codec = source.rtpParameters.codecs.find((c) => !/\/(rtx|red|ulpfec)$/i.test(c.mimeType));
  if (!codec) throw new Error('The stream has no media codec');
  const [, name] = codec.mimeType.split('/');
  const family = receiver.ip.includes(':') ? 'IP6' : 'IP4';
  const rtpmap =
    source.kind === 'audio'
      ? `${name}/${codec.clockRate}/${codec.channels ?? 1}`
      : `${name}/${codec.clockRate}`;
  const fmtp = Object.entries(codec.parameters ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(';');
  return [
    'v=0',
    `o=- 0 0 IN ${family} ${receiver.ip}`,
    's=mediation-recording',
    `c=IN ${family} ${receiver.ip}`,
    't=0 0',
    `m=${source.kind} ${receiver.port} RTP/AVP ${codec.payloadType}`,
    `a=rtcp:${receiver.rtcpPort}`,
    `a=rtpmap:${codec.payloadType} ${rtpmap}`,
    ...(fmtp ? [`a=fmtp:${codec.payloadType} ${fmtp}`] : []),
    'a=recvonly',
    '',
  ].join('\r\n');
}

/** The primary codec's MIME type. */
export function primaryCodec(source: Pick<RtpSource, 'rtpParameters'>): string {
  const codec = source.rtpParameters.codecs.find((c) => !/\/(rtx|red|ulpfec)$/i.test(c.mimeType));
  if (!codec) throw new Error('The stream has no media codec');
  return codec.mimeType;
}

/** The name of a capture's segment `seq` (FFmpeg's pattern when `seq` is `%05d`). */
export function segmentFile(file: string, seq: number | '%05d'): string {
  const ext = path.extname(file);
  const n = seq === '%05d' ? seq : String(seq).padStart(5, '0');
  return `${file.slice(0, -ext.length)}.${n}${ext}`;
}

/** The CSV in which FFmpeg lists a capture's finished segments. */
export function segmentListFile(file: string): string {
  return `${file}.segments.csv`;
}

export function captureArgs(
  container: CodecInfo['container'],
  file: string,
  segmentSeconds?: number,
): string[] {
  const input = [
    ...['-hide_banner', '-loglevel', 'error', '-nostats', '-nostdin'],
    ...['-protocol_whitelist', 'pipe,udp,rtp', '-f', 'sdp'],
    // Reordered packets wait at most 100 ms; late ones are dropped, not fatal.
    ...['-reorder_queue_size', '64', '-max_delay', '100000'],
    ...['-analyzeduration', '5000000', '-probesize', '5000000'],
    ...['-i', 'pipe:0'],
    ...['-map', '0', '-c', 'copy'],
  ];
  if (segmentSeconds === undefined) {
    return [
      ...input,
      // Clusters of at most half a second, flushed as written: a crash loses < 0.5 s.
      ...['-cluster_time_limit', '500', '-flush_packets', '1'],
      ...['-f', container, '-y', file],
    ];
  }
  // The whole file as above, and the segments, each a file that plays from 0.
  const whole = `[f=${container}:cluster_time_limit=500:flush_packets=1]${file}`;
  const segments =
    `[f=segment:segment_format=${container}:segment_time=${segmentSeconds}` +
    `:segment_list=${segmentListFile(file)}:segment_list_type=csv:reset_timestamps=1]` +
    segmentFile(file, '%05d');
  return [...input, '-y', '-f', 'tee', `${whole}|${segments}`];
}

/**
 * An RTCP BYE (RFC 3550 §6.6) for two sources, 12 bytes: FFmpeg's RTP demuxer
 * ignores anything shorter than an RTP header, and ends its input when every
 * stream got a BYE, whoever its sources are.
 */
const RTCP_BYE = Buffer.from([0x82, 203, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0]);

/** Tells the FFmpeg listening on `receiver` that no more packets will come. */
export async function sendRtcpBye(receiver: { ip: string; rtcpPort: number }): Promise<void> {
  const socket = dgram.createSocket(receiver.ip.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.send(RTCP_BYE, receiver.rtcpPort, receiver.ip, (error) =>
        error ? reject(error) : resolve(),
      );
    });
  } finally {
    socket.close();
  }
}

/** Two consecutive free UDP ports on `ip` (RTP even, RTCP the next), found by binding. */
export async function freePortPair(ip: string): Promise<{ port: number; rtcpPort: number }> {
  const type = ip.includes(':') ? 'udp6' : 'udp4';
  for (let attempt = 0; attempt < 50; attempt++) {
    const a = dgram.createSocket(type);
    const port = await new Promise<number>((resolve, reject) => {
      a.once('error', reject);
      a.bind(0, ip, () => resolve(a.address().port));
    });
    const b = dgram.createSocket(type);
    const ok = await new Promise<boolean>((resolve) => {
      b.once('error', () => resolve(false));
      b.bind(port % 2 === 0 ? port + 1 : port - 1, ip, () => resolve(true));
    });
    a.close();
    if (ok) b.close();
    if (ok)
      return port % 2 === 0 ? { port, rtcpPort: port + 1 } : { port: port - 1, rtcpPort: port };
  }
  throw new Error('No free UDP port pair');
}

/** The last lines FFmpeg wrote to its log. */
async function tail(logFile: string): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).slice(-5).join(' | ');
}

/** Whether some process listens on a local UDP port (Linux /proc). */
export async function udpPortBound(port: number): Promise<boolean> {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      if (local?.endsWith(hex)) return true;
    }
  }
  return false;
}

/** One FFmpeg stream copy of one producer; see the module comment. */
export class TrackCapture {
  readonly file: string;
  readonly codec: CodecInfo;
  readonly startedAt: Date;
  readonly #child: ChildProcess;
  readonly #source: RtpSource;
  readonly #receiver: { ip: string; rtcpPort: number };
  readonly #exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #log: CaptureLog | undefined;
  #end: CaptureEnd | undefined;
  #onEnded: ((end: CaptureEnd) => void) | undefined;
  #stopping = false;
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #segments: SegmentOptions | undefined;
  /** Segments listed so far, and the handling of each (the caller's copy). */
  #segmentsSeen = 0;
  /** Bytes of the segment list read so far, and the look at it in progress. */
  #segmentListRead = 0;
  #segmentPolls: Promise<void> = Promise.resolve();
  #segmentWork: Promise<void> = Promise.resolve();
  #segmentPoll: NodeJS.Timeout | undefined;

  private constructor(
    options: TrackCaptureOptions,
    child: ChildProcess,
    codec: CodecInfo,
    startedAt: Date,
  ) {
    this.file = options.file;
    this.codec = codec;
    this.startedAt = startedAt;
    this.#child = child;
    this.#source = options.source;
    this.#receiver = options.receiver;
    this.#log = options.log;
    this.#segments = options.segments;
    this.#exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ code: child.exitCode, signal: child.signalCode });
      } else child.once('exit', (code, signal) => resolve({ code, signal }));
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get ended(): CaptureEnd | undefined {
    return this.#end;
  }

  /**
   * Starts FFmpeg, waits until it listens, then lets the media flow and asks
   * for key frames. Resolves with the running capture; `startedAt` is when
   * media was let through.
   */
  static async start(options: TrackCaptureOptions): Promise<TrackCapture> {
    const { source, receiver, file } = options;
    const codec = containerFor(primaryCodec(source));
    if (!file.endsWith(codec.extension)) {
      throw new Error(`A ${codec.mimeType} capture must be written to a ${codec.extension} file`);
    }
    const sdp = captureSdp(source, receiver);
    // FFmpeg's messages go to a file next to the capture, not a pipe: a pipe
    // would kill it with SIGPIPE when the server dies, before its trailer.
    const logFile = `${file}.log`;
    const log = openSync(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(
        options.ffmpegPath ?? 'ffmpeg',
        captureArgs(codec.container, file, options.segments?.seconds),
        { stdio: ['pipe', 'ignore', log] },
      );
    } finally {
      closeSync(log);
    }
    const stderr = async () => tail(logFile);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    try {
      await spawned;
      child.stdin?.end(sdp);
      const deadline = Date.now() + LISTEN_TIMEOUT_MS;
      while (!(await udpPortBound(receiver.port))) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`FFmpeg exited before listening: ${await stderr()}`);
        }
        if (Date.now() > deadline) throw new Error('FFmpeg did not start listening in time');
        await new Promise((r) => setTimeout(r, 25));
      }
      await source.resume();
    } catch (error) {
      child.kill('SIGKILL');
      source.close();
      throw error;
    }
    const capture = new TrackCapture(options, child, codec, new Date());
    capture.#watch();
    return capture;
  }

  /** Called once when the capture ends by itself (not through `stop()`). */
  onEnded(listener: (end: CaptureEnd) => void): void {
    this.#onEnded = listener;
    if (this.#end && this.#end.reason !== 'stopped') listener(this.#end);
  }

  /** Ends the capture on purpose: FFmpeg finishes the file and exits. */
  async stop(reason: CaptureEndReason = 'stopped'): Promise<CaptureEnd> {
    if (this.#end) {
      await this.#lastSegments();
      return this.#end;
    }
    this.#stopping = true;
    const end: CaptureEnd = { reason, endedAt: new Date() };
    this.#end = end;
    this.#clearTimers();
    // FFmpeg first, while packets still arrive; then the source.
    await this.#finishFfmpeg(false);
    this.#source.close();
    await this.#lastSegments();
    return end;
  }

  /**
   * Hands the segments FFmpeg has listed since the last look to the caller,
   * one after the other; a line is complete once its newline is written.
   */
  #pollSegments(): Promise<void> {
    // One look at a time: each reads on from where the last one stopped.
    this.#segmentPolls = this.#segmentPolls.then(() => this.#readSegmentList());
    return this.#segmentPolls;
  }

  /**
   * Reads the list's new complete lines only (a long recording's list is read once).
   * A look that finds the list as long as before costs one stat(); the list is
   * opened only when it grew, once per segment.
   */
  async #readSegmentList(): Promise<void> {
    const options = this.#segments;
    if (!options) return;
    const list = segmentListFile(this.file);
    let added = '';
    try {
      const { size } = await stat(list);
      if (size <= this.#segmentListRead) return;
      const handle = await open(list, 'r');
      try {
        const bytes = Buffer.alloc(size - this.#segmentListRead);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.#segmentListRead);
        added = bytes.subarray(0, bytesRead).toString('utf8');
      } finally {
        await handle.close();
      }
    } catch {
      return; // not written yet
    }
    // The part after the last newline is not finished: read again next time.
    const complete = added.slice(0, added.lastIndexOf('\n') + 1);
    this.#segmentListRead += Buffer.byteLength(complete);
    for (const line of complete.split('\n').filter(Boolean)) {
      const seq = this.#segmentsSeen++;
      const [name, start, end] = line.split(',');
      const segment: CapturedSegment = {
        seq,
        file: path.join(path.dirname(this.file), name ?? ''),
        startMs: Math.round(Number(start) * 1000),
        endMs: Math.round(Number(end) * 1000),
      };
      this.#segmentWork = this.#segmentWork.then(() =>
        options
          .onSegment(segment)
          .catch((error: unknown) =>
            this.#log?.warn({ file: segment.file, err: error }, 'segment not handed over'),
          ),
      );
    }
  }

  /** After FFmpeg exited: the segments it listed last, and the handling of every one. */
  async #lastSegments(): Promise<void> {
    clearInterval(this.#segmentPoll);
    await this.#exited;
    await this.#pollSegments();
    await this.#segmentWork;
  }

  #watch(): void {
    if (this.#source.kind === 'video') {
      for (const delay of KEY_FRAME_RETRIES_MS) {
        this.#timers.push(
          setTimeout(() => void this.#source.requestKeyFrame().catch(() => undefined), delay),
        );
      }
    }
    if (this.#segments) {
      let polling = false;
      this.#segmentPoll = setInterval(() => {
        if (polling) return;
        polling = true;
        void this.#pollSegments().finally(() => {
          polling = false;
        });
      }, SEGMENT_POLL_MS);
      // A video segment is cut at the first key frame after its length: ask for one then.
      if (this.#source.kind === 'video') {
        const every = this.#segments.seconds * 1000;
        const keyFrames = setInterval(
          () => void this.#source.requestKeyFrame().catch(() => undefined),
          every,
        );
        this.#timers.push(keyFrames);
      }
    }
    this.#source.onEnded((reason) => {
      if (this.#stopping) return;
      this.#stopping = true;
      this.#end = { reason, endedAt: new Date() };
      this.#clearTimers();
      void this.#finishFfmpeg(true)
        .then(() => this.#lastSegments())
        .then(() => this.#onEnded?.(this.#end!));
    });
    void this.#exited.then(async ({ code, signal }) => {
      if (this.#stopping) return;
      this.#stopping = true;
      this.#clearTimers();
      this.#source.close();
      const detail = `FFmpeg exited (code ${String(code)}, signal ${String(signal)}): ${await tail(
        `${this.file}.log`,
      )}`;
      this.#end = { reason: 'capture-failed', endedAt: new Date(), detail };
      this.#log?.warn({ file: this.file, code, signal }, 'capture ended unexpectedly');
      await this.#lastSegments();
      this.#onEnded?.(this.#end);
    });
  }

  /**
   * Ends FFmpeg with one SIGINT and an RTCP BYE: while packets still arrive
   * it finishes at the next one; when none arrive (a paused track, a source
   * that ended) the BYE ends its input at once. Were the BYE lost, its read
   * gives up after 10 s and it finishes then. A second SIGINT would make it
   * quit without writing its trailer, so none is sent.
   */
  async #finishFfmpeg(sourceEnded: boolean): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGINT');
      void sendRtcpBye(this.#receiver).catch((error: unknown) =>
        this.#log?.warn({ file: this.file, err: error }, 'cannot send RTCP BYE to FFmpeg'),
      );
      const timer = setTimeout(
        () => this.#child.kill('SIGKILL'),
        sourceEnded ? INPUT_TIMEOUT_MS + STOP_TIMEOUT_MS : STOP_TIMEOUT_MS,
      );
      await this.#exited;
      clearTimeout(timer);
    }
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.length = 0;
  }
}
