/**
 * A recording in progress when its node dies (issue 19, node failure): node A
 * runs in a process of its own (tests/support/cluster-node.ts), holds the
 * session and records it; node B runs in the test. Both on one PostgreSQL
 * database, one Redis and one S3-compatible store (s3rver), where A copies
 * every finished segment of every track.
 *
 * A is SIGKILLed mid-recording. The session opens again on B when the pages
 * reconnect there, and the recording continues on B: A's tracks are rebuilt
 * from their stored segments and end with `node-failed` at most one segment
 * before the kill, the manifest shows a `node-failed` gap for each until B
 * captures the same person's same source again, and the composite is made
 * on B from both nodes' tracks. Every finished file is also kept in the
 * object store: served, and the composite made again, on a node without them.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RecordingManifest } from '../../recordings/manifest.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import type { SegmentRecord, TrackRecord } from '../../server/recordingService/model.js';
import { ADOPTION_GRACE_MS } from '../../server/recordingService/RecordingService.js';
import { SEGMENT_SECONDS } from '../../server/recordingService/segments.js';
import { verifyJws } from '../../server/signing/jws.js';
import { caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { kill, publishOn, startNodeProcess } from '../support/clusterNodes.js';
import { enrolledToken } from '../support/enrol.js';
import { freshDatabase } from '../support/postgres.js';
import { redisPrefix } from '../support/redis.js';
import { startObjectStore, type TestObjectStore } from '../support/s3.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { publishSynthetic, type SyntheticMedia } from '../support/syntheticMedia.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SYSTEM = { kind: 'system', id: 'system', role: 'system' } as const;

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Waits until the recording's tracks and stored segments pass `done`. */
async function untilTracks(
  repo: SqlRecordingRepository,
  recordingId: string,
  done: (tracks: TrackRecord[], segments: SegmentRecord[]) => boolean,
): Promise<void> {
  const until = Date.now() + 40_000;
  for (;;) {
    const tracks = await repo.tracks(recordingId);
    const segments = await repo.segments(recordingId);
    if (done(tracks, segments)) return;
    if (Date.now() > until)
      throw new Error(`tracks: ${tracks.length}, segments: ${segments.length}`);
    await sleep(250);
  }
}

function decodes(file: string): boolean {
  return spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']).status === 0;
}

