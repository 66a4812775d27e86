/**
 * bench:signaling — the signalling path under load, against a bare Socket.IO baseline.
 *
 * N clients (default 200, `--clients`) join live sessions of 4 over real Socket.IO on an
 * in-process service: session token in the handshake, media:capabilities, session:join,
 * a send and a receive transport, audio and video producers (mediasoup-client's
 * FakeHandler) and a consumer (created, resumed) for every other member's producer.
 * Parties land in the waiting room and are admitted 10 ms after their join, as by a
 * mediator's click. Join latency is connect → session:join acknowledged (before any
 * admission). Then a steady phase sends `session:participants` open-loop at a fixed
 * total rate (on schedule, whatever the replies), round-robin over the clients, and
 * measures each ack's round trip.
 *
 * Baseline, same run: a bare Socket.IO server (same engine options, no auth, no
 * validation, no handler logic) answering the same event names with canned acks
 * recorded from the service, so every ack has the same size (session:join: an admitted
 * join, as the baseline has no waiting room). The same number of clients join it the
 * same way and it is driven at the same rate; the steady phase alternates service and
 * baseline blocks so drifting machine load hits both alike.
 *
 * The service and the baseline run in this process; the clients run in a child
 * process (this file again, `--role=load`) so their own work and garbage do not land
 * on the servers' event loop, as with real remote browsers.
 *
 *   npm run bench:signaling [-- --clients 200 --rate 1000 --duration 20 --join-rate 20]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Server as SocketIOServer } from 'socket.io';
import {
  MAX_MESSAGE_BYTES,
  REQUEST_NAMES,
  type Ack,
  type JoinResult,
  type ProducerInfo,
  type RequestName,
  type SessionRole,
} from '../signaling/index.js';
import { connectClient, type TestClient } from '../tests/support/client.js';
import { fakePeer } from '../tests/support/fakeDevice.js';
import {
  askChild,
  autoAdmit,
  environment,
  errorText,
  flag,
  median,
  message,
  out,
  percentile,
  round3,
  startBenchService,
  table,
  versionOf,
  withTimeout,
  resultFile,
} from './common.js';

const RESULT_FILE = resultFile('signaling');
const ROLE = process.argv.includes('--role=load') ? 'load' : 'main';

// ---------------------------------------------------------------- parameters

const params = {
  clients: flag('clients', 200, { integer: true, smoke: 8 }),
  sessionSize: flag('session-size', 4, { integer: true }),
  /** Clients arriving per second in the join phase (open loop). */
  joinRate: flag('join-rate', 20, { smoke: 40 }),
  /** Total steady-phase requests per second, over all clients (open loop). */
  rate: flag('rate', 1000, { smoke: 200 }),
  /** Measured steady-phase seconds per target. */
  durationSeconds: flag('duration', 20, { smoke: 2 }),
  /** Steady-phase blocks per target, alternating service and baseline. */
  blocks: flag('blocks', 20, { integer: true, smoke: 2 }),
  /** Unrecorded steady-phase seconds per target before the measured blocks. */
  warmupSeconds: flag('warmup', 2, { smoke: 0.5 }),
  ackTimeoutMs: 5_000,
  /** How long a client waits for the producers of its session to be announced. */
  consumeTimeoutMs: 20_000,
  setupTimeoutMs: 40_000,
  socketRateLimit: 1_000_000,
  socketRateBurst: 1_000_000,
  mediasoupWorkers: 2,
  steadyEvent: 'session:participants' as const,
};

// Bounded: whatever happens, each process ends.
const WATCHDOG_MS =
  120_000 +
  (params.durationSeconds + params.warmupSeconds) * 4_000 +
  (params.clients / params.joinRate) * 3_000;
