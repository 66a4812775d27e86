/**
 * Recording through failures: a capture FFmpeg killed mid-recording is
 * replaced and the gap is marked; a server killed mid-recording leaves
 * decodable files, and after the restart the recording is closed with the
 * gap and a signed manifest.
 */
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { RecordingManifest } from '../../recordings/manifest.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlRecordingRepository } from '../../server/db/SqlRecordingRepository.js';
import type { RecordingDetail } from '../../server/recordingService/RecordingService.js';
import { verifyJws } from '../../server/signing/jws.js';
import type { SessionRole } from '../../signaling/index.js';
import { caseInSession, seedStaff } from '../support/cases.js';
import { connectClient, joinSession, type TestClient } from '../support/client.js';
import { freshDatabase } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { publishSynthetic, type SyntheticMedia } from '../support/syntheticMedia.js';
import { enrolledToken } from '../support/enrol.js';

if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
  throw new Error('ffmpeg is not installed: run scripts/install-system-deps.sh test');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SYSTEM = { kind: 'system', id: 'system', role: 'system' } as const;

/** Decodes the whole file; returns FFmpeg's exit status and how many seconds it decoded. */
function decode(file: string): { status: number | null; seconds: number } {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-stats', '-i', file, '-f', 'null', '-'], {
    encoding: 'utf8',
  });
  const times = [...r.stderr.matchAll(/time=(\d+):(\d+):(\d+\.\d+)/g)];
  const last = times.at(-1);
  const seconds = last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : 0;
  return { status: r.status, seconds };
}

function duration(file: string): number {
  return Number(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      { encoding: 'utf8' },
    ).trim(),
  );
}

