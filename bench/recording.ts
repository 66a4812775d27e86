/**
 * bench:recording — the CPU cost of recording a session, against FFmpeg receiving the
 * same RTP directly; and how fast the composite of a recorded session renders.
 *
 * Synthetic participants without browsers: a VP8 + Opus clip (the bench:media recipe,
 * shared cache) is replayed looped in real time by one FFmpeg per participant
 * (`-re -stream_loop -1 -c copy`, no encoding), which sends each of its two streams as
 * RTP twice: once into the service (the participant's comedia PlainTransports, its
 * producers), once straight to that stream's baseline capture FFmpeg.
 *
 * Service: the real MediationServer in-process with one worker. The participants join a
 * live session of a real case, publish, and are recorded through the RecordingService
 * (the mediator starts, the others acknowledge): per producer a mediasoup tap (plain
 * transport consumer) and a TrackCapture FFmpeg. Baseline, same run: the same FFmpeg
 * command line (`captureArgs`, `captureSdp`) per stream,
 * receiving the sender's RTP with no mediasoup and no service code. The sender's CPU is
 * counted on neither side.
 *
 * Windows: unrecorded (half), recorded (whole), unrecorded again (half), same
 * participants and senders throughout. Service cost per recorded stream-second = (its
 * capture FFmpegs' CPU over the recorded window + the worker's CPU in that window above
 * its rate in the unrecorded ones) ÷ (streams × seconds); baseline = its FFmpegs' CPU
 * over the same recorded window ÷ the same stream-seconds. Both sides are measured in the
 * same window, so load from elsewhere hits both alike.
 *
 * Then the composite: the first 60 s of the service's track files rendered with
 * renderComposite (grid + mixed audio, H.264 + AAC MP4); real-time factor = media
 * seconds ÷ wall seconds, and CPU seconds (FFmpeg and ffprobe) per media second.
 *
 *   npm run bench:recording [-- --participants 4 --window 60 --warmup 5]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RtpParameters } from 'mediasoup/node/lib/types.js';
import {
  captureArgs,
  captureSdp,
  containerFor,
  freePortPair,
  udpPortBound,
  type RtpSource,
} from '../recordings/capture.js';
import { SEGMENT_SECONDS } from '../server/recordingService/segments.js';
import { renderComposite, type CompositeSegment } from '../recordings/composite.js';
import { fileFacts, mediaFacts } from '../recordings/probe.js';
import type { Actor } from '../server/cases/access.js';
import { SqlCaseRepository } from '../server/db/SqlCaseRepository.js';
import type { LiveSession } from '../server/media/LiveSession.js';
import type { ParticipantChannel } from '../server/media/Participant.js';
import type { TrackRecord } from '../server/recordingService/model.js';
import type { SessionRole } from '../signaling/index.js';
import { caseInSession, seedStaff } from '../tests/support/cases.js';
import {
  environment,
  flag,
  message,
  out,
  round3,
  startBenchService,
  table,
  versionOf,
  withTimeout,
  CLIP,
  ensureClip,
  ffmpegVersion,
  runBounded,
  resultFile,
} from './common.js';

const RESULT_FILE = resultFile('recording');

// ---------------------------------------------------------------- parameters

const params = {
  participants: flag('participants', 4, { integer: true }),
  /** The recorded window; each unrecorded window lasts half of it. */
  windowSeconds: flag('window', 60),
  /** Unmeasured seconds once media flows, and again once every capture runs. */
  warmupSeconds: flag('warmup', 5),
  /** Media seconds of the composite render (at most what was recorded). */
  compositeSeconds: 60,
  /** A track's file may differ from its wall-clock span by this much. */
  durationToleranceMs: 1500,
};

/** The bench:media clip (same recipe, so the same cached file). */

const LISTEN_IP = '127.0.0.1';
const PKT_SIZE = 1200;
const OPUS = { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 };
const VP8 = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 };
const NAMES = ['王调解', '张三', '某某公司', '李律师', '赵六', '钱七', '孙八', '周九'];
const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system', role: 'system' };
const CLIENT = { ip: null, userAgent: null };

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

