/**
 * bench:recording — the CPU cost of recording a session, against bare mediasoup
 * recording the same streams and against FFmpeg receiving them directly; and how fast
 * the composite of a recorded session renders.
 *
 * Synthetic participants without browsers: a VP8 + Opus clip (the bench:media recipe,
 * shared cache) is replayed looped in real time by one FFmpeg per participant
 * (`-re -stream_loop -1 -c copy`, no encoding), which sends each of its two streams as
 * RTP three times: into the service (the participant's comedia PlainTransports, its
 * producers), into bare mediasoup (the same), and straight to that stream's FFmpeg-only
 * capture.
 *
 * Service: the real MediationServer in-process with one worker. The participants join a
 * live session of a real case, publish, and are recorded through the RecordingService
 * (the mediator starts, the others acknowledge): per producer a mediasoup tap (plain
 * transport consumer) and a TrackCapture FFmpeg, each finished segment copied into the
 * segment store. Bare mediasoup, same run (recordingRigs.ts, no service code): its own
 * worker and router, the same transports and producers, and while recording per producer
 * a plain-transport consumer feeding the same FFmpeg command line (`captureArgs`,
 * `captureSdp`). FFmpeg-only, same run: that command line per stream, fed by the sender
 * with no mediasoup. The sender's CPU is counted on no side.
 *
 * Windows: unrecorded (half), recorded (whole), unrecorded again (half), same
 * participants and senders throughout. Cost per recorded stream-second of a side with a
 * worker = (its capture FFmpegs' CPU over the recorded window + its worker's CPU in that
 * window above its rate in the unrecorded ones) ÷ (streams × seconds); FFmpeg-only = its
 * FFmpegs' CPU over the same window ÷ the same stream-seconds. All sides are measured in
 * the same window, so load from elsewhere hits them alike. `ratio=` is service ÷ bare
 * mediasoup (goal ≤ 1.1); service ÷ FFmpeg-only (goal ≤ 1.2) is printed beside it. The
 * service's Node side (segment copies, records) runs in this process and is printed
 * apart, in neither ratio.
 *
 * Then the composite: the first 60 s of the service's track files rendered with
 * renderComposite (grid + mixed audio, H.264 + AAC MP4); real-time factor = media
 * seconds ÷ wall seconds, and CPU seconds (FFmpeg and ffprobe) per media second.
 *
 *   npm run bench:recording [-- --participants 4 --window 60 --warmup 5]
 *   npx vite-node bench/recording.ts --smoke   (2 participants, 3 s window: completes, figures meaningless)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RtpParameters } from 'mediasoup/node/lib/types.js';
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
import {
  BareRecorder,
  CLK_TCK,
  children,
  exited,
  FfmpegCapture,
  LISTEN_IP,
  OPUS,
  procCpu,
  track,
  VP8,
  type Kind,
} from './recordingRigs.js';

const RESULT_FILE = resultFile('recording');

// ---------------------------------------------------------------- parameters

const params = {
  participants: flag('participants', 4, { integer: true, smoke: 2 }),
  /** The recorded window; each unrecorded window lasts half of it. */
  windowSeconds: flag('window', 60, { smoke: 3 }),
  /** Unmeasured seconds once media flows, and again once every capture runs. */
  warmupSeconds: flag('warmup', 5, { smoke: 1.5 }),
  /** Media seconds of the composite render (at most what was recorded). */
  compositeSeconds: 60,
  /** A track's file may differ from its wall-clock span by this much. */
  durationToleranceMs: 1500,
};

const PKT_SIZE = 1200;
const NAMES = ['王调解', '张三', '某某公司', '李律师', '赵六', '钱七', '孙八', '周九'];
const SYSTEM_ACTOR: Actor = { kind: 'system', id: 'system', role: 'system' };
const CLIENT = { ip: null, userAgent: null };

// ---------------------------------------------------------------- participants and senders

