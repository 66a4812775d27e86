/**
 * Synthetic media load for the media benchmarks (bench:media, bench:cluster): a VP8 +
 * Opus clip's RTP packets captured once, one sender process replaying them for every
 * participant, and UDP sinks counting what comes back and what was lost (in the
 * benchmark process, `Sink`, or in a process of their own, `SinkProcess`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { AUDIO_PT, VIDEO_PT, type Leg, type SenderSpec } from '../tests/support/syntheticRoom.js';
import { out } from './common.js';

/** RTP packet size FFmpeg packetises to (WebRTC-like MTU). */
export const PKT_SIZE = 1200;
export const LISTEN_IP = '127.0.0.1';

// ---------------------------------------------------------------- the RTP capture

/** The benchmark's child processes (sender, sinks), stopped by `stopChildren` or `runBounded`. */
export const children = new Set<ChildProcess>();
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
export async function ensureCapture(clip: string): Promise<string> {
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
 * A participant can be paused and resumed (it carries on where it stopped).
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
    sock, bound: false, paused: false, idx, loop, base: now - phase,
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
    if (!p.bound || p.paused) continue;
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
  } else if (m.type === 'pause') {
    for (const id of m.ids) { const p = parts.get(id); if (p) p.paused = true; }
  } else if (m.type === 'resume') {
    // Carries on from the packet it stopped at, due now: no gap in sequence numbers.
    const now = performance.now();
    for (const id of m.ids) {
      const p = parts.get(id);
      if (p?.paused) { p.paused = false; p.base = now - p.loop * periodMs - packets[p.idx].at; }
    }
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

export interface SenderStats {
  at: number;
  cpuUs: number;
  sent: number;
  errors: number;
  /** Worst lateness of a send since the previous stats (ms behind its due time). */
  lateMaxMs: number;
  participants: number;
}

/** The main process's handle on the one sender process. */
export class Sender {
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

  get pid(): number | undefined {
    return this.#child.pid;
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

  /** Stops sending for these participants, keeping their sockets (and so their transports' tuples). */
  pause(ids: number[]): void {
    if (ids.length > 0) this.#child.send({ type: 'pause', ids });
  }

  /** Sends again for paused participants, from the packet each stopped at, with no gap in sequence numbers. */
  resume(ids: number[]): void {
    if (ids.length > 0) this.#child.send({ type: 'resume', ids });
  }

  stats(): Promise<SenderStats> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#child.send({ type: 'stats' });
    });
  }
}

