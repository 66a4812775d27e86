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
 * holds which is read from the ownership leases in Redis); a client whose socket is on the node
 * holding its session is direct, the others are relayed over Redis. All join
 * (media:capabilities, session:join; the mediator admits the parties).
 *
 * Steady phase: `session:participants` (a read of the live session: one round trip through
 * the relay, no database) sent open-loop at `--rate` per second (on schedule, whatever the
 * replies), round-robin over the clients of one group, in `--blocks` alternating blocks of
 * the direct group (sockets on A) and the relayed group (sockets on B), so drifting load
 * hits both alike. Each ack's round trip is measured.
 *
 * Checks: every session is held by exactly one node, with all four in it; every ack is ok.
 * Errors fail the run after the figures are printed.
 *
 * Failover (`--failovers`, 10 by default, 0 skips it): the node holding a call in Chromium is
 * SIGKILLed, and SIGKILL → media flowing again both ways is timed (bench/clusterFailover.ts);
 * reported as a median with the floor the design sets (the 3 s ownership lease).
 *
 *   npm run bench:cluster [-- --sessions 10 --rate 400 --duration 20 --blocks 8 --failovers 10]
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { SessionTokens } from '../server/auth/SessionTokens.js';
// How long an owner's lease lasts: no takeover comes sooner.
import { LEASE_MS } from '../server/cluster/placement.js';
import { PostgresClient } from '../server/db/sql/PostgresClient.js';
import { createLogger } from '../server/logger.js';
import type { SessionRole } from '../signaling/index.js';
import { connectClient, joinSession, type TestClient } from '../tests/support/client.js';
import { kill, startNodeProcess } from '../tests/support/clusterNodes.js';
import { enrolledToken, type TokenIssuer } from '../tests/support/enrol.js';
import { freshDatabase, startPostgres } from '../tests/support/postgres.js';
import { redisPrefix, startRedis } from '../tests/support/redis.js';
import { TEST_SECRET } from '../tests/support/secrets.js';
import { failoverRounds, type Cluster, type FailoverFigures } from './clusterFailover.js';
import {
  environment,
  errorText,
  flag,
  message,
  out,
  percentile,
  round3,
  table,
  versionOf,
} from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULT_FILE = path.join(here, 'results', 'cluster.json');

const params = {
  sessions: flag('sessions', 10, { integer: true }),
  rate: flag('rate', 400),
  durationSeconds: flag('duration', 20),
  blocks: flag('blocks', 8, { integer: true }),
  warmupSeconds: flag('warmup', 2),
  failovers: flag('failovers', 10, { integer: true }),
};