interface BenchParticipant {
  id: string;
  name: string;
  role: SessionRole;
  audioProducerId: string;
  videoProducerId: string;
  /** Where its streams go: the service's transports, bare mediasoup's, the FFmpeg-only captures. */
  ports: {
    serviceAudio: number;
    serviceVideo: number;
    bareAudio: number;
    bareVideo: number;
    directAudio: number;
    directVideo: number;
  };
  ssrcs: { audio: number; video: number };
  /** Its FFmpeg-only captures (audio, video). */
  direct: FfmpegCapture[];
  sender?: ChildProcess;
}

function roleOf(i: number): SessionRole {
  return i === 0 ? 'mediator' : i % 3 === 0 ? 'agent' : 'party';
}

/** SSRC offsets of the copies each stream's sender sends to bare mediasoup and to FFmpeg. */
const BARE_SSRC = 0x2000;
const DIRECT_SSRC = 0x1000;

function rtpOutput(map: string, pt: number, ssrc: number, port: number): string[] {
  return [
    ...['-map', map, '-c', 'copy', '-f', 'rtp', '-payload_type', String(pt)],
    ...['-ssrc', String(ssrc), '-rtpflags', 'skip_rtcp'],
    `rtp://${LISTEN_IP}:${port}?pkt_size=${PKT_SIZE}`,
  ];
}

/** One FFmpeg per participant: the clip looped in real time, each stream to all three sides. */
function startSender(p: BenchParticipant, clip: string): ChildProcess {
  const { ports, ssrcs } = p;
  const args = [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
    ...['-re', '-stream_loop', '-1', '-i', clip],
    ...rtpOutput('0:a:0', OPUS.payloadType, ssrcs.audio, ports.serviceAudio),
    ...rtpOutput('0:v:0', VP8.payloadType, ssrcs.video, ports.serviceVideo),
    ...rtpOutput('0:a:0', OPUS.payloadType, ssrcs.audio + BARE_SSRC, ports.bareAudio),
    ...rtpOutput('0:v:0', VP8.payloadType, ssrcs.video + BARE_SSRC, ports.bareVideo),
    ...rtpOutput('0:a:0', OPUS.payloadType, ssrcs.audio + DIRECT_SSRC, ports.directAudio),
    ...rtpOutput('0:v:0', VP8.payloadType, ssrcs.video + DIRECT_SSRC, ports.directVideo),
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

type WorkerHost = { getResourceUsage(): Promise<{ ru_utime: number; ru_stime: number }> };

/** A worker's CPU seconds so far, and of them in user mode. */
async function workerCpu(worker: WorkerHost): Promise<{ cpu: number; user: number }> {
  const usage = await worker.getResourceUsage();
  return { cpu: (usage.ru_utime + usage.ru_stime) / 1000, user: usage.ru_utime / 1000 };
}

/** The capture FFmpegs measured on each side (pids). */
interface Measured {
  service: number[];
  bare: number[];
  direct: number[];
}

interface Sample {
  at: number;
  worker: { cpu: number; user: number };
  bareWorker: { cpu: number; user: number };
  /** Capture FFmpeg pid → CPU seconds, for each side being measured. */
  ffmpeg: { service: Map<number, number>; bare: Map<number, number>; direct: Map<number, number> };
  senderCpu: number;
  benchCpu: number;
  packetsIn: number;
  barePacketsIn: number;
}

interface WorkerWindow {
  cpuSeconds: number;
  /** Of which in user mode (the rest is the kernel's: mostly sending and receiving packets). */
  userSeconds: number;
  /** CPU ÷ wall time (1 = one core). */
  cpu: number;
  packetsInPerSecond: number;
}

interface WindowFigures {
  name: string;
  seconds: number;
  worker: WorkerWindow;
  bareWorker: WorkerWindow;
  senderCpu: number;
  /** This process: the service's Node side, the bare rig's, the sampling. */
  benchProcessCpu: number;
  loadAverage1m: number;
}

function cpuOf(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, procCpu(pid)?.own ?? Number.NaN]));
}