/** Stops the child processes (TERM, then KILL after 2 s) and waits for them to exit. */
export async function stopChildren(): Promise<void> {
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
export const READY_PACKETS = 20;
export const READY_TIMEOUT_MS = 15_000;

/** A jump in sequence numbers larger than this is a restarted sender, not loss. */
const MAX_SEQ_JUMP = 3000;

/**
 * A participant's receiving end: a UDP socket counting the media RTP packets of
 * the SSRCs it consumes, and from their sequence numbers how many it should have
 * got (RFC 3550 style), so loss anywhere on the way (into the worker, in it, out of
 * it) shows.
 */
export class Sink {
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

/** True once every consumed stream has delivered READY_PACKETS since `before`. */
export function flowing(sinks: Sink[], before: Map<number, number>[]): boolean {
  return sinks.every((s, i) =>
    [...s.counts()].every(([ssrc, n]) => n - (before[i]?.get(ssrc) ?? 0) >= READY_PACKETS),
  );
}

// ---------------------------------------------------------------- sinks in a process of their own

/*
 * The sink process counts what the sinks receive as `Sink` does, outside the benchmark
 * process, so the receiving side's CPU can be placed on a core of its own: bench/sink.c
 * compiled once (batched receives, a fraction of Node's cost per packet), else the same
 * in plain JavaScript. Both answer the line protocol described in bench/sink.c.
 */

/** The JavaScript sink process, where no C compiler is found. */
const SINKS_JS = String.raw`
import dgram from 'node:dgram';
import readline from 'node:readline';
const HOST = '127.0.0.1';
const MAX_SEQ_JUMP = ${MAX_SEQ_JUMP};
const READY = ${READY_PACKETS};
const sinks = new Map();
let nextId = 1;

function count(s, msg) {
  const b1 = msg.length >= 12 ? msg[1] : 0;
  const st = msg.length >= 12 && !(b1 >= 192 && b1 <= 223) ? s.ssrcs.get(msg.readUInt32BE(8)) : undefined;
  if (st === undefined) { s.other += 1; return; }
  s.packets += 1;
  s.bytes += msg.length;
  st.n += 1;
  const seq = msg.readUInt16BE(2);
  if (st.highest < 0) { st.highest = seq; s.expected += 1; return; }
  const ahead = (seq - st.highest + 65536) % 65536;
  if (ahead === 0 || ahead >= 65536 - MAX_SEQ_JUMP) return; // duplicate or late
  st.highest = seq;
  s.expected += ahead <= MAX_SEQ_JUMP ? ahead : 1; // a restart opens a new run
}

function open() {
  return new Promise((resolve) => {
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    const s = { sock, ssrcs: new Map(), packets: 0, bytes: 0, expected: 0, other: 0 };
    sock.on('message', (msg) => count(s, msg));
    sock.bind(0, HOST, () => {
      const id = nextId++;
      sinks.set(id, s);
      resolve(id + ':' + sock.address().port);
    });
  });
}

async function answer(type, args) {
  const ids = args.map(Number);
  switch (type) {
    case 'open':
      return (await Promise.all(Array.from({ length: ids[0] }, open))).join(' ');
    case 'watch': {
      const s = sinks.get(ids[0]);
      if (!s) return 'error no such sink';
      for (const x of ids.slice(1)) if (!s.ssrcs.has(x)) s.ssrcs.set(x, { n: 0, highest: -1 });
      return '';
    }
    case 'flowing':
      return ids.every((id) => {
        const s = sinks.get(id);
        return s && s.ssrcs.size > 0 && [...s.ssrcs.values()].every((st) => st.n >= READY);
      }) ? '1' : '0';
    case 'totals': {
      const t = [0, 0, 0, 0];
      for (const id of ids) {
        const s = sinks.get(id);
        if (!s) continue;
        t[0] += s.packets; t[1] += s.bytes; t[2] += s.expected; t[3] += s.ssrcs.size;
      }
      const cpu = process.cpuUsage();
      return [cpu.user + cpu.system, ...t].join(' ');
    }
    case 'close':
      for (const id of ids) { sinks.get(id)?.sock.close(); sinks.delete(id); }
      return '';
  }
  return 'error unknown command ' + type;
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [type, req, ...args] = line.trim().split(/\s+/);
  answer(type, args).then((r) => process.stdout.write(req + (r ? ' ' + r : '') + '\n'));
}).on('close', () => process.exit(0));
`;

/** The C sink's source, next to this file. */
const SINK_C = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sink.c');

/** Compiles bench/sink.c once per source (cached in the temp directory); undefined without a compiler. */
function compiledSink(): { bin: string } | { reason: string } {
  try {
    const source = readFileSync(SINK_C);
    const defines = [`-DREADY=${READY_PACKETS}`];
    const key = createHash('sha256').update(source).update(defines.join(' ')).digest('hex');
    const dir = path.join(os.tmpdir(), 'mediation-bench');
    const bin = path.join(dir, `sink-${key.slice(0, 16)}`);
    if (existsSync(bin)) return { bin };
    mkdirSync(dir, { recursive: true });
    const partial = `${bin}.${process.pid}.partial`;
    const r = spawnSync('cc', ['-O2', '-Wall', ...defines, '-o', partial, SINK_C], {
      encoding: 'utf8',
    });
    if (r.error) return { reason: `no C compiler (${r.error.message})` };
    if (r.status !== 0) return { reason: `cc failed: ${r.stderr.trim().split('\n')[0] ?? ''}` };
    renameSync(partial, bin);
    return { bin };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

/** What a group of remote sinks received so far. */
export interface SinkTotals {
  /** Media packets received. */
  packets: number;
  bytes: number;
  /** Media packets that should have arrived, from the sequence numbers. */
  expected: number;
  /** Streams (consumers) watched. */
  streams: number;
}

/** The main process's handle on the sink process. */
export class SinkProcess {
  readonly #child: ChildProcess;
  /** 'C (bench/sink.c)' or 'Node (…why not C)'. */
  readonly kind: string;
  #nextReq = 1;
  readonly #pending = new Map<
    number,
    { resolve: (words: string[]) => void; reject: (e: Error) => void }
  >();

  private constructor(child: ChildProcess, kind: string) {
    this.#child = child;
    this.kind = kind;
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const [req, ...words] = line.trim().split(/\s+/);
      const p = this.#pending.get(Number(req));
      this.#pending.delete(Number(req));
      if (words.includes('error')) p?.reject(new Error(`sink process: ${line}`));
      else p?.resolve(words);
    });
    child.once('exit', () => {
      for (const p of this.#pending.values()) p.reject(new Error('the sink process exited'));
      this.#pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Starts the C sinks, else (no compiler) the JavaScript ones. */
  static start(): SinkProcess {
    const c = compiledSink();
    const [command, args, kind] =
      'bin' in c
        ? [c.bin, [], 'C (bench/sink.c, recvmmsg)']
        : [process.execPath, ['--input-type=module', '-e', SINKS_JS], `Node (${c.reason})`];
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!stopping) out(`sink process ${child.pid} exited (${code ?? signal})`);
    });
    return new SinkProcess(child, kind);
  }

  #request(type: string, args: (number | string)[]): Promise<string[]> {
    const req = this.#nextReq++;
    return new Promise<string[]>((resolve, reject) => {
      this.#pending.set(req, { resolve, reject });
      this.#child.stdin!.write(`${[type, req, ...args].join(' ')}\n`);
    });
  }

  /** Opens `count` sinks; their ids and UDP ports. */
  async open(count: number): Promise<{ id: number; port: number }[]> {
    const words = await this.#request('open', [count]);
    if (words.length !== count) throw new Error(`sink process opened ${words.length} of ${count}`);
    return words.map((w) => {
      const [id, port] = w.split(':').map(Number) as [number, number];
      return { id, port };
    });
  }

  /** Has each sink count the media packets of these SSRCs (the streams it consumes). */
  async watch(watch: [id: number, ssrcs: number[]][]): Promise<void> {
    await Promise.all(watch.map(([id, ssrcs]) => this.#request('watch', [id, ...ssrcs])));
  }

  /** True once every stream these sinks watch has delivered READY_PACKETS. */
  async flowing(ids: number[]): Promise<boolean> {
    return (await this.#request('flowing', ids))[0] === '1';
  }

  /** What these sinks received so far; and the sink process's CPU time (µs). */
  async totals(ids: number[]): Promise<SinkTotals & { cpuUs: number }> {
    const [cpuUs = 0, packets = 0, bytes = 0, expected = 0, streams = 0] = (
      await this.#request('totals', ids)
    ).map(Number);
    return { cpuUs, packets, bytes, expected, streams };
  }

  async close(ids: number[]): Promise<void> {
    if (ids.length > 0) await this.#request('close', ids);
  }
}
