/**
 * bench:cluster's capacity phase: rooms of four held at < 1 % loss by two nodes against one,
 * each node one media worker.
 *
 * Two rigs ramp side by side in the same run, measured over the same windows: "one node" (a
 * node process on its own Redis prefix and database: a cluster of one) and "two nodes" (the
 * two node processes of the relay phase). A room is placed as in production: its mediator's
 * socket joins through one of the rig's nodes (in turn, as a balancer would spread them) and
 * placement gives the session to the node with the least load; the node holding it is read from
 * its ownership lease. That node then adds four synthetic participants (bench:media's room,
 * tests/support/syntheticRoom.ts: LiveSession join, PlainTransports, produce, consume), fed by
 * bench:media's sender process replaying the clip's RTP and counted by sinks in this process
 * (bench/rtpLoad.ts). A step adds one room per node of each rig still ramping; within a rig the
 * rooms are added a second apart, so that every node has published its new load (placement
 * reads the others' load as published each second).
 *
 * Each worker gets a fixed share of a core (`--worker-cpu`, cgroup CPU quota, bench/cpuBudget.ts),
 * as a node on a machine of its own would have: on a 2-core machine the sender, the sinks, the
 * database and the nodes' Node.js share the cores, and without a budget they, not the workers,
 * set the limit (bench:media stops at 40 rooms with both rigs on the cores). A rig stops at loss
 * > 1 % over its sinks, any of its workers at ≥ 80 % of its budget, or the room cap.
 */
import type { ChildProcess } from 'node:child_process';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionRole } from '../signaling/index.js';
import { connectClient, joinSession, type TestClient } from '../tests/support/client.js';
import { askNode } from '../tests/support/clusterNodes.js';
import { enrolledToken, type TokenIssuer } from '../tests/support/enrol.js';
import type { SenderSpec } from '../tests/support/syntheticRoom.js';
import { message, out } from './common.js';
import type { CpuBudget } from './cpuBudget.js';
import { flowing, LISTEN_IP, READY_TIMEOUT_MS, type Sender, Sink } from './rtpLoad.js';

export interface RoomsNode {
  id: string;
  url: string;
  /** Started with an IPC channel (askNode). */
  child: ChildProcess;
  budget: CpuBudget | null;
}

export interface RoomsRig {
  name: string;
  nodes: RoomsNode[];
  issuer: TokenIssuer;
  /** The node holding a session now (its ownership lease), if any. */
  ownerOf(sessionId: string): Promise<string | null>;
}

export interface RoomsParams {
  maxRooms: number;
  windowSeconds: number;
  warmupSeconds: number;
  lossLimit: number;
  /** Share of its CPU budget (or of a core without one) at which a worker is full. */
  cpuLimit: number;
}

export interface RoomsStep {
  rooms: number;
  /** Rooms held per node id. */
  placed: Record<string, number>;
  seconds: number;
  packetsInPerSecond: number;
  packetsOutPerSecond: number;
  loss: number;
  /** Per node id: worker CPU ÷ wall time (1 = a core). */
  workerCpu: Record<string, number>;
  /** The busiest worker's CPU ÷ its budget (÷ a core without one). */
  busiest: number;
  senderCpu: number;
  benchProcessCpu: number;
  loadAverage1m: number;
}

export interface RoomsResult {
  name: string;
  nodes: number;
  workerCpuShare: number | null;
  steps: RoomsStep[];
  roomsHeld: number;
  stopReason: string;
  /** Throttled scheduling periods per node over the run (the budget biting). */
  throttled: Record<string, number>;
}

const ROOM_ROLES: SessionRole[] = ['mediator', 'party', 'party', 'agent'];

interface MediaStats {
  workerPid: number;
  cpuMs: number;
  packetsIn: number;
}

interface Ramp {
  rig: RoomsRig;
  sinks: Sink[];
  senderIds: number[];
  /** The mediators' sockets: they hold the sessions open. */
  clients: TestClient[];
  placed: Record<string, number>;
  result: RoomsResult;
  done: boolean;
}

let roomSeq = 0;