// ---------------------------------------------------------------- processes

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A process's CPU seconds from /proc: its own (utime + stime) and its waited-for children's. */
function procCpu(pid: number | 'self'): { own: number; children: number } | undefined {
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

// ---------------------------------------------------------------- the baseline captures

type Kind = 'audio' | 'video';

/** The baseline: the capture's FFmpeg command line, fed straight by the sender. */
class BaselineCapture {
  readonly #stderr: string[] = [];

  private constructor(
    readonly kind: Kind,
    readonly file: string,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      this.#stderr.push(...chunk.split('\n').filter(Boolean));
      if (this.#stderr.length > 20) this.#stderr.splice(0, this.#stderr.length - 20);
    });
  }

  static async start(kind: Kind, file: string): Promise<BaselineCapture> {
    const codec = kind === 'audio' ? OPUS : VP8;
    const source: Pick<RtpSource, 'kind' | 'rtpParameters'> = {
      kind,
      rtpParameters: { codecs: [codec] },
    };
    const receiver = { ip: LISTEN_IP, ...(await freePortPair(LISTEN_IP)) };
    // The service's command line, segments included (it also copies each into its store).
    const args = captureArgs(containerFor(codec.mimeType).container, file, SEGMENT_SECONDS);
    const child = track(
      spawn('ffmpeg', args, {
        stdio: ['pipe', 'ignore', 'pipe'],
      }),
    );
    const capture = new BaselineCapture(kind, file, receiver.port, child);
    child.stdin?.end(captureSdp(source, receiver));
    const deadline = Date.now() + 5_000;
    while (!(await udpPortBound(receiver.port))) {
      if (child.exitCode !== null) throw new Error(`baseline FFmpeg exited: ${capture.tail()}`);
      if (Date.now() > deadline) throw new Error('baseline FFmpeg did not start listening');
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

// ---------------------------------------------------------------- participants and senders

interface BenchParticipant {
  id: string;
  name: string;
  role: SessionRole;
  audioProducerId: string;
  videoProducerId: string;
  /** Where its streams go: the service's transports and the baseline's FFmpegs. */
  ports: {
    serviceAudio: number;
    serviceVideo: number;
    baselineAudio: number;
    baselineVideo: number;
  };
  ssrcs: { audio: number; video: number };
  baseline: BaselineCapture[];
  sender?: ChildProcess;
}

function roleOf(i: number): SessionRole {
  return i === 0 ? 'mediator' : i % 3 === 0 ? 'agent' : 'party';
}

function rtpOutput(map: string, pt: number, ssrc: number, port: number): string[] {
  return [
    ...['-map', map, '-c', 'copy', '-f', 'rtp', '-payload_type', String(pt)],
    ...['-ssrc', String(ssrc), '-rtpflags', 'skip_rtcp'],
    `rtp://${LISTEN_IP}:${port}?pkt_size=${PKT_SIZE}`,
  ];
}

/** One FFmpeg per participant: the clip looped in real time, each stream to both sides. */
function startSender(p: BenchParticipant, clip: string): ChildProcess {
  const { ports, ssrcs } = p;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...['-re', '-stream_loop', '-1', '-i', clip],
    ...rtpOutput('0:a:0', OPUS.payloadType, ssrcs.audio, ports.serviceAudio),
    ...rtpOutput('0:v:0', VP8.payloadType, ssrcs.video, ports.serviceVideo),
    ...rtpOutput('0:a:0', OPUS.payloadType, ssrcs.audio + 0x1000, ports.baselineAudio),
    ...rtpOutput('0:v:0', VP8.payloadType, ssrcs.video + 0x1000, ports.baselineVideo),
  ];
  const child = track(
    spawn('setpriv', ['--pdeathsig', 'SIGKILL', '--', 'ffmpeg', ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  child.once('exit', (code, signal) => {
    if (!stopping) out(`sender of ${p.id} exited (${code ?? signal})`);
  });
  return child;
}

let stopping = false;

async function stopSenders(participants: BenchParticipant[]): Promise<void> {
  stopping = true;
  await Promise.all(
    participants.map(async (p) => {
      if (!p.sender) return;
      p.sender.kill('SIGKILL');
      await exited(p.sender);
    }),
  );
}

// ---------------------------------------------------------------- measurement

interface Sample {
  at: number;
  workerCpu: number;
  workerUser: number;
  /** Capture FFmpeg pid → CPU seconds, for each side being measured. */
  service: Map<number, number>;
  baseline: Map<number, number>;
  senderCpu: number;
  benchCpu: number;
  packetsIn: number;
}

interface WindowFigures {
  name: string;
  seconds: number;
  workerCpuSeconds: number;
  /** Of which in user mode (the rest is the kernel's: mostly sending and receiving packets). */
  workerUserSeconds: number;
  /** Worker CPU ÷ wall time (1 = one core). */
  workerCpu: number;
  packetsInPerSecond: number;
  senderCpu: number;
  benchProcessCpu: number;
  loadAverage1m: number;
}

function cpuOf(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, procCpu(pid)?.own ?? Number.NaN]));
}

async function sample(
  host: { getResourceUsage(): Promise<{ ru_utime: number; ru_stime: number }> },
  session: LiveSession,
  participants: BenchParticipant[],
  servicePids: number[],
  baselinePids: number[],
): Promise<Sample> {
  const producers = participants.flatMap((p) => {
    const own = session.participant(p.id).producers;
    return [own.get(p.audioProducerId), own.get(p.videoProducerId)];
  });
  const [usage, stats] = await Promise.all([
    host.getResourceUsage(),
    Promise.all(producers.map(async (pr) => (pr ? await pr.getStats() : []))),
  ]);
  const cpu = process.cpuUsage();
  return {
    at: performance.now(),
    workerCpu: (usage.ru_utime + usage.ru_stime) / 1000,
    workerUser: usage.ru_utime / 1000,
    service: cpuOf(servicePids),
    baseline: cpuOf(baselinePids),
    senderCpu: participants.reduce((s, p) => s + (procCpu(p.sender?.pid ?? 0)?.own ?? 0), 0),
    benchCpu: (cpu.user + cpu.system) / 1e6,
    packetsIn: stats.flat().reduce((n, x) => n + x.packetCount, 0),
  };
}

function windowOf(name: string, a: Sample, b: Sample): WindowFigures {
  const seconds = (b.at - a.at) / 1000;
  const workerCpuSeconds = b.workerCpu - a.workerCpu;
  return {
    name,
    seconds,
    workerCpuSeconds,
    workerUserSeconds: b.workerUser - a.workerUser,
    workerCpu: workerCpuSeconds / seconds,
    packetsInPerSecond: (b.packetsIn - a.packetsIn) / seconds,
    senderCpu: (b.senderCpu - a.senderCpu) / seconds,
    benchProcessCpu: (b.benchCpu - a.benchCpu) / seconds,
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

/** CPU seconds each process spent between two samples; throws if one went away. */
function spent(side: string, a: Map<number, number>, b: Map<number, number>): number[] {
  return [...a].map(([pid, before]) => {
    const after = b.get(pid);
    if (after === undefined || !Number.isFinite(after) || !Number.isFinite(before))
      throw new Error(`${side} capture FFmpeg ${pid} exited during the recorded window`);
    return after - before;
  });
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const ms = (seconds: number): string => (seconds * 1000).toFixed(2);

/** Runs until `predicate` holds or `timeoutMs` passes (then throws `what`). */
async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = performance.now() + timeoutMs;
  while (!(await predicate())) {
    if (performance.now() > deadline) throw new Error(`${what} (after ${timeoutMs} ms)`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const ffmpeg = ffmpegVersion('recording');
  const clip = ensureClip();
  const n = params.participants;
  const half = params.windowSeconds / 2;
  out(
    `bench:recording — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ` +
      `Node ${process.version}, mediasoup ${versionOf('mediasoup')}, ${ffmpeg}`,
  );
  out(
    `${n} participants, each VP8 640x360@25 ~600 kbit/s + Opus 32 kbit/s (a ${CLIP.seconds} s ` +
      `clip looped by one FFmpeg -re -c copy per participant, sent to both sides); windows: ` +
      `unrecorded ${half} s, recorded ${params.windowSeconds} s, unrecorded ${half} s`,
  );

  const work = mkdtempSync(path.join(os.tmpdir(), 'mediation-bench-recording-'));
  const service = await startBenchService(
    {
      MEDIASOUP_NUM_WORKERS: '1',
      MEDIASOUP_WEBRTC_SERVER: 'false',
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
    },
    'mediation-bench-recording-data-',
  );
  const { server } = service;
  const participants: BenchParticipant[] = [];
  let serviceClosed = false;
  try {
    const host = server.pool.workers[0];
    if (!host) throw new Error('the service started no worker');
    const staff = await seedStaff(new SqlCaseRepository(server.database));
    const made = await caseInSession(server.cases, staff);
    const session = await server.sessions.getOrCreate(made.session.id, made.case.id);
    const caps = await session.rtpCapabilities();
    const channel: ParticipantChannel = { notify: () => undefined, disconnect: () => undefined };

    // Participants publish into the service; each stream also gets a baseline FFmpeg.
    for (let i = 0; i < n; i++) {
      const id = `bench-p${i}`;
      const role = roleOf(i);
      const name = NAMES[i % NAMES.length]!;
      // Server-side participants skip the waiting room, as bench:media's do.
      await session.join({ participantId: id, displayName: name, role }, caps, channel, {
        preAdmitted: true,
      });
      const send = { direction: 'send', comedia: true } as const;
      const a = await session.createPlainTransport(id, send);
      const v = await session.createPlainTransport(id, send);
      const ssrcs = { audio: 0x20000 + 2 * i, video: 0x20001 + 2 * i };
      const rtp = (codec: typeof OPUS | typeof VP8, ssrc: number): RtpParameters => ({
        codecs: [codec],
        encodings: [{ ssrc }],
        rtcp: { cname: id, reducedSize: true },
      });
      const audioProducerId = await session.produce(id, {
        transportId: a.transportId,
        kind: 'audio',
        source: 'microphone',
        rtpParameters: rtp(OPUS, ssrcs.audio),
      });
      const videoProducerId = await session.produce(id, {
        transportId: v.transportId,
        kind: 'video',
        source: 'camera',
        rtpParameters: rtp(VP8, ssrcs.video),
      });
      const ba = await BaselineCapture.start('audio', path.join(work, `${id}-audio.webm`));
      const bv = await BaselineCapture.start('video', path.join(work, `${id}-video.webm`));
      participants.push({
        id,
        name,
        role,
        audioProducerId,
        videoProducerId,
        ports: {
          serviceAudio: a.port,
          serviceVideo: v.port,
          baselineAudio: ba.port,
          baselineVideo: bv.port,
        },
        ssrcs,
        baseline: [ba, bv],
      });
    }
    for (const p of participants) p.sender = startSender(p, clip);
    const baselinePids = participants.flatMap((p) => p.baseline.map((b) => b.pid));
    const streams = 2 * n;

    await until(
      async () => {
        const stats = await Promise.all(
          participants.flatMap((p) =>
            [p.audioProducerId, p.videoProducerId].map(
              async (id) => (await session.participant(p.id).producers.get(id)?.getStats()) ?? [],
            ),
          ),
        );
        return stats.every((st) => (st[0]?.packetCount ?? 0) > 0);
      },
      15_000,
      'not every producer receives RTP',
    );
    await sleep(params.warmupSeconds * 1000);

    // ---- unrecorded window 1
    const s0 = await sample(host.worker, session, participants, [], baselinePids);
    await sleep(half * 1000);
    const s1 = await sample(host.worker, session, participants, [], baselinePids);
    const a1 = windowOf('unrecorded 1', s0, s1);

    // ---- recording: the mediator starts, the others acknowledge
    const recordStart = performance.now();
    const mediator = participants[0]!;
    const state = await server.recordings.start(session, session.participant(mediator.id), CLIENT);
    for (const p of participants.slice(1)) {
      await server.recordings.acknowledge(
        session,
        session.participant(p.id),
        state.recordingId,
        CLIENT,
      );
    }
    const tracks = async (): Promise<TrackRecord[]> =>
      (await server.recordings.detail(SYSTEM_ACTOR, made.case.id, state.recordingId)).tracks;
    await until(
      async () => (await tracks()).length >= streams,
      20_000,
      `the service did not start ${streams} captures`,
    );
    const captureStartSeconds = (performance.now() - recordStart) / 1000;
    const live = await tracks();
    const dir = server.recordings.directoryOf(state.recordingId);
    const servicePids = live.map((t) => {
      const cmdline = t.pid ? readFileSync(`/proc/${t.pid}/cmdline`, 'utf8') : '';
      if (!cmdline.includes(path.join(dir, t.file)) || !cmdline.includes('ffmpeg'))
        throw new Error(`track ${t.file}: pid ${t.pid} is not its capture FFmpeg`);
      return t.pid!;
    });
    const kindOfPid = new Map(live.map((t) => [t.pid!, t.kind]));
    out(
      `recording ${state.recordingId}: ${streams} captures running ${captureStartSeconds.toFixed(1)} s after start`,
    );
    await sleep(params.warmupSeconds * 1000);

    // ---- recorded window: both sides measured together
    const s2 = await sample(host.worker, session, participants, servicePids, baselinePids);
    await sleep(params.windowSeconds * 1000);
    const s3 = await sample(host.worker, session, participants, servicePids, baselinePids);
    const b = windowOf('recorded', s2, s3);
    const serviceSpent = spent('service', s2.service, s3.service);
    const baselineSpent = spent('baseline', s2.baseline, s3.baseline);
    const baselineA1 = spent('baseline', s0.baseline, s1.baseline);

    // Both sides stop while media still flows (the service as at shutdown: no render queued).
    const stopAt = performance.now();
    await Promise.all([
      server.recordings.close(),
      ...participants.flatMap((p) => p.baseline.map((c) => c.stop())),
    ]);
    const stopSeconds = (performance.now() - stopAt) / 1000;

    // ---- unrecorded window 2
    const s4 = await sample(host.worker, session, participants, [], []);
    await sleep(half * 1000);
    const s5 = await sample(host.worker, session, participants, [], []);
    const a2 = windowOf('unrecorded 2', s4, s5);
    await stopSenders(participants);

    // ---- figures: capture CPU per recorded stream-second
    const unrecordedRate = (a1.workerCpuSeconds + a2.workerCpuSeconds) / (a1.seconds + a2.seconds);
    const workerExtra = b.workerCpuSeconds - unrecordedRate * b.seconds;
    const unrecordedUserRate =
      (a1.workerUserSeconds + a2.workerUserSeconds) / (a1.seconds + a2.seconds);
    const workerExtraUser = b.workerUserSeconds - unrecordedUserRate * b.seconds;
    // Each producer has one tap: the packets into the producers are the packets tapped.
    const tappedPackets = s3.packetsIn - s2.packetsIn;
    const tapUsPerPacket = (workerExtra * 1e6) / tappedPackets;
    const streamSeconds = streams * b.seconds;
    const serviceFfmpeg = sum(serviceSpent);
    const baselineFfmpeg = sum(baselineSpent);
    const servicePer = (serviceFfmpeg + workerExtra) / streamSeconds;
    const baselinePer = baselineFfmpeg / streamSeconds;
    const ratio = servicePer / baselinePer;
    const byKind = (pids: number[], spentBy: number[], kindOf: (pid: number) => Kind) => {
      const per = (kind: Kind) =>
        sum(spentBy.filter((_, i) => kindOf(pids[i]!) === kind)) / (n * b.seconds);
      return { audio: per('audio'), video: per('video') };
    };
    const baselineKind = new Map(
      participants.flatMap((p) => p.baseline.map((c) => [c.pid, c.kind] as const)),
    );
    const serviceByKind = byKind(servicePids, serviceSpent, (pid) => kindOfPid.get(pid)!);
    const baselineByKind = byKind(baselinePids, baselineSpent, (pid) => baselineKind.get(pid)!);

    // ---- sanity: every capture wrote a file as long as its span
    const ended = await tracks();
    const problems: string[] = [];
    if (ended.length !== streams) problems.push(`${ended.length} tracks, expected ${streams}`);
    const trackFacts = ended.map((t) => {
      const spanMs = Date.parse(t.endedAt ?? '') - Date.parse(t.startedAt);
      const durationMs = t.durationMs ?? 0;
      const ok =
        (t.size ?? 0) > 0 &&
        t.endReason === 'recording-stopped' &&
        Math.abs(durationMs - spanMs) <= params.durationToleranceMs &&
        durationMs >= params.windowSeconds * 1000;
      if (!ok)
        problems.push(
          `track ${t.participantId} ${t.kind} ${t.file}: ${t.size ?? 0} B, ` +
            `${durationMs} ms of media for a ${spanMs} ms span, end ${t.endReason} ${t.endDetail ?? ''}`,
        );
      return {
        participantId: t.participantId,
        kind: t.kind,
        size: t.size,
        spanMs,
        durationMs,
        endReason: t.endReason,
      };
    });
    const baselineFacts = await Promise.all(
      participants.flatMap((p) =>
        p.baseline.map(async (c) => {
          const size = (await fileFacts(c.file).catch(() => ({ size: 0 }))).size;
          const { durationMs } = await mediaFacts(c.file);
          if (size === 0 || durationMs < params.windowSeconds * 1000)
            problems.push(`baseline ${p.id} ${c.kind}: ${size} B, ${durationMs} ms (${c.tail()})`);
          return { participantId: p.id, kind: c.kind, size, durationMs };
        }),
      ),
    );
    if (problems.length > 0) {
      throw new Error(`captures did not produce the expected files:\n  ${problems.join('\n  ')}`);
    }

    // ---- composite render of the service's tracks
    const detail = await server.recordings.detail(SYSTEM_ACTOR, made.case.id, state.recordingId);
    const recStart = Date.parse(detail.recording.startedAt);
    const recSpanMs = Date.parse(detail.recording.stoppedAt ?? '') - recStart;
    const mediaMs = Math.min(params.compositeSeconds * 1000, recSpanMs);
    const segments: CompositeSegment[] = ended.map((t) => ({
      file: path.join(dir, t.file),
      participantId: t.participantId,
      displayName: t.displayName,
      kind: t.kind,
      source: t.source,
      startMs: Math.max(0, Date.parse(t.startedAt) - recStart),
      endMs: Math.max(0, Date.parse(t.endedAt!) - recStart),
    }));
    const output = path.join(work, 'composite.mp4');
    const logLines: string[] = [];
    out(`rendering the composite of ${(mediaMs / 1000).toFixed(1)} s (${segments.length} tracks)…`);
    const c0 = procCpu('self')!;
    const n0 = process.cpuUsage();
    const r0 = performance.now();
    const rendered = await renderComposite({
      segments,
      durationMs: mediaMs,
      output,
      log: (msg) => logLines.push(msg),
    });
    const renderWall = (performance.now() - r0) / 1000;
    const renderChildrenCpu = procCpu('self')!.children - c0.children;
    const nodeCpu = process.cpuUsage(n0);
    const renderNodeCpu = (nodeCpu.user + nodeCpu.system) / 1e6;
    const compositeFacts = await mediaFacts(output);
    const compositeSize = (await fileFacts(output)).size;
    if (Math.abs(compositeFacts.durationMs - mediaMs) > params.durationToleranceMs)
      throw new Error(`composite lasts ${compositeFacts.durationMs} ms, expected ${mediaMs}`);
    const mediaSeconds = mediaMs / 1000;
    const rtf = mediaSeconds / renderWall;
    const renderCpuPerMedia = renderChildrenCpu / mediaSeconds;

    await service.close();
    serviceClosed = true;

    // ---- output
    out();
    table([
      [
        'window',
        'seconds',
        'worker CPU s (user)',
        'worker CPU',
        'RTP in/s',
        'sender CPU',
        'bench CPU',
        'load',
      ],
      ...[a1, b, a2].map((w) => [
        w.name,
        w.seconds.toFixed(1),
        `${w.workerCpuSeconds.toFixed(3)} (${w.workerUserSeconds.toFixed(3)})`,
        pct(w.workerCpu),
        w.packetsInPerSecond.toFixed(0),
        pct(w.senderCpu),
        pct(w.benchProcessCpu),
        w.loadAverage1m.toFixed(2),
      ]),
    ]);
    out();
    table([
      ['capture CPU over the recorded window', 'service', 'baseline'],
      [
        'streams × seconds',
        `${streams} × ${b.seconds.toFixed(1)}`,
        `${streams} × ${b.seconds.toFixed(1)}`,
      ],
      ['capture FFmpeg CPU, s', serviceFfmpeg.toFixed(3), baselineFfmpeg.toFixed(3)],
      ['worker CPU for the taps, s', workerExtra.toFixed(3), '—'],
      ['ms CPU per stream-second', ms(servicePer), ms(baselinePer)],
      ['  FFmpeg only', ms(serviceFfmpeg / streamSeconds), ms(baselinePer)],
      ['  worker taps', ms(workerExtra / streamSeconds), '—'],
      ['    of which in user mode', ms(workerExtraUser / streamSeconds), '—'],
      ['worker µs per tapped packet', tapUsPerPacket.toFixed(1), '—'],
      ['  FFmpeg, audio streams', ms(serviceByKind.audio), ms(baselineByKind.audio)],
      ['  FFmpeg, video streams', ms(serviceByKind.video), ms(baselineByKind.video)],
      ['baseline FFmpeg, unrecorded window 1', '', ms(sum(baselineA1) / (streams * a1.seconds))],
    ]);
    out();
    table([
      [
        'composite',
        'media s',
        'wall s',
        'real-time factor',
        'CPU s',
        'CPU s per media s',
        'output',
      ],
      [
        `${rendered.tiles} tiles`,
        mediaSeconds.toFixed(1),
        renderWall.toFixed(1),
        `${rtf.toFixed(2)}×`,
        renderChildrenCpu.toFixed(1),
        renderCpuPerMedia.toFixed(2),
        `${rendered.width}×${rendered.height}, ${(compositeSize / 2 ** 20).toFixed(1)} MiB`,
      ],
    ]);
    for (const line of logLines) out(`  composite log: ${line}`);
    out();
    out(
      `captures: ${streams} service tracks (${trackFacts.map((t) => (t.durationMs / 1000).toFixed(1)).join(', ')} s), ` +
        `${baselineFacts.length} baseline files; started ${captureStartSeconds.toFixed(1)} s after ` +
        `recording:start, stopped in ${stopSeconds.toFixed(1)} s`,
    );

    const seconds = (performance.now() - started) / 1000;
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    const result = {
      benchmark: 'recording',
      timestamp: new Date().toISOString(),
      parameters: { ...params, clip: CLIP, pktSize: PKT_SIZE, clkTck: CLK_TCK },
      environment: environment({ mediasoup: versionOf('mediasoup'), ffmpeg }),
      capture: {
        unit: 'CPU seconds per recorded stream-second',
        streams,
        windows: [a1, b, a2],
        service: {
          description:
            'RecordingService: per producer a mediasoup plain-transport tap and a TrackCapture ' +
            'FFmpeg; CPU = capture FFmpegs + worker CPU above its unrecorded rate',
          ffmpegCpuSeconds: round3(serviceFfmpeg),
          ffmpegCpuSecondsPerProcess: serviceSpent.map(round3),
          workerTapCpuSeconds: round3(workerExtra),
          workerUnrecordedCpuRate: unrecordedRate,
          perStreamSecond: servicePer,
          ffmpegPerStreamSecond: serviceFfmpeg / streamSeconds,
          workerPerStreamSecond: workerExtra / streamSeconds,
          workerTapUserCpuSeconds: round3(workerExtraUser),
          workerTapMicrosPerPacket: tapUsPerPacket,
          tappedPackets,
          ffmpegPerStreamSecondByKind: serviceByKind,
          captureStartSeconds,
          stopSeconds,
        },
        baseline: {
          description:
            'the same FFmpeg command line (captureArgs, captureSdp) per stream, fed ' +
            'directly by the sender; no mediasoup, no service',
          ffmpegCpuSeconds: round3(baselineFfmpeg),
          ffmpegCpuSecondsPerProcess: baselineSpent.map(round3),
          perStreamSecond: baselinePer,
          ffmpegPerStreamSecondByKind: baselineByKind,
          perStreamSecondUnrecordedWindow1: sum(baselineA1) / (streams * a1.seconds),
        },
        ratio,
        ffmpegOnlyRatio: serviceFfmpeg / streamSeconds / baselinePer,
        target: 1.2,
        tracks: trackFacts,
        baselineFiles: baselineFacts,
      },
      composite: {
        mediaSeconds,
        wallSeconds: renderWall,
        realTimeFactor: rtf,
        cpuSeconds: renderChildrenCpu,
        cpuSecondsPerMediaSecond: renderCpuPerMedia,
        nodeCpuSeconds: renderNodeCpu,
        tiles: rendered.tiles,
        width: rendered.width,
        height: rendered.height,
        outputBytes: compositeSize,
        outputDurationMs: compositeFacts.durationMs,
        log: logLines,
      },
      ratio: Number(ratio.toFixed(3)),
      ratioDefinition:
        'service capture CPU per stream-second / baseline capture CPU per stream-second',
      seconds,
    };
    await writeFile(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
    out(`results: ${path.relative(process.cwd(), RESULT_FILE)}; ${seconds.toFixed(0)} s in all`);
    out(`ratio=${ratio.toFixed(2)} (capture CPU s per stream-s, service / baseline)`);
  } finally {
    await stopSenders(participants);
    for (const p of participants) for (const c of p.baseline) await c.stop();
    if (!serviceClosed)
      await withTimeout(service.close(), 30_000, 'closing the service').catch((error: unknown) =>
        out(message(error)),
      );
    rmSync(work, { recursive: true, force: true });
  }
}

runBounded('bench:recording', 480_000, children, main);