interface Member {
  client: TestClient;
  sessionId: string;
  node: 'a' | 'b';
}

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
      SERVICE_KEYS_SECRET: 'bench-cluster key-sealing secret, 32+ characters',
    };
    const nodes: ChildProcess[] = [];
    stops.unshift(async () => {
      for (const n of nodes) await kill(n);
    });
    const a = await startNodeProcess({ ...shared, NODE_ID: 'node-a' });
    nodes.push(a.child);
    const b = await startNodeProcess({ ...shared, NODE_ID: 'node-b' });
    nodes.push(b.child);
    // The case file the nodes read (migrated by them), and their token secret.
    const database = await PostgresClient.open(
      shared.DATABASE_URL,
      { max: 2 },
      createLogger('silent'),
    );
    stops.unshift(() => database.close());
    const leases = new Redis(redis.url, { lazyConnect: true });
    await leases.connect();
    stops.unshift(async () => void leases.disconnect());
    const cluster: Cluster = {
      env: shared,
      issuer: { database, tokens: new SessionTokens(TEST_SECRET) } satisfies TokenIssuer,
      ownerOf: (sessionId) => leases.get(`${prefix}session:${sessionId}:owner`),
    };

    out(`bench:cluster: ${params.sessions} sessions of 4 (2 sockets on node A, 2 on node B)`);
    const members: Member[] = [];
    for (let s = 0; s < params.sessions; s++) {
      const caseId = `CASE-CLUSTER-${s}`;
      const sessionId = `SESSION-CLUSTER-${s}`;
      const people: { sub: string; role: SessionRole; node: 'a' | 'b' }[] = [
        { sub: `m${s}`, role: 'mediator', node: 'a' },
        { sub: `a${s}`, role: 'party', node: 'a' },
        { sub: `b${s}`, role: 'party', node: 'b' },
        { sub: `c${s}`, role: 'party', node: 'b' },
      ];
      let mediator: TestClient | undefined;
      for (const p of people) {
        const token = await enrolledToken(
          cluster.issuer,
          { sub: p.sub, caseId, sessionId, role: p.role, name: `参与人${p.sub}` },
          3600,
        );
        const client = await connectClient((p.node === 'a' ? a : b).url, token);
        await joinSession(client, {
          ...(mediator ? { admitBy: mediator } : {}),
          overrideReason: 'benchmark: admitted without the identity check',
        });
        mediator ??= client;
        members.push({ client, sessionId, node: p.node });
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
    const direct = members.filter((m) => holder.get(m.sessionId) === m.node).map((m) => m.client);
    const relayed = members.filter((m) => holder.get(m.sessionId) !== m.node).map((m) => m.client);
    // Warm-up: both paths, untimed.
    await drive(direct, params.rate, params.warmupSeconds / 2, errors);
    await drive(relayed, params.rate, params.warmupSeconds / 2, errors);

    const seconds = params.durationSeconds / params.blocks;
    const all = { direct: [] as number[], relayed: [] as number[] };
    const paired: number[] = [];
    for (let block = 0; block < params.blocks; block++) {
      // A B, B A, A B, …: neither path always goes first.
      const order =
        block % 2 === 0 ? (['direct', 'relayed'] as const) : (['relayed', 'direct'] as const);
      const got: Record<'direct' | 'relayed', number[]> = { direct: [], relayed: [] };
      for (const group of order) {
        got[group] = await drive(
          group === 'direct' ? direct : relayed,
          params.rate,
          seconds,
          errors,
        );
        all[group].push(...got[group]);
      }
      paired.push(round3(summary(got.relayed).p99 / summary(got.direct).p99));
    }
    const d = summary(all.direct);
    const r = summary(all.relayed);
    const ratio = r.p99 / d.p99;
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
    ]);
    out(
      `  paired block ratios (relayed p99 / direct p99): ${paired.map((v) => v.toFixed(2)).join(' ')}`,
    );
    if (errors.length > 0) out(`  errors: ${errors.length} (first: ${errors[0]})`);
    for (const m of members) m.client.close();

    let failover: FailoverFigures | null = null;
    if (params.failovers > 0) {
      out();
      out(`failover: ${params.failovers} rounds, the owner SIGKILLed, node B survives`);
      await kill(a.child); // not part of the failover rounds: its load would only add noise
      failover = await failoverRounds({ ...cluster, survivor: b.url }, params.failovers);
      if (failover.rounds.length < params.failovers)
        errors.push(`failover: ${failover.rounds.length} of ${params.failovers} rounds`);
      if (failover.medianMs !== null)
        out(
          `  SIGKILL → media again both ways: median ${failover.medianMs} ms ` +
            `(min ${failover.minMs}, max ${failover.maxMs}; the lease alone is ${LEASE_MS} ms)`,
        );
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
          sessionsHeld: { nodeA: holder.size - heldByB, nodeB: heldByB },
          baseline: { description: 'sockets on the node that holds the session', ...d },
          project: { description: 'sockets on another node, relayed over Redis', ...r },
          ratio: round3(ratio),
          ratioDefinition: 'relayed ack p99 / direct ack p99',
          pairedBlockRatios: paired,
          target: 1.5,
          failover: failover && {
            description:
              'SIGKILL of the node holding a call in Chromium → audio and video flowing again to both pages (no reload)',
            leaseMs: LEASE_MS,
            ...failover,
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
    out(`ratio=${ratio.toFixed(2)} (relayed ack p99 / direct ack p99)`);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:cluster failed: ${errorText(error)}\n`);
  process.exit(1);
});
