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
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import type {
  Producer,
  Router,
  RtpCapabilities,
  RtpParameters,
  Worker,
} from 'mediasoup/node/lib/types.js';
import { SESSION_MEDIA_CODECS } from '../server/media/codecs.js';
import type { ParticipantChannel } from '../server/media/Participant.js';
import type { SessionRole } from '../signaling/index.js';
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
} from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULT_FILE = path.join(here, 'results', 'media.json');

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

const AUDIO_PT = 100;
const VIDEO_PT = 101;
/** RTP packet size FFmpeg packetises to (WebRTC-like MTU). */
const PKT_SIZE = 1200;
const LISTEN_IP = '127.0.0.1';

// ---------------------------------------------------------------- the clip

// ---------------------------------------------------------------- the RTP capture

/** One RTP stream of a participant: the transport port it goes to and its SSRC. */
interface Leg {
  port: number;
  ssrc: number;
}

interface SenderSpec {
  audio: Leg;
  video: Leg;
}

const children = new Set<ChildProcess>();
let stopping = false;

/** FFmpeg's RTP output of one stream: stream copy, fixed payload type and SSRC. */
function rtpOutput(pt: number, leg: Leg): string[] {
  return [
    ...['-c', 'copy', '-f', 'rtp', '-payload_type', String(pt), '-ssrc', String(leg.ssrc)],
    // No RTCP: FFmpeg sends it from a second socket, which a comedia transport
    // with RTCP multiplexing would not accept (and RTCP first would mislead comedia).
    ...['-rtpflags', 'skip_rtcp'],
    `rtp://${LISTEN_IP}:${leg.port}?pkt_size=${PKT_SIZE}`,
  ];
}

/**
 * The clip's RTP packets, captured once: one pass of FFmpeg in real time with the
 * same stream-copy RTP outputs, into two local sockets, cached next to the clip.
 * File format: per packet, u8 stream (0 audio, 1 video), u16 length, the bytes.
 */
async function ensureCapture(clip: string): Promise<string> {
  const file = clip.replace(/\.webm$/, `.rtp-${PKT_SIZE}.bin`);
  if (existsSync(file)) return file;
  const records: { kind: number; data: Buffer }[] = [];
  const sockets = await Promise.all(
    [0, 1].map(async (kind) => {
      const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      socket.on('message', (data) => {
        const b1 = data[1] ?? 0;
        if (data.length >= 12 && !(b1 >= 192 && b1 <= 223)) records.push({ kind, data });
      });
      await new Promise<void>((resolve) => socket.bind(0, LISTEN_IP, resolve));
      return socket;
    }),
  );
  const [audioPort, videoPort] = sockets.map((s) => s.address().port) as [number, number];
  const r = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-i', clip],
      ...['-map', '0:a:0', ...rtpOutput(AUDIO_PT, { port: audioPort, ssrc: 1 })],
      ...['-map', '0:v:0', ...rtpOutput(VIDEO_PT, { port: videoPort, ssrc: 2 })],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const code = await new Promise<number | null>((resolve) => r.once('exit', resolve));
  await sleep(300);
  for (const s of sockets) s.close();
  if (code !== 0) throw new Error(`cannot capture the clip's RTP packets (ffmpeg ${code})`);
  for (const kind of [0, 1]) {
    const seqs = records.filter((x) => x.kind === kind).map((x) => x.data.readUInt16BE(2));
    const gaps = seqs.slice(1).filter((q, i) => (q - seqs[i]! + 65536) % 65536 !== 1).length;
    if (seqs.length < 100 || gaps > 0)
      throw new Error(`RTP capture of stream ${kind}: ${seqs.length} packets, ${gaps} gaps`);
  }
  const parts = records.flatMap(({ kind, data }) => {
    const head = Buffer.alloc(3);
    head.writeUInt8(kind, 0);
    head.writeUInt16BE(data.length, 1);
    return [head, data];
  });
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, Buffer.concat(parts));
  renameSync(partial, file);
  return file;
}

// ---------------------------------------------------------------- the sender

/**
 * The one sender process, plain JavaScript run by `node`: replays the captured
 * packets for every participant, each from its own UDP socket to its two transport
 * ports, with its own SSRCs and, per loop, sequence numbers and timestamps carried
 * on (offset by the packets and the clock ticks of a loop). Send times come from the
 * RTP timestamps (a frame's packets leave together, as FFmpeg's -re sends them);
 * each participant starts at a random point of the loop. A timer wheel: every
 * TICK_MS it sends everything due. It reports its own CPU time and how late it got.
 */
