/**
 * bench:cluster — what the relay costs: a session's signalling answered by the node that
 * holds it, asked directly (the baseline) and through another node (the project's relay).
 *
 * Two service nodes, each a process of its own as in a deployment (tests/support/cluster-node.ts,
 * one media worker each), on one PostgreSQL database (a throwaway cluster,
 * tests/support/postgres.ts) and one Redis (Debian's redis-server on a free loopback port,
 * tests/support/redis.ts). `--sessions` sessions of four: the mediator and one party connect to
 * node A, two parties to node B. Each session's first join reaches A, and placement puts the
 * session on the node with less load then, so the sessions spread over both nodes (which node
 * holds which is read from the ownership leases in Redis). Each node has an address of its own
 * (NODE_DIRECT_URL), and on each node one of the two clients follows its session as the call
 * page does (`follow` at the handshake). So in every session: two clients arrived at the node
 * holding it (direct); one arrived at the other node and does not follow (relayed over the
 * node link, as every page is in a deployment without node addresses); one arrived at the
 * other node and followed (moved: sent at the handshake to the owner's own address). All join
 * (media:capabilities, session:join; the mediator admits the parties).
 *
 * Steady phase, after `--warmup` seconds of both paths unmeasured (the relay's first seconds
 * cost node B about twice the CPU per request): `session:participants` (a read of the live
 * session: one round trip through
 * the relay, no database) sent open-loop at `--rate` per second (on schedule, whatever the
 * replies), round-robin over the clients of one group, in `--blocks` blocks of the three groups
 * in rotating order, so drifting load hits all alike. Each ack's round trip is measured. The
 * relayed ÷ direct p99 is the relay's cost; moved ÷ direct p99 is what a page that reached the
 * other node meets where nodes have addresses of their own (goal for both: ≤ 1.5). The move's
 * own cost, one handshake more, is shown as connection times.
 *
 * Checks: every session is held by exactly one node, with all four in it; every ack is ok.
 * Errors fail the run after the figures are printed.
 *
 * Capacity (bench/clusterRooms.ts): rooms of four with synthetic media held at < 1 % loss by
 * the two nodes against one node (a third process, a cluster of its own), ramped side by side,
 * each node's worker on a fixed CPU budget (`--worker-cpu`, a share of a core). The last line's
 * `ratio=` is two-node rooms held ÷ one-node rooms held (goal ≥ 1.8).
 *
 * Failover (`--failovers`, 10 by default): the node holding a call in Chromium is
 * SIGKILLed, and SIGKILL → media flowing again both ways is timed (bench/clusterFailover.ts);
 * reported as a median with the floor the design sets (the 3 s ownership lease).
 *
 *   npm run bench:cluster [-- --sessions 10 --rate 400 --duration 40 --blocks 16 --warmup 16
 *                            --worker-cpu 0.25 --max-rooms 40 --failovers 10]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { SessionTokens } from '../server/auth/SessionTokens.js';
// How long an owner's lease lasts: no takeover comes sooner.
import { LEASE_MS } from '../server/cluster/placement.js';
import { PostgresClient } from '../server/db/sql/PostgresClient.js';
import { createLogger } from '../server/logger.js';
import type { SessionRole } from '../signaling/index.js';
import {
  connectClient,
  connectFollowing,
  joinSession,
  type TestClient,
} from '../tests/support/client.js';
import { askNode, kill, startNodeProcess } from '../tests/support/clusterNodes.js';
import { enrolledToken, type TokenIssuer } from '../tests/support/enrol.js';
import {
  freePort,
  freshDatabase,
  startPostgres,
  type PostgresCluster,
} from '../tests/support/postgres.js';
import { redisPrefix, startRedis, type RedisServer } from '../tests/support/redis.js';
import { TEST_SECRET } from '../tests/support/secrets.js';
import { failoverRounds, type Cluster, type FailoverFigures } from './clusterFailover.js';
import {
  roomsHeld,
  type RoomsNode,
  type RoomsParams,
  type RoomsResult,
  type RoomsRig,
} from './clusterRooms.js';
import {
  CLIP,
  ensureClip,
  environment,
  errorText,
  flag,
  message,
  out,
  percentile,
  round3,
  table,
  versionOf,
  resultFile,
} from './common.js';
import { cpuBudget, type CpuBudget } from './cpuBudget.js';
import { procCpu } from './recordingRigs.js';
import { ensureCapture, Sender, stopChildren } from './rtpLoad.js';

const RESULT_FILE = resultFile('cluster');

const params = {
  sessions: flag('sessions', 10, { integer: true, smoke: 2 }),
  rate: flag('rate', 400, { smoke: 100 }),
  durationSeconds: flag('duration', 40, { smoke: 2 }),
  blocks: flag('blocks', 16, { integer: true, smoke: 2 }),
  /**
   * Unmeasured, both paths in turns: node B's CPU per relayed request falls by about half
   * over the first 8 s of relaying (a CPU profile at 400/s: 25 % busy in the first second,
   * 13 % from the eighth), so a short warm-up measured the relay's first seconds, not the
   * steady state a node serving for days is in.
   */
  warmupSeconds: flag('warmup', 16, { smoke: 1 }),
  failovers: flag('failovers', 10, { integer: true, smoke: 1 }),
  /** Each node's worker: this share of a core (cgroup CPU quota). */
  workerCpu: flag('worker-cpu', 0.25),
  rooms: {
    /** A safety cap, above twice what one node holds on this machine (27 rooms on 2026-12-05). */
    maxRooms: flag('max-rooms', 80, { integer: true, smoke: 2 }),
    windowSeconds: flag('rooms-window', 4, { smoke: 2 }),
    warmupSeconds: 2,
    lossLimit: 0.01,
    cpuLimit: 0.8,
  } satisfies RoomsParams,
  /** Wall-clock budget for the capacity ramp. */
  roomsBudgetSeconds: 480,
};