/** One room on a rig, placed by the cluster through the `via`-th node. */
async function addRoom(ramp: Ramp, sender: Sender, via: number): Promise<void> {
  const { rig } = ramp;
  const n = ++roomSeq;
  const caseId = `CASE-ROOMS-${n}`;
  const sessionId = `SESSION-ROOMS-${n}`;
  const token = await enrolledToken(
    rig.issuer,
    { sub: `rooms-m${n}`, caseId, sessionId, role: 'mediator', name: `调解员${n}` },
    3600,
  );
  const client = await connectClient(rig.nodes[via % rig.nodes.length]!.url, token);
  ramp.clients.push(client);
  await joinSession(client, { overrideReason: 'benchmark: no identity check' });
  const ownerId = await rig.ownerOf(sessionId);
  const owner = rig.nodes.find((node) => node.id === ownerId);
  if (!owner) throw new Error(`${sessionId} is held by ${ownerId ?? 'no node'}`);
  ramp.placed[owner.id] = (ramp.placed[owner.id] ?? 0) + 1;
  const sinks = await Promise.all(ROOM_ROLES.map(() => Sink.open()));
  ramp.sinks.push(...sinks);
  const room = await askNode<{ senders: SenderSpec[]; sinkSsrcs: number[][] }>(owner.child, {
    room: {
      sessionId,
      prefix: `rooms${n}`,
      roles: ROOM_ROLES,
      sinks: sinks.map((sink) => ({ ip: LISTEN_IP, port: sink.port })),
    },
  });
  for (const [i, sink] of sinks.entries()) for (const x of room.sinkSsrcs[i]!) sink.ssrcs.add(x);
  ramp.senderIds.push(...sender.add(room.senders));
}

interface Snapshot {
  at: number;
  nodes: MediaStats[];
  delivered: number;
  expected: number;
}

async function snapshot(ramp: Ramp): Promise<Snapshot> {
  const nodes = await Promise.all(
    ramp.rig.nodes.map((node) => askNode<MediaStats>(node.child, { mediaStats: true })),
  );
  return {
    at: performance.now(),
    nodes,
    delivered: ramp.sinks.reduce((x, s) => x + s.packets, 0),
    expected: ramp.sinks.reduce((x, s) => x + s.expected, 0),
  };
}