const SENDER_JS = String.raw`
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
const HOST = '127.0.0.1';
const TICK_MS = 5;
const CLOCK = [48000, 90000];
let packets = [];
let periodMs = 0;
const perLoop = [0, 0];
const periodTicks = [0, 0];
const parts = new Map();
let sent = 0;
let errors = 0;
let lateMax = 0;
const rand = (n) => Math.floor(Math.random() * n);

function load(file, seconds) {
  const buf = readFileSync(file);
  const first = [undefined, undefined];
  for (let o = 0; o < buf.length; ) {
    const kind = buf[o];
    const len = buf.readUInt16BE(o + 1);
    const data = Buffer.from(buf.subarray(o + 3, o + 3 + len));
    o += 3 + len;
    const seq = data.readUInt16BE(2);
    const ts = data.readUInt32BE(4);
    first[kind] ??= { seq, ts };
    const tsRel = (ts - first[kind].ts + 4294967296) % 4294967296;
    packets.push({
      kind, data, tsRel,
      seqRel: (seq - first[kind].seq + 65536) % 65536,
      at: (tsRel / CLOCK[kind]) * 1000,
    });
    perLoop[kind] += 1;
  }
  // Stable sort by send time: a frame's packets keep their order.
  packets = packets.map((p, i) => [p, i]).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map((x) => x[0]);
  periodMs = seconds * 1000;
  for (const k of [0, 1]) periodTicks[k] = seconds * CLOCK[k];
}

function add(id, spec) {
  const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 1024 * 1024 });
  sock.on('error', () => { errors += 1; });
  const now = performance.now();
  const phase = Math.random() * periodMs;
  let idx = packets.findIndex((p) => p.at >= phase);
  let loop = 0;
  if (idx < 0) { idx = 0; loop = 1; }
  const p = {
    sock, bound: false, idx, loop, base: now - phase,
    ports: [spec.audio.port, spec.video.port],
    ssrcs: [spec.audio.ssrc, spec.video.ssrc],
    seqBase: [rand(65536), rand(65536)],
    tsBase: [rand(2 ** 31), rand(2 ** 31)],
  };
  parts.set(id, p);
  sock.bind(0, HOST, () => { p.bound = true; });
}

function tick() {
  const now = performance.now();
  for (const p of parts.values()) {
    if (!p.bound) continue;
    for (;;) {
      const pk = packets[p.idx];
      const due = p.base + p.loop * periodMs + pk.at;
      if (due > now) break;
      if (now - due > lateMax) lateMax = now - due;
      const k = pk.kind;
      const b = Buffer.allocUnsafe(pk.data.length);
      pk.data.copy(b);
      b.writeUInt16BE((pk.seqRel + p.loop * perLoop[k] + p.seqBase[k]) % 65536, 2);
      b.writeUInt32BE((pk.tsRel + p.loop * periodTicks[k] + p.tsBase[k]) % 4294967296, 4);
      b.writeUInt32BE(p.ssrcs[k], 8);
      p.sock.send(b, p.ports[k], HOST);
      sent += 1;
      if (++p.idx === packets.length) { p.idx = 0; p.loop += 1; }
    }
  }
}

process.on('message', (m) => {
  if (m.type === 'init') {
    load(m.file, m.seconds);
    setInterval(tick, TICK_MS);
    process.send({ type: 'ready', packets: packets.length, audio: perLoop[0], video: perLoop[1] });
  } else if (m.type === 'add') {
    for (const [id, spec] of m.specs) add(id, spec);
  } else if (m.type === 'remove') {
    for (const id of m.ids) { parts.get(id)?.sock.close(); parts.delete(id); }
  } else if (m.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send({ type: 'stats', cpuUs: cpu.user + cpu.system, sent, errors, lateMaxMs: lateMax, participants: parts.size });
    lateMax = 0;
  }
});
process.on('disconnect', () => process.exit(0));
`;

interface SenderStats {
  at: number;
  cpuUs: number;
  sent: number;
  errors: number;
  /** Worst lateness of a send since the previous stats (ms behind its due time). */
  lateMaxMs: number;
  participants: number;
}

