/**
 * bench:media — how many rooms of 4 one mediasoup worker holds in the service, against
 * bare mediasoup, each worker on a core of its own.
 *
 * Synthetic participants without browsers: a VP8 + Opus clip is encoded once from
 * FFmpeg's test sources and its RTP packets (FFmpeg's stream-copy RTP outputs) are
 * captured once. One sender process replays them, looped and paced by their RTP
 * timestamps, for every participant: two RTP streams, with the participant's SSRCs
 * and continuous sequence numbers and timestamps, into two comedia PlainTransports.
 * Every other participant of the room consumes both streams on its receive
 * PlainTransport, connected to a UDP socket (a sink) in the sink process, which
 * counts the RTP packets and bytes it gets and, from their sequence numbers, loss.
 *
 * Service: the real MediationServer in-process with one worker; synthetic
 * participants go through LiveSession's join / createPlainTransport / produce /
 * consume / resumeConsumer, so every product check and side effect (roles, active
 * speaker observer, …) is on the path. Baseline: a bare mediasoup script (its own
 * worker, a router per room, plain transports, producers, consumers; no service
 * code) with the same topology, fed by the same sender into the same sink process.
 *
 * Cores: the worker under test is pinned to the first allowed CPU (`taskset`, nice
 * -20 against other jobs); this process, the sender and the sink process (C,
 * bench/sink.c) to the second, so the load generator and the sinks never take the
 * worker's core. The rigs ramp in turns, a step each: during a step only that rig's
 * participants send and only its worker is on the worker core (the other's senders
 * are paused, its idle worker moved to the second CPU). Side by side, two workers on
 * one core could never reach 80 % each; one whole ramp after the other would meet
 * different load from other jobs. Without taskset or a second CPU nothing is pinned
 * (a note says so) and the figures are not the worker's limit.
 *
 * A step adds rooms, waits until every new stream flows plus a warm-up, then
 * measures `--windows` windows back to back: RTP packets sent into the worker (the
 * sender's count), media packets delivered to the sinks and loss, worker CPU (ru_utime
 * + ru_stime deltas) over wall time, and per core how busy it was (/proc/stat). The
 * step's worker CPU is the median of its windows, its loss and CPU per packet come
 * from their sums. Steps add `--rooms-per-step` rooms, fewer (down to 1) as the worker
 * nears its limit: half the rooms the CPU per room so far says are left. A step past a
 * limit is measured once more; a rig stops
 * when both are past loss > 1 % or worker CPU ≥ 80 % of a core, or at the room cap;
 * `rooms held` is its last step within both limits. The last line is `ratio=`
 * service rooms held ÷ baseline rooms held.
 *
 * `--baseline-observer` gives the baseline's routers the service's active speaker
 * observer too, to see what it costs.
 *
 *   npm run bench:media [-- --max-rooms 200 --rooms-per-step 8 --window 3 --windows 3
 *                          --warmup 2 --budget 720 --baseline-observer]
 *   npx vite-node bench/media.ts --smoke     (2 rooms per rig, seconds)
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
  environment,
  ffmpegVersion,
  flag,
  median,
  message,
  out,
  startBenchService,
  withTimeout,
  runBounded,
  resultFile,
  SMOKE,
} from './common.js';
import { cpuBusy, cpuPinning, cpuTimes, type CpuPinning } from './cpuBudget.js';
import {
  children,
  ensureCapture,
  LISTEN_IP,
  PKT_SIZE,
  READY_TIMEOUT_MS,
  Sender,
  SinkProcess,
  stopChildren,
} from './rtpLoad.js';

const RESULT_FILE = resultFile('media');

// ---------------------------------------------------------------- parameters

const params = {
  roomSize: 4,
  /** Safety cap on rooms per rig; the ramp is meant to stop on loss or worker CPU first. */
  maxRooms: flag('max-rooms', 200, { integer: true, smoke: 2 }),
  /** Most rooms added per step (fewer near the limit). */
  roomsPerStep: flag('rooms-per-step', 8, { integer: true, smoke: 1 }),
  /** Seconds per measured window. */
  windowSeconds: flag('window', 3, { smoke: 1 }),
  /**
   * Windows per step: the step's worker CPU is their median, its loss and CPU per packet
   * their sums, so one window disturbed by another job moves neither the limit nor the ratio.
   */
  windows: flag('windows', 3, { integer: true, smoke: 1 }),
  /** Unmeasured seconds once the new rooms' streams flow (steady rate). */
  warmupSeconds: flag('warmup', 2, { smoke: 0.5 }),
  lossLimit: 0.01,
  cpuLimit: 0.8,
  /** Wall-clock budget for the ramps (both rigs, in turns); past it no room is added. */
  budgetSeconds: flag('budget', 720, { smoke: 30 }),
  /**
   * The baseline's routers also get an active speaker observer over their audio producers,
   * as the service's do: isolates what the observer costs (`--baseline-observer`).
   */
  baselineObserver: process.argv.slice(2).includes('--baseline-observer'),
};