const KEYS_SECRET = 'bench-cluster key-sealing secret, 32+ characters';

interface Member {
  client: TestClient;
  sessionId: string;
  /** The node the client first reached. */
  node: 'a' | 'b';
  /** Follows its session (the call page's handshake): sent to the owner's own address. */
  follows: boolean;
  /** Where it is connected: the node it reached, or the owner's own address after a move. */
  at: string;
  /** Handshake(s) until connected (ms). */
  connectMs: number;
}

type Group = 'direct' | 'relayed' | 'moved';
const GROUPS: readonly Group[] = ['direct', 'relayed', 'moved'];

/** Sends open-loop for `seconds` at `rate`/s round-robin over `clients`; the acks' round trips (ms). */
async function drive(
  clients: TestClient[],
  rate: number,
  seconds: number,
  errors: string[],
): Promise<number[]> {
  const rtts: number[] = [];
  const pending: Promise<void>[] = [];
  const total = Math.round(rate * seconds);
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const client = clients[i % clients.length]!;
    const sent = performance.now();
    pending.push(
      client.ack('session:participants', {}).then(
        (ack) => {
          if (ack.ok) rtts.push(performance.now() - sent);
          else errors.push(`session:participants: ${ack.error.code} ${ack.error.message}`);
        },
        (error: unknown) => {
          errors.push(message(error));
        },
      ),
    );
  }
  await Promise.all(pending);
  return rtts;
}

function summary(values: number[]): { n: number; p50: number; p95: number; p99: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: round3(percentile(sorted, 50)),
    p95: round3(percentile(sorted, 95)),
    p99: round3(percentile(sorted, 99)),
  };
}

/**
 * What the benchmark needs of a cluster: its case file (to enrol people and sign their tokens)
 * and its ownership leases. What it opens is closed by `stops`.
 */
async function reach(
  env: Record<string, string> & { DATABASE_URL: string; REDIS_KEY_PREFIX: string },
  redisUrl: string,
  stops: (() => Promise<void>)[],
): Promise<Cluster> {
  const database = await PostgresClient.open(env.DATABASE_URL, { max: 2 }, createLogger('silent'));
  stops.unshift(() => database.close());
  const leases = new Redis(redisUrl, { lazyConnect: true });
  await leases.connect();
  stops.unshift(async () => void leases.disconnect());
  return {
    env,
    issuer: { database, tokens: new SessionTokens(TEST_SECRET) } satisfies TokenIssuer,
    ownerOf: (sessionId) => leases.get(`${env.REDIS_KEY_PREFIX}session:${sessionId}:owner`),
  };
}

