/**
 * Recording a mediation in three real Chromium pages (fake camera and
 * microphone): the mediator starts it, each party is shown the notice and
 * recorded only from their acknowledgement, everyone sees the indicator.
 * The track files, the composite and the signed manifest are checked with
 * FFmpeg and the published keys; the staff console plays the composite.
 * Screenshots go to tests/artifacts/.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordingManifest } from '../../recordings/manifest.js';
import type {
  CasePerson,
  MediationCase,
  MediationSessionRecord,
} from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import type { RecordingDetail } from '../../server/recordingService/RecordingService.js';
import { verifyJws, type Jwks } from '../../server/signing/jws.js';
import { diagnostics, joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import {
  TEST_PASSWORD,
  caseInSession,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

for (const tool of ['ffmpeg', 'ffprobe']) {
  if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${tool} is not installed: run scripts/install-system-deps.sh test`);
  }
}

const ARTIFACTS = path.resolve('tests/artifacts');
const SYSTEM = { kind: 'system', id: 'system', role: 'system' } as const;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** How long the test records (the task: about 10 s). */
const RECORD_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * FFmpeg's exit status and complaints when decoding the whole file.
 * `-enc_time_base -1` keeps the file's own (millisecond) timestamps on the
 * decoded frames: by default FFmpeg 5.1 rounds them to 1/estimated-frame-rate,
 * and two camera frames captured 47 ms apart in a "20 fps" stream then share
 * a tick, which the null muxer reports as non-monotonic DTS although the file
 * is intact. Truncated or corrupt files are still reported.
 */
function decode(file: string): { status: number | null; stderr: string } {
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-enc_time_base', '-1', '-f', 'null', '-'],
    {
      encoding: 'utf8',
    },
  );
  return { status: r.status, stderr: r.stderr.trim() };
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

type Who = 'mediator' | 'worker' | 'employer';

/** What the test reads of a <video> or <audio> element (the tests compile without the DOM types). */
interface Media {
  duration: number;
  currentTime: number;
  addEventListener(type: 'seeked', listener: () => void, options: { once: boolean }): void;
}

