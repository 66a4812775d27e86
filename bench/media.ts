/**
 * bench:media — media forwarding cost of the service against bare mediasoup.
 *
 * Synthetic participants without browsers: a VP8 + Opus clip is encoded once from
 * FFmpeg's test sources and its RTP packets (FFmpeg's stream-copy RTP outputs) are
 * captured once. One sender process replays them, looped and paced by their RTP
 * timestamps, for every participant: two RTP streams, with the participant's SSRCs
 * and continuous sequence numbers and timestamps, into two comedia PlainTransports.
 * Every other participant of the room consumes both streams on its receive
 * PlainTransport, connected to a local UDP socket (the sink) that counts the RTP
 * packets and bytes it gets.
 *
 * Service: the real MediationServer in-process with one worker; synthetic
 * participants go through LiveSession's join / createPlainTransport / produce /
 * consume / resumeConsumer, so every product check and side effect (roles, active
 * speaker observer, …) is on the path. Baseline, same run: a bare mediasoup script
 * (its own worker, a router per room, plain transports, producers, consumers; no
 * service code) with the same topology, fed by the same sender.
 *
 * Both ramp side by side: each step adds a room of 4 to each, waits until every
 * stream flows plus a warm-up, then measures both over the same window, so load
 * from elsewhere on the machine hits both alike. Per rig: RTP packets into the
 * worker (producer stats), media packets delivered to the sinks and loss from their
 * sequence numbers, worker CPU (ru_utime + ru_stime deltas) over wall time. A rig
 * stops at loss > 1 %, worker CPU ≥ 80 % of a core, or the room cap; the other
 * ramps on alone. The sender's CPU and this process's CPU (the sinks) are printed
 * per step: on a small machine they, not the workers, may set the limit.
 *
 *   npm run bench:media [-- --max-rooms 60 --rooms-per-step 4 --window 5 --warmup 2]
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as mediasoup from 'mediasoup';
import type { Producer, Router, Worker } from 'mediasoup/node/lib/types.js';
import { SESSION_MEDIA_CODECS } from '../server/media/codecs.js';
import type { SessionRole } from '../signaling/index.js';
import {
  addSyntheticRoom,
  senderParameters,
  sinkCapabilities,
  type SenderSpec,
} from '../tests/support/syntheticRoom.js';
import {
  CLIP,
  ensureClip,
  ffmpegVersion,
  flag,
  message,
  out,
  startBenchService,
  withTimeout,
  runBounded,
  resultFile,
} from './common.js';
import {
  children,
  ensureCapture,
  flowing,
  LISTEN_IP,
  PKT_SIZE,
  READY_TIMEOUT_MS,
  Sender,
  Sink,
  stopChildren,
} from './rtpLoad.js';

const RESULT_FILE = resultFile('media');

// ---------------------------------------------------------------- parameters

const params = {
  roomSize: 4,
  /** Safety cap on rooms per rig; the ramp is meant to stop on loss or worker CPU first. */
  maxRooms: flag('max-rooms', 60, { integer: true }),
  /** Rooms added to each rig per step. */
  roomsPerStep: flag('rooms-per-step', 4, { integer: true }),
  /** Measured seconds per step. */
  windowSeconds: flag('window', 5),
  /** Unmeasured seconds once the new room's streams flow (steady rate). */
  warmupSeconds: flag('warmup', 2),
  lossLimit: 0.01,
  cpuLimit: 0.8,
  /** Wall-clock budget for the ramp; past it no room is added. */
  budgetSeconds: 300,
};

// ---------------------------------------------------------------- rigs

/** What a rig built for one room: its producers (stats), sinks and what to send where. */
interface RoomMedia {
  producers: Producer[];
  sinks: Sink[];
  senders: SenderSpec[];
}

interface Rig {
  name: 'service' | 'baseline';
  worker: Worker;
  addRoom(index: number): Promise<RoomMedia>;
  close(): Promise<void>;
}

const ROOM_ROLES: SessionRole[] = ['mediator', 'party', 'party', 'agent'];

