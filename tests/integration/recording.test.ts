/**
 * Session recording with a real mediasoup worker, real Socket.IO clients
 * and FFmpeg: consent gates capture, a late joiner is recorded only after
 * acknowledging, withdrawal ends their tracks, a killed capture is restarted
 * with the gap marked, and the signed manifest matches the files.
 * Participants publish synthetic media (FFmpeg → plain transports).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentFile } from '../../recordings/capture.js';
import type { RecordingManifest } from '../../recordings/manifest.js';
import { rebuildFromSegments } from '../../server/recordingService/segments.js';
import { FsBlobStore } from '../../server/storage/FsBlobStore.js';
import type { MediationCase, MediationSessionRecord } from '../../server/cases/model.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import { RecordingAccessTokens } from '../../server/auth/tokenKinds.js';
import { verifyJws, type Jwks } from '../../server/signing/jws.js';
import type { SessionRole } from '../../signaling/index.js';
import { TEST_PASSWORD, caseInSession, seedStaff } from '../support/cases.js';
import { apiClient } from '../support/evidenceHttp.js';
import { TEST_SECRET } from '../support/secrets.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { publishSynthetic, type SyntheticMedia } from '../support/syntheticMedia.js';
import { expectSandboxedFile } from '../support/untrustedInputs.js';
import { enrolledToken } from '../support/enrol.js';
import { mediaEnd } from '../support/mediaEnd.js';

if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
  throw new Error('ffmpeg is not installed: run scripts/install-system-deps.sh test');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A segment's local name (removed once it is in the store). */
function segmentName(trackFile: string, seq: number): string {
  return path.basename(segmentFile(path.join('/', trackFile), seq));
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Decoding errors FFmpeg reports for a file (empty when it decodes cleanly). */
function decodeErrors(file: string): string {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  return r.status === 0 ? r.stderr.trim() : `exit ${String(r.status)}: ${r.stderr}`;
}

function probe(file: string): { duration: number; streams: string[] } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const parsed = JSON.parse(out) as {
    format: { duration?: string };
    streams: { codec_name: string }[];
  };
  return {
    duration: Number(parsed.format.duration),
    streams: parsed.streams.map((s) => s.codec_name),
  };
}