const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`;

function row(name: string, s: RoomsStep): string {
  const placed = Object.values(s.placed).join('+');
  const cpu = Object.values(s.workerCpu)
    .map((v) => pct(v))
    .join(' ');
  return [
    name.padEnd(10),
    `${s.rooms} (${placed})`.padStart(11),
    s.packetsInPerSecond.toFixed(0).padStart(9),
    s.packetsOutPerSecond.toFixed(0).padStart(10),
    pct(s.loss, 2).padStart(8),
    cpu.padStart(14),
    pct(s.busiest).padStart(9),
    '  |',
    pct(s.senderCpu).padStart(7),
    pct(s.benchProcessCpu).padStart(8),
    s.loadAverage1m.toFixed(1).padStart(6),
  ].join('');
}

const HEAD =
  'rig         rooms (per node)  pkt in/s pkt out/s    loss   worker CPU  of budget' +
  '  | sender   bench   load';

/** Ramps the rigs side by side until each stops; the rooms each held. */
export async function roomsHeld(
  rigs: RoomsRig[],
  sender: Sender,
  params: RoomsParams,
  deadline: number,
): Promise<RoomsResult[]> {
  const ramps: Ramp[] = rigs.map((rig) => ({
    rig,
    sinks: [],
    senderIds: [],
    clients: [],
    placed: Object.fromEntries(rig.nodes.map((node) => [node.id, 0])),
    result: {
      name: rig.name,
      nodes: rig.nodes.length,
      workerCpuShare: rig.nodes[0]?.budget?.share ?? null,
      steps: [],
      roomsHeld: 0,
      stopReason: `room cap (${params.maxRooms})`,
      throttled: {},
    },
    done: false,
  }));
  out(HEAD);
  try {
    for (;;) {
      const active = ramps.filter((r) => !r.done);
      if (active.length === 0) break;
      if (performance.now() > deadline) {
        for (const r of active) r.result.stopReason = 'time budget';
        break;
      }
      const before = ramps.map((r) => r.sinks.length);
      await Promise.all(
        active.map(async (ramp) => {
          for (let i = 0; i < ramp.rig.nodes.length; i++) {
            if (i > 0) await sleep(1_100);
            await addRoom(ramp, sender, ramp.result.steps.length * ramp.rig.nodes.length + i);
          }
        }),
      );
      const added = ramps.flatMap((r, i) => r.sinks.slice(before[i]));
      const counts = added.map(() => new Map<number, number>());
      const giveUp = performance.now() + READY_TIMEOUT_MS;
      while (!flowing(added, counts) && performance.now() < giveUp) await sleep(100);
      await sleep(params.warmupSeconds * 1000);

      const sa = await sender.stats();
      const ca = process.cpuUsage();
      const a = await Promise.all(active.map(snapshot));
      await sleep(params.windowSeconds * 1000);
      const b = await Promise.all(active.map(snapshot));
      const cb = process.cpuUsage(ca);
      const sb = await sender.stats();
      const wall = (sb.at - sa.at) / 1000;
      for (const [i, ramp] of active.entries()) {
        const x = a[i]!;
        const y = b[i]!;
        const seconds = (y.at - x.at) / 1000;
        const delivered = y.delivered - x.delivered;
        const expected = y.expected - x.expected;
        const workerCpu = Object.fromEntries(
          ramp.rig.nodes.map((node, k) => [
            node.id,
            (y.nodes[k]!.cpuMs - x.nodes[k]!.cpuMs) / 1000 / seconds,
          ]),
        );
        const busiest = Math.max(
          ...ramp.rig.nodes.map((node) => workerCpu[node.id]! / (node.budget?.share ?? 1)),
        );
        const s: RoomsStep = {
          rooms: Object.values(ramp.placed).reduce((m, v) => m + v, 0),
          placed: { ...ramp.placed },
          seconds,
          packetsInPerSecond:
            (y.nodes.reduce((m, v) => m + v.packetsIn, 0) -
              x.nodes.reduce((m, v) => m + v.packetsIn, 0)) /
            seconds,
          packetsOutPerSecond: delivered / seconds,
          loss: expected > 0 ? Math.max(0, 1 - delivered / expected) : 1,
          workerCpu,
          busiest,
          senderCpu: (sb.cpuUs - sa.cpuUs) / 1e6 / wall,
          benchProcessCpu: (cb.user + cb.system) / 1e6 / wall,
          loadAverage1m: os.loadavg()[0] ?? 0,
        };
        ramp.result.steps.push(s);
        out(row(ramp.rig.name, s));
        if (s.loss > params.lossLimit) {
          ramp.result.stopReason = `loss ${pct(s.loss, 2)} > ${pct(params.lossLimit, 0)}`;
          ramp.done = true;
        } else if (busiest >= params.cpuLimit) {
          ramp.result.stopReason = `a worker at ${pct(busiest)} of its CPU budget (limit ${pct(params.cpuLimit, 0)})`;
          ramp.done = true;
        } else if (s.rooms + ramp.rig.nodes.length > params.maxRooms) {
          ramp.result.roomsHeld = s.rooms;
          ramp.done = true;
        } else {
          ramp.result.roomsHeld = s.rooms;
        }
        // A rig that stopped stops sending; the others ramp on alone.
        if (ramp.done) sender.remove(ramp.senderIds);
      }
    }
  } finally {
    for (const ramp of ramps) {
      sender.remove(ramp.senderIds);
      for (const s of ramp.sinks) s.close();
      for (const c of ramp.clients) c.close();
      for (const node of ramp.rig.nodes) {
        try {
          ramp.result.throttled[node.id] = node.budget?.throttled() ?? 0;
        } catch (error) {
          out(`  cannot read ${node.id}'s throttling: ${message(error)}`);
        }
      }
    }
  }
  return ramps.map((r) => r.result);
}
