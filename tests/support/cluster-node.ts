/**
 * One service node in a process of its own, to be SIGKILLed by a test
 * (tests/integration/cluster-failover.test.ts): the real MediationServer on
 * the database, Redis and NODE_ID the environment names, in a temp data
 * directory; prints one JSON line `{"ready":{"url":…}}` once it listens.
 *
 *   DATABASE_URL=… REDIS_URL=… REDIS_KEY_PREFIX=… NODE_ID=… vite-node tests/support/cluster-node.ts
 *
 * Started with an IPC channel, it publishes synthetic media into a session
 * it holds when asked (`{ publish: { sessionId, participantId } }`).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { MediationServer } from '../../server/MediationServer.js';
import { TEST_SECRET } from './secrets.js';
import { publishSynthetic } from './syntheticMedia.js';

const config = loadConfig(process.env, {
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
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

process.on('message', (m: unknown) => {
  const ask = (m as { publish?: { sessionId: string; participantId: string } }).publish;
  if (!ask) return;
  const session = server.sessions.get(ask.sessionId);
  if (!session) {
    process.send?.({ error: `session ${ask.sessionId} is not held here` });
    return;
  }
  publishSynthetic(session, ask.participantId).then(
    (media) =>
      process.send?.({
        published: {
          participantId: ask.participantId,
          audioProducerId: media.audioProducerId,
          videoProducerId: media.videoProducerId,
          pid: media.process.pid,
        },
      }),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
