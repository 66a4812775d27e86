/**
 * Three real Chromium pages (fake camera and microphone) in one mediation
 * session against the real server: media flows every way, a departure is
 * announced, and a SIGKILLed worker is survived without reloading.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diagnostics,
  joinWithAdmission,
  launchChromium,
  poll,
  type InboundBytes,
} from '../support/browser.js';
import { measureMediaRecovery, median, videoBack } from '../support/mediaRecovery.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Worker kills in a row: the recovery time printed is their median over every receiver. */
const RECOVERY_TRIALS = 3;

const PEOPLE = [
  { sub: 'mediator', name: '王调解', role: 'mediator' as const },
  { sub: 'applicant', name: '张三', role: 'party' as const },
  { sub: 'respondent', name: '李四', role: 'party' as const },
];

/** True when every expected sender's audio and video byte counts rose since `before`. */
function rising(before: InboundBytes, after: InboundBytes, senders: string[]): boolean {
  return senders.every((s) => {
    const b = before[s] ?? { audio: 0, video: 0 };
    const a = after[s];
    return a !== undefined && a.audio > b.audio && a.video > b.video;
  });
}

async function expectMediaFrom(page: Page, senders: string[], timeoutMs: number): Promise<void> {
  const before = await diagnostics.inboundBytes(page);
  await poll(
    () => diagnostics.inboundBytes(page),
    (now) => rising(before, now, senders) && senders.every((s) => (now[s]?.video ?? 0) > 5_000),
    timeoutMs,
    `inbound audio+video from ${senders.join(', ')}`,
  );
}

