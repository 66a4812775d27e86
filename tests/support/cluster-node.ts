/**
 * One service node in a process of its own, to be SIGKILLed by a test
 * (tests/integration/cluster-failover.test.ts): the real MediationServer on
 * the database, Redis and NODE_ID the environment names, in a temp data
 * directory; prints one JSON line `{"ready":{"url":…}}` once it listens.
 *
 *   DATABASE_URL=… REDIS_URL=… REDIS_KEY_PREFIX=… NODE_ID=… vite-node tests/support/cluster-node.ts
 *
 * Started with an IPC channel, it answers questions about sessions it holds
 * (`askNode` in clusterNodes.ts): publish synthetic media for a participant
 * (`publish`), add a room of synthetic participants fed by a benchmark's sender
 * (`room`), and report its worker's CPU time and the rooms' packets (`mediaStats`).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { MediationServer } from '../../server/MediationServer.js';
import type { Producer } from 'mediasoup/node/lib/types.js';
import type { LiveSession } from '../../server/media/LiveSession.js';
import type { SessionRole } from '../../signaling/index.js';
import { TEST_SECRET } from './secrets.js';
import { publishSynthetic } from './syntheticMedia.js';
import { addSyntheticRoom } from './syntheticRoom.js';

const config = loadConfig(process.env, {
  HTTP_HOST: '127.0.0.1',
  // A port of the test's choosing when it gives the node an address of its own (NODE_DIRECT_URL).
  HTTP_PORT: process.env['HTTP_PORT'] ?? '0',
  PUBLIC_URL: '',
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'cluster-node-')),
  JWT_SECRET: TEST_SECRET,
  MEDIASOUP_NUM_WORKERS: '1',
  MEDIASOUP_LISTEN_IP: '127.0.0.1',
  MEDIASOUP_ANNOUNCED_IP: '',
  LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
});
const server = await MediationServer.create(config, createLogger(config.logLevel));
process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${server.port}` } })}\n`);

/** What the test or benchmark asks over IPC; each answer carries the question's id. */
type Ask =
  | { id: number; publish: { sessionId: string; participantId: string } }
  | { id: number; room: { sessionId: string; prefix: string; roles: SessionRole[]; sinks: Sink[] } }
  | { id: number; mediaStats: true };
type Sink = { ip: string; port: number };

// The producers of the synthetic rooms built here, for `mediaStats`.
const roomProducers: Producer[] = [];

function held(sessionId: string): LiveSession {
  const session = server.sessions.get(sessionId);
  if (!session) throw new Error(`session ${sessionId} is not held here`);
  return session;
}

async function answer(m: Ask): Promise<unknown> {
  if ('publish' in m) {
    const { sessionId, participantId } = m.publish;
    const media = await publishSynthetic(held(sessionId), participantId);
    return {
      participantId,
      audioProducerId: media.audioProducerId,
      videoProducerId: media.videoProducerId,
      pid: media.process.pid,
    };
  }
  if ('room' in m) {
    const { sessionId, ...options } = m.room;
    const room = await addSyntheticRoom(held(sessionId), options);
    roomProducers.push(...room.producers);
    return { senders: room.senders, sinkSsrcs: room.sinkSsrcs };
  }
  const worker = server.pool.workers[0]?.worker;
  if (!worker) throw new Error('no media worker');
  const [usage, stats] = await Promise.all([
    worker.getResourceUsage(),
    Promise.all(roomProducers.filter((p) => !p.closed).map((p) => p.getStats())),
  ]);
  return {
    workerPid: worker.pid,
    cpuMs: usage.ru_utime + usage.ru_stime,
    packetsIn: stats.flat().reduce((n, x) => n + x.packetCount, 0),
  };
}

process.on('message', (m: Ask) => {
  answer(m).then(
    (reply) => process.send?.({ id: m.id, reply }),
    (error: unknown) => process.send?.({ id: m.id, error: String(error) }),
  );
});