/** The service: MediationServer with one worker; participants through LiveSession. */
async function serviceRig(): Promise<Rig> {
  const service = await startBenchService(
    {
      JWT_SECRET: randomBytes(32).toString('hex'),
      MEDIASOUP_NUM_WORKERS: '1',
      MEDIASOUP_LISTEN_IP: LISTEN_IP,
      MEDIASOUP_WEBRTC_SERVER: 'false',
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
    },
    'mediation-bench-media-',
  );
  const { server } = service;
  const host = server.pool.workers[0];
  if (!host) throw new Error('the service started no worker');

  return {
    name: 'service',
    worker: host.worker,
    async addRoom(index) {
      const session = await server.sessions.getOrCreate(`BENCH-S-${index}`, `BENCH-C-${index}`);
      const sinks = await Promise.all(ROOM_ROLES.map(() => Sink.open()));
      const made = await addSyntheticRoom(session, {
        prefix: `room${index}`,
        roles: ROOM_ROLES,
        sinks: sinks.map((sink) => ({ ip: LISTEN_IP, port: sink.port })),
      });
      for (const [i, sink] of sinks.entries())
        for (const x of made.sinkSsrcs[i]!) sink.ssrcs.add(x);
      const room: RoomMedia = { producers: made.producers, sinks, senders: made.senders };
      return room;
    },
    close: () => service.close(),
  };
}

/**
 * The baseline: bare mediasoup, no service code (only the same codec list). Its
 * own worker, one router per room, the same transports, producers and consumers.
 */
async function baselineRig(): Promise<Rig> {
  const worker = await mediasoup.createWorker({
    logLevel: 'warn',
    rtcMinPort: 40000,
    rtcMaxPort: 49999,
  });
  const routers: Router[] = [];
  return {
    name: 'baseline',
    worker,
    async addRoom() {
      const router = await worker.createRouter({ mediaCodecs: SESSION_MEDIA_CODECS });
      routers.push(router);
      const caps = sinkCapabilities(router);
      const listenIp = { ip: LISTEN_IP };
      const room: RoomMedia = { producers: [], sinks: [], senders: [] };
      const members = [];
      for (let i = 0; i < ROOM_ROLES.length; i++) {
        const p = senderParameters();
        const a = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: true });
        const v = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: true });
        const audio = await a.produce({ kind: 'audio', rtpParameters: p.audio });
        const video = await v.produce({ kind: 'video', rtpParameters: p.video });
        room.producers.push(audio, video);
        room.senders.push({
          audio: { port: a.tuple.localPort, ssrc: p.audioSsrc },
          video: { port: v.tuple.localPort, ssrc: p.videoSsrc },
        });
        members.push([audio, video]);
      }
      for (const mine of members) {
        const sink = await Sink.open();
        room.sinks.push(sink);
        const recv = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: false });
        await recv.connect({ ip: LISTEN_IP, port: sink.port });
        for (const theirs of members) {
          if (theirs === mine) continue;
          for (const producer of theirs) {
            const c = await recv.consume({ producerId: producer.id, rtpCapabilities: caps });
            for (const e of c.rtpParameters.encodings ?? []) if (e.ssrc) sink.ssrcs.add(e.ssrc);
          }
        }
      }
      return room;
    },
    async close() {
      for (const r of routers) r.close();
      worker.close();
    },
  };
}

// ---------------------------------------------------------------- measurement

interface Snapshot {
  at: number;
  cpuMs: number;
  /** RTP packets the producers received. */
  packetsIn: number;
  delivered: number;
  expected: number;
  bytes: number;
}

interface Step {
  rooms: number;
  seconds: number;
  packetsInPerSecond: number;
  packetsOutPerSecond: number;
  mbitOutPerSecond: number;
  /** Media packets the sinks should have received (from their sequence numbers). */
  expectedOut: number;
  /** Media packets the sinks received. */
  deliveredOut: number;
  loss: number;
  workerCpuMs: number;
  /** Worker CPU time ÷ wall time (1 = one core). */
  workerCpu: number;
  /** Worker CPU microseconds per packet delivered to a sink. */
  cpuUsPerPacket: number;
  /** The one sender process (both rigs' participants): CPU ÷ wall time, packets sent/s, worst lateness. */
  senderCpu: number;
  senderPacketsPerSecond: number;
  senderLateMaxMs: number;
  /** This bench process (sinks of both rigs, the service's Node side): CPU ÷ wall time. */
  benchProcessCpu: number;
  loadAverage1m: number;
}