describe('a mediation call in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    if (!existsSync('client/dist/index.html'))
      throw new Error('client/dist is missing: run `npm test` (it builds the client)');
    t = await startTestServer();
    browser = await launchChromium();
    for (const person of PEOPLE) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      page.on('pageerror', (e) =>
        process.stderr.write(`[${person.sub}] page error: ${e.message}\n`),
      );
      const token = await t.token({ ...person, caseId: 'CASE-E2E', sessionId: 'SESSION-E2E' });
      await page.goto(`${t.url}/join#token=${token}`);
      pages.set(person.sub, page);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('joins a mediator and two parties who each receive the other two\u2019s audio and video', async () => {
    // The parties wait until the mediator admits them from the waiting list.
    await joinWithAdmission(pages.get('mediator')!, [
      { page: pages.get('applicant')!, participantId: 'applicant' },
      { page: pages.get('respondent')!, participantId: 'respondent' },
    ]);
    for (const [sub, page] of pages) {
      const others = PEOPLE.map((p) => p.sub).filter((s) => s !== sub);
      await poll(
        () => diagnostics.participants(page),
        (list) => others.every((o) => list.includes(o)),
        10_000,
        `${sub} sees others`,
      );
      await expectMediaFrom(page, others, 30_000);
      // The UI shows a tile per remote participant, with the Chinese role label.
      await poll(
        () => page.getByTestId('remote-tile').count(),
        (n) => n === 2,
        5_000,
        `${sub} shows two remote tiles`,
      );
    }
    const tileText = await pages.get('applicant')!.getByTestId('remote-tile').first().innerText();
    expect(tileText).toMatch(/调解员|当事人/);
  });

  it('sends camera video as simulcast and lets a receiver choose a layer', async () => {
    const session = t.server.sessions.get('SESSION-E2E')!;
    const mediator = session.participants().find((p) => p.id === 'mediator')!;
    const cameraConsumers = [...mediator.consumers.values()].filter(
      (c) => c.appData.source === 'camera',
    );
    expect(cameraConsumers).toHaveLength(2);
    for (const c of cameraConsumers) expect(c.type).toBe('simulcast');
    const page = pages.get('mediator')!;
    const tile = page.locator('[data-testid="remote-tile"][data-participant="applicant"]');
    await tile.locator('select').selectOption('0');
    const applicantCamera = cameraConsumers.find(
      (c) => c.appData.producerParticipantId === 'applicant',
    )!;
    await poll(
      async () => applicantCamera.preferredLayers?.spatialLayer,
      (l) => l === 0,
      5_000,
      'preferred layer applied',
    );
  });

  it('highlights the active speaker', async () => {
    // Chromium's fake microphone beeps; the server's ActiveSpeakerObserver picks
    // a speaker and every page (own tile included) highlights the same person.
    const speakerOn = (page: Page) =>
      page
        .locator('.tile.speaking')
        .evaluateAll((tiles) => tiles.map((el) => el.getAttribute('data-participant')));
    const seen = await poll(
      () => Promise.all([...pages.values()].map(speakerOn)),
      (lists) => lists.every((l) => l.length === 1) && new Set(lists.map((l) => l[0])).size === 1,
      15_000,
      'one and the same speaker highlighted on every page',
    );
    expect(PEOPLE.map((p) => p.sub)).toContain(seen[0]![0]);
  });

  it('shows a shared screen to the others', async () => {
    const mediator = pages.get('mediator')!;
    await mediator.getByTestId('toggle-screen').click();
    for (const sub of ['applicant', 'respondent']) {
      const page = pages.get(sub)!;
      await poll(
        () => page.getByTestId('screen-tile').count(),
        (n) => n === 1,
        10_000,
        `${sub} sees the screen`,
      );
    }
    await mediator.getByTestId('toggle-screen').click();
    await poll(
      () => pages.get('applicant')!.getByTestId('screen-tile').count(),
      (n) => n === 0,
      10_000,
      'screen share ended',
    );
  });

  it('reconnects by itself after a network drop, keeping the call', async () => {
    const applicant = pages.get('applicant')!;
    const sockets = await t.server.io.fetchSockets();
    const target = sockets.find((s) => s.data.claims.sub === 'applicant');
    expect(target).toBeDefined();
    // Closing the underlying connection looks like a network drop to the client.
    t.server.io.sockets.sockets.get(target!.id)!.conn.close();
    // A new connection (not the old one surviving) carries the applicant afterwards.
    await poll(
      async () =>
        (await t.server.io.fetchSockets())
          .filter((s) => s.data.claims.sub === 'applicant')
          .map((s) => s.id),
      (ids) => ids.length === 1 && ids[0] !== target!.id,
      15_000,
      'applicant reconnected on a new socket',
    );
    await poll(
      () => diagnostics.status(applicant),
      (s) => s === 'joined',
      15_000,
      'applicant rejoined',
    );
    await expectMediaFrom(applicant, ['mediator', 'respondent'], 20_000);
    await expectMediaFrom(pages.get('mediator')!, ['applicant'], 20_000);
  });

  it('tells the others when a party leaves', async () => {
    const respondent = pages.get('respondent')!;
    await respondent.getByTestId('leave').click();
    await respondent.getByTestId('leave-confirm').click();
    await respondent.getByTestId('left').waitFor({ state: 'visible', timeout: 5_000 });
    for (const sub of ['mediator', 'applicant']) {
      await poll(
        () => diagnostics.participants(pages.get(sub)!),
        (list) => !list.includes('respondent'),
        10_000,
        `${sub} told of departure`,
      );
    }
    const mediator = pages.get('mediator')!;
    await poll(
      () => mediator.getByTestId('remote-tile').count(),
      (n) => n === 1,
      5_000,
      'mediator shows one remote tile',
    );
  });

  it('recovers media without reloading after the session\u2019s worker is SIGKILLed, saying so truthfully', async () => {
    const session = t.server.sessions.get('SESSION-E2E');
    expect(session).toBeDefined();
    const mediator = pages.get('mediator')!;
    const applicant = pages.get('applicant')!;
    const receivers = [
      { name: 'mediator', page: mediator, senders: ['applicant'] },
      { name: 'applicant', page: applicant, senders: ['mediator'] },
    ];
    const times: number[] = [];
    for (let trial = 0; trial < RECOVERY_TRIALS; trial++) {
      const deadPid = session!.workerPid;
      const { msToFrames, samples, before } = await measureMediaRecovery(receivers, () => {
        process.kill(deadPid, 'SIGKILL');
      });
      times.push(...Object.values(msToFrames));
      expect(session!.workerPid).not.toBe(deadPid);
      process.stdout.write(
        `worker kill ${trial + 1}: ${JSON.stringify(msToFrames)} ms to frames\n`,
      );
      for (const { name, senders } of receivers) {
        const seen = samples[name]!;
        // Nobody is muted: no tile may say so while media comes back.
        for (const view of seen)
          for (const [who, tile] of Object.entries(view.tiles))
            expect(tile.badges, `${name} shows ${who} as muted during recovery`).not.toContain(
              '已静音',
            );
        // Once the page knows, the banner stays until its tiles show video again.
        const first = seen.findIndex((v) => v.banner);
        expect(first, `${name} never showed the reconnecting banner`).toBeGreaterThanOrEqual(0);
        const early = seen
          .slice(first)
          .findIndex((v) => !v.banner && !videoBack(v, before[name]!, senders));
        expect(early, `${name} hid the banner before video was back`).toBe(-1);
        // Reconnecting tiles say so while the banner is up.
        expect(
          seen.some((v) => Object.values(v.tiles).some((tile) => tile.badges.includes('重连中'))),
          `${name} never marked a tile as reconnecting`,
        ).toBe(true);
      }
      for (const page of [mediator, applicant]) {
        await poll(
          () => diagnostics.status(page),
          (s) => s === 'joined',
          15_000,
          'client re-established media',
        );
        await page.getByTestId('reconnecting').waitFor({ state: 'detached', timeout: 5_000 });
      }
      await expectMediaFrom(mediator, ['applicant'], 20_000);
      await expectMediaFrom(applicant, ['mediator'], 20_000);
    }
    process.stdout.write(
      `worker-kill recovery (kill → frames advancing at the receiver), ms: ${times.join(', ')}; ` +
        `median ${median(times)}\n`,
    );
  });
});