async function checkSealed(t: TestServer, detail: RecordingDetail): Promise<RecordingManifest> {
  expect(detail.recording.status).toBe('complete');
  const verified = await verifyJws<RecordingManifest>(detail.manifest!.jws, t.server.keys.jwks(), {
    typ: 'mediation-recording-manifest+jws',
  });
  const dir = t.server.recordings.directoryOf(detail.recording.id);
  for (const track of verified.payload.tracks) {
    const bytes = readFileSync(path.join(dir, track.file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(track.sha256);
  }
  return verified.payload;
}

describe('recording through failures', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('replaces a killed capture FFmpeg and marks the gap; the killed file decodes up to the kill', async () => {
    const t = await startTestServer();
    cleanups.push(() => t.close());
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const { case: theCase, session } = await caseInSession(t.server.cases, staff);
    const M = staff.mediator.id;
    const clients: TestClient[] = [];
    const media: SyntheticMedia[] = [];
    cleanups.push(() => {
      for (const m of media) m.stop();
      for (const c of clients) c.close();
    });
    let admitter: TestClient | undefined;
    const join = async (sub: string, role: SessionRole) => {
      const c = await connectClient(
        t.url,
        await enrolledToken(
          t.server,
          { sub, caseId: theCase.id, sessionId: session.id, role, name: sub },
          600,
        ),
      );
      clients.push(c);
      await joinSession(c, admitter ? { admitBy: admitter } : {});
      if (role === 'mediator') admitter = c;
      media.push(await publishSynthetic(t.server.sessions.get(session.id)!, sub));
      return c;
    };
    const mediator = await join(M, 'mediator');
    const party = await join('p-1', 'party');
    const { recording } = await mediator.request('recording:start', {});
    await party.request('recording:acknowledge', { recordingId: recording.recordingId });
    const repo = new SqlRecordingRepository(t.server.database);
    const dir = t.server.recordings.directoryOf(recording.recordingId);
    const written = (file: string): number => {
      try {
        return statSync(path.join(dir, file)).size;
      } catch {
        return 0;
      }
    };
    // Kill once the capture has written media: a fixed 3 s raced its first key frame in CI
    // (an empty file is rightly no track of the recording, and then there is no gap to see).
    const victimUntil = Date.now() + 15_000;
    let victim: Awaited<ReturnType<typeof repo.tracks>>[number] | undefined;
    for (;;) {
      victim = (await repo.tracks(recording.recordingId)).find(
        (x) => x.participantId === 'p-1' && x.kind === 'video',
      );
      if (victim && written(victim.file) > 0) break;
      if (Date.now() > victimUntil) throw new Error('the capture wrote nothing in 15 s');
      await sleep(100);
    }
    await sleep(2000);
    expect(victim.pid).toBeGreaterThan(0);
    const killedAt = Date.now();
    process.kill(victim.pid!, 'SIGKILL');
    // Stop once the replacement capture holds media: a fixed wait raced the
    // replacement's first key frame on a loaded machine, and an empty file is
    // (rightly) no track of the recording.
    const holdsMedia = async () => {
      const replacement = (await repo.tracks(recording.recordingId)).find(
        (x) =>
          x.participantId === 'p-1' &&
          x.kind === 'video' &&
          x.id !== victim.id &&
          Date.parse(x.startedAt) > killedAt,
      );
      return replacement !== undefined && written(replacement.file) > 0;
    };
    const waitUntil = Date.now() + 15_000;
    while (!(await holdsMedia())) {
      if (Date.now() > waitUntil) {
        // What there was, for the report: p-1's video tracks, their ends and their files' sizes.
        const seen = (await repo.tracks(recording.recordingId))
          .filter((x) => x.participantId === 'p-1' && x.kind === 'video')
          .map(
            (x) =>
              `${x.id.slice(0, 8)} ${x.startedAt}…${x.endedAt ?? 'open'} ` +
              `${x.endReason ?? ''} ${written(x.file)} B`,
          );
        throw new Error(
          `the replacement capture wrote nothing in 15 s (killed at ` +
            `${new Date(killedAt).toISOString()}): [${seen.join('; ')}]`,
        );
      }
      await sleep(100);
    }
    await sleep(1000);
    await mediator.request('recording:stop', {});
    await t.server.recordings.idle();

    const detail = await t.server.recordings.detail(SYSTEM, theCase.id, recording.recordingId);
    const manifest = await checkSealed(t, detail);
    const video = detail.tracks
      .filter((x) => x.participantId === 'p-1' && x.kind === 'video')
      .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    expect(video.map((x) => x.endReason)).toEqual(['capture-failed', 'recording-stopped']);
    const [killed, resumed] = video;
    expect(Math.abs(Date.parse(killed!.endedAt!) - killedAt)).toBeLessThan(1000);
    // The replacement started within a couple of seconds, after the kill.
    expect(Date.parse(resumed!.startedAt)).toBeGreaterThan(Date.parse(killed!.endedAt!));
    expect(Date.parse(resumed!.startedAt) - killedAt).toBeLessThan(3000);
    const gap = manifest.gaps.find((g) => g.participantId === 'p-1' && g.source === 'camera');
    expect(gap).toMatchObject({
      reason: 'capture-failed',
      from: killed!.endedAt,
      to: resumed!.startedAt,
    });
    // The killed file: decodable, up to about the kill (its last cluster may be lost).
    const file = path.join(t.server.recordings.directoryOf(recording.recordingId), killed!.file);
    const decoded = decode(file);
    expect(decoded.status).toBe(0);
    const span = (Date.parse(killed!.endedAt!) - Date.parse(killed!.startedAt)) / 1000;
    expect(decoded.seconds).toBeGreaterThan(span - 1.5);
    // The other participant's tracks ran on untouched.
    const mediatorTracks = detail.tracks.filter((x) => x.participantId === M);
    // Failed once in CI (PostgreSQL pass, 55c179c): one of these ended capture-failed too. What
    // FFmpeg said (exit code, its log's tail) goes into the report next time.
    expect(
      mediatorTracks.map((x) => x.endReason),
      JSON.stringify(mediatorTracks.map((x) => [x.kind, x.endReason, x.endDetail])),
    ).toEqual(['recording-stopped', 'recording-stopped']);
  }, 60_000);

  it('marks a dropped connection and a dead media worker as gaps, and records again after each', async () => {
    const t = await startTestServer();
    cleanups.push(() => t.close());
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const { case: theCase, session } = await caseInSession(t.server.cases, staff);
    const M = staff.mediator.id;
    const clients: TestClient[] = [];
    const media: SyntheticMedia[] = [];
    cleanups.push(() => {
      for (const m of media) m.stop();
      for (const c of clients) c.close();
    });
    const connectAs = async (sub: string, role: SessionRole) => {
      const c = await connectClient(
        t.url,
        await enrolledToken(
          t.server,
          { sub, caseId: theCase.id, sessionId: session.id, role, name: sub },
          600,
        ),
      );
      clients.push(c);
      return c;
    };
    const publish = async (sub: string) => {
      const m = await publishSynthetic(t.server.sessions.get(session.id)!, sub);
      media.push(m);
      return m;
    };
    const repo = new SqlRecordingRepository(t.server.database);
    const capturing = async (recordingId: string, subs: string[]) => {
      const deadline = Date.now() + 20_000;
      const dir = t.server.recordings.directoryOf(recordingId);
      for (;;) {
        const open = (await repo.tracks(recordingId)).filter((x) => x.endedAt === null);
        const ok = subs.every(
          (sub) =>
            open.filter((x) => {
              if (x.participantId !== sub) return false;
              try {
                return statSync(path.join(dir, x.file)).size > 2048;
              } catch {
                return false;
              }
            }).length === 2,
        );
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`not capturing ${subs.join(', ')}`);
        await sleep(100);
      }
    };

    const mediator = await connectAs(M, 'mediator');
    await joinSession(mediator);
    let party = await connectAs('p-1', 'party');
    await joinSession(party, { admitBy: mediator });
    let partyMedia = await publish('p-1');
    const mediatorMedia = await publish(M);
    const { recording } = await mediator.request('recording:start', {});
    await party.request('recording:acknowledge', { recordingId: recording.recordingId });
    await capturing(recording.recordingId, [M, 'p-1']);
    await sleep(1000);

    // The party's network drops; they come back (no knock) and publish again.
    partyMedia.stop();
    const droppedAt = Date.now();
    party.socket.disconnect();
    await sleep(1000);
    party = await connectAs('p-1', 'party');
    expect((await joinSession(party)).admission).toBe('admitted');
    partyMedia = await publish('p-1');
    await capturing(recording.recordingId, ['p-1']);
    await sleep(1000);

    // The media worker dies; its router is rebuilt and the media published again.
    const live = t.server.sessions.get(session.id)!;
    const deadPid = live.workerPid;
    const reset = party.next('media:reset', 10_000);
    const workerDiedAt = Date.now();
    process.kill(deadPid, 'SIGKILL');
    await reset;
    partyMedia.stop();
    mediatorMedia.stop();
    await publish('p-1');
    await publish(M);
    await capturing(recording.recordingId, [M, 'p-1']);
    await sleep(1000);
    await mediator.request('recording:stop', {});
    await t.server.recordings.idle();

    const detail = await t.server.recordings.detail(SYSTEM, theCase.id, recording.recordingId);
    const manifest = await checkSealed(t, detail);
    const gaps = manifest.gaps.map((g) => `${g.participantId} ${g.source} ${g.reason}`).sort();
    expect(gaps).toEqual([
      `${M} camera worker-died`,
      `${M} microphone worker-died`,
      'p-1 camera participant-disconnected',
      'p-1 camera worker-died',
      'p-1 microphone participant-disconnected',
      'p-1 microphone worker-died',
    ]);
    for (const gap of manifest.gaps) {
      const at = gap.reason === 'worker-died' ? workerDiedAt : droppedAt;
      expect(Math.abs(Date.parse(gap.from) - at), JSON.stringify(gap)).toBeLessThan(1500);
      expect(Date.parse(gap.to)).toBeGreaterThan(Date.parse(gap.from));
      // Each gap ends where the next file of that track begins.
      expect(
        manifest.tracks.some(
          (x) =>
            x.participantId === gap.participantId &&
            x.source === gap.source &&
            x.startedAt === gap.to,
        ),
      ).toBe(true);
    }
    expect(manifest.notes.join(' ')).toContain('6 gap(s)');
  }, 90_000);

  it('closes a recording cut off by a killed server at the next start: decodable files, the gap, a signed manifest', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'recording-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // On PostgreSQL (TEST_DATABASE=postgres) the killed server and the next one share a database.
    const database: Record<string, string> =
      process.env['TEST_DATABASE'] === 'postgres'
        ? { DATABASE_URL: await freshDatabase(inject('postgresUrl'), 'recording-crash') }
        : {};
    const child = spawn(
      path.join('node_modules', '.bin', 'vite-node'),
      ['tests/support/recording-server.ts', dataDir],
      { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...database } },
    );
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    const ready = await new Promise<{ caseId: string; recordingId: string }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error('the recording server did not start')),
        60_000,
      );
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as { caseId: string; recordingId: string });
        }
      });
      child.once('exit', (code) => reject(new Error(`the recording server exited (${code})`)));
    });
    await sleep(4000);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    await sleep(1500);

    const t = await startTestServer({ DATA_DIR: dataDir, ...database });
    cleanups.push(() => t.close());
    const restartedAt = Date.now();
    await t.server.recordings.idle();
    const detail = await t.server.recordings.detail(SYSTEM, ready.caseId, ready.recordingId);
    const manifest = await checkSealed(t, detail);
    expect(manifest.stopReason).toBe('server-restart');
    expect(detail.tracks).toHaveLength(4);
    const dir = t.server.recordings.directoryOf(ready.recordingId);
    for (const track of detail.tracks) {
      expect(track.endReason).toBe('server-stopped');
      const file = path.join(dir, track.file);
      expect(decode(file).status).toBe(0);
      // Each file holds the media up to about the kill; its end is taken from the file.
      const recorded = duration(file);
      expect(recorded).toBeGreaterThan(3);
      expect(Math.abs(Date.parse(track.endedAt!) - killedAt)).toBeLessThan(1500);
      expect(
        Math.abs(Date.parse(track.endedAt!) - Date.parse(track.startedAt) - recorded * 1000),
      ).toBeLessThan(50);
    }
    // Every track has a gap from the kill to the restart.
    expect(manifest.gaps).toHaveLength(4);
    for (const gap of manifest.gaps) {
      expect(gap.reason).toBe('server-stopped');
      expect(Date.parse(gap.to)).toBeGreaterThanOrEqual(killedAt);
      expect(Date.parse(gap.to)).toBeLessThanOrEqual(restartedAt);
    }
    expect(manifest.notes.join(' ')).toContain('4 gap(s)');
    expect(manifest.composite.status).toBe('complete');
  }, 90_000);
});