async function sample(
  host: WorkerHost,
  bare: BareRecorder,
  session: LiveSession,
  participants: BenchParticipant[],
  measured: Measured,
): Promise<Sample> {
  const producers = participants.flatMap((p) => {
    const own = session.participant(p.id).producers;
    return [own.get(p.audioProducerId), own.get(p.videoProducerId)];
  });
  const [worker, bareWorker, stats, barePacketsIn] = await Promise.all([
    workerCpu(host),
    workerCpu(bare.worker),
    Promise.all(producers.map(async (pr) => (pr ? await pr.getStats() : []))),
    bare.packetsIn(),
  ]);
  const cpu = process.cpuUsage();
  return {
    at: performance.now(),
    worker,
    bareWorker,
    ffmpeg: {
      service: cpuOf(measured.service),
      bare: cpuOf(measured.bare),
      direct: cpuOf(measured.direct),
    },
    senderCpu: participants.reduce((s, p) => s + (procCpu(p.sender?.pid ?? 0)?.own ?? 0), 0),
    benchCpu: (cpu.user + cpu.system) / 1e6,
    packetsIn: stats.flat().reduce((n, x) => n + x.packetCount, 0),
    barePacketsIn,
  };
}

function windowOf(name: string, a: Sample, b: Sample): WindowFigures {
  const seconds = (b.at - a.at) / 1000;
  const worker = (
    x: { cpu: number; user: number },
    y: { cpu: number; user: number },
    packets: number,
  ): WorkerWindow => ({
    cpuSeconds: y.cpu - x.cpu,
    userSeconds: y.user - x.user,
    cpu: (y.cpu - x.cpu) / seconds,
    packetsInPerSecond: packets / seconds,
  });
  return {
    name,
    seconds,
    worker: worker(a.worker, b.worker, b.packetsIn - a.packetsIn),
    bareWorker: worker(a.bareWorker, b.bareWorker, b.barePacketsIn - a.barePacketsIn),
    senderCpu: (b.senderCpu - a.senderCpu) / seconds,
    benchProcessCpu: (b.benchCpu - a.benchCpu) / seconds,
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
}

/**
 * CPU seconds over the recorded window above the rate of the two unrecorded ones
 * (all of it and in user mode), for the worker `pick` chooses.
 */
function extraOf(
  [a1, b, a2]: [WindowFigures, WindowFigures, WindowFigures],
  pick: (w: WindowFigures) => { cpuSeconds: number; userSeconds: number },
): { cpu: number; user: number; unrecordedRate: number } {
  const wall = a1.seconds + a2.seconds;
  const rate = (pick(a1).cpuSeconds + pick(a2).cpuSeconds) / wall;
  const userRate = (pick(a1).userSeconds + pick(a2).userSeconds) / wall;
  return {
    cpu: pick(b).cpuSeconds - rate * b.seconds,
    user: pick(b).userSeconds - userRate * b.seconds,
    unrecordedRate: rate,
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
/** a ÷ b, or NaN when b is not positive (a side measured nothing). */
const over = (a: number, b: number): number => (b > 0 ? a / b : Number.NaN);
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

/** A capture file's size and media length, and a problem when it is short or empty. */
async function checkFile(
  what: string,
  file: string,
  problems: string[],
  detail: () => string,
): Promise<{ size: number; durationMs: number }> {
  const size = (await fileFacts(file).catch(() => ({ size: 0 }))).size;
  const { durationMs } = size > 0 ? await mediaFacts(file) : { durationMs: 0 };
  if (size === 0 || durationMs < params.windowSeconds * 1000)
    problems.push(`${what}: ${size} B, ${durationMs} ms (${detail()})`);
  return { size, durationMs };
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
      `clip looped by one FFmpeg -re -c copy per participant, sent to all three sides); windows: ` +
      `unrecorded ${half} s, recorded ${params.windowSeconds} s, unrecorded ${half} s`,
  );

  const work = mkdtempSync(path.join(os.tmpdir(), 'mediation-bench-recording-'));
  const bareDir = path.join(work, 'bare');
  mkdirSync(bareDir);
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
  const bare = await BareRecorder.create();
  try {
    const host = server.pool.workers[0];
    if (!host) throw new Error('the service started no worker');
    const staff = await seedStaff(new SqlCaseRepository(server.database));
    const made = await caseInSession(server.cases, staff);
    const session = await server.sessions.getOrCreate(made.session.id, made.case.id);
    const caps = await session.rtpCapabilities();
    const channel: ParticipantChannel = { notify: () => undefined, disconnect: () => undefined };

    // Participants publish into the service and into bare mediasoup; each stream also
    // gets an FFmpeg-only capture.
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
      const bp = await bare.addParticipant(id, {
        audio: ssrcs.audio + BARE_SSRC,
        video: ssrcs.video + BARE_SSRC,
      });
      const directFile = (kind: Kind) => path.join(work, `${id}-${kind}.webm`);
      const da = await FfmpegCapture.start(
        { kind: 'audio', rtpParameters: { codecs: [OPUS] } },
        directFile('audio'),
      );
      const dv = await FfmpegCapture.start(
        { kind: 'video', rtpParameters: { codecs: [VP8] } },
        directFile('video'),
      );
      participants.push({
        id,
        name,
        role,
        audioProducerId,
        videoProducerId,
        ports: {
          serviceAudio: a.port,
          serviceVideo: v.port,
          bareAudio: bp.audio,
          bareVideo: bp.video,
          directAudio: da.receiver.port,
          directVideo: dv.receiver.port,
        },
        ssrcs,
        direct: [da, dv],
      });
    }
    for (const p of participants) p.sender = startSender(p, clip);
    const directPids = participants.flatMap((p) => p.direct.map((c) => c.pid));
    const streams = 2 * n;

    await until(
      async () => {
        const stats = await Promise.all([
          ...participants.flatMap((p) =>
            [p.audioProducerId, p.videoProducerId].map(
              async (id) => (await session.participant(p.id).producers.get(id)?.getStats()) ?? [],
            ),
          ),
          ...bare.producers.map(({ producer }) => producer.getStats()),
        ]);
        return stats.every((st) => (st[0]?.packetCount ?? 0) > 0);
      },
      15_000,
      'not every producer receives RTP',
    );
    await sleep(params.warmupSeconds * 1000);
    const at = (measured: Measured) => sample(host.worker, bare, session, participants, measured);

    // ---- unrecorded window 1
    const unrecorded: Measured = { service: [], bare: [], direct: directPids };
    const s0 = await at(unrecorded);
    await sleep(half * 1000);
    const s1 = await at(unrecorded);
    const a1 = windowOf('unrecorded 1', s0, s1);

    // ---- recording: the mediator starts, the others acknowledge; bare mediasoup's taps
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
    const bareStart = performance.now();
    await bare.startCaptures(bareDir);
    const bareStartSeconds = (performance.now() - bareStart) / 1000;
    const live = await tracks();
    const dir = server.recordings.directoryOf(state.recordingId);
    const servicePids = live.map((t) => {
      const cmdline = t.pid ? readFileSync(`/proc/${t.pid}/cmdline`, 'utf8') : '';
      if (!cmdline.includes(path.join(dir, t.file)) || !cmdline.includes('ffmpeg'))
        throw new Error(`track ${t.file}: pid ${t.pid} is not its capture FFmpeg`);
      return t.pid!;
    });
    const kindOfPid = new Map<number, Kind>(live.map((t) => [t.pid!, t.kind]));
    for (const c of bare.captures) kindOfPid.set(c.pid, c.kind);
    for (const p of participants) for (const c of p.direct) kindOfPid.set(c.pid, c.kind);
    out(
      `recording ${state.recordingId}: ${streams} captures running ` +
        `${captureStartSeconds.toFixed(1)} s after start; bare mediasoup's in ${bareStartSeconds.toFixed(1)} s`,
    );
    await sleep(params.warmupSeconds * 1000);

    // ---- recorded window: all three sides measured together
    const recording: Measured = {
      service: servicePids,
      bare: bare.captures.map((c) => c.pid),
      direct: directPids,
    };
    const s2 = await at(recording);
    await sleep(params.windowSeconds * 1000);
    const s3 = await at(recording);
    const b = windowOf('recorded', s2, s3);
    const spentBy = {
      service: spent('service', s2.ffmpeg.service, s3.ffmpeg.service),
      bare: spent('bare mediasoup', s2.ffmpeg.bare, s3.ffmpeg.bare),
      direct: spent('FFmpeg-only', s2.ffmpeg.direct, s3.ffmpeg.direct),
    };
    const directA1 = spent('FFmpeg-only', s0.ffmpeg.direct, s1.ffmpeg.direct);

    // All sides stop while media still flows (the service as at shutdown: no render queued).
    const stopAt = performance.now();
    await Promise.all([
      server.recordings.close(),
      bare.stopCaptures(),
      ...participants.flatMap((p) => p.direct.map((c) => c.stop())),
    ]);
    const stopSeconds = (performance.now() - stopAt) / 1000;

    // ---- unrecorded window 2
    const s4 = await at({ service: [], bare: [], direct: [] });
    await sleep(half * 1000);
    const s5 = await at({ service: [], bare: [], direct: [] });
    const a2 = windowOf('unrecorded 2', s4, s5);
    await stopSenders(participants);

    // ---- figures: capture CPU per recorded stream-second
    const windows: [WindowFigures, WindowFigures, WindowFigures] = [a1, b, a2];
    const workerExtra = extraOf(windows, (w) => w.worker);
    const bareExtra = extraOf(windows, (w) => w.bareWorker);
    const nodeExtra = extraOf(windows, (w) => ({
      cpuSeconds: w.benchProcessCpu * w.seconds,
      userSeconds: 0,
    }));
    // Each producer has one tap: the packets into the producers are the packets tapped.
    const tappedPackets = s3.packetsIn - s2.packetsIn;
    const bareTappedPackets = s3.barePacketsIn - s2.barePacketsIn;
    const streamSeconds = streams * b.seconds;
    const ffmpegCpu = {
      service: sum(spentBy.service),
      bare: sum(spentBy.bare),
      direct: sum(spentBy.direct),
    };
    const per = {
      service: (ffmpegCpu.service + workerExtra.cpu) / streamSeconds,
      bare: (ffmpegCpu.bare + bareExtra.cpu) / streamSeconds,
      direct: ffmpegCpu.direct / streamSeconds,
    };
    const ratio = over(per.service, per.bare);
    const ffmpegOnlyRatio = over(per.service, per.direct);
    // The service's Node side (segment list looks, segment copies, records), for the record.
    const withNode = per.service + nodeExtra.cpu / streamSeconds;
    const byKind = (side: keyof Measured) => {
      const of = (kind: Kind) =>
        sum(spentBy[side].filter((_, i) => kindOfPid.get(recording[side][i]!) === kind)) /
        (n * b.seconds);
      return { audio: of('audio'), video: of('video') };
    };
    const kinds = { service: byKind('service'), bare: byKind('bare'), direct: byKind('direct') };

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
    const sideFiles = (side: string, captures: readonly FfmpegCapture[]) =>
      Promise.all(
        captures.map(async (c) => ({
          file: path.basename(c.file),
          kind: c.kind,
          ...(await checkFile(`${side} ${path.basename(c.file)}`, c.file, problems, () =>
            c.tail(),
          )),
        })),
      );
    const bareFacts = await sideFiles('bare mediasoup', bare.captures);
    const directFacts = await sideFiles(
      'FFmpeg-only',
      participants.flatMap((p) => p.direct),
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
        'bare worker CPU s (user)',
        'bare worker CPU',
        'RTP in/s',
        'sender CPU',
        'bench CPU',
        'load',
      ],
      ...windows.map((w) => [
        w.name,
        w.seconds.toFixed(1),
        `${w.worker.cpuSeconds.toFixed(3)} (${w.worker.userSeconds.toFixed(3)})`,
        pct(w.worker.cpu),
        `${w.bareWorker.cpuSeconds.toFixed(3)} (${w.bareWorker.userSeconds.toFixed(3)})`,
        pct(w.bareWorker.cpu),
        `${w.worker.packetsInPerSecond.toFixed(0)} / ${w.bareWorker.packetsInPerSecond.toFixed(0)}`,
        pct(w.senderCpu),
        pct(w.benchProcessCpu),
        w.loadAverage1m.toFixed(2),
      ]),
    ]);
    out();
    const ss = `${streams} × ${b.seconds.toFixed(1)}`;
    table([
      ['capture CPU over the recorded window', 'service', 'bare mediasoup', 'FFmpeg only'],
      ['streams × seconds', ss, ss, ss],
      [
        'capture FFmpeg CPU, s',
        ffmpegCpu.service.toFixed(3),
        ffmpegCpu.bare.toFixed(3),
        ffmpegCpu.direct.toFixed(3),
      ],
      ['worker CPU for the taps, s', workerExtra.cpu.toFixed(3), bareExtra.cpu.toFixed(3), '—'],
      ['ms CPU per stream-second', ms(per.service), ms(per.bare), ms(per.direct)],
      [
        '  FFmpeg',
        ms(ffmpegCpu.service / streamSeconds),
        ms(ffmpegCpu.bare / streamSeconds),
        ms(per.direct),
      ],
      ['    audio streams', ms(kinds.service.audio), ms(kinds.bare.audio), ms(kinds.direct.audio)],
      ['    video streams', ms(kinds.service.video), ms(kinds.bare.video), ms(kinds.direct.video)],
      [
        '  worker taps',
        ms(workerExtra.cpu / streamSeconds),
        ms(bareExtra.cpu / streamSeconds),
        '—',
      ],
      [
        '    of which in user mode',
        ms(workerExtra.user / streamSeconds),
        ms(bareExtra.user / streamSeconds),
        '—',
      ],
      [
        'worker µs per tapped packet',
        ((workerExtra.cpu * 1e6) / tappedPackets).toFixed(1),
        ((bareExtra.cpu * 1e6) / bareTappedPackets).toFixed(1),
        '—',
      ],
      ['not in the ratios: service Node process', ms(nodeExtra.cpu / streamSeconds), '—', '—'],
      ['  with it, ms CPU per stream-second', ms(withNode), ms(per.bare), ms(per.direct)],
      ['FFmpeg-only, unrecorded window 1', '', '', ms(sum(directA1) / (streams * a1.seconds))],
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
        `${bareFacts.length} bare mediasoup and ${directFacts.length} FFmpeg-only files; ` +
        `service's started ${captureStartSeconds.toFixed(1)} s after recording:start, ` +
        `all stopped in ${stopSeconds.toFixed(1)} s`,
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
        windows,
        service: {
          description:
            'RecordingService: per producer a mediasoup plain-transport tap and a TrackCapture ' +
            'FFmpeg; CPU = capture FFmpegs + worker CPU above its unrecorded rate',
          ffmpegCpuSeconds: round3(ffmpegCpu.service),
          ffmpegCpuSecondsPerProcess: spentBy.service.map(round3),
          workerTapCpuSeconds: round3(workerExtra.cpu),
          workerTapUserCpuSeconds: round3(workerExtra.user),
          workerUnrecordedCpuRate: workerExtra.unrecordedRate,
          perStreamSecond: per.service,
          ffmpegPerStreamSecond: ffmpegCpu.service / streamSeconds,
          workerPerStreamSecond: workerExtra.cpu / streamSeconds,
          workerTapMicrosPerPacket: (workerExtra.cpu * 1e6) / tappedPackets,
          tappedPackets,
          ffmpegPerStreamSecondByKind: kinds.service,
          nodeProcessExtraCpuSeconds: round3(nodeExtra.cpu),
          nodeProcessPerStreamSecond: nodeExtra.cpu / streamSeconds,
          captureStartSeconds,
          stopSeconds,
        },
        bareMediasoup: {
          description:
            'bare mediasoup (own worker and router, the same comedia plain transports and ' +
            'producers): per producer a paused plain-transport consumer with codecs only, the ' +
            'same FFmpeg command line, resume; CPU = capture FFmpegs + worker CPU above its ' +
            'unrecorded rate',
          ffmpegCpuSeconds: round3(ffmpegCpu.bare),
          ffmpegCpuSecondsPerProcess: spentBy.bare.map(round3),
          workerTapCpuSeconds: round3(bareExtra.cpu),
          workerTapUserCpuSeconds: round3(bareExtra.user),
          workerUnrecordedCpuRate: bareExtra.unrecordedRate,
          perStreamSecond: per.bare,
          ffmpegPerStreamSecond: ffmpegCpu.bare / streamSeconds,
          workerPerStreamSecond: bareExtra.cpu / streamSeconds,
          workerTapMicrosPerPacket: (bareExtra.cpu * 1e6) / bareTappedPackets,
          tappedPackets: bareTappedPackets,
          ffmpegPerStreamSecondByKind: kinds.bare,
          startSeconds: bareStartSeconds,
          files: bareFacts,
        },
        ffmpegOnly: {
          description:
            'the same FFmpeg command line (captureArgs, captureSdp) per stream, fed ' +
            'directly by the sender; no mediasoup, no service',
          ffmpegCpuSeconds: round3(ffmpegCpu.direct),
          ffmpegCpuSecondsPerProcess: spentBy.direct.map(round3),
          perStreamSecond: per.direct,
          ffmpegPerStreamSecondByKind: kinds.direct,
          perStreamSecondUnrecordedWindow1: sum(directA1) / (streams * a1.seconds),
          files: directFacts,
        },
        ratio,
        ffmpegOnlyRatio,
        withServiceNodeProcess: {
          perStreamSecond: withNode,
          overBareMediasoup: over(withNode, per.bare),
          overFfmpegOnly: over(withNode, per.direct),
        },
        targets: { ratio: 1.1, ffmpegOnlyRatio: 1.2 },
        tracks: trackFacts,
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
        'service capture CPU per stream-second / bare-mediasoup capture CPU per stream-second',
      ffmpegOnlyRatio: Number(ffmpegOnlyRatio.toFixed(3)),
      ffmpegOnlyRatioDefinition:
        'service capture CPU per stream-second / FFmpeg-only capture CPU per stream-second',
      seconds,
    };
    await writeFile(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
    out(`results: ${path.relative(process.cwd(), RESULT_FILE)}; ${seconds.toFixed(0)} s in all`);
    out(
      `service / FFmpeg-only=${ffmpegOnlyRatio.toFixed(2)} ` +
        `(capture CPU s per stream-s; goal ≤ 1.2)`,
    );
    // A window of a few seconds (--smoke) may hold no clock tick of a side: no ratio then.
    const measurable = Number.isFinite(ratio) && ratio >= 0;
    out(
      `ratio=${measurable ? ratio.toFixed(2) : '0'} (capture CPU s per stream-s, service / bare ` +
        `mediasoup, goal ≤ 1.1${measurable ? '' : ': not measurable in so short a window'}; ` +
        `service / FFmpeg-only ${ffmpegOnlyRatio.toFixed(2)})`,
    );
  } finally {
    await stopSenders(participants);
    for (const p of participants) for (const c of p.direct) await c.stop();
    await bare.close();
    if (!serviceClosed)
      await withTimeout(service.close(), 30_000, 'closing the service').catch((error: unknown) =>
        out(message(error)),
      );
    rmSync(work, { recursive: true, force: true });
  }
}

runBounded('bench:recording', 480_000, children, main);
