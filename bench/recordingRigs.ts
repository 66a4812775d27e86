/**
 * The two baselines of bench:recording, and the process bookkeeping they share with it.
 *
 * - `FfmpegCapture`: the service's capture FFmpeg command line (`captureArgs`, segments
 *   included, and `captureSdp`) listening on a port of its own: fed straight by the
 *   sender it is the FFmpeg-only baseline; fed by a mediasoup consumer it is one capture
 *   of the bare-mediasoup pipeline.
 * - `BareRecorder`: bare mediasoup, no service code (only the same codec list): its own
 *   worker and router, two comedia PlainTransports and producers per participant like
 *   the service's, and, while recording, per producer a PlainTransport consumer (RTP and
 *   RTCP on separate ports, codecs only: what the service's taps consume) feeding an
 *   `FfmpegCapture`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as mediasoup from 'mediasoup';
import type {
  Consumer,
  PlainTransport,
  Producer,
  Router,
  RtpCapabilities,
  RtpParameters,
  Worker,
} from 'mediasoup/node/lib/types.js';
import {
  captureArgs,
  captureSdp,
  containerFor,
  freePortPair,
  udpPortBound,
  type RtpSource,
} from '../recordings/capture.js';
import { SESSION_MEDIA_CODECS } from '../server/media/codecs.js';
import { SEGMENT_SECONDS } from '../server/recordingService/segments.js';

export const LISTEN_IP = '127.0.0.1';
export const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
export const VP8 = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 };

export type Kind = 'audio' | 'video';

// ---------------------------------------------------------------- processes

export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** The benchmark's child processes, killed by `runBounded` whatever happens. */
export const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A process's CPU seconds from /proc: its own (utime + stime) and its waited-for children's. */
export function procCpu(pid: number | 'self'): { own: number; children: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const at = (field: number): number => Number(f[field - 3]);
    return { own: (at(14) + at(15)) / CLK_TCK, children: (at(16) + at(17)) / CLK_TCK };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- the capture FFmpeg

type Receiver = { ip: string; port: number; rtcpPort: number };

/** The service's capture command line on its own port; see the module comment. */
export class FfmpegCapture {
  readonly #stderr: string[] = [];

  private constructor(
    readonly kind: Kind,
    readonly file: string,
    readonly receiver: Receiver,
    readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.#stderr.push(...chunk.split('\n').filter(Boolean));
      if (this.#stderr.length > 20) this.#stderr.splice(0, this.#stderr.length - 20);
    });
  }

  /** Starts FFmpeg for `source` on `receiver` (two fresh ports if not given); resolves once it listens. */
  static async start(
    source: Pick<RtpSource, 'kind' | 'rtpParameters'>,
    file: string,
    receiver?: Receiver,
  ): Promise<FfmpegCapture> {
    const at = receiver ?? { ip: LISTEN_IP, ...(await freePortPair(LISTEN_IP)) };
    const codec = source.rtpParameters.codecs[0]!;
    // The service's command line, segments included (it also copies each into its store).
    const args = captureArgs(containerFor(codec.mimeType).container, file, SEGMENT_SECONDS);
    const child = track(spawn('ffmpeg', args, { stdio: ['pipe', 'ignore', 'pipe'] }));
    const capture = new FfmpegCapture(source.kind, file, at, child);
    child.stdin?.end(captureSdp(source, at));
    const deadline = Date.now() + 5_000;
    while (!(await udpPortBound(at.port))) {
      if (child.exitCode !== null) throw new Error(`capture FFmpeg exited: ${capture.tail()}`);
      if (Date.now() > deadline) throw new Error('capture FFmpeg did not start listening');
      await sleep(25);
    }
    return capture;
  }

  get pid(): number {
    return this.child.pid!;
  }

  tail(): string {
    return this.#stderr.slice(-5).join(' | ');
  }

  /** As TrackCapture stops: SIGINT (a second one after 300 ms), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGINT');
    const again = setTimeout(() => this.child.kill('SIGINT'), 300);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited(this.child);
    clearTimeout(again);
    clearTimeout(kill);
  }
}

// ---------------------------------------------------------------- bare mediasoup

/** What the service's taps consume: the media codecs, no RTX, no header extensions, no CC feedback. */
function codecsOnly(router: Router): RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? [])
      .filter((c) => !/\/rtx$/i.test(c.mimeType))
      .map((c) => ({
        ...c,
        rtcpFeedback: (c.rtcpFeedback ?? []).filter(
          (f) => f.type !== 'transport-cc' && f.type !== 'goog-remb',
        ),
      })),
    headerExtensions: [],
  };
}