interface Capacity {
  oneNode: RoomsResult;
  twoNodes: RoomsResult;
  /** Two-node rooms held ÷ one-node rooms held. */
  ratio: number;
}

/** Puts a node's worker on the budget `params.workerCpu` (kept in `budgets` for removal). */
async function budgeted(node: Omit<RoomsNode, 'budget'>, budgets: CpuBudget[]): Promise<RoomsNode> {
  const { workerPid } = await askNode<{ workerPid: number }>(node.child, { mediaStats: true });
  const budget = cpuBudget(`mediation-bench-${node.id}`, params.workerCpu);
  budgets.push(budget);
  budget.add(workerPid);
  return { ...node, budget };
}

/**
 * Rooms held by the two nodes against one: a third node on a Redis prefix and database of
 * its own is the one-node cluster (bench/clusterRooms.ts).
 */
async function capacity(
  pg: PostgresCluster,
  redis: RedisServer,
  pair: Omit<RoomsNode, 'budget'>[],
  cluster: Cluster,
): Promise<Capacity> {
  const stops: (() => Promise<void>)[] = [];
  try {
    const prefix = redisPrefix('bench-cluster-one');
    const env = {
      DATABASE_URL: await freshDatabase(pg.url, 'bench-cluster-one'),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      SERVICE_KEYS_SECRET: KEYS_SECRET,
      NODE_ID: 'node-one',
    };
    const one = await startNodeProcess(env, { ipc: true });
    stops.unshift(() => kill(one.child));
    const alone = await reach(env, redis.url, stops);
    const budgets: CpuBudget[] = [];
    stops.unshift(async () => {
      for (const b of budgets) b.remove();
    });
    const sender = await Sender.start(await ensureCapture(ensureClip()), CLIP.seconds);
    stops.unshift(stopChildren);
    const rigs: RoomsRig[] = [
      {
        name: 'one node',
        nodes: [await budgeted({ id: 'node-one', url: one.url, child: one.child }, budgets)],
        issuer: alone.issuer,
        ownerOf: alone.ownerOf,
      },
      {
        name: 'two nodes',
        nodes: await Promise.all(pair.map((node) => budgeted(node, budgets))),
        issuer: cluster.issuer,
        ownerOf: cluster.ownerOf,
      },
    ];
    out(
      `capacity: rooms of 4 (synthetic media, bench:media's clip), one node against two, ` +
        `each worker on ${params.workerCpu} of a core; one room per node per step, ` +
        `${params.rooms.windowSeconds} s windows`,
    );
    const [oneNode, twoNodes] = (await roomsHeld(
      rigs,
      sender,
      params.rooms,
      performance.now() + params.roomsBudgetSeconds * 1000,
    )) as [RoomsResult, RoomsResult];
    return {
      oneNode,
      twoNodes,
      ratio: oneNode.roomsHeld > 0 ? twoNodes.roomsHeld / oneNode.roomsHeld : NaN,
    };
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const pg = await startPostgres();
  const redis = await startRedis();
  const stops: (() => Promise<void>)[] = [async () => pg.stop(), () => redis.stop()];
  const errors: string[] = [];
  try {
    const prefix = redisPrefix('bench-cluster');
    const shared = {
      DATABASE_URL: await freshDatabase(pg.url, 'bench-cluster'),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      SERVICE_KEYS_SECRET: KEYS_SECRET,
    };
    const nodes: ChildProcess[] = [];
    stops.unshift(async () => {
      for (const n of nodes) await kill(n);
    });
    // Each node with an address of its own, for the pages that follow their session there.
    const own = async (id: string) => {
      const port = await freePort();
      return { NODE_ID: id, HTTP_PORT: String(port), NODE_DIRECT_URL: `http://127.0.0.1:${port}` };
    };
    const a = await startNodeProcess({ ...shared, ...(await own('node-a')) }, { ipc: true });
    nodes.push(a.child);
    const b = await startNodeProcess({ ...shared, ...(await own('node-b')) }, { ipc: true });
    nodes.push(b.child);
    // The case file the nodes read (migrated by them), and their leases.
    const cluster = await reach(shared, redis.url, stops);

    out(`bench:cluster: ${params.sessions} sessions of 4 (2 sockets on node A, 2 on node B)`);
    const members: Member[] = [];
    for (let s = 0; s < params.sessions; s++) {
      const caseId = `CASE-CLUSTER-${s}`;
      const sessionId = `SESSION-CLUSTER-${s}`;
      const people: { sub: string; role: SessionRole; node: 'a' | 'b'; follows: boolean }[] = [
        { sub: `m${s}`, role: 'mediator', node: 'a', follows: false },
        { sub: `a${s}`, role: 'party', node: 'a', follows: true },
        { sub: `b${s}`, role: 'party', node: 'b', follows: false },
        { sub: `c${s}`, role: 'party', node: 'b', follows: true },
      ];
      let mediator: TestClient | undefined;
      for (const p of people) {
        const token = await enrolledToken(
          cluster.issuer,
          { sub: p.sub, caseId, sessionId, role: p.role, name: `参与人${p.sub}` },
          3600,
        );
        const url = (p.node === 'a' ? a : b).url;
        const started = performance.now();
        const { client, at } = p.follows
          ? await connectFollowing(url, token)
          : { client: await connectClient(url, token), at: url };
        const connectMs = performance.now() - started;
        await joinSession(client, {
          ...(mediator ? { admitBy: mediator } : {}),
          overrideReason: 'benchmark: admitted without the identity check',
        });
        mediator ??= client;
        members.push({ client, sessionId, node: p.node, follows: p.follows, at, connectMs });
      }
    }
    const holder = new Map<string, 'a' | 'b'>();
    for (const sessionId of new Set(members.map((m) => m.sessionId))) {
      const owner = await cluster.ownerOf(sessionId);
      if (owner !== 'node-a' && owner !== 'node-b') {
        errors.push(`${sessionId}: held by ${owner ?? 'no node'}`);
        continue;
      }
      holder.set(sessionId, owner === 'node-a' ? 'a' : 'b');
      const { participants } = await members
        .find((m) => m.sessionId === sessionId)!
        .client.request('session:participants', {});
      if (participants.length !== 4) errors.push(`${sessionId}: not everyone is in`);
    }
    const heldByB = [...holder.values()].filter((n) => n === 'b').length;
    out(`  sessions held: node A ${holder.size - heldByB}, node B ${heldByB} (placed by load)`);
    const groupOf = (m: Member): Group =>
      holder.get(m.sessionId) === m.node ? 'direct' : m.follows ? 'moved' : 'relayed';
    const clientsOf = (g: Group) => members.filter((m) => groupOf(m) === g).map((m) => m.client);
    const groups = {
      direct: clientsOf('direct'),
      relayed: clientsOf('relayed'),
      moved: clientsOf('moved'),
    };
    // A moved client is connected to the owner's own address; a relayed one to the node it reached.
    const ownUrl = { a: a.url, b: b.url };
    for (const m of members) {
      const owner = holder.get(m.sessionId);
      const expected = groupOf(m) === 'moved' && owner ? ownUrl[owner] : ownUrl[m.node];
      if (m.at !== expected) errors.push(`${m.sessionId}: a ${groupOf(m)} client is at ${m.at}`);
    }
    const connectMedian = (g: Group): number => {
      const times = members.filter((m) => groupOf(m) === g).map((m) => m.connectMs);
      return round3(
        percentile(
          [...times].sort((x, y) => x - y),
          50,
        ),
      );
    };
    const connectMs = {
      direct: connectMedian('direct'),
      relayed: connectMedian('relayed'),
      moved: connectMedian('moved'),
    };
    // Warm-up: every path, untimed.
    for (let i = 0; i < 4; i++)
      for (const g of GROUPS)
        await drive(groups[g], params.rate, params.warmupSeconds / 12, errors);

    const seconds = params.durationSeconds / params.blocks;
    const all: Record<Group, number[]> = { direct: [], relayed: [], moved: [] };
    // Each node process's CPU seconds spent while a group was driven (where the relay's cost goes).
    const nodeCpu: Record<Group, { a: number; b: number }> = {
      direct: { a: 0, b: 0 },
      relayed: { a: 0, b: 0 },
      moved: { a: 0, b: 0 },
    };
    const cpuOf = (child: ChildProcess): number =>
      child.pid === undefined ? Number.NaN : (procCpu(child.pid)?.own ?? Number.NaN);
    const paired: number[] = [];
    const pairedMoved: number[] = [];
    for (let block = 0; block < params.blocks; block++) {
      // Rotating order: no path always goes first.
      const order = GROUPS.map((_, i) => GROUPS[(i + block) % GROUPS.length]!);
      const got: Record<Group, number[]> = { direct: [], relayed: [], moved: [] };
      for (const group of order) {
        const before = { a: cpuOf(a.child), b: cpuOf(b.child) };
        got[group] = await drive(groups[group], params.rate, seconds, errors);
        all[group].push(...got[group]);
        nodeCpu[group].a += cpuOf(a.child) - before.a;
        nodeCpu[group].b += cpuOf(b.child) - before.b;
      }
      paired.push(round3(summary(got.relayed).p99 / summary(got.direct).p99));
      pairedMoved.push(round3(summary(got.moved).p99 / summary(got.direct).p99));
    }
    const d = summary(all.direct);
    const r = summary(all.relayed);
    const mv = summary(all.moved);
    const ratio = r.p99 / d.p99;
    const movedRatio = mv.p99 / d.p99;
    const perRequestUs = (group: Group) => ({
      nodeA: Math.round((nodeCpu[group].a * 1e6) / all[group].length),
      nodeB: Math.round((nodeCpu[group].b * 1e6) / all[group].length),
    });
    const cpuPerRequest = {
      direct: perRequestUs('direct'),
      relayed: perRequestUs('relayed'),
      moved: perRequestUs('moved'),
    };
    out();
    table([
      ['ack round trip (ms)', 'n', 'p50', 'p95', 'p99'],
      [
        'direct (socket on the owner)',
        String(d.n),
        d.p50.toFixed(2),
        d.p95.toFixed(2),
        d.p99.toFixed(2),
      ],
      [
        'relayed (socket on the other node)',
        String(r.n),
        r.p50.toFixed(2),
        r.p95.toFixed(2),
        r.p99.toFixed(2),
      ],
      [
        'moved (reached the other node, followed)',
        String(mv.n),
        mv.p50.toFixed(2),
        mv.p95.toFixed(2),
        mv.p99.toFixed(2),
      ],
    ]);
    out(
      `  paired block ratios (relayed p99 / direct p99): ${paired.map((v) => v.toFixed(2)).join(' ')}`,
    );
    out(
      `  paired block ratios (moved p99 / direct p99): ${pairedMoved.map((v) => v.toFixed(2)).join(' ')}`,
    );
    out(
      `  node CPU per request (µs, whole processes, 10 ms ticks):` +
        GROUPS.map((g) => ` ${g} A ${cpuPerRequest[g].nodeA} B ${cpuPerRequest[g].nodeB}`).join(
          ';',
        ),
    );
    out(
      `  connection, median (ms): direct ${connectMs.direct.toFixed(1)}, relayed ${connectMs.relayed.toFixed(1)}, ` +
        `moved ${connectMs.moved.toFixed(1)} (its handshake at the other node, then at the owner)`,
    );
    if (errors.length > 0) out(`  errors: ${errors.length} (first: ${errors[0]})`);
    for (const m of members) m.client.close();

    out();
    const cap = await capacity(
      pg,
      redis,
      [
        { id: 'node-a', url: a.url, child: a.child },
        { id: 'node-b', url: b.url, child: b.child },
      ],
      cluster,
    );
    for (const r of [cap.oneNode, cap.twoNodes])
      out(`  ${r.name}: ${r.roomsHeld} rooms held (${r.stopReason})`);

    let failover: FailoverFigures | null = null;
    let failoverMoved: FailoverFigures | null = null;
    if (params.failovers > 0) {
      await kill(a.child); // not part of the failover rounds: its load would only add noise
      for (const moved of [false, true]) {
        out();
        out(
          `failover: ${params.failovers} rounds, the owner SIGKILLed, node B survives; ` +
            (moved ? 'the pages moved to the owner’s own address' : 'the pages relayed by node B'),
        );
        const figures = await failoverRounds(
          { ...cluster, survivor: b.url },
          params.failovers,
          moved,
        );
        if (figures.rounds.length < params.failovers)
          errors.push(`failover: ${figures.rounds.length} of ${params.failovers} rounds`);
        if (figures.medianMs !== null)
          out(
            `  SIGKILL → media again both ways: median ${figures.medianMs} ms ` +
              `(min ${figures.minMs}, max ${figures.maxMs}; the lease alone is ${LEASE_MS} ms)`,
          );
        if (moved) failoverMoved = figures;
        else failover = figures;
      }
    }

    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    writeFileSync(
      RESULT_FILE,
      `${JSON.stringify(
        {
          benchmark: 'cluster',
          timestamp: new Date().toISOString(),
          parameters: params,
          environment: environment({
            socketIo: versionOf('socket.io'),
            redisAdapter: versionOf('@socket.io/redis-adapter'),
            ioredis: versionOf('ioredis'),
          }),
          unit: 'ms',
          request: 'session:participants',
          ratio: round3(cap.ratio),
          ratioDefinition: 'rooms held at < 1 % loss, two nodes / one node',
          target: 1.8,
          capacity: {
            description:
              'rooms of 4 with synthetic media, placed by the cluster, each node one worker on a CPU budget',
            workerCpuShare: params.workerCpu,
            baseline: cap.oneNode,
            project: cap.twoNodes,
            ratio: round3(cap.ratio),
          },
          relay: {
            sessionsHeld: { nodeA: holder.size - heldByB, nodeB: heldByB },
            baseline: { description: 'sockets on the node that holds the session', ...d },
            project: { description: 'sockets on another node, relayed over the node link', ...r },
            ratio: round3(ratio),
            ratioDefinition: 'relayed ack p99 / direct ack p99',
            pairedBlockRatios: paired,
            nodeCpuPerRequestUs: cpuPerRequest,
            target: 1.5,
            moved: {
              description:
                'reached the other node, followed its session to the owner’s own address (NODE_DIRECT_URL) at the handshake',
              ...mv,
              ratio: round3(movedRatio),
              ratioDefinition: 'moved ack p99 / direct ack p99',
              pairedBlockRatios: pairedMoved,
              target: 1.5,
            },
            connectMedianMs: connectMs,
          },
          failover: failover && {
            description:
              'SIGKILL of the node holding a call in Chromium → audio and video flowing again to both pages (no reload); the pages relayed by the surviving node',
            leaseMs: LEASE_MS,
            ...failover,
          },
          failoverMoved: failoverMoved && {
            description:
              'the same, the pages moved to the owner’s own address (NODE_DIRECT_URL) at their handshake',
            leaseMs: LEASE_MS,
            ...failoverMoved,
          },
          errors: errors.length,
        },
        null,
        2,
      )}\n`,
    );
    out();
    out(`results: ${path.relative(process.cwd(), RESULT_FILE)}`);
    if (errors.length > 0) process.exitCode = 1;
    out(
      `signalling through a node that does not hold the session, ack p99 ÷ through the owner (goal ≤ 1.5): ` +
        `relayed ${ratio.toFixed(2)}; moved to the owner's own address ${movedRatio.toFixed(2)}`,
    );
    if (cap.twoNodes.stopReason.startsWith('room cap'))
      out(
        `note: the two-node rig stopped at the room cap (--max-rooms ${params.rooms.maxRooms}), not at a limit: the ratio is a lower bound`,
      );
    out(
      `ratio=${cap.ratio.toFixed(2)} (rooms held at < 1 % loss: two nodes ${cap.twoNodes.roomsHeld} / ` +
        `one node ${cap.oneNode.roomsHeld}; goal ≥ 1.8)`,
    );
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:cluster failed: ${errorText(error)}\n`);
  process.exit(1);
});