describe('a recording whose node dies', () => {
  let store: TestObjectStore;
  let env: Record<string, string>;
  let b: TestServer;
  let staff: StaffFixture;
  let caseId: string;
  const children: ChildProcess[] = [];
  const clients: TestClient[] = [];
  const media: SyntheticMedia[] = [];
  /** FFmpeg senders started by node A: they outlive it. */
  const strayPids: number[] = [];

  beforeAll(async () => {
    store = await startObjectStore();
    env = {
      DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'cluster-recording'),
      REDIS_URL: inject('redisUrl'),
      REDIS_KEY_PREFIX: redisPrefix('cluster-recording'),
      ...store.env,
    };
    b = await startTestServer({ ...env, NODE_ID: 'node-b', MEDIASOUP_NUM_WORKERS: '1' });
    staff = await seedStaff(new SqlCaseRepository(b.server.database));
    caseId = (await caseInSession(b.server.cases, staff)).case.id;
  });

  // Each test's senders, pages and node processes end with it: left running, they load the
  // machine under the next test's captures and renders.
  afterEach(async () => {
    for (const m of media.splice(0)) m.stop();
    for (const pid of strayPids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const c of clients.splice(0)) c.close();
    for (const child of children.splice(0)) await kill(child);
  });

  afterAll(async () => {
    await b?.close();
    await store?.close();
  });

  async function open(
    url: string,
    sessionId: string,
    claims: { sub: string; role: 'mediator' | 'party'; name: string },
  ): Promise<TestClient> {
    const token = await enrolledToken(b.server, { caseId, sessionId, ...claims }, 600);
    const c = await connectClient(url, token);
    clients.push(c);
    return c;
  }

  /** A new session of the case, and the claims of its mediator and applicant. */
  async function newSession() {
    const session = await b.server.cases.scheduleSession(staff.mediator, caseId, {
      scheduledStart: new Date().toISOString(),
    });
    const person = (await b.server.cases.file(staff.clerk, caseId)).people.find(
      (p) => p.kind === 'applicant',
    )!;
    return {
      sessionId: session.id,
      M: { sub: staff.mediator.id, role: 'mediator' as const, name: '王调解' },
      P: { sub: person.id, role: 'party' as const, name: person.name },
    };
  }

  /** Waits until four tracks besides `before` are captured, records 3 s more, stops. */
  async function recordAgainThenStop(
    repo: SqlRecordingRepository,
    recordingId: string,
    before: readonly TrackRecord[],
    mediator: TestClient,
  ): Promise<void> {
    await untilTracks(
      repo,
      recordingId,
      (tracks) => tracks.filter((t) => !before.some((x) => x.id === t.id)).length === 4,
    );
    await sleep(3_000);
    await mediator.request('recording:stop', {});
    await b.server.recordings.idle();
  }

  /** The sealed recording's detail, its verified manifest, and its tracks listed for messages. */
  async function sealed(recordingId: string) {
    const detail = await b.server.recordings.detail(SYSTEM, caseId, recordingId);
    const m = (await verifyJws<RecordingManifest>(detail.manifest!.jws, b.server.keys.jwks()))
      .payload;
    const listed = JSON.stringify(
      m.tracks.map((t) => [t.participantId, t.kind, t.startedAt, t.endedAt, t.endReason]),
    );
    return { detail, m, listed };
  }

  it('continues on the node that takes the session over, with a node-failed gap and the segments kept', async () => {
    const a = await startNodeProcess({ ...env, NODE_ID: 'node-a-rec' }, { ipc: true });
    children.push(a.child);
    const { sessionId, M, P } = await newSession();

    const mediatorOnA = await open(a.url, sessionId, M);
    await joinSession(mediatorOnA);
    // A holds the session; the party's socket is on B and relayed to A.
    expect(b.server.sessions.get(sessionId)).toBeUndefined();
    const partyOnB = await open(b.url, sessionId, P);
    await joinSession(partyOnB, { admitBy: mediatorOnA });
    for (const who of [M.sub, P.sub])
      strayPids.push((await publishOn(a.child, sessionId, who)).pid);

    const { recording } = await mediatorOnA.request('recording:start', {});
    const recordingId = recording.recordingId;
    await partyOnB.request('recording:acknowledge', { recordingId });
    const repo = new SqlRecordingRepository(b.server.database);
    // Recorded on A until each of the four tracks has two segments in the store.
    await untilTracks(
      repo,
      recordingId,
      (tracks, segments) =>
        tracks.length === 4 &&
        tracks.every((t) => segments.filter((g) => g.trackId === t.id).length >= 2),
    );
    const onA = await repo.tracks(recordingId);

    const told = new Promise<string>((resolve) => partyOnB.socket.once('disconnect', resolve));
    await kill(a.child);
    const killedAt = Date.now();
    expect(await told).toBe('transport close');

    // The pages reconnect through the balancer, to B; the session opens there.
    const mediator = await open(b.url, sessionId, M);
    const continued = mediator.next(
      'recording:state',
      20_000,
      (s) => s.recording?.recordingId === recordingId,
    );
    await joinSession(mediator);
    const party = await open(b.url, sessionId, P);
    expect((await joinSession(party)).admission).toBe('admitted');
    const live = b.server.sessions.get(sessionId)!;
    media.push(await publishSynthetic(live, M.sub, { frequency: 300 }));
    media.push(await publishSynthetic(live, P.sub, { frequency: 500 }));
    // Everyone is told the recording goes on, with the consents given on A.
    const state = (await continued).recording!;
    expect(state.consented.sort()).toEqual([M.sub, P.sub].sort());

    // Captured again on B: four new tracks.
    await recordAgainThenStop(repo, recordingId, onA, mediator);
    const { detail, m, listed } = await sealed(recordingId);
    const fromA = m.tracks.filter((t) => onA.some((x) => x.id === t.id));
    const fromB = m.tracks.filter((t) => !onA.some((x) => x.id === t.id));
    expect(fromA, listed).toHaveLength(4);
    expect(fromB, listed).toHaveLength(4);
    const dir = b.server.recordings.directoryOf(recordingId);
    for (const t of fromA) {
      expect(t.endReason, listed).toBe('node-failed');
      // At most the segment being written (about 4 s, cut at a key frame) and the time
      // the copy took are lost.
      expect(Date.parse(t.endedAt), listed).toBeLessThanOrEqual(killedAt);
      expect(Date.parse(t.endedAt), listed).toBeGreaterThan(
        killedAt - (2 * SEGMENT_SECONDS + 1) * 1000,
      );
      expect(t.segments.length, listed).toBeGreaterThanOrEqual(2);
      // Rebuilt on B from the store: the file the manifest hashes is here and decodes.
      const file = path.join(dir, t.file);
      expect(sha256(readFileSync(file))).toBe(t.sha256);
      expect(decodes(file)).toBe(true);
    }
    for (const t of fromB) expect(t.endReason, listed).toBe('recording-stopped');
    // One node-failed gap per person and source: from A's last segment to B's first capture.
    expect(
      m.gaps.filter((g) => g.reason === 'node-failed'),
      JSON.stringify(m.gaps),
    ).toHaveLength(4);
    for (const g of m.gaps) {
      const before = fromA.find(
        (t) => t.participantId === g.participantId && t.source === g.source,
      )!;
      const after = fromB.find(
        (t) => t.participantId === g.participantId && t.source === g.source,
      )!;
      expect(g).toMatchObject({ from: before.endedAt, to: after.startedAt });
    }
    expect(m.notes.join(' ')).toContain('中断');
    if (m.composite.status !== 'complete') throw new Error(m.composite.error);
    const compositeSha256 = m.composite.sha256;
    // Sealed, the segments have served: their objects are gone, their rows (hashes) stay.
    expect((await repo.segments(recordingId)).length).toBeGreaterThanOrEqual(8);
    expect(await store.list('recording-segments/')).toEqual([]);
    const events = await new SqlAuditLog(b.server.database).list(caseId);
    expect(events.map((e) => e.action)).toContain('recording.continued');

    // Every finished file is also in the object store: a node that never held them serves them.
    const names = [...m.tracks.map((t) => t.file), 'composite.mp4', 'manifest.jws'];
    for (const name of names) expect(await repo.storedFile(recordingId, name), name).toBeDefined();
    rmSync(dir, { recursive: true, force: true });
    const elsewhere = await b.server.recordings.detail(SYSTEM, caseId, recordingId);
    expect(elsewhere.manifest!.jws).toBe(detail.manifest!.jws);
    const client = { ip: null, userAgent: null };
    const composite = await b.server.recordings.openFile(SYSTEM, caseId, recordingId, 'composite', {
      custody: false,
      client,
    });
    expect(sha256(await bytesOf(composite.open()))).toBe(compositeSha256);
    const track = await b.server.recordings.openFile(SYSTEM, caseId, recordingId, fromA[0]!.id, {
      custody: false,
      client,
    });
    expect(track.size).toBe(fromA[0]!.size);
    expect((await bytesOf(track.open({ start: 100, end: 199 }))).length).toBe(100);

    // The node making the composite need not hold the tracks: they come from the store.
    await repo.update(recordingId, { status: 'processing', compositeStatus: 'pending' });
    await b.server.recordings.recover();
    await b.server.recordings.idle();
    const remade = await b.server.recordings.detail(SYSTEM, caseId, recordingId);
    expect(remade.recording.status).toBe('complete');
    expect(remade.recording.composite?.status).toBe('complete');
    for (const t of m.tracks)
      expect(sha256(readFileSync(path.join(dir, t.file))), t.file).toBe(t.sha256);
  }, 150_000);

  it("leaves its recording to the session's next node when it loses the lease, and continues it there", async () => {
    const { sessionId, M, P } = await newSession();
    const mediator = await open(b.url, sessionId, M);
    await joinSession(mediator);
    const party = await open(b.url, sessionId, P);
    await joinSession(party, { admitBy: mediator });
    const first = b.server.sessions.get(sessionId)!;
    media.push(await publishSynthetic(first, M.sub, { frequency: 300 }));
    media.push(await publishSynthetic(first, P.sub, { frequency: 500 }));
    const { recording } = await mediator.request('recording:start', {});
    const recordingId = recording.recordingId;
    await party.request('recording:acknowledge', { recordingId });
    const repo = new SqlRecordingRepository(b.server.database);
    await untilTracks(
      repo,
      recordingId,
      (tracks, segments) =>
        tracks.length === 4 && tracks.every((t) => segments.some((g) => g.trackId === t.id)),
    );
    const before = await repo.tracks(recordingId);

    // The session's lease is gone (as when Redis lost it): B's next renewal finds it so, and
    // B closes the session here; its pages reconnect and open it again, here.
    const told = new Promise<string>((resolve) => party.socket.once('disconnect', resolve));
    const redis = new Redis(inject('redisUrl'));
    await redis.del(`${env['REDIS_KEY_PREFIX']}session:${sessionId}:owner`);
    redis.disconnect();
    const lostAt = Date.now();
    expect(await told).toBe('transport close');
    const mediatorAgain = await open(b.url, sessionId, M);
    const continued = mediatorAgain.next(
      'recording:state',
      20_000,
      (s) => s.recording?.recordingId === recordingId,
    );
    await joinSession(mediatorAgain);
    const partyAgain = await open(b.url, sessionId, P);
    expect((await joinSession(partyAgain)).admission).toBe('admitted');
    const second = b.server.sessions.get(sessionId)!;
    expect(second).not.toBe(first);
    media.push(await publishSynthetic(second, M.sub, { frequency: 300 }));
    media.push(await publishSynthetic(second, P.sub, { frequency: 500 }));
    expect((await continued).recording?.consented.sort()).toEqual([M.sub, P.sub].sort());
    await recordAgainThenStop(repo, recordingId, before, mediatorAgain);
    const { m, listed } = await sealed(recordingId);
    const left = m.tracks.filter((t) => before.some((x) => x.id === t.id));
    expect(left, listed).toHaveLength(4);
    for (const t of left) {
      // Ended when the session closed here, within a renewal (1 s) of the lease going.
      expect(t.endReason, listed).toBe('node-failed');
      expect(Date.parse(t.endedAt), listed).toBeGreaterThanOrEqual(lostAt - 100);
      expect(Date.parse(t.endedAt), listed).toBeLessThan(lostAt + 3_000);
    }
    expect(
      m.gaps.filter((g) => g.reason === 'node-failed'),
      JSON.stringify(m.gaps),
    ).toHaveLength(4);
    expect(m.stopReason).toBe('stopped-by-mediator');
  }, 120_000);

  it('closes a recording whose session opens nowhere after its node died, with what the segments hold', async () => {
    const a = await startNodeProcess({ ...env, NODE_ID: 'node-a-orphan' }, { ipc: true });
    children.push(a.child);
    const { sessionId, M } = await newSession();
    const mediatorOnA = await open(a.url, sessionId, M);
    await joinSession(mediatorOnA);
    strayPids.push((await publishOn(a.child, sessionId, M.sub)).pid);
    const { recording } = await mediatorOnA.request('recording:start', {});
    const recordingId = recording.recordingId;
    const repo = new SqlRecordingRepository(b.server.database);
    await untilTracks(
      repo,
      recordingId,
      (tracks, segments) =>
        tracks.length === 2 && tracks.every((t) => segments.some((g) => g.trackId === t.id)),
    );
    await kill(a.child);
    const killedAt = Date.now();
    // Nobody comes back. Within the grace the sweeps leave it for the session's next node…
    await sleep(3_000);
    expect((await repo.get(recordingId))?.status).toBe('recording');
    // …and once its heartbeat is older than the grace, a sweep closes it.
    await repo.update(recordingId, {
      aliveAt: new Date(Date.now() - ADOPTION_GRACE_MS - 1_000).toISOString(),
    });
    await b.server.recordings.recover();
    const until = Date.now() + 60_000;
    while ((await repo.get(recordingId))?.status !== 'complete') {
      if (Date.now() > until) throw new Error('the orphaned recording was not sealed');
      await sleep(250);
    }
    const { m } = await sealed(recordingId);
    expect(m.stopReason).toBe('node-failed');
    expect(m.tracks).toHaveLength(2);
    for (const t of m.tracks) {
      expect(t.endReason).toBe('node-failed');
      expect(Date.parse(t.endedAt)).toBeLessThanOrEqual(killedAt);
      expect(t.segments.length).toBeGreaterThanOrEqual(1);
    }
    expect(m.composite.status).toBe('complete');
  }, 120_000);
});