/** The whole run, setup to teardown of both rigs. */
const WATCHDOG_MS = 15 * 60_000;

/** The sender, the sinks and this process using this much of the load core may be the bottleneck. */
const LOAD_SIDE_BUSY = 0.8;
/** A sender this late (ms behind a packet's due time) may be the bottleneck. */
const SENDER_LATE_MS = 200;

// ---------------------------------------------------------------- rigs

/** What a rig built for one room: its producers, sinks and what to send where. */
interface RoomMedia {
  producers: Producer[];
  sinkIds: number[];
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
async function serviceRig(sinks: SinkProcess): Promise<Rig> {
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
      const opened = await sinks.open(ROOM_ROLES.length);
      const made = await addSyntheticRoom(session, {
        prefix: `room${index}`,
        roles: ROOM_ROLES,
        sinks: opened.map((sink) => ({ ip: LISTEN_IP, port: sink.port })),
      });
      await sinks.watch(opened.map((sink, i) => [sink.id, made.sinkSsrcs[i]!]));
      return { producers: made.producers, sinkIds: opened.map((s) => s.id), senders: made.senders };
    },
    close: () => service.close(),
  };
}

/**
 * The baseline: bare mediasoup, no service code (only the same codec list). Its
 * own worker, one router per room, the same transports, producers and consumers.
 */
async function baselineRig(sinks: SinkProcess): Promise<Rig> {
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
      // The service's interval (server/media/SessionRouter.ts).
      const observer = params.baselineObserver
        ? await router.createActiveSpeakerObserver({ interval: 300 })
        : undefined;
      const caps = sinkCapabilities(router);
      const listenIp = { ip: LISTEN_IP };
      const room: RoomMedia = { producers: [], sinkIds: [], senders: [] };
      const members = [];
      for (let i = 0; i < ROOM_ROLES.length; i++) {
        const p = senderParameters();
        const a = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: true });
        const v = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: true });
        const audio = await a.produce({ kind: 'audio', rtpParameters: p.audio });
        const video = await v.produce({ kind: 'video', rtpParameters: p.video });
        await observer?.addProducer({ producerId: audio.id });
        room.producers.push(audio, video);
        room.senders.push({
          audio: { port: a.tuple.localPort, ssrc: p.audioSsrc },
          video: { port: v.tuple.localPort, ssrc: p.videoSsrc },
        });
        members.push([audio, video]);
      }
      const opened = await sinks.open(members.length);
      const watch: [number, number[]][] = [];
      for (const [m, mine] of members.entries()) {
        const sink = opened[m]!;
        const ssrcs: number[] = [];
        const recv = await router.createPlainTransport({ listenIp, rtcpMux: true, comedia: false });
        await recv.connect({ ip: LISTEN_IP, port: sink.port });
        for (const theirs of members) {
          if (theirs === mine) continue;
          for (const producer of theirs) {
            const c = await recv.consume({ producerId: producer.id, rtpCapabilities: caps });
            for (const e of c.rtpParameters.encodings ?? []) if (e.ssrc) ssrcs.push(e.ssrc);
          }
        }
        watch.push([sink.id, ssrcs]);
        room.sinkIds.push(sink.id);
      }
      await sinks.watch(watch);
      return room;
    },
    async close() {
      for (const r of routers) r.close();
      worker.close();
    },
  };
}