interface BareCapture {
  transport: PlainTransport;
  consumer: Consumer;
  ffmpeg: FfmpegCapture;
}

/** Bare mediasoup recording the same streams; see the module comment. */
export class BareRecorder {
  readonly producers: { producer: Producer; kind: Kind; name: string }[] = [];
  #captures: BareCapture[] = [];

  private constructor(
    readonly worker: Worker,
    readonly router: Router,
  ) {}

  static async create(): Promise<BareRecorder> {
    const worker = await mediasoup.createWorker({
      logLevel: 'warn',
      rtcMinPort: 40000,
      rtcMaxPort: 49999,
    });
    const router = await worker.createRouter({ mediaCodecs: SESSION_MEDIA_CODECS });
    return new BareRecorder(worker, router);
  }

  /** A participant's two comedia transports and producers; resolves with the ports to send to. */
  async addParticipant(
    name: string,
    ssrcs: { audio: number; video: number },
  ): Promise<{ audio: number; video: number }> {
    const rtp = (codec: typeof OPUS | typeof VP8, ssrc: number): RtpParameters => ({
      codecs: [codec],
      encodings: [{ ssrc }],
      rtcp: { cname: name, reducedSize: true },
    });
    const ports = { audio: 0, video: 0 };
    for (const kind of ['audio', 'video'] as const) {
      const transport = await this.router.createPlainTransport({
        listenIp: { ip: LISTEN_IP },
        rtcpMux: true,
        comedia: true,
      });
      const rtpParameters = rtp(kind === 'audio' ? OPUS : VP8, ssrcs[kind]);
      const producer = await transport.produce({ kind, rtpParameters });
      this.producers.push({ producer, kind, name });
      ports[kind] = transport.tuple.localPort;
    }
    return ports;
  }

  /** RTP packets its producers received so far. */
  async packetsIn(): Promise<number> {
    const stats = await Promise.all(this.producers.map(({ producer }) => producer.getStats()));
    return stats.flat().reduce((n, x) => n + x.packetCount, 0);
  }

  /**
   * Per producer: a paused consumer on a plain transport to a fresh port pair, the
   * capture FFmpeg there, then resume and one key frame request (as the service).
   */
  async startCaptures(dir: string): Promise<void> {
    const caps = codecsOnly(this.router);
    this.#captures = await Promise.all(
      this.producers.map(async ({ producer, kind, name }) => {
        const receiver = { ip: LISTEN_IP, ...(await freePortPair(LISTEN_IP)) };
        const transport = await this.router.createPlainTransport({
          listenIp: { ip: LISTEN_IP },
          rtcpMux: false,
          comedia: false,
        });
        await transport.connect(receiver);
        const consumer = await transport.consume({
          producerId: producer.id,
          rtpCapabilities: caps,
          paused: true,
        });
        const source = { kind, rtpParameters: consumer.rtpParameters } as const;
        const file = path.join(dir, `${name}-${kind}.webm`);
        const ffmpeg = await FfmpegCapture.start(source, file, receiver);
        await consumer.resume();
        if (kind === 'video') await consumer.requestKeyFrame();
        return { transport, consumer, ffmpeg };
      }),
    );
  }

  get captures(): readonly FfmpegCapture[] {
    return this.#captures.map((c) => c.ffmpeg);
  }

  /** FFmpeg first, while packets still arrive; then the transports. */
  async stopCaptures(): Promise<void> {
    await Promise.all(this.#captures.map((c) => c.ffmpeg.stop()));
    for (const c of this.#captures) c.transport.close();
  }

  async close(): Promise<void> {
    await Promise.all(this.#captures.map((c) => c.ffmpeg.stop()));
    this.router.close();
    this.worker.close();
  }
}