describe('recording a mediation session', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let theCase: MediationCase;
  let session: MediationSessionRecord;
  let people: CasePerson[];
  const pages = {} as Record<Who, Page>;
  const ids = {} as Record<Who, string>;
  let recordingId: string;
  /** When the test pressed each party's "I acknowledge and agree". */
  const acknowledgedAt = {} as Record<'worker' | 'employer', number>;
  let detail: RecordingDetail;
  /** When the test pressed the mediator's stop button. */
  let stopClickedAt: number;
  let stopClickDoneAt: number;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    ({ case: theCase, session, people } = await caseInSession(t.server.cases, staff));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openPage(viewport: { width: number; height: number }, url: string, who: string) {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.on('pageerror', (e) => process.stderr.write(`[${who}] page error: ${e.message}\n`));
    await page.goto(url);
    return page;
  }

  it('shows each party the notice and records them only from their acknowledgement', async () => {
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    ids.mediator = staff.mediator.id;
    ids.worker = applicant.id;
    ids.employer = respondent.id;
    const link = async (person: CasePerson) =>
      (await partyInvitationLink(t.url, TEST_SECRET, t.server.cases, staff.clerk, person)).link;
    const mediatorToken = t.server.tokens.issue(
      {
        sub: staff.mediator.id,
        caseId: theCase.id,
        sessionId: session.id,
        role: 'mediator',
        name: staff.mediator.name,
      },
      600,
    );
    pages.mediator = await openPage(DESKTOP, `${t.url}/join#token=${mediatorToken}`, 'mediator');
    pages.worker = await openPage(PHONE, await link(applicant), 'worker');
    pages.employer = await openPage(DESKTOP, await link(respondent), 'employer');

    await joinWithAdmission(pages.mediator, [
      { page: pages.worker, participantId: ids.worker },
      { page: pages.employer, participantId: ids.employer },
    ]);
    // Everyone publishes before the recording starts: the mediator receives both parties.
    await poll(
      () => diagnostics.inboundBytes(pages.mediator),
      (b) => [ids.worker, ids.employer].every((id) => (b[id]?.video ?? 0) > 5_000),
      20_000,
      'mediator receives both parties',
    );
    await poll(
      async () =>
        t.server.sessions
          .get(session.id)
          ?.participants()
          .map((p) => p.producers.size),
      (sizes) => sizes?.length === 3 && sizes.every((n) => n === 2),
      10_000,
      'three participants publishing audio and video',
    );

    // Only the mediator may record.
    expect(await pages.worker.getByTestId('record-start').count()).toBe(0);
    await pages.mediator.getByTestId('record-start').click();
    const state = await poll(
      () => diagnostics.recording(pages.mediator),
      (r) => r !== null,
      10_000,
      'recording started',
    );
    recordingId = state!.recordingId;
    const startedAt = Date.now();
    expect(state!.consented).toEqual([ids.mediator]);
    expect(await diagnostics.noticeVisible(pages.mediator)).toBe(false);
    await pages.mediator.getByTestId('record-stop').waitFor({ timeout: 5_000 });

    // Both parties get the notice before anything of theirs is recorded.
    for (const who of ['worker', 'employer'] as const) {
      const page = pages[who];
      await poll(
        () => diagnostics.noticeVisible(page),
        (v) => v,
        10_000,
        `${who} shown the notice`,
      );
      const dialog = page.getByRole('dialog', { name: /录制告知/ });
      await dialog.waitFor({ state: 'visible', timeout: 5_000 });
      expect(await dialog.getAttribute('aria-modal')).toBe('true');
      const text = await dialog.innerText();
      expect(text).toContain('本次调解将被录音录像');
      expect(text).toContain('可能提交法院或仲裁机构');
      // One language at a time: the English is behind the notice's own language switch.
      expect(text).not.toContain('This mediation will be recorded');
      expect(await page.getByTestId('notice-lang').innerText()).toBe('English');
      // Focus is inside the dialog; the page under it is inert.
      expect(
        await page.evaluate(`document.activeElement?.closest('[role="dialog"]') !== null`),
      ).toBe(true);
      expect(await page.evaluate(`document.querySelector('#app').inert`)).toBe(true);
    }
    await pages.worker.screenshot({ path: path.join(ARTIFACTS, 'call-notice-390x844.png') });
    await pages.employer.screenshot({ path: path.join(ARTIFACTS, 'call-notice-1280x800.png') });

    // The worker agrees at once.
    acknowledgedAt.worker = Date.now();
    await pages.worker.getByTestId('recording-acknowledge').click();
    await poll(
      () => diagnostics.recording(pages.worker),
      (r) => r?.consented.includes(ids.worker) ?? false,
      10_000,
      'worker consented',
    );
    expect(await diagnostics.noticeVisible(pages.worker)).toBe(false);

    // Escape is not consent: it closes the notice as a refusal, which the page says.
    await pages.employer.keyboard.press('Escape');
    await poll(
      () => diagnostics.noticeVisible(pages.employer),
      (v) => !v,
      5_000,
      'notice closed by Escape',
    );
    expect((await diagnostics.recording(pages.employer))!.consented).not.toContain(ids.employer);
    await pages.employer.getByTestId('recording-declined').waitFor({ timeout: 5_000 });
    expect(
      await pages.employer.getByTestId('recording-own-status').getAttribute('data-status'),
    ).toBe('pending');
    // The mediator sees who has not agreed.
    await poll(
      () => pages.mediator.getByTestId('recording-pending').innerText(),
      (text) => text.includes(respondent.name) && !text.includes(applicant.name),
      5_000,
      'mediator sees the employer has not agreed',
    );
    // The employer reopens the notice from the indicator and agrees, about 3 s after the start.
    await pages.employer.getByTestId('recording-reopen').click();
    await poll(
      () => diagnostics.noticeVisible(pages.employer),
      (v) => v,
      5_000,
      'notice reopened',
    );
    await sleep(Math.max(0, startedAt + 3_000 - Date.now()));
    acknowledgedAt.employer = Date.now();
    await pages.employer.getByTestId('recording-acknowledge').click();

    for (const [who, page] of Object.entries(pages)) {
      await poll(
        () => diagnostics.recording(page),
        (r) => [ids.mediator, ids.worker, ids.employer].every((id) => r?.consented.includes(id)),
        10_000,
        `${who} knows everyone consented`,
      );
      const indicator = page.getByTestId('recording-indicator');
      await indicator.waitFor({ state: 'visible', timeout: 5_000 });
      expect(await indicator.innerText()).toContain('录制中');
      expect(await page.getByTestId('recording-own-status').innerText()).toBe('您的音视频正在录制');
      expect(await diagnostics.noticeVisible(page)).toBe(false);
    }
    await poll(
      () => pages.mediator.getByTestId('recording-pending').innerText(),
      (text) => text.includes('所有参与人均已同意录制'),
      5_000,
      'mediator sees everyone agreed',
    );
    await pages.mediator.screenshot({
      path: path.join(ARTIFACTS, 'call-mediator-recording-1280x800.png'),
    });

    // Withdrawing asks for confirmation first; cancelling keeps the consent.
    await pages.worker.getByTestId('recording-withdraw').click();
    await pages.worker.getByTestId('recording-withdraw-confirm').waitFor({ timeout: 5_000 });
    await pages.worker.getByTestId('recording-withdraw-cancel').click();
    await pages.worker.getByTestId('recording-withdraw').waitFor({ timeout: 5_000 });
    expect((await diagnostics.recording(pages.worker))!.consented).toContain(ids.worker);

    // About ten seconds of recording, then the mediator stops.
    await sleep(Math.max(0, startedAt + RECORD_MS - Date.now()));
    // The worker mutes their microphone first: its capture then receives no packets.
    await pages.worker.getByTestId('toggle-mic').click();
    await sleep(1_000);
    stopClickedAt = Date.now();
    await pages.mediator.getByTestId('record-stop').click();
    stopClickDoneAt = Date.now();
    for (const [who, page] of Object.entries(pages)) {
      await poll(
        () => diagnostics.recording(page),
        (r) => r === null,
        10_000,
        `${who} told the recording stopped`,
      );
      expect(await page.getByTestId('recording-indicator').count()).toBe(0);
    }
  });

  it('writes clean track files, a composite and a manifest signed with the published key', async () => {
    expect(recordingId, 'a recording was made').toBeDefined();
    const list = async () =>
      (await t.server.recordings.list(SYSTEM, theCase.id)).find((r) => r.id === recordingId);
    await poll(list, (r) => r?.status === 'complete', 90_000, 'recording post-processed');
    await t.server.recordings.idle();
    detail = await t.server.recordings.detail(SYSTEM, theCase.id, recordingId);
    const { recording, tracks, consents, manifest } = detail;
    expect(recording.status).toBe('complete');
    expect(recording.compositeStatus).toBe('complete');

    // Each participant: one audio and one video track.
    for (const who of ['mediator', 'worker', 'employer'] as const) {
      const theirs = tracks.filter((x) => x.participantId === ids[who]);
      expect(theirs.map((x) => x.kind).sort(), who).toEqual(['audio', 'video']);
    }
    expect(tracks).toHaveLength(6);
    // Nothing of a party before they acknowledged.
    for (const who of ['worker', 'employer'] as const) {
      for (const track of tracks.filter((x) => x.participantId === ids[who])) {
        expect(Date.parse(track.startedAt), who).toBeGreaterThanOrEqual(acknowledgedAt[who]);
      }
    }
    expect(consents.map((c) => c.participantId).sort()).toEqual(
      [ids.mediator, ids.worker, ids.employer].sort(),
    );

    const dir = t.server.recordings.directoryOf(recordingId);
    for (const track of tracks) {
      const file = path.join(dir, track.file);
      expect(sha256(file)).toBe(track.sha256);
      const decoded = decode(file);
      // Kept for inspection when it does not decode cleanly.
      if (decoded.status !== 0 || decoded.stderr !== '')
        copyFileSync(file, path.join(ARTIFACTS, `undecodable-${track.file}`));
      expect(decoded, track.file).toEqual({ status: 0, stderr: '' });
      const span = (Date.parse(track.endedAt!) - Date.parse(track.startedAt)) / 1000;
      const { duration } = probe(file);
      expect(
        Math.abs(duration - span),
        `${track.file}: ${duration} s vs span ${span} s`,
      ).toBeLessThan(1);
    }

    // The manifest verifies against the published keys and names every file by its hash.
    expect(manifest).not.toBeNull();
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    const m = (
      await verifyJws<RecordingManifest>(manifest!.jws, jwks, {
        typ: 'mediation-recording-manifest+jws',
      })
    ).payload;
    expect(m.recordingId).toBe(recordingId);
    expect(m.caseNumber).toBe(theCase.caseNumber);
    expect(createHash('sha256').update(manifest!.jws).digest('hex')).toBe(recording.manifestSha256);
    expect(sha256(path.join(dir, 'manifest.jws'))).toBe(recording.manifestSha256);
    expect(m.tracks).toHaveLength(tracks.length);
    for (const entry of m.tracks) {
      expect(sha256(path.join(dir, entry.file)), entry.file).toBe(entry.sha256);
    }
    expect(m.composite.status).toBe('complete');
    if (m.composite.status !== 'complete') return;
    const composite = path.join(dir, m.composite.file);
    expect(sha256(composite)).toBe(m.composite.sha256);
    const c = probe(composite);
    expect(c.streams.sort()).toEqual(['aac', 'h264']);
    const span = (Date.parse(m.stoppedAt) - Date.parse(m.startedAt)) / 1000;
    // The recording ends when the mediator pressed stop (between the click's start and
    // end), not when the files were finished.
    const stoppedAt = Date.parse(m.stoppedAt);
    const pressed = `stoppedAt ${m.stoppedAt}, stop pressed ${new Date(stopClickedAt).toISOString()}…${new Date(stopClickDoneAt).toISOString()}`;
    expect(stoppedAt, pressed).toBeGreaterThanOrEqual(stopClickedAt - 500);
    expect(stoppedAt, pressed).toBeLessThanOrEqual(stopClickDoneAt + 500);
    expect(
      Math.abs(c.duration - span),
      `composite ${c.duration} s vs ${span} s`,
    ).toBeLessThanOrEqual(0.5);
    expect(span).toBeGreaterThan(RECORD_MS / 1000 - 1);
    // The composite's end (no black or silent tail) is asserted with synthetic media in
    // tests/integration/recording.test.ts. Here blackdetect measured 0.87–0.93 s black in
    // the last second with Chromium's fake cameras; whether that is the fake picture or a
    // real tail is still open (issue 16), so it is not asserted in this test.
  });

  it('plays the composite in the staff console, with tracks, consents and the signed manifest', async () => {
    expect(detail, 'the recording was processed').toBeDefined();
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    page.on('pageerror', (e) => process.stderr.write(`[console] page error: ${e.message}\n`));
    await page.goto(`${t.url}/console`);
    await page.locator('input[name=username]').fill(staff.mediator.username);
    await page.locator('input[name=password]').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByTestId('signed-in').waitFor({ timeout: 10_000 });
    // The token lives in this tab's sessionStorage only.
    expect(
      await page.evaluate(`sessionStorage.getItem('mediation.console.session') !== null`),
    ).toBe(true);
    await page.locator(`[data-testid=case-item][data-case="${theCase.id}"] a`).click();
    await poll(
      () => page.getByTestId('case-heading').innerText(),
      (text) => text.includes(theCase.caseNumber),
      10_000,
      'case opened',
    );
    const card = page.locator(`[data-testid=recording][data-recording="${recordingId}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('data-status')).toBe('complete');

    // The composite plays through a view link: metadata, then a seek to the middle (HTTP Range).
    const video = card.getByTestId('composite-video');
    await video.waitFor({ timeout: 10_000 });
    const m = detail.manifest!.payload;
    const span = (Date.parse(m.stoppedAt) - Date.parse(m.startedAt)) / 1000;
    const duration = await poll(
      () => video.evaluate((v) => (v as unknown as Media).duration),
      (d) => Number.isFinite(d) && d > 0,
      15_000,
      'composite metadata loaded',
    );
    expect(Math.abs(duration - span)).toBeLessThan(1);
    const seekedTo = await video.evaluate(
      (v, to) =>
        new Promise<number>((resolve, reject) => {
          const media = v as unknown as Media;
          const timer = setTimeout(() => reject(new Error('no seeked event')), 10_000);
          media.addEventListener(
            'seeked',
            () => {
              clearTimeout(timer);
              resolve(media.currentTime);
            },
            { once: true },
          );
          media.currentTime = to;
        }),
      duration / 2,
    );
    expect(Math.abs(seekedTo - duration / 2)).toBeLessThan(0.5);

    // Tracks with their hashes and end reasons, consents, the notes.
    expect(await card.getByTestId('track').count()).toBe(detail.tracks.length);
    const trackText = await card.getByTestId('recording-tracks').innerText();
    for (const track of detail.tracks) expect(trackText).toContain(track.sha256!);
    expect(trackText).toContain('录制结束');
    expect(await card.getByTestId('consent').count()).toBe(3);
    expect(await card.getByTestId('recording-gaps').innerText()).toContain('无中断');
    // A track plays through its own view link.
    const firstTrack = card.getByTestId('track').first();
    await firstTrack.getByTestId('play-track').click();
    await poll(
      () =>
        firstTrack.getByTestId('track-player').evaluate((v) => (v as unknown as Media).duration),
      (d) => Number.isFinite(d) && d > 0,
      10_000,
      'track metadata loaded',
    );

    // The signed manifest downloads as the file the server sealed.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      card.getByTestId('download-manifest').click(),
    ]);
    const saved = path.join(ARTIFACTS, 'manifest.jws');
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toBe(detail.manifest!.jws);

    await page.screenshot({ path: path.join(ARTIFACTS, 'console-1280x800.png'), fullPage: true });
    for (const viewport of [PHONE, { width: 360, height: 780 }]) {
      await page.setViewportSize(viewport);
      // Nothing wider than the screen (no sideways scrolling on a phone), once the
      // players' controls have followed the resize.
      await poll(
        () => page.evaluate('document.documentElement.scrollWidth') as Promise<number>,
        (width) => width <= viewport.width,
        5_000,
        `page fits ${viewport.width} px`,
      );
    }
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-390x844.png'), fullPage: true });
    await context.close();
  });
});