// ---------------------------------------------------------------- measurement

/** The load side: one sender, one sink process, where the processes run. */
interface Load {
  sender: Sender;
  sinks: SinkProcess;
  pinning: CpuPinning | undefined;
}

interface Snapshot {
  at: number;
  cpuMs: number;
  delivered: number;
  expected: number;
  bytes: number;
  /** Consumers whose streams the sinks watch. */
  streams: number;
  sinkCpuUs: number;
}

interface Step {
  rooms: number;
  /** Consumers on the worker (streams the sinks watch). */
  consumers: number;
  seconds: number;
  /** RTP packets sent into the worker (only this rig's participants send during its step). */
  packetsInPerSecond: number;
  packetsOutPerSecond: number;
  mbitOutPerSecond: number;
  /** Media packets the sinks should have received (from their sequence numbers). */
  expectedOut: number;
  /** Media packets the sinks received. */
  deliveredOut: number;
  loss: number;
  workerCpuMs: number;
  /** Worker CPU time ÷ wall time (1 = one core): the median of the step's windows. */
  workerCpu: number;
  /** Worker CPU time ÷ wall time of each window. */
  windowWorkerCpu: number[];
  /** Worker CPU microseconds per packet delivered to a sink. */
  cpuUsPerPacket: number;
  /** The sender process: CPU ÷ wall time, packets sent/s, worst lateness. */
  senderCpu: number;
  senderPacketsPerSecond: number;
  senderLateMaxMs: number;
  /** The sink process: CPU ÷ wall time. */
  sinkCpu: number;
  /** This bench process (the service's or the baseline's Node side): CPU ÷ wall time. */
  benchProcessCpu: number;
  /** Per CPU, busy share over the window (all processes on the machine). */
  coreBusy: number[];
  loadAverage1m: number;
  /** A second window at the same rooms, after the first was past a limit. */
  remeasured: boolean;
}

interface RampState {
  rig: Rig;
  rooms: RoomMedia[];
  steps: Step[];
  /** Its participants in the sender. */
  senders: number[];
  roomsHeld: number;
  consumersHeld: number;
  stopReason: string;
  done: boolean;
  /** Its rooms are closed. */
  closed: boolean;
  /** Seconds spent on its steps. */
  seconds: number;
  /** Its steps (each with its windows, and any measured once more). */
  turns: number;
}

/**
 * What the sinks received and the worker's CPU time, read back to back. (No stats per
 * producer: hundreds of requests would queue behind a busy worker, load it, and
 * stretch the window between the two readings.)
 */