/** What the window saw outside the workers, the same for both rigs. */
type Context = Pick<
  Step,
  'senderCpu' | 'senderPacketsPerSecond' | 'senderLateMaxMs' | 'benchProcessCpu' | 'loadAverage1m'
>;

interface RampState {
  rig: Rig;
  rooms: RoomMedia[];
  steps: Step[];
  /** Its participants in the sender. */
  senders: number[];
  roomsHeld: number;
  stopReason: string;
  done: boolean;
}

async function snapshot(worker: Worker, rooms: RoomMedia[]): Promise<Snapshot> {
  const [usage, stats] = await Promise.all([
    worker.getResourceUsage(),
    Promise.all(rooms.flatMap((r) => r.producers).map((p) => p.getStats())),
  ]);
  const sinks = rooms.flatMap((r) => r.sinks);
  return {
    at: performance.now(),
    cpuMs: usage.ru_utime + usage.ru_stime,
    packetsIn: stats.flat().reduce((n, x) => n + x.packetCount, 0),
    delivered: sinks.reduce((n, s) => n + s.packets, 0),
    expected: sinks.reduce((n, s) => n + s.expected, 0),
    bytes: sinks.reduce((n, s) => n + s.bytes, 0),
  };
}

function stepOf(rooms: number, a: Snapshot, b: Snapshot, context: Context): Step {
  const seconds = (b.at - a.at) / 1000;
  const deliveredOut = b.delivered - a.delivered;
  const expectedOut = b.expected - a.expected;
  const workerCpuMs = b.cpuMs - a.cpuMs;
  return {
    rooms,
    seconds,
    packetsInPerSecond: (b.packetsIn - a.packetsIn) / seconds,
    packetsOutPerSecond: deliveredOut / seconds,
    mbitOutPerSecond: ((b.bytes - a.bytes) * 8) / seconds / 1e6,
    expectedOut,
    deliveredOut,
    loss: expectedOut > 0 ? Math.max(0, 1 - deliveredOut / expectedOut) : 1,
    workerCpuMs,
    workerCpu: workerCpuMs / 1000 / seconds,
    cpuUsPerPacket: deliveredOut > 0 ? (workerCpuMs * 1000) / deliveredOut : Infinity,
    ...context,
  };
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

const TABLE_HEAD =
  'rig       rooms  pkt in/s  pkt out/s  Mbit/s out    loss  worker CPU  µs CPU/pkt' +
  '  | sender CPU  sent/s  late ms  bench CPU  load';

function row(rig: string, s: Step): string {
  return [
    rig.padEnd(8),
    String(s.rooms).padStart(7),
    s.packetsInPerSecond.toFixed(0).padStart(10),
    s.packetsOutPerSecond.toFixed(0).padStart(11),
    s.mbitOutPerSecond.toFixed(1).padStart(12),
    pct(s.loss, 2).padStart(8),
    pct(s.workerCpu).padStart(12),
    s.cpuUsPerPacket.toFixed(2).padStart(12),
    '  |',
    pct(s.senderCpu).padStart(11),
    s.senderPacketsPerSecond.toFixed(0).padStart(8),
    s.senderLateMaxMs.toFixed(0).padStart(9),
    pct(s.benchProcessCpu).padStart(11),
    s.loadAverage1m.toFixed(1).padStart(6),
  ].join('');
}

/** The sender's own CPU at or above this share of a core makes it the likely bottleneck. */
const SENDER_BUSY = 0.9;

/**
 * One step: adds `count` rooms to every rig still ramping and has the sender send
 * for them, waits until every stream flows and a warm-up, then measures all those
 * rigs over the same window, so machine load hits them alike.
 */
async function step(
  active: RampState[],
  sender: Sender,
  first: number,
  count: number,
): Promise<void> {
  const rooms = first + count - 1;
  const added: Sink[] = [];
  for (const st of active) {
    for (let index = first; index <= rooms; index++) {
      const room = await st.rig.addRoom(index);
      st.rooms.push(room);
      added.push(...room.sinks);
      st.senders.push(...sender.add(room.senders));
    }
  }
  const before = added.map(() => new Map<number, number>());
  const giveUp = performance.now() + READY_TIMEOUT_MS;
  while (!flowing(added, before) && performance.now() < giveUp) await sleep(100);
  await sleep(params.warmupSeconds * 1000);

  const sa = await sender.stats();
  const ca = process.cpuUsage();
  const a = await Promise.all(active.map((st) => snapshot(st.rig.worker, st.rooms)));
  await sleep(params.windowSeconds * 1000);
  const b = await Promise.all(active.map((st) => snapshot(st.rig.worker, st.rooms)));
  const cb = process.cpuUsage(ca);
  const sb = await sender.stats();
  const wall = (sb.at - sa.at) / 1000;
  const context: Context = {
    senderCpu: (sb.cpuUs - sa.cpuUs) / 1e6 / wall,
    senderPacketsPerSecond: (sb.sent - sa.sent) / wall,
    senderLateMaxMs: sb.lateMaxMs,
    benchProcessCpu: (cb.user + cb.system) / 1e6 / wall,
    loadAverage1m: os.loadavg()[0] ?? 0,
  };
  for (const [i, st] of active.entries()) {
    const result = stepOf(rooms, a[i]!, b[i]!, context);
    st.steps.push(result);
    out(row(st.rig.name, result));
    if (result.loss > params.lossLimit) {
      st.stopReason = `loss ${pct(result.loss, 2)} > ${pct(params.lossLimit, 0)}`;
      st.done = true;
    } else if (result.workerCpu >= params.cpuLimit) {
      st.stopReason = `worker CPU ${pct(result.workerCpu)} ≥ ${pct(params.cpuLimit, 0)} of a core`;
      st.done = true;
    } else {
      st.roomsHeld = rooms;
    }
    if (st.done && context.senderCpu >= SENDER_BUSY)
      st.stopReason += ` (sender process at ${pct(context.senderCpu)} of a core: it may be the bottleneck)`;
    // A rig that stopped stops sending; the other ramps on alone.
    if (st.done) sender.remove(st.senders);
  }
  if (context.senderCpu >= SENDER_BUSY)
    out(`  note: the sender process used ${pct(context.senderCpu)} of a core in this window`);
}

/** Worker CPU per delivered packet over the first `n` steps (CPU and packets summed). */
function cpuPerPacket(st: RampState, n: number): number {
  const steps = st.steps.slice(0, n);
  const cpuMs = steps.reduce((x, s) => x + s.workerCpuMs, 0);
  const packets = steps.reduce((x, s) => x + s.deliveredOut, 0);
  return (cpuMs * 1000) / packets;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const deadline = started + params.budgetSeconds * 1000;
  const ffmpeg = ffmpegVersion('media');
  const clip = ensureClip();
  const capture = await ensureCapture(clip);
  out(
    `bench:media — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ` +
      `mediasoup ${mediasoup.version}, ${ffmpeg}`,
  );
  out(
    `clip: ${CLIP.seconds} s VP8 640x360@25 600 kbit/s (key frame every 1 s) + Opus 32 kbit/s, ` +
      `RTP packets ≤ ${PKT_SIZE} B captured once, replayed looped; rooms of ${params.roomSize}, ` +
      `${params.roomsPerStep} more per step; window ${params.windowSeconds} s after ` +
      `${params.warmupSeconds} s warm-up; stop at loss > ${pct(params.lossLimit, 0)}, ` +
      `worker CPU ≥ ${pct(params.cpuLimit, 0)} or ${params.maxRooms} rooms`,
  );
  const rigs: RampState[] = [];
  const sender = await Sender.start(capture, CLIP.seconds);
  out('service and baseline ramp side by side, measured over the same windows\n');
  out(TABLE_HEAD);
  try {
    for (const make of [serviceRig, baselineRig]) {
      rigs.push({
        rig: await make(),
        rooms: [],
        steps: [],
        senders: [],
        roomsHeld: 0,
        stopReason: `room cap (${params.maxRooms})`,
        done: false,
      });
    }
    for (let first = 1; first <= params.maxRooms; first += params.roomsPerStep) {
      const active = rigs.filter((st) => !st.done);
      if (active.length === 0) break;
      if (performance.now() > deadline) {
        for (const st of active) st.stopReason = 'time budget';
        break;
      }
      await step(active, sender, first, Math.min(params.roomsPerStep, params.maxRooms - first + 1));
    }
  } finally {
    const teardown = performance.now();
    await stopChildren();
    for (const st of rigs) {
      for (const s of st.rooms.flatMap((r) => r.sinks)) s.close();
      // Bounded: closing many rooms must not eat the watchdog's margin.
      await withTimeout(st.rig.close(), 30_000, `closing the ${st.rig.name} rig`).catch(
        (error: unknown) => out(message(error)),
      );
    }
    out(`\nteardown ${((performance.now() - teardown) / 1000).toFixed(1)} s`);
  }
  const [service, baseline] = rigs as [RampState, RampState];

  const common = Math.min(service.steps.length, baseline.steps.length);
  const serviceUs = cpuPerPacket(service, common);
  const baselineUs = cpuPerPacket(baseline, common);
  const ratio = serviceUs / baselineUs;
  const roomsRatio = baseline.roomsHeld > 0 ? service.roomsHeld / baseline.roomsHeld : NaN;
  const perStep = Array.from({ length: common }, (_, i) => ({
    rooms: service.steps[i]!.rooms,
    ratio: service.steps[i]!.cpuUsPerPacket / baseline.steps[i]!.cpuUsPerPacket,
  }));

  out('\nservice ÷ baseline, worker CPU per forwarded packet, per step (rooms: ratio):');
  out(perStep.map((s) => `${s.rooms}: ${s.ratio.toFixed(3)}`).join('  '));
  out(
    `worker CPU per forwarded packet over the ${common} steps both measured (CPU and packets summed): ` +
      `service ${serviceUs.toFixed(2)} µs, baseline ${baselineUs.toFixed(2)} µs`,
  );

  const summary = (st: RampState) => ({
    steps: st.steps,
    roomsHeld: st.roomsHeld,
    stopReason: st.stopReason,
  });
  mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
  writeFileSync(
    RESULT_FILE,
    `${JSON.stringify(
      {
        benchmark: 'media',
        date: new Date().toISOString(),
        machine: {
          cores: os.cpus().length,
          cpu: os.cpus()[0]?.model ?? null,
          memoryGiB: Math.round(os.totalmem() / 2 ** 30),
          loadAverage: os.loadavg(),
          node: process.version,
          mediasoup: mediasoup.version,
          ffmpeg,
        },
        params: {
          ...params,
          clip: CLIP,
          pktSize: PKT_SIZE,
          sender: 'one node process replaying the captured RTP packets for all participants',
        },
        service: summary(service),
        baseline: summary(baseline),
        cpuUsPerPacket: { service: serviceUs, baseline: baselineUs, overSteps: common },
        perStepRatio: perStep,
        roomsHeld: { service: service.roomsHeld, baseline: baseline.roomsHeld, ratio: roomsRatio },
        ratio,
        seconds: (performance.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  out(`results: ${path.relative(process.cwd(), RESULT_FILE)}`);
  out(
    `rooms held: service ${service.roomsHeld} (${service.stopReason}), ` +
      `baseline ${baseline.roomsHeld} (${baseline.stopReason})`,
  );
  out(`ratio=${ratio.toFixed(3)} (service worker CPU per forwarded packet / bare mediasoup)`);
}

runBounded('bench:media', 450_000, children, main);