/** The main process's handle on the one sender process. */
class Sender {
  readonly #child: ChildProcess;
  #nextId = 1;
  #waiting: ((s: SenderStats) => void)[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: { type: string } & SenderStats) => {
      if (m.type === 'stats') this.#waiting.shift()?.({ ...m, at: performance.now() });
    });
  }

  static async start(capture: string, seconds: number): Promise<Sender> {
    const child = spawn(process.execPath, ['--input-type=module', '-e', SENDER_JS], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!stopping) out(`sender ${child.pid} exited (${code ?? signal})`);
    });
    const ready = new Promise<{ packets: number; audio: number; video: number }>(
      (resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', () => reject(new Error('the sender process exited')));
      },
    );
    child.send({ type: 'init', file: capture, seconds });
    const info = await ready;
    out(
      `sender: one process (pid ${child.pid}) replaying ${info.packets} captured packets ` +
        `(${info.audio} Opus, ${info.video} VP8) per ${seconds} s loop for every participant`,
    );
    return new Sender(child);
  }

  /** Starts sending for these participants; returns their ids. */
  add(specs: SenderSpec[]): number[] {
    const ids = specs.map(() => this.#nextId++);
    this.#child.send({ type: 'add', specs: specs.map((s, i) => [ids[i], s]) });
    return ids;
  }

  remove(ids: number[]): void {
    if (ids.length > 0) this.#child.send({ type: 'remove', ids });
  }

  stats(): Promise<SenderStats> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#child.send({ type: 'stats' });
    });
  }
}

/** Stops the child processes (TERM, then KILL after 2 s) and waits for them to exit. */
async function stopChildren(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const timer = setTimeout(() => c.kill('SIGKILL'), 2_000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
}

// ---------------------------------------------------------------- sinks

/** Packets each consumed stream must have delivered before a step's warm-up starts. */
const READY_PACKETS = 20;
const READY_TIMEOUT_MS = 15_000;

/** A jump in sequence numbers larger than this is a restarted sender, not loss. */
const MAX_SEQ_JUMP = 3000;

/**
 * A participant's receiving end: a UDP socket counting the media RTP packets of
 * the SSRCs it consumes, and from their sequence numbers how many it should have
 * got (RFC 3550 style), so loss anywhere on the way (into the worker, in it, out of
 * it) shows.
 */
class Sink {
  readonly ssrcs = new Set<number>();
  packets = 0;
  bytes = 0;
  expected = 0;
  /** RTCP, probation and unknown packets (not counted as media). */
  other = 0;
  readonly #highest = new Map<number, number>();
  /** Media packets received per SSRC. */
  readonly #perSsrc = new Map<number, number>();
  readonly #socket: dgram.Socket;

  private constructor(socket: dgram.Socket) {
    this.#socket = socket;
    socket.on('message', (msg) => this.#count(msg));
  }

  static async open(): Promise<Sink> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    await new Promise<void>((resolve) => socket.bind(0, LISTEN_IP, resolve));
    return new Sink(socket);
  }

  get port(): number {
    return this.#socket.address().port;
  }

  close(): void {
    this.#socket.close();
  }

  /** Packets received so far on each consumed stream. */
  counts(): Map<number, number> {
    return new Map([...this.ssrcs].map((ssrc) => [ssrc, this.#perSsrc.get(ssrc) ?? 0]));
  }

  #count(msg: Buffer): void {
    const b1 = msg[1] ?? 0;
    const ssrc = msg.length >= 12 ? msg.readUInt32BE(8) : -1;
    if ((b1 >= 192 && b1 <= 223) || !this.ssrcs.has(ssrc)) {
      this.other += 1;
      return;
    }
    this.packets += 1;
    this.bytes += msg.length;
    this.#perSsrc.set(ssrc, (this.#perSsrc.get(ssrc) ?? 0) + 1);
    const seq = msg.readUInt16BE(2);
    const highest = this.#highest.get(ssrc);
    if (highest === undefined) {
      this.#highest.set(ssrc, seq);
      this.expected += 1;
      return;
    }
    const ahead = (seq - highest + 65536) % 65536;
    if (ahead === 0 || ahead >= 65536 - MAX_SEQ_JUMP) return; // duplicate or late
    this.#highest.set(ssrc, seq);
    this.expected += ahead <= MAX_SEQ_JUMP ? ahead : 1; // a restart opens a new run
  }
}

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

/** What a synthetic receiver declares: the two codecs, no RTX, no header extensions. */
function sinkCapabilities(router: { rtpCapabilities: RtpCapabilities }): RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).filter((c) =>
      ['audio/opus', 'video/VP8'].includes(c.mimeType),
    ),
    headerExtensions: [],
  };
}