setTimeout(() => {
  process.stderr.write(`bench:signaling (${ROLE}): watchdog fired after ${WATCHDOG_MS} ms\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

// ---------------------------------------------------------------- helpers

interface Summary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    mean: round3(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
    p50: round3(percentile(sorted, 50)),
    p90: round3(percentile(sorted, 90)),
    p99: round3(percentile(sorted, 99)),
    max: round3(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

function ms(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v < 10 ? `${v.toFixed(2)} ms` : v < 100 ? `${v.toFixed(1)} ms` : `${v.toFixed(0)} ms`;
}

// ---------------------------------------------------------------- protocol with the load process

type Target = 'service' | 'baseline';

interface JoinReport {
  clients: number;
  /** connect → session:join acked, per client (ms). */
  join: number[];
  /** connect → handshake accepted (ms). */
  connect: number[];
  /** connect → every transport, producer and consumer in place (full joins only, ms). */
  ready: number[];
  /** Request → ack per event name (ms). */
  requests: [string, number[]][];
  consumers: number;
  errors: string[];
  seconds: number;
  /** The last ok ack of each event, to answer with in the baseline. */
  canned: [string, Ack<unknown>][];
}

interface BlockReport {
  /** emitted → ack received (ms). */
  rtt: number[];
  /** scheduled → emitted (ms): how late the load generator was. */
  lag: number[];
  sent: number;
  acked: number;
  refused: number;
  timedOut: number;
  seconds: number;
}

type LoadRequest =
  | { type: 'join'; target: Target; url: string; tokens: string[]; full: boolean }
  | { type: 'probe'; target: Target }
  | { type: 'drive'; target: Target; seconds: number }
  | { type: 'close' };

type LoadReply =
  | { type: 'ready' }
  | { type: 'joined'; report: JoinReport }
  | { type: 'probed'; ack: Ack<unknown> }
  | { type: 'driven'; report: BlockReport }
  | { type: 'closed' }
  | { type: 'error'; message: string };

// ---------------------------------------------------------------- load process: the clients

/**
 * Times every request a client makes, notes when each event was last acked (`acked`)
 * and keeps the last ok ack of each event, except a `session:join` that put its sender
 * in the waiting room: the baseline has no waiting room, so it answers with an admitted
 * join (a mediator's), which its clients take as the end of their join.
 */
function instrument(
  client: TestClient,
  requests: Map<string, number[]>,
  canned: Map<string, Ack<unknown>>,
  acked: Map<string, number>,
): void {
  const request = client.request.bind(client) as (e: RequestName, p: unknown) => Promise<unknown>;
  client.request = (async (event: RequestName, payload: unknown) => {
    const t0 = performance.now();
    const data = await withTimeout(request(event, payload), params.ackTimeoutMs, event);
    const t1 = performance.now();
    acked.set(event, t1);
    const list = requests.get(event) ?? [];
    list.push(t1 - t0);
    requests.set(event, list);
    const waiting = event === 'session:join' && (data as JoinResult).admission === 'waiting';
    if (!waiting) canned.set(event, { ok: true, data });
    return data;
  }) as TestClient['request'];
}

/** Members of client i's session (the last session may be short). */
function membersOf(i: number): number {
  const s = Math.floor(i / params.sessionSize);
  return Math.min(params.sessionSize, params.clients - s * params.sessionSize);
}

async function joinAll(
  url: string,
  tokens: string[],
  full: boolean,
): Promise<{ clients: TestClient[]; report: JoinReport }> {
  const report: JoinReport = {
    clients: 0,
    join: [],
    connect: [],
    ready: [],
    requests: [],
    consumers: 0,
    errors: [],
    seconds: 0,
    canned: [],
  };
  const requests = new Map<string, number[]>();
  const canned = new Map<string, Ack<unknown>>();
  const ready: TestClient[] = [];
  const open: TestClient[] = [];

  const setup = async (i: number): Promise<void> => {
    const t0 = performance.now();
    const client = await withTimeout(
      connectClient(url, tokens[i]!),
      params.ackTimeoutMs,
      'connect',
    );
    open.push(client);
    report.connect.push(performance.now() - t0);
    // Listening before joining: a producer announced right after the join ack is not lost.
    const announced: ProducerInfo[] = [];
    const announce: { to?: (p: ProducerInfo) => void } = {};
    client.socket.on('producer:new', (p) => {
      if (announce.to) announce.to(p);
      else announced.push(p);
    });
    const acked = new Map<string, number>();
    instrument(client, requests, canned, acked);
    // A party waits for admission (autoAdmit, 10 ms after the join, as a mediator's click).
    const peer = await fakePeer(client, { awaitAdmission: true });
    report.join.push(acked.get('session:join')! - t0);
    if (!full) {
      ready.push(client);
      return;
    }

    // As the browser does (client/src/call/CallClient.ts): receive transport, then send
    // transport and producers, then a consumer (resumed) for every other producer.
    const expected = 2 * (membersOf(i) - 1);
    const consumed = new Set<string>();
    const failures: unknown[] = [];
    let done = 0;
    let complete!: () => void;
    const allConsumed = new Promise<void>((resolve) => (complete = resolve));
    if (expected === 0) complete();
    const recvReady = peer.createTransport('recv');
    const consume = async (p: ProducerInfo): Promise<void> => {
      if (consumed.has(p.producerId) || p.participantId === peer.join.self.participantId) return;
      consumed.add(p.producerId);
      const recv = await recvReady;
      const { consumer } = await peer.consume(recv, p.producerId);
      await client.request('consumer:resume', { consumerId: consumer.id });
      done++;
      report.consumers++;
      if (done === expected) complete();
    };
    announce.to = (p) => void consume(p).catch((e: unknown) => failures.push(e));
    await recvReady;
    const send = await peer.createTransport('send');
    await peer.produce(send, 'microphone');
    await peer.produce(send, 'camera');
    for (const p of [...peer.join.producers, ...announced.splice(0)]) announce.to(p);
    await withTimeout(allConsumed, params.consumeTimeoutMs, `client ${i} consumers`).catch(() => {
      throw (
        failures[0] ??
        new Error(`${done}/${expected} consumers after ${params.consumeTimeoutMs} ms`)
      );
    });
    report.ready.push(performance.now() - t0);
    ready.push(client);
  };

  const start = performance.now();
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const wait = start + (i * 1000) / params.joinRate - performance.now();
    if (wait > 0) await sleep(wait);
    tasks.push(
      setup(i).catch((e: unknown) => {
        report.errors.push(`client ${i}: ${message(e)}`);
      }),
    );
  }
  await withTimeout(Promise.all(tasks), params.setupTimeoutMs, 'join phase');
  report.seconds = (performance.now() - start) / 1000;
  // Clients that failed half-way are closed; the steady phase uses complete ones only.
  for (const c of open) if (!ready.includes(c)) c.close();
  report.clients = ready.length;
  report.requests = [...requests.entries()];
  report.canned = [...canned.entries()];
  return { clients: ready, report };
}

let cursor = 0;

/** Sends the steady request open loop at `params.rate` for `seconds`. */
async function drive(clients: TestClient[], seconds: number): Promise<BlockReport> {
  const interval = 1000 / params.rate;
  const total = Math.round(params.rate * seconds);
  const report: BlockReport = {
    rtt: [],
    lag: [],
    sent: total,
    acked: 0,
    refused: 0,
    timedOut: 0,
    seconds: 0,
  };
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && start + i * interval <= now) {
      const client = clients[cursor++ % clients.length]!;
      const scheduled = start + i * interval;
      const sentAt = performance.now();
      i++;
      const ack = client.ack(params.steadyEvent, {});
      pending.push(
        withTimeout(ack, params.ackTimeoutMs, params.steadyEvent).then(
          (a) => {
            const rtt = performance.now() - sentAt;
            if (!a.ok) {
              report.refused++;
              return;
            }
            report.acked++;
            report.rtt.push(rtt);
            report.lag.push(sentAt - scheduled);
          },
          () => {
            report.timedOut++;
          },
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(pending);
  report.seconds = (performance.now() - start) / 1000;
  return report;
}

function runLoadProcess(): void {
  const clients = new Map<Target, TestClient[]>();
  const reply = (r: LoadReply): void => {
    process.send?.(r);
  };
  const closeAll = (): void => {
    for (const list of clients.values()) for (const c of list) c.close();
    clients.clear();
  };
  const handle = async (req: LoadRequest): Promise<LoadReply> => {
    switch (req.type) {
      case 'join': {
        const { clients: joined, report } = await joinAll(req.url, req.tokens, req.full);
        clients.set(req.target, joined);
        return { type: 'joined', report };
      }
      case 'probe': {
        const first = clients.get(req.target)?.[0];
        if (!first) throw new Error(`no ${req.target} client`);
        const ack = await withTimeout(
          first.ack(params.steadyEvent, {}),
          params.ackTimeoutMs,
          'probe',
        );
        return { type: 'probed', ack };
      }
      case 'drive': {
        const list = clients.get(req.target) ?? [];
        if (list.length === 0) throw new Error(`no ${req.target} client`);
        return { type: 'driven', report: await drive(list, req.seconds) };
      }
      case 'close':
        closeAll();
        return { type: 'closed' };
    }
  };
  process.on('message', (m: unknown) => {
    const req = m as LoadRequest;
    handle(req).then(reply, (e: unknown) => reply({ type: 'error', message: message(e) }));
    if (req.type === 'close') setImmediate(() => process.disconnect?.());
  });
  process.on('disconnect', () => {
    closeAll();
    setTimeout(() => process.exit(0), 500).unref();
  });
  reply({ type: 'ready' });
}

// ---------------------------------------------------------------- main process: the servers

interface Service {
  url: string;
  sessions(): number;
  /** Client i's session token, its case, session and person entered in the case file first. */
  token(i: number): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real service, in process, as tests/support/server.ts starts it (that file needs
 * vitest); its modules load only here, never in the load process. It honours a session
 * token only for a case, session and person in its case file, so each is entered there.
 */
async function startService(): Promise<Service> {
  const { enrolledToken } = await import('../tests/support/enrol.js');
  const { server, url, close } = await startBenchService({
    MEDIASOUP_NUM_WORKERS: String(params.mediasoupWorkers),
    SOCKET_RATE_LIMIT: String(params.socketRateLimit),
    SOCKET_RATE_BURST: String(params.socketRateBurst),
  });
  autoAdmit(server);
  return {
    url,
    sessions: () => server.sessions.all().length,
    token(i) {
      const s = Math.floor(i / params.sessionSize);
      const role: SessionRole = i % params.sessionSize === 0 ? 'mediator' : 'party';
      return enrolledToken(
        server,
        {
          sub: `p${i}`,
          caseId: `CASE-BENCH-${s}`,
          sessionId: `SESSION-BENCH-${s}`,
          role,
          name: `参与人${i}`,
        },
        3600,
      );
    },
    close,
  };
}

interface Baseline {
  url: string;
  close(): Promise<void>;
}

/** A bare Socket.IO server: same engine options, no auth, no validation; canned acks. */
async function startBaseline(canned: ReadonlyMap<string, Ack<unknown>>): Promise<Baseline> {
  const httpServer = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const io = new SocketIOServer(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    cors: { origin: false },
  });
  const fallback: Ack<unknown> = { ok: true, data: {} };
  io.on('connection', (socket) => {
    for (const name of REQUEST_NAMES) {
      const answer = canned.get(name) ?? fallback;
      socket.on(name, (...args: unknown[]) => {
        const ack = args[args.length - 1];
        if (typeof ack === 'function') (ack as (a: Ack<unknown>) => void)(answer);
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
    },
  };
}

function startLoadProcess(): Promise<ChildProcess> {
  const viteNode = process.argv[1]!;
  const child = spawn(
    process.execPath,
    [viteNode, fileURLToPath(import.meta.url), '--role=load', ...process.argv.slice(2)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env },
  );
  return withTimeout(
    new Promise<ChildProcess>((resolve, reject) => {
      child.once('message', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`load process exited (${code})`)));
      child.once('error', reject);
    }),
    30_000,
    'load process start',
  );
}

function call<K extends LoadReply['type']>(
  child: ChildProcess,
  req: LoadRequest,
  expect: K,
  timeoutMs: number,
): Promise<Extract<LoadReply, { type: K }>> {
  return askChild<LoadReply, K>(child, req, expect, timeoutMs, 'load process');
}

interface Steady {
  rtt: number[];
  lag: number[];
  sent: number;
  acked: number;
  refused: number;
  timedOut: number;
  seconds: number;
  blockP99: number[];
  /** CPU of the server process (service or baseline, plus the idle other one), µs. */
  serverCpuMicros: number;
  /** Server event-loop delay: p99 per block and overall max (ms). */
  loopP99: number[];
  loopMax: number;
}

function newSteady(): Steady {
  return {
    rtt: [],
    lag: [],
    sent: 0,
    acked: 0,
    refused: 0,
    timedOut: 0,
    seconds: 0,
    blockP99: [],
    serverCpuMicros: 0,
    loopP99: [],
    loopMax: 0,
  };
}

async function block(
  child: ChildProcess,
  target: Target,
  seconds: number,
  into: Steady | undefined,
): Promise<void> {
  // A fresh monitor per block: the pauses between blocks must not count.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const { report } = await call(
    child,
    { type: 'drive', target, seconds },
    'driven',
    seconds * 1000 + 30_000,
  );
  const cpu = process.cpuUsage(cpu0);
  loop.disable();
  if (!into) return;
  into.rtt.push(...report.rtt);
  into.lag.push(...report.lag);
  into.sent += report.sent;
  into.acked += report.acked;
  into.refused += report.refused;
  into.timedOut += report.timedOut;
  into.seconds += report.seconds;
  into.blockP99.push(summarize(report.rtt).p99);
  into.serverCpuMicros += cpu.user + cpu.system;
  into.loopP99.push(loop.percentile(99) / 1e6);
  into.loopMax = Math.max(into.loopMax, loop.max / 1e6);
}

async function main(): Promise<number> {
  out(
    `bench:signaling — ${params.clients} clients in sessions of ${params.sessionSize}, ` +
      `joining at ${params.joinRate}/s; steady ${params.steadyEvent} at ${params.rate}/s for ` +
      `${params.durationSeconds} s per target (${params.blocks} alternating blocks, ` +
      `${params.warmupSeconds} s warm-up each)`,
  );
  const service = await startService();
  let baseline: Baseline | undefined;
  let child: ChildProcess | undefined;
  let failed = false;
  try {
    child = await startLoadProcess();
    const joinTimeout = (params.clients / params.joinRate) * 1000 + params.setupTimeoutMs + 10_000;
    const tokens: string[] = [];
    for (let i = 0; i < params.clients; i++) tokens.push(await service.token(i));

    // 1. Service: the real join path with media.
    out(`service at ${service.url}: joining…`);
    const svcJoin = (
      await call(
        child,
        { type: 'join', target: 'service', url: service.url, tokens, full: true },
        'joined',
        joinTimeout,
      )
    ).report;
    out(
      `  ${svcJoin.clients}/${params.clients} clients ready in ${svcJoin.seconds.toFixed(1)} s: ` +
        `${svcJoin.consumers} consumers, ${service.sessions()} live sessions`,
    );
    for (const e of svcJoin.errors.slice(0, 5)) out(`  error: ${e}`);
    if (svcJoin.errors.length > 0) failed = true;
    if (svcJoin.clients === 0) throw new Error('no service client joined');

    // The steady ack as the service answers it in a full session: the baseline's canned ack.
    const canned = new Map(svcJoin.canned);
    const sample = (await call(child, { type: 'probe', target: 'service' }, 'probed', 10_000)).ack;
    if (!sample.ok) throw new Error(`${params.steadyEvent} refused: ${sample.error.code}`);
    canned.set(params.steadyEvent, sample);
    const ackBytes = Buffer.byteLength(JSON.stringify(sample));

    // 2. Baseline: bare Socket.IO, as many clients joining the same way, canned acks.
    baseline = await startBaseline(canned);
    out(`bare Socket.IO at ${baseline.url}: joining…`);
    const baseJoin = (
      await call(
        child,
        { type: 'join', target: 'baseline', url: baseline.url, tokens, full: false },
        'joined',
        joinTimeout,
      )
    ).report;
    out(
      `  ${baseJoin.clients}/${params.clients} clients joined in ${baseJoin.seconds.toFixed(1)} s`,
    );
    for (const e of baseJoin.errors.slice(0, 5)) out(`  error: ${e}`);
    if (baseJoin.errors.length > 0) failed = true;
    if (baseJoin.clients === 0) throw new Error('no baseline client joined');
    const baseSample = (await call(child, { type: 'probe', target: 'baseline' }, 'probed', 10_000))
      .ack;
    const baseAckBytes = Buffer.byteLength(JSON.stringify(baseSample));

    // 3. Steady phase: a warm-up of each, then alternating measured blocks.
    out(`steady phase: ${ackBytes}-byte acks (baseline ${baseAckBytes} bytes)…`);
    const svc = newSteady();
    const base = newSteady();
    await block(child, 'service', params.warmupSeconds, undefined);
    await block(child, 'baseline', params.warmupSeconds, undefined);
    const seconds = params.durationSeconds / params.blocks;
    for (let b = 0; b < params.blocks; b++) {
      await block(child, 'service', seconds, svc);
      await block(child, 'baseline', seconds, base);
    }

    // 4. Report.
    const sj = summarize(svcJoin.join);
    const bj = summarize(baseJoin.join);
    const ready = summarize(svcJoin.ready);
    const sa = summarize(svc.rtt);
    const ba = summarize(base.rtt);
    const ratio = sa.p99 / ba.p99;
    const loop = (s: Steady): string =>
      `${Math.max(...s.loopP99).toFixed(1)} / ${s.loopMax.toFixed(1)} ms`;
    const counts = (s: Steady): string => `${s.acked}/${s.sent} (${s.refused}, ${s.timedOut})`;
    const perBlock = (s: Steady): string =>
      s.blockP99.map((v) => v.toFixed(2).padStart(5)).join(' ');
    out();
    table([
      ['', 'service', 'bare Socket.IO'],
      ['join p50 (connect → session:join ack)', ms(sj.p50), ms(bj.p50)],
      ['join p99', ms(sj.p99), ms(bj.p99)],
      [
        'ready p50 / p99 (+ transports, produce, consume)',
        `${ms(ready.p50)} / ${ms(ready.p99)}`,
        '—',
      ],
      [`ack p50 (${params.steadyEvent} round trip)`, ms(sa.p50), ms(ba.p50)],
      ['ack p99', ms(sa.p99), ms(ba.p99)],
      ['ack max', ms(sa.max), ms(ba.max)],
      ['acks ok / sent (refused, timed out)', counts(svc), counts(base)],
      [
        'achieved rate',
        `${(svc.sent / svc.seconds).toFixed(0)}/s`,
        `${(base.sent / base.seconds).toFixed(0)}/s`,
      ],
      [
        'client send lag p99 (scheduled → emitted)',
        ms(summarize(svc.lag).p99),
        ms(summarize(base.lag).p99),
      ],
      ['server event-loop delay p99 (worst block) / max', loop(svc), loop(base)],
      [
        'server process CPU per request',
        `${(svc.serverCpuMicros / svc.sent).toFixed(0)} µs`,
        `${(base.serverCpuMicros / base.sent).toFixed(0)} µs`,
      ],
      ['ack size', `${ackBytes} B`, `${baseAckBytes} B`],
    ]);
    if (svc.refused + svc.timedOut + base.refused + base.timedOut > 0) failed = true;
    // Each service block against the baseline block right after it: a check on the
    // headline ratio, less moved by one disturbed block.
    const paired = svc.blockP99.map((v, i) => round3(v / base.blockP99[i]!));
    const pairedMedian = round3(median(paired));
    out();
    out('ack p99 per block (ms), in the order run:');
    out(`  service         ${perBlock(svc)}`);
    out(`  bare Socket.IO  ${perBlock(base)}`);
    out(
      `  ratio           ${paired.map((v) => v.toFixed(2).padStart(5)).join(' ')} (median ${pairedMedian.toFixed(2)})`,
    );

    out();
    out('service setup requests (request → ack, during the join phase):');
    const setupRequests = svcJoin.requests.map(([event, v]) => ({ event, ...summarize(v) }));
    table([
      ['  event', 'count', 'p50', 'p99', 'max'],
      ...setupRequests.map((r) => [
        `  ${r.event}`,
        String(r.count),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
      ]),
    ]);

    const steadyJson = (s: Steady, a: Summary, bytes: number) => ({
      ack: a,
      ackBlocksP99: s.blockP99,
      ackBytes: bytes,
      sent: s.sent,
      acked: s.acked,
      refused: s.refused,
      timedOut: s.timedOut,
      achievedRate: round3(s.sent / s.seconds),
      clientSendLag: summarize(s.lag),
      serverEventLoopDelay: { blocksP99: s.loopP99, max: s.loopMax },
      serverCpuMicrosPerRequest: round3(s.serverCpuMicros / s.sent),
    });
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    const result = {
      benchmark: 'signaling',
      timestamp: new Date().toISOString(),
      parameters: params,
      environment: environment({
        mediasoup: versionOf('mediasoup'),
        socketIo: versionOf('socket.io'),
        socketIoClient: versionOf('socket.io-client'),
        mediasoupClient: versionOf('mediasoup-client'),
      }),
      unit: 'ms',
      service: {
        clients: svcJoin.clients,
        join: sj,
        connect: summarize(svcJoin.connect),
        ready,
        consumers: svcJoin.consumers,
        joinErrors: svcJoin.errors,
        setupRequests,
        ...steadyJson(svc, sa, ackBytes),
      },
      baseline: {
        description:
          'bare socket.io Server (same engine options), no auth, no validation, ' +
          'canned acks recorded from the service',
        clients: baseJoin.clients,
        join: bj,
        connect: summarize(baseJoin.connect),
        joinErrors: baseJoin.errors,
        ...steadyJson(base, ba, baseAckBytes),
      },
      ratio: round3(ratio),
      ratioDefinition: 'service ack p99 / bare Socket.IO ack p99',
      pairedBlockRatios: paired,
      pairedBlockRatioMedian: pairedMedian,
      target: 1.5,
    };
    writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
    out();
    out(`results: ${path.relative(process.cwd(), RESULT_FILE)}`);
    out(`ratio=${ratio.toFixed(2)} (service ack p99 / bare Socket.IO ack p99)`);
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      await call(child, { type: 'close' }, 'closed', 10_000).catch(() => undefined);
      await withTimeout(exited, 10_000, 'load process exit').catch(() => child!.kill('SIGKILL'));
    }
    await baseline?.close();
    await service.close();
  }
  return failed ? 1 : 0;
}

if (ROLE === 'load') {
  runLoadProcess();
} else {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench:signaling failed: ${errorText(error)}\n`);
      process.exitCode = 1;
    },
  );
}
