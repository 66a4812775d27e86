/**
 * A server that records and is then killed: started by
 * tests/integration/recording-crash.test.ts with `vite-node`, it runs the
 * real MediationServer on the given data directory, seeds a case in session,
 * joins a mediator and a party publishing synthetic media, starts a recording
 * both acknowledge, and prints one JSON line `{"ready":…}` once all four
 * tracks are being captured. The test then SIGKILLs it.
 *
 *   vite-node tests/support/recording-server.ts <data dir>
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import { createLogger } from '../../server/logger.js';
import { MediationServer } from '../../server/MediationServer.js';
import type { ParticipantChannel } from '../../server/media/Participant.js';
import type { RtpCapabilities } from '../../signaling/index.js';
import { caseInSession, seedStaff } from './cases.js';
import { TEST_SECRET } from './secrets.js';
import { publishSynthetic } from './syntheticMedia.js';

const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write('usage: vite-node tests/support/recording-server.ts <data dir>\n');
  process.exit(2);
}

const config = loadConfig(process.env, {
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  PUBLIC_URL: '',
  DATA_DIR: dataDir,
  JWT_SECRET: TEST_SECRET,
  MEDIASOUP_NUM_WORKERS: '1',
  MEDIASOUP_LISTEN_IP: '127.0.0.1',
  MEDIASOUP_ANNOUNCED_IP: '',
  LOG_LEVEL: 'silent',
});
const server = await MediationServer.create(config, createLogger(config.logLevel));
const staff = await seedStaff(new SqlCaseRepository(server.database));
const { case: theCase, session } = await caseInSession(server.cases, staff);
const live = await server.sessions.getOrCreate(session.id, theCase.id);
const caps = (await live.rtpCapabilities()) as RtpCapabilities;
const silent: ParticipantChannel = { notify: () => undefined, disconnect: () => undefined };
await live.join({ participantId: 'm-1', displayName: '王调解', role: 'mediator' }, caps, silent);
await live.join({ participantId: 'p-1', displayName: '张三', role: 'party' }, caps, silent, {
  preAdmitted: true,
});
await publishSynthetic(live, 'm-1', { frequency: 300 });
await publishSynthetic(live, 'p-1', { frequency: 600 });
const client = { ip: '127.0.0.1', userAgent: 'recording-server' };
const state = await server.recordings.start(live, live.participant('m-1'), client);
await server.recordings.acknowledge(live, live.participant('p-1'), state.recordingId, client);
const recordings = new SqlRecordingRepository(server.database);
// Ready once all four tracks have media written (FFmpeg probed its stream).
const dir = server.recordings.directoryOf(state.recordingId);
const sizeOf = (file: string) => {
  try {
    return statSync(path.join(dir, file)).size;
  } catch {
    return 0;
  }
};
for (let i = 0; i < 400; i++) {
  const tracks = await recordings.tracks(state.recordingId);
  if (tracks.length >= 4 && tracks.every((t) => sizeOf(t.file) > 2048)) break;
  await new Promise((r) => setTimeout(r, 50));
}
process.stdout.write(
  `${JSON.stringify({ ready: true, caseId: theCase.id, recordingId: state.recordingId })}\n`,
);