let ssrcSeed = 0x10000;
/** The RTP parameters matching what FFmpeg sends: payload types and SSRCs. */
function senderParameters(): {
  audio: RtpParameters;
  video: RtpParameters;
  audioSsrc: number;
  videoSsrc: number;
} {
  const audioSsrc = ssrcSeed++;
  const videoSsrc = ssrcSeed++;
  const cname = `bench-${audioSsrc}`;
  return {
    audioSsrc,
    videoSsrc,
    audio: {
      codecs: [{ mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 }],
      encodings: [{ ssrc: audioSsrc }],
      rtcp: { cname, reducedSize: true },
    },
    video: {
      codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
      encodings: [{ ssrc: videoSsrc }],
      rtcp: { cname, reducedSize: true },
    },
  };
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
  const channel: ParticipantChannel = { notify: () => undefined, disconnect: () => undefined };

  return {
    name: 'service',
    worker: host.worker,
    async addRoom(index) {
      const session = await server.sessions.getOrCreate(`BENCH-S-${index}`, `BENCH-C-${index}`);
      const caps = sinkCapabilities({ rtpCapabilities: await session.rtpCapabilities() });
      const ids = ROOM_ROLES.map((_, i) => `room${index}-p${i}`);
      for (const [i, participantId] of ids.entries()) {
        await session.join(
          { participantId, displayName: participantId, role: ROOM_ROLES[i]! },
          caps,
          channel,
          { preAdmitted: true },
        );
      }
      // Publishing: two comedia send transports each (FFmpeg sends each stream
      // from its own port), a producer on each.
      const room: RoomMedia = { producers: [], sinks: [], senders: [] };
      const published: { participantId: string; producerIds: string[] }[] = [];
      for (const participantId of ids) {
        const p = senderParameters();
        const send = { direction: 'send', comedia: true } as const;
        const a = await session.createPlainTransport(participantId, send);
        const v = await session.createPlainTransport(participantId, send);
        const audioId = await session.produce(participantId, {
          transportId: a.transportId,
          kind: 'audio',
          source: 'microphone',
          rtpParameters: p.audio,
        });
        const videoId = await session.produce(participantId, {
          transportId: v.transportId,
          kind: 'video',
          source: 'camera',
          rtpParameters: p.video,
        });
        const own = session.participant(participantId).producers;
        for (const id of [audioId, videoId]) {
          const producer = own.get(id);
          if (!producer) throw new Error(`producer ${id} missing`);
          room.producers.push(producer);
        }
        published.push({ participantId, producerIds: [audioId, videoId] });
        room.senders.push({
          audio: { port: a.port, ssrc: p.audioSsrc },
          video: { port: v.port, ssrc: p.videoSsrc },
        });
      }
      // Receiving: one recv transport each, connected to its sink, consuming everyone else.
      for (const participantId of ids) {
        const sink = await Sink.open();
        room.sinks.push(sink);
        const recv = await session.createPlainTransport(participantId, { direction: 'recv' });
        await session.connectPlainTransport(participantId, recv.transportId, {
          ip: LISTEN_IP,
          port: sink.port,
        });
        for (const other of published) {
          if (other.participantId === participantId) continue;
          for (const producerId of other.producerIds) {
            const c = await session.consume(participantId, recv.transportId, producerId);
            for (const e of c.rtpParameters.encodings ?? []) if (e.ssrc) sink.ssrcs.add(e.ssrc);
            await session.resumeConsumer(participantId, c.consumerId);
          }
        }
      }
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

/** True once every consumed stream has delivered READY_PACKETS since `before`. */
function flowing(sinks: Sink[], before: Map<number, number>[]): boolean {
  return sinks.every((s, i) =>
    [...s.counts()].every(([ssrc, n]) => n - (before[i]?.get(ssrc) ?? 0) >= READY_PACKETS),
  );
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