describe('session recording', () => {
  let t: TestServer;
  let theCase: MediationCase;
  let session: MediationSessionRecord;
  let staff: Awaited<ReturnType<typeof seedStaff>>;
  const clients: TestClient[] = [];
  const media: SyntheticMedia[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const made = await caseInSession(t.server.cases, staff);
    theCase = made.case;
    session = made.session;
  });
  afterAll(async () => {
    for (const m of media) m.stop();
    for (const c of clients) c.close();
    await t.close();
  });

  let mediatorClient: TestClient | undefined;

  /** Connects and joins as a participant of this case's session (admitted by the mediator). */
  async function join(sub: string, role: SessionRole, name = sub): Promise<TestClient> {
    const c = await connectClient(
      t.url,
      await enrolledToken(
        t.server,
        { sub, caseId: theCase.id, sessionId: session.id, role, name },
        600,
      ),
    );
    clients.push(c);
    await joinSession(c, mediatorClient ? { admitBy: mediatorClient } : {});
    if (role === 'mediator') mediatorClient = c;
    return c;
  }

  /** Waits until `sub` has an audio and a video track with media written (FFmpeg probed). */
  async function untilCapturing(recordingId: string, sub: string): Promise<void> {
    const repo = new SqlRecordingRepository(t.server.database);
    const dir = t.server.recordings.directoryOf(recordingId);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const open = (await repo.tracks(recordingId)).filter(
        (x) => x.participantId === sub && x.endedAt === null,
      );
      const written = open.filter((x) => {
        try {
          return statSync(path.join(dir, x.file)).size > 2048;
        } catch {
          return false;
        }
      });
      if (new Set(written.map((x) => x.kind)).size === 2) return;
      if (Date.now() > deadline) {
        // What there was, for the report: open tracks and their files' sizes.
        const seen = open.map((x) => {
          let size = -1;
          try {
            size = statSync(path.join(dir, x.file)).size;
          } catch {
            // not created
          }
          return `${x.kind} ${x.file} ${size} B since ${x.startedAt}`;
        });
        throw new Error(`${sub} is not being captured: [${seen.join('; ')}]`);
      }
      await sleep(100);
    }
  }

  /**
   * A new session of the case with the mediator and the worker in it. The earlier test's
   * senders and clients go first: their FFmpeg encoders would load the machine.
   */
  async function nextSession(): Promise<{ mediator: TestClient; worker: TestClient }> {
    for (const m of media.splice(0)) m.stop();
    for (const c of clients.splice(0)) c.close();
    mediatorClient = undefined;
    session = await t.server.cases.scheduleSession(staff.mediator, theCase.id, {
      scheduledStart: new Date().toISOString(),
    });
    const mediator = await join(staff.mediator.id, 'mediator', '王调解');
    const worker = await join('p-worker', 'party', '张三');
    return { mediator, worker };
  }

  async function publish(sub: string, frequency: number): Promise<SyntheticMedia> {
    const live = t.server.sessions.get(session.id);
    if (!live) throw new Error('no live session');
    const m = await publishSynthetic(live, sub, { frequency });
    media.push(m);
    return m;
  }

  it('records only participants who acknowledged; a late joiner after acknowledging; withdrawal ends their tracks', async () => {
    const mediator = await join(staff.mediator.id, 'mediator', '王调解');
    const worker = await join('p-worker', 'party', '张三');
    const employer = await join('p-employer', 'party', '某某公司');
    await publish(staff.mediator.id, 300);
    await publish('p-worker', 500);
    await publish('p-employer', 700);

    // A party may not start a recording; bad payloads are refused.
    expect(await worker.ack('recording:start', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await worker.raw('recording:acknowledge', { recordingId: 7 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });

    const noticeToWorker = worker.next('recording:state', 5000, (s) => s.recording !== null);
    const { recording } = await mediator.request('recording:start', {});
    expect(recording.consented).toEqual([staff.mediator.id]);
    const notice = await noticeToWorker;
    expect(notice.recording?.recordingId).toBe(recording.recordingId);
    // Acknowledging an unknown recording is refused.
    expect(
      await worker.ack('recording:acknowledge', { recordingId: 'not-this-one' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const ackAt = Date.now();
    const acked = await worker.request('recording:acknowledge', {
      recordingId: recording.recordingId,
    });
    expect(acked.recording.consented.sort()).toEqual([staff.mediator.id, 'p-worker']);
    await untilCapturing(recording.recordingId, 'p-worker');
    await untilCapturing(recording.recordingId, staff.mediator.id);
    // Acknowledging twice is one consent record.
    await worker.request('recording:acknowledge', { recordingId: recording.recordingId });

    await sleep(2500);
    // A late joiner sees the recording at once and is not recorded before acknowledging.
    const late = await connectClient(
      t.url,
      await enrolledToken(
        t.server,
        { sub: 'p-agent', caseId: theCase.id, sessionId: session.id, role: 'agent', name: '律师' },
        600,
      ),
    );
    clients.push(late);
    // Admitted from the waiting room, the late joiner learns of the recording at once.
    const joined = await joinSession(late, { admitBy: mediator });
    expect(joined.recording?.recordingId).toBe(recording.recordingId);
    expect(joined.recording?.consented).not.toContain('p-agent');
    await publish('p-agent', 900);
    await sleep(1500);
    const lateAckAt = Date.now();
    await late.request('recording:acknowledge', { recordingId: recording.recordingId });
    await untilCapturing(recording.recordingId, 'p-agent');
    await sleep(1000);

    // The employer declines the notice: kept in the case record, nothing of theirs recorded.
    await employer.request('recording:decline', { recordingId: recording.recordingId });
    // The agent withdraws after consenting.
    const withdrawAt = Date.now();
    const after = await late.request('recording:withdraw', { recordingId: recording.recordingId });
    expect(after.recording.withdrawn).toEqual(['p-agent']);
    expect(
      await late.ack('recording:acknowledge', { recordingId: recording.recordingId }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_STATE' } });
    await sleep(1500);

    const stoppedState = employer.next('recording:state', 5000, (s) => s.recording === null);
    await mediator.request('recording:stop', {});
    await stoppedState;
    await t.server.recordings.idle();

    const clerkView = await t.server.recordings.detail(
      { kind: 'system', id: 'system', role: 'system' },
      theCase.id,
      recording.recordingId,
    );
    const { tracks, consents, manifest } = clerkView;
    expect(clerkView.recording.status).toBe('complete');
    const recordedPeople = new Set(tracks.map((x) => x.participantId));
    expect([...recordedPeople].sort()).toEqual([staff.mediator.id, 'p-agent', 'p-worker']);
    // Nothing of the employer, who never acknowledged.
    expect(tracks.some((x) => x.participantId === 'p-employer')).toBe(false);
    for (const track of tracks.filter((x) => x.participantId === 'p-worker')) {
      expect(Date.parse(track.startedAt)).toBeGreaterThanOrEqual(ackAt);
    }
    const agentTracks = tracks.filter((x) => x.participantId === 'p-agent');
    expect(agentTracks.map((x) => x.kind).sort()).toEqual(['audio', 'video']);
    for (const track of agentTracks) {
      expect(Date.parse(track.startedAt)).toBeGreaterThanOrEqual(lateAckAt);
      expect(track.endReason).toBe('consent-withdrawn');
      expect(Date.parse(track.endedAt!)).toBeLessThanOrEqual(withdrawAt + 1000);
    }
    expect(consents.map((c) => c.participantId).sort()).toEqual([
      staff.mediator.id,
      'p-agent',
      'p-worker',
    ]);
    expect(consents.find((c) => c.participantId === 'p-agent')?.withdrawnAt).not.toBeNull();

    // Every file: hash as stored, decodes cleanly, lasts as long as its span.
    const dir = t.server.recordings.directoryOf(recording.recordingId);
    // Each recorded participant has audio and video with media in them.
    for (const who of [staff.mediator.id, 'p-worker', 'p-agent']) {
      const kinds = tracks.filter((x) => x.participantId === who && (x.durationMs ?? 0) > 0);
      expect(new Set(kinds.map((x) => x.kind)), who).toEqual(new Set(['audio', 'video']));
    }
    for (const track of tracks) {
      const file = path.join(dir, track.file);
      expect(sha256(file)).toBe(track.sha256);
      // A capture stopped before its first key frame holds no media; the manifest says 0 ms.
      if (track.durationMs === 0) continue;
      expect(decodeErrors(file)).toBe('');
      const span = (Date.parse(track.endedAt!) - Date.parse(track.startedAt)) / 1000;
      expect(
        Math.abs(probe(file).duration - span),
        `${track.participantId} ${track.source} ${track.startedAt}…${track.endedAt} (${track.endReason}) lasts ${probe(file).duration} s`,
      ).toBeLessThan(1);
    }

    // The manifest verifies against the published keys and names every file by hash.
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    const verified = await verifyJws<RecordingManifest>(manifest!.jws, jwks, {
      typ: 'mediation-recording-manifest+jws',
    });
    const m = verified.payload;
    expect(m.caseNumber).toBe(theCase.caseNumber);
    expect(m.tracks.map((x) => x.sha256).sort()).toEqual(tracks.map((x) => x.sha256).sort());
    expect(m.consents.find((c) => c.participantId === 'p-agent')?.withdrawnAt).toBeTruthy();
    expect(m.composite.status).toBe('complete');
    if (m.composite.status !== 'complete') return;
    const composite = path.join(dir, m.composite.file);
    expect(sha256(composite)).toBe(m.composite.sha256);
    const c = probe(composite);
    expect(c.streams.sort()).toEqual(['aac', 'h264']);
    const span = (Date.parse(m.stoppedAt) - Date.parse(m.startedAt)) / 1000;
    expect(Math.abs(c.duration - span)).toBeLessThan(1);
    // The manifest's hash is in the case's audit chain, which still verifies.
    const audit = new SqlAuditLog(t.server.database);
    const sealed = (await audit.list(theCase.id)).find(
      (e) => e.action === 'recording.manifest-signed' && e.target === recording.recordingId,
    );
    expect(JSON.parse(sealed!.payload)).toMatchObject({
      manifestSha256: createHash('sha256').update(manifest!.jws).digest('hex'),
    });
    expect((await audit.verify(theCase.id)).ok).toBe(true);
    const declined = (await audit.list(theCase.id)).filter(
      (e) => e.action === 'recording.consent-declined',
    );
    expect(declined.map((e) => e.actorId)).toEqual(['p-employer']);
    expect(readFileSync(path.join(dir, 'manifest.jws'), 'utf8')).toBe(manifest!.jws);
  }, 90_000);

  it('does not record a caucus unless the mediator chooses to, and the manifest says so', async () => {
    const { mediator, worker } = await nextSession();
    await join('p-employer', 'party', '某某公司');
    await publish(staff.mediator.id, 300);
    await publish('p-worker', 500);
    const { recording } = await mediator.request('recording:start', {});
    await worker.request('recording:acknowledge', { recordingId: recording.recordingId });
    await untilCapturing(recording.recordingId, staff.mediator.id);
    await untilCapturing(recording.recordingId, 'p-worker');
    await sleep(1000);
    const caucusFrom = Date.now();
    await mediator.request('caucus:start', { participantIds: ['p-worker'], record: false });
    await sleep(2500);
    const caucusTo = Date.now();
    await mediator.request('caucus:end', {});
    await untilCapturing(recording.recordingId, staff.mediator.id);
    await untilCapturing(recording.recordingId, 'p-worker');
    await sleep(1000);
    await mediator.request('recording:stop', {});
    await t.server.recordings.idle();

    const { tracks, manifest } = await t.server.recordings.detail(
      { kind: 'system', id: 'system', role: 'system' },
      theCase.id,
      recording.recordingId,
    );
    // Nothing was captured during the caucus: every track ends before it or starts after it.
    for (const track of tracks) {
      const from = Date.parse(track.startedAt);
      const to = Date.parse(track.endedAt!);
      expect(to <= caucusFrom + 500 || from >= caucusTo - 500, JSON.stringify(track)).toBe(true);
    }
    const ended = tracks.filter((x) => x.endReason === 'private-phase');
    expect(ended.map((x) => x.participantId).sort()).toEqual([
      staff.mediator.id,
      staff.mediator.id,
      'p-worker',
      'p-worker',
    ]);
    // Captured again after the caucus.
    expect(
      tracks.filter((x) => Date.parse(x.startedAt) >= caucusTo - 500),
      JSON.stringify(
        tracks.map((x) => [x.participantId, x.source, x.startedAt, x.endedAt, x.endReason]),
      ) + ` ${new Date(caucusFrom).toISOString()} ${new Date(caucusTo).toISOString()}`,
    ).toHaveLength(4);
    const m = (await verifyJws<RecordingManifest>(manifest!.jws, t.server.keys.jwks())).payload;
    expect(m.privatePhases).toHaveLength(1);
    expect(m.privatePhases[0]).toMatchObject({ participantIds: ['p-worker'], recorded: false });
    expect(m.notes.join(' ')).toContain('not recorded');
    // A caucus is not a gap in the recording: it is a declared private phase.
    expect(m.gaps).toEqual([]);
  }, 90_000);

  it('serves recordings only to the case staff: scope, view links, Range', async () => {
    const api = apiClient(t.url);
    const [recording] = await t.server.recordings.list(
      { kind: 'system', id: 'system', role: 'system' },
      theCase.id,
    );
    const id = recording!.id;
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const otherMediator = await api.login(staff.otherMediator.username, TEST_PASSWORD);
    const outsider = await seedStaff(new SqlCaseRepository(t.server.database));
    const otherClerk = await api.login(outsider.clerk.username, TEST_PASSWORD);
    const base = `/cases/${theCase.id}/recordings`;

    expect((await api.call('GET', base, clerk)).status).toBe(200);
    // No token, another organisation's clerk, a mediator not assigned to the case.
    expect((await api.call('GET', base)).status).toBe(401);
    expect((await api.call('GET', base, otherClerk)).status).toBe(404);
    expect((await api.call('GET', `${base}/${id}`, otherMediator)).status).toBe(404);
    // A party's invitation token does not reach recordings.
    const { token: invitation } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${theCase.id}/invitations`,
      clerk,
      { personId: (await t.server.cases.file(staff.clerk, theCase.id)).people[0]!.id },
    );
    expect((await api.call('GET', base, invitation)).status).toBe(403);
    // Bad input: an unknown file, a malformed file id.
    expect((await api.call('POST', `${base}/${id}/view-link`, clerk, { file: 'x' })).status).toBe(
      400,
    );

    const { url } = await api.ok<{ url: string }>('POST', `${base}/${id}/view-link`, clerk, {
      file: 'composite',
    });
    const whole = await fetch(`${t.url}${url}`);
    expect(whole.status).toBe(200);
    expectSandboxedFile(whole.headers, 'recording file');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      whole.headers.get('x-content-sha256'),
    );
    const part = await fetch(`${t.url}${url}`, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expectSandboxedFile(part.headers, 'recording range');
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const beyond = await fetch(`${t.url}${url}`, { headers: { range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    // The link is for that file only; a forged or altered one is refused.
    expect((await fetch(`${t.url}${url.replace('/composite?', '/manifest?')}`)).status).toBe(401);
    expect((await fetch(`${t.url}${url.slice(0, -3)}abc`)).status).toBe(401);
    const expired = new RecordingAccessTokens(TEST_SECRET);
    const old = expired.issue(
      {
        sub: staff.clerk.id,
        caseId: theCase.id,
        recordingId: id,
        fileId: 'composite',
        role: 'clerk',
        org: staff.organisationId,
        name: 'x',
      },
      1,
    );
    await sleep(1500);
    const late = await fetch(
      `${t.url}${base}/${id}/files/composite?access=${old}`.replace('/cases', '/api/cases'),
    );
    expect(late.status).toBe(401);
    expect(JSON.stringify(await late.json())).toContain('expired');
  });

  it('ends when the mediator stops: stoppedAt is the stop, the composite lasts the span, no black or silent end', async () => {
    const { mediator, worker } = await nextSession();
    await publish(staff.mediator.id, 300);
    const workerMedia = await publish('p-worker', 500);
    const { recording } = await mediator.request('recording:start', {});
    await worker.request('recording:acknowledge', { recordingId: recording.recordingId });
    await untilCapturing(recording.recordingId, staff.mediator.id);
    await untilCapturing(recording.recordingId, 'p-worker');
    await sleep(2000);
    // The worker mutes their microphone: its capture receives no packets from now on.
    await worker.request('producer:pause', { producerId: workerMedia.audioProducerId! });
    await sleep(1000);
    const stopRequestedAt = Date.now();
    await mediator.request('recording:stop', {});
    await t.server.recordings.idle();

    const { manifest } = await t.server.recordings.detail(
      { kind: 'system', id: 'system', role: 'system' },
      theCase.id,
      recording.recordingId,
    );
    const m = (await verifyJws<RecordingManifest>(manifest!.jws, t.server.keys.jwks())).payload;
    // The stop time is when the mediator pressed stop, not when the files were finished.
    expect(
      Math.abs(Date.parse(m.stoppedAt) - stopRequestedAt),
      `stoppedAt ${m.stoppedAt}, stop requested ${new Date(stopRequestedAt).toISOString()}`,
    ).toBeLessThanOrEqual(500);
    expect(m.composite.status).toBe('complete');
    if (m.composite.status !== 'complete') return;
    const composite = path.join(
      t.server.recordings.directoryOf(recording.recordingId),
      'composite.mp4',
    );
    const span = (Date.parse(m.stoppedAt) - Date.parse(m.startedAt)) / 1000;
    const { duration } = probe(composite);
    expect(
      Math.abs(duration - span),
      `composite ${duration} s, span ${span} s`,
    ).toBeLessThanOrEqual(0.5);
    // The last second still shows both pictures and sounds the mediator's tone.
    expect(mediaEnd(composite)).toEqual({ blackSeconds: 0, silentSeconds: 0 });
  }, 60_000);

  it('copies every track off the machine in segments while it records; the manifest lists them, then they go', async () => {
    const { mediator, worker } = await nextSession();
    await publish(staff.mediator.id, 300);
    await publish('p-worker', 500);
    const { recording } = await mediator.request('recording:start', {});
    await worker.request('recording:acknowledge', { recordingId: recording.recordingId });
    await untilCapturing(recording.recordingId, staff.mediator.id);
    await untilCapturing(recording.recordingId, 'p-worker');
    await sleep(9_000);

    // While it records: every finished segment is in the store, with the hash recorded.
    const repo = new SqlRecordingRepository(t.server.database);
    const store = await FsBlobStore.open(path.join(t.dataDir, 'recording-segments'));
    const dir = t.server.recordings.directoryOf(recording.recordingId);
    const live = await repo.segments(recording.recordingId);
    const tracksLive = await repo.tracks(recording.recordingId);
    expect(tracksLive.length).toBeGreaterThanOrEqual(4);
    for (const track of tracksLive) {
      const own = live.filter((g) => g.trackId === track.id);
      const label = `${track.participantId} ${track.kind}: ${JSON.stringify(own)}`;
      // About 9 s in segments of about 4 s (video cut at the key frames asked for then).
      expect(own.length, label).toBeGreaterThanOrEqual(2);
      expect(own.map((g) => g.seq)).toEqual(own.map((_, i) => i));
      for (const g of own) {
        const bytes: Buffer[] = [];
        for await (const chunk of store.read(g.key)) bytes.push(chunk as Buffer);
        expect(createHash('sha256').update(Buffer.concat(bytes)).digest('hex'), label).toBe(
          g.sha256,
        );
        // Nothing left behind on the machine but the whole file.
        expect(existsSync(path.join(dir, segmentName(track.file, g.seq)))).toBe(false);
      }
      // They play one after the other as one stream over their span.
      const rebuilt = path.join(dir, `rebuilt-${track.file}`);
      await rebuildFromSegments(store, own, rebuilt);
      expect(decodeErrors(rebuilt)).toBe('');
      const span = (own.at(-1)!.endMs - own[0]!.startMs) / 1000;
      expect(Math.abs(probe(rebuilt).duration - span), label).toBeLessThanOrEqual(0.1);
    }

    await mediator.request('recording:stop', {});
    await t.server.recordings.idle();
    const { manifest } = await t.server.recordings.detail(
      { kind: 'system', id: 'system', role: 'system' },
      theCase.id,
      recording.recordingId,
    );
    const m = (await verifyJws<RecordingManifest>(manifest!.jws, t.server.keys.jwks())).payload;
    const stored = await repo.segments(recording.recordingId);
    for (const track of m.tracks) {
      // The manifest lists every segment with its hash, those seen while recording first.
      const own = stored.filter((g) => g.trackId === track.id);
      expect(track.segments.map((g) => g.sha256)).toEqual(own.map((g) => g.sha256));
      const seen = live.filter((g) => g.trackId === track.id).map((g) => g.sha256);
      expect(track.segments.slice(0, seen.length).map((g) => g.sha256)).toEqual(seen);
      // Sealed, the recording is not kept twice: the segments are gone from the store.
      for (const g of own) expect(await store.size(g.key)).toBeUndefined();
    }
  }, 60_000);

  it('started inside an unrecorded caucus: nothing captured until it ends, the phase open from the start', async () => {
    const { mediator, worker } = await nextSession();
    await join('p-employer', 'party', '某某公司');
    await publish(staff.mediator.id, 300);
    await publish('p-worker', 500);
    await mediator.request('caucus:start', { participantIds: ['p-worker'], record: false });
    const { recording } = await mediator.request('recording:start', {});
    await worker.request('recording:acknowledge', { recordingId: recording.recordingId });
    await sleep(2000);
    const caucusTo = Date.now();
    await mediator.request('caucus:end', {});
    await untilCapturing(recording.recordingId, staff.mediator.id);
    await untilCapturing(recording.recordingId, 'p-worker');
    await sleep(1000);
    await mediator.request('recording:stop', {});
    await t.server.recordings.idle();

    const { tracks, manifest } = await t.server.recordings.detail(
      { kind: 'system', id: 'system', role: 'system' },
      theCase.id,
      recording.recordingId,
    );
    // Before the fix the mediator and the worker were captured from the start, inside the caucus.
    const listed = JSON.stringify(
      tracks.map((x) => [x.participantId, x.source, x.startedAt, x.endedAt, x.endReason]),
    );
    expect(tracks.length, listed).toBeGreaterThan(0);
    for (const track of tracks)
      expect(Date.parse(track.startedAt), listed).toBeGreaterThanOrEqual(caucusTo - 500);
    const m = (await verifyJws<RecordingManifest>(manifest!.jws, t.server.keys.jwks())).payload;
    expect(m.privatePhases).toHaveLength(1);
    expect(m.privatePhases[0]).toMatchObject({
      from: m.startedAt,
      participantIds: ['p-worker'],
      recorded: false,
    });
    expect(Math.abs(Date.parse(m.privatePhases[0]!.to!) - caucusTo)).toBeLessThanOrEqual(500);
  }, 60_000);
});