async function snapshot(worker: Worker, sinkIds: number[], sinks: SinkProcess): Promise<Snapshot> {
  const t = await sinks.totals(sinkIds);
  const usage = await worker.getResourceUsage();
  return {
    at: performance.now(),
    cpuMs: usage.ru_utime + usage.ru_stime,
    delivered: t.packets,
    expected: t.expected,
    bytes: t.bytes,
    streams: t.streams,
    sinkCpuUs: t.cpuUs,
  };
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

const TABLE_HEAD =
  'rig       rooms  consumers  pkt in/s  pkt out/s  Mbit/s    loss  worker CPU  µs CPU/pkt' +
  '  | sender  sinks  bench  late ms  core busy  load';

function row(rig: string, s: Step): string {
  return [
    rig.padEnd(8),
    String(s.rooms).padStart(7),
    String(s.consumers).padStart(11),
    s.packetsInPerSecond.toFixed(0).padStart(10),
    s.packetsOutPerSecond.toFixed(0).padStart(11),
    s.mbitOutPerSecond.toFixed(1).padStart(8),
    pct(s.loss, 2).padStart(8),
    pct(s.workerCpu).padStart(12),
    s.cpuUsPerPacket.toFixed(2).padStart(12),
    '  |',
    pct(s.senderCpu, 0).padStart(7),
    pct(s.sinkCpu, 0).padStart(7),
    pct(s.benchProcessCpu, 0).padStart(7),
    s.senderLateMaxMs.toFixed(0).padStart(9),
    s.coreBusy
      .map((b) => pct(b, 0))
      .join(' ')
      .padStart(11),
    s.loadAverage1m.toFixed(1).padStart(6),
  ].join('');
}

/** Waits until every stream of these sinks has delivered a few packets (or gives up). */
async function untilFlowing(sinks: SinkProcess, ids: number[]): Promise<void> {
  const giveUp = performance.now() + READY_TIMEOUT_MS;
  while (!(await sinks.flowing(ids)) && performance.now() < giveUp) await sleep(100);
}

/** Measures one rig over one window (its worker, its sinks, the load side, the cores). */
async function measure(st: RampState, load: Load): Promise<Step> {
  const { sender, sinks } = load;
  const sa = await sender.stats();
  const ca = process.cpuUsage();
  const ta = cpuTimes();
  const sinkIds = st.rooms.flatMap((r) => r.sinkIds);
  const a = await snapshot(st.rig.worker, sinkIds, sinks);
  await sleep(params.windowSeconds * 1000);
  const b = await snapshot(st.rig.worker, sinkIds, sinks);
  const tb = cpuTimes();
  const cb = process.cpuUsage(ca);
  const sb = await sender.stats();
  const wall = (sb.at - sa.at) / 1000;
  const seconds = (b.at - a.at) / 1000;
  const deliveredOut = b.delivered - a.delivered;
  const expectedOut = b.expected - a.expected;
  const workerCpuMs = b.cpuMs - a.cpuMs;
  return {
    rooms: st.rooms.length,
    consumers: b.streams,
    seconds,
    packetsInPerSecond: (sb.sent - sa.sent) / wall,
    packetsOutPerSecond: deliveredOut / seconds,
    mbitOutPerSecond: ((b.bytes - a.bytes) * 8) / seconds / 1e6,
    expectedOut,
    deliveredOut,
    loss: expectedOut > 0 ? Math.max(0, 1 - deliveredOut / expectedOut) : 1,
    workerCpuMs,
    workerCpu: workerCpuMs / 1000 / seconds,
    windowWorkerCpu: [workerCpuMs / 1000 / seconds],
    cpuUsPerPacket: deliveredOut > 0 ? (workerCpuMs * 1000) / deliveredOut : Infinity,
    senderCpu: (sb.cpuUs - sa.cpuUs) / 1e6 / wall,
    senderPacketsPerSecond: (sb.sent - sa.sent) / wall,
    senderLateMaxMs: sb.lateMaxMs,
    sinkCpu: (b.sinkCpuUs - a.sinkCpuUs) / 1e6 / seconds,
    benchProcessCpu: (cb.user + cb.system) / 1e6 / wall,
    coreBusy: cpuBusy(ta, tb),
    loadAverage1m: os.loadavg()[0] ?? 0,
    remeasured: false,
  };
}

/**
 * A step from its windows: worker CPU is their median (one window disturbed by another
 * job on the machine does not move it); loss and CPU per packet come from their sums;
 * rates and the load side's shares are averaged over time.
 */
function combine(windows: Step[]): Step {
  const last = windows.at(-1)!;
  const seconds = windows.reduce((x, w) => x + w.seconds, 0);
  const timed = (f: (w: Step) => number): number =>
    windows.reduce((x, w) => x + f(w) * w.seconds, 0) / seconds;
  const sum = (f: (w: Step) => number): number => windows.reduce((x, w) => x + f(w), 0);
  const expectedOut = sum((w) => w.expectedOut);
  const deliveredOut = sum((w) => w.deliveredOut);
  const workerCpuMs = sum((w) => w.workerCpuMs);
  const windowWorkerCpu = windows.flatMap((w) => w.windowWorkerCpu);
  return {
    ...last,
    seconds,
    packetsInPerSecond: timed((w) => w.packetsInPerSecond),
    packetsOutPerSecond: timed((w) => w.packetsOutPerSecond),
    mbitOutPerSecond: timed((w) => w.mbitOutPerSecond),
    expectedOut,
    deliveredOut,
    loss: expectedOut > 0 ? Math.max(0, 1 - deliveredOut / expectedOut) : 1,
    workerCpuMs,
    workerCpu: median(windowWorkerCpu),
    windowWorkerCpu,
    cpuUsPerPacket: deliveredOut > 0 ? (workerCpuMs * 1000) / deliveredOut : Infinity,
    senderCpu: timed((w) => w.senderCpu),
    senderPacketsPerSecond: timed((w) => w.senderPacketsPerSecond),
    senderLateMaxMs: Math.max(...windows.map((w) => w.senderLateMaxMs)),
    sinkCpu: timed((w) => w.sinkCpu),
    benchProcessCpu: timed((w) => w.benchProcessCpu),
    coreBusy: last.coreBusy.map((_, i) => timed((w) => w.coreBusy[i] ?? 0)),
  };
}

/** The step's windows, back to back, combined. */
async function measureStep(st: RampState, load: Load): Promise<Step> {
  const windows: Step[] = [];
  for (let i = 0; i < params.windows; i++) windows.push(await measure(st, load));
  return combine(windows);
}

/** Why a step is past a limit, or undefined when it is within both. */
function overLimit(s: Step): string | undefined {
  if (s.loss > params.lossLimit) return `loss ${pct(s.loss, 2)} > ${pct(params.lossLimit, 0)}`;
  if (s.workerCpu >= params.cpuLimit)
    return `worker CPU ${pct(s.workerCpu)} ≥ ${pct(params.cpuLimit, 0)} of a core`;
  return undefined;
}

/**
 * One step of one rig: adds `count` rooms and has the sender send for them, waits
 * until every stream flows and a warm-up, then measures its windows. A step past a
 * limit is measured once more with the same rooms, so a passing disturbance on the
 * shared machine does not end the ramp: the rig stops when both are past it.
 */
async function step(st: RampState, load: Load, count: number): Promise<void> {
  const { sender, sinks } = load;
  const added: number[] = [];
  for (let i = 0; i < count; i++) {
    const room = await st.rig.addRoom(st.rooms.length + 1);
    st.rooms.push(room);
    added.push(...room.sinkIds);
    st.senders.push(...sender.add(room.senders));
  }
  await untilFlowing(sinks, added);
  await sleep(params.warmupSeconds * 1000);

  let result = await measureStep(st, load);
  st.steps.push(result);
  out(row(st.rig.name, result));
  let over = overLimit(result);
  if (over) {
    out(`  ${over}: measuring the same rooms once more`);
    result = { ...(await measureStep(st, load)), remeasured: true };
    st.steps.push(result);
    out(row(st.rig.name, result));
    over = overLimit(result);
  }
  if (over) {
    st.stopReason = over;
    st.done = true;
  } else {
    st.roomsHeld = result.rooms;
    st.consumersHeld = result.consumers;
  }
  // Other jobs may fill the load core too (they yield to nice -20): the load side's
  // own CPU and the sender's lateness tell whether it kept up.
  const loadSide = result.senderCpu + result.sinkCpu + result.benchProcessCpu;
  if (loadSide >= LOAD_SIDE_BUSY || result.senderLateMaxMs >= SENDER_LATE_MS) {
    out(
      `  note: sender, sinks and bench used ${pct(loadSide)} of a core, the sender was up to ` +
        `${result.senderLateMaxMs.toFixed(0)} ms late: the load side may be the bottleneck`,
    );
    if (st.done) st.stopReason += ' (the load side may be the bottleneck)';
  }
}

/** Rooms the next step adds: half of what the CPU per room so far leaves below the limit. */
function nextCount(st: RampState): number {
  const left = params.maxRooms - st.rooms.length;
  const last = st.steps.at(-1);
  let count = params.roomsPerStep;
  if (last && last.workerCpu > 0) {
    const perRoom = last.workerCpu / last.rooms;
    count = Math.floor((params.cpuLimit - last.workerCpu) / perRoom / 2);
  }
  return Math.max(1, Math.min(params.roomsPerStep, count, left));
}

/** Stops a rig's senders and closes its sinks and its rooms (bounded). */
async function tearDown(st: RampState, load: Load): Promise<void> {
  if (st.closed) return;
  st.closed = true;
  const teardown = performance.now();
  load.sender.remove(st.senders);
  await load.sinks.close(st.rooms.flatMap((r) => r.sinkIds)).catch(() => undefined);
  // Bounded: closing many rooms must not eat the watchdog's margin.
  await withTimeout(st.rig.close(), 30_000, `closing the ${st.rig.name} rig`).catch(
    (error: unknown) => out(message(error)),
  );
  out(`  ${st.rig.name} torn down in ${((performance.now() - teardown) / 1000).toFixed(1)} s`);
}

/**
 * Ramps the rigs in turns, a step each: during a rig's step only its participants
 * send and only its worker is on the worker core (the other's senders are paused and
 * its idle worker moved to the load core), so each worker has the core to itself
 * while both meet the same conditions on the machine, step after step. A rig that
 * stops is torn down; its turns become pauses as long as its steps were, so the other
 * ramps on in the same rhythm.
 */
async function rampInTurns(rigs: RampState[], load: Load): Promise<void> {
  const deadline = performance.now() + params.budgetSeconds * 1000;
  try {
    for (;;) {
      const active = rigs.filter((st) => !st.done && st.rooms.length < params.maxRooms);
      if (active.length === 0) break;
      if (performance.now() > deadline) {
        for (const st of active) st.stopReason = `time budget (${params.budgetSeconds} s)`;
        break;
      }
      for (const st of rigs) {
        if (!active.includes(st)) {
          // A rig that stopped still takes its turn as a pause: the rig ramping on keeps the
          // rhythm it had (its streams paused while the other stepped). Alone, it would send
          // without a break and its worker's CPU per packet drops (bench/README.md).
          if (st.turns > 0) await sleep((st.seconds / st.turns) * 1000);
          continue;
        }
        const started = performance.now();
        for (const other of rigs) {
          if (other === st || other.closed) continue;
          load.sender.pause(other.senders);
          load.pinning?.load(other.rig.worker.pid);
        }
        load.pinning?.worker(st.rig.worker.pid);
        load.sender.resume(st.senders);
        await step(st, load, nextCount(st));
        load.sender.pause(st.senders);
        st.seconds += (performance.now() - started) / 1000;
        st.turns += 1;
        if (st.done || st.rooms.length >= params.maxRooms) await tearDown(st, load);
      }
    }
  } finally {
    for (const st of rigs) await tearDown(st, load);
  }
}

/**
 * The rooms at the CPU limit from a straight line fitted (least squares) to worker CPU
 * over rooms, on the steps within the loss limit: less moved by one window's noise
 * than where the ramp crossed the limit.
 */
function fittedRooms(st: RampState): number {
  const steps = st.steps.filter((s) => s.loss <= params.lossLimit);
  const n = steps.length;
  if (n < 2) return Number.NaN;
  const mx = steps.reduce((x, s) => x + s.rooms, 0) / n;
  const my = steps.reduce((x, s) => x + s.workerCpu, 0) / n;
  const sxx = steps.reduce((x, s) => x + (s.rooms - mx) ** 2, 0);
  const sxy = steps.reduce((x, s) => x + (s.rooms - mx) * (s.workerCpu - my), 0);
  if (sxx === 0 || sxy <= 0) return Number.NaN;
  const slope = sxy / sxx;
  return (params.cpuLimit - (my - slope * mx)) / slope;
}

/** Worker CPU per delivered packet over the steps at these room counts (CPU and packets summed). */
function cpuPerPacket(st: RampState, rooms: Set<number>): number {
  const steps = st.steps.filter((s) => rooms.has(s.rooms));
  const cpuMs = steps.reduce((x, s) => x + s.workerCpuMs, 0);
  const packets = steps.reduce((x, s) => x + s.deliveredOut, 0);
  return (cpuMs * 1000) / packets;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = performance.now();
  const ffmpeg = ffmpegVersion('media');
  const clip = ensureClip();
  const capture = await ensureCapture(clip);
  out(
    `bench:media — ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ` +
      `mediasoup ${mediasoup.version}, ${ffmpeg}${SMOKE ? ' — SMOKE (figures mean nothing)' : ''}`,
  );
  out(
    `clip: ${CLIP.seconds} s VP8 640x360@25 600 kbit/s (key frame every 1 s) + Opus 32 kbit/s, ` +
      `RTP packets ≤ ${PKT_SIZE} B captured once, replayed looped; rooms of ${params.roomSize}, ` +
      `up to ${params.roomsPerStep} more per step (fewer near the limit); ${params.windows} ` +
      `windows of ${params.windowSeconds} s after ${params.warmupSeconds} s warm-up (worker CPU ` +
      `their median); stop at loss > ` +
      `${pct(params.lossLimit, 0)}, worker CPU ≥ ${pct(params.cpuLimit, 0)} or ${params.maxRooms} rooms`,
  );
  if (params.baselineObserver)
    out('baseline: with an active speaker observer per router, as the service has');
  // A smoke run pins but leaves priorities alone: it runs beside the other tests.
  const pinned = cpuPinning({ raisePriority: !SMOKE });
  const pinning = 'reason' in pinned ? undefined : pinned;
  if ('reason' in pinned) {
    out(
      `note: no CPU pinning (${pinned.reason}); the workers share the cores with the sender ` +
        `and the sinks, so the rooms held are not the worker's limit`,
    );
  } else {
    out(
      `cores: the worker under test on CPU ${pinned.workerCpu}; this process, the sender and ` +
        `the sink process on CPU ${pinned.loadCpu} (taskset); ` +
        (typeof pinned.nice === 'number' ? `nice ${pinned.nice}` : pinned.nice),
    );
  }
  const sender = await Sender.start(capture, CLIP.seconds);
  const sinks = SinkProcess.start();
  out(`sinks: one process, ${sinks.kind}, a UDP socket per receiving participant`);
  for (const pid of [sender.pid, sinks.pid]) if (pid !== undefined) pinning?.load(pid);
  const load: Load = { sender, sinks, pinning };
  out(
    'service and baseline ramp in turns, a step each: during a step only that rig sends ' +
      'and only its worker is on the worker core\n',
  );
  out(TABLE_HEAD);
  const rigs: RampState[] = [];
  try {
    for (const make of [serviceRig, baselineRig]) {
      const rig = await make(sinks);
      load.pinning?.load(rig.worker.pid);
      rigs.push({
        rig,
        rooms: [],
        steps: [],
        senders: [],
        roomsHeld: 0,
        consumersHeld: 0,
        stopReason: `room cap (${params.maxRooms})`,
        done: false,
        closed: false,
        seconds: 0,
        turns: 0,
      });
    }
    await rampInTurns(rigs, load);
  } finally {
    await stopChildren();
  }
  const [service, baseline] = rigs as [RampState, RampState];

  const bothRooms = new Set(
    service.steps.map((s) => s.rooms).filter((r) => baseline.steps.some((s) => s.rooms === r)),
  );
  const serviceUs = cpuPerPacket(service, bothRooms);
  const baselineUs = cpuPerPacket(baseline, bothRooms);
  const cpuRatio = serviceUs / baselineUs;
  const ratio = baseline.roomsHeld > 0 ? service.roomsHeld / baseline.roomsHeld : Number.NaN;
  const perStep = [...bothRooms].map((rooms) => ({
    rooms,
    ratio:
      service.steps.find((s) => s.rooms === rooms)!.cpuUsPerPacket /
      baseline.steps.find((s) => s.rooms === rooms)!.cpuUsPerPacket,
  }));

  out('\nservice ÷ baseline, worker CPU per forwarded packet, at the room counts both measured:');
  out(perStep.map((s) => `${s.rooms}: ${s.ratio.toFixed(3)}`).join('  '));
  out(
    `worker CPU per forwarded packet over those ${bothRooms.size} steps (CPU and packets summed): ` +
      `service ${serviceUs.toFixed(2)} µs, baseline ${baselineUs.toFixed(2)} µs, ` +
      `ratio ${cpuRatio.toFixed(3)}`,
  );

  const fitted = { service: fittedRooms(service), baseline: fittedRooms(baseline) };
  out(
    `rooms at ${pct(params.cpuLimit, 0)} of a core from a straight-line fit of worker CPU over ` +
      `rooms: service ${fitted.service.toFixed(1)}, baseline ${fitted.baseline.toFixed(1)} ` +
      `(service ÷ baseline ${(fitted.service / fitted.baseline).toFixed(3)})`,
  );

  const summary = (st: RampState) => ({
    steps: st.steps,
    roomsHeld: st.roomsHeld,
    roomsAtCpuLimitFitted: fittedRooms(st),
    consumersHeld: st.consumersHeld,
    stopReason: st.stopReason,
    seconds: st.seconds,
  });
  mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
  writeFileSync(
    RESULT_FILE,
    `${JSON.stringify(
      {
        benchmark: 'media',
        date: new Date().toISOString(),
        smoke: SMOKE,
        environment: environment(),
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
          sinks: `one process, ${sinks.kind}, a UDP socket per receiving participant`,
          order:
            'in turns, a step each: only the stepping rig sends; its worker alone on the worker core',
          pinning: pinning
            ? { workerCpu: pinning.workerCpu, loadCpu: pinning.loadCpu, nice: pinning.nice }
            : { none: (pinned as { reason: string }).reason },
        },
        service: summary(service),
        baseline: summary(baseline),
        roomsHeld: { service: service.roomsHeld, baseline: baseline.roomsHeld, ratio },
        consumersHeld: { service: service.consumersHeld, baseline: baseline.consumersHeld },
        roomsAtCpuLimitFitted: { ...fitted, ratio: fitted.service / fitted.baseline },
        cpuUsPerPacket: {
          service: serviceUs,
          baseline: baselineUs,
          ratio: cpuRatio,
          overRooms: [...bothRooms],
        },
        perStepRatio: perStep,
        ratio,
        seconds: (performance.now() - started) / 1000,
      },
      null,
      2,
    )}\n`,
  );
  out(`results: ${path.relative(process.cwd(), RESULT_FILE)}`);
  for (const st of [service, baseline]) {
    out(
      `${st.rig.name}: ${st.roomsHeld} rooms of 4 held on one worker core ` +
        `(${st.consumersHeld} consumers; stopped by ${st.stopReason})`,
    );
  }
  out(
    `ratio=${ratio.toFixed(3)} (service rooms held ÷ bare mediasoup rooms held, one worker core each)`,
  );
}

runBounded('bench:media', WATCHDOG_MS, children, main);
