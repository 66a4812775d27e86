/**
 * npm run screenshots — pictures of the call page as people see it, for the
 * docs: the waiting room, the call and the rejoin flow (leave → confirm →
 * 重新加入 → back in), each on a phone (390×844) and a desktop (1280×800).
 *
 * Drives the real service (in process, temp data directory) and Debian's
 * Chromium with a fake camera and microphone: a mediator on a desktop, the
 * applicant on a phone, the respondent on a desktop, all through their
 * invitation links, admitted by the mediator through the floor panel.
 * Writes PNGs (viewport only, 1 device pixel per CSS pixel) to
 * docs/screenshots/.
 *
 *   npm run screenshots
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { BENCH_SECRET, startBenchService, type BenchService } from '../bench/common.js';
import { SqlCaseRepository } from '../server/db/SqlCaseRepository.js';
import { admitThroughUi, diagnostics, launchChromium, poll } from '../tests/support/browser.js';
import { caseInSession, partyInvitationLink, seedStaff } from '../tests/support/cases.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.resolve(here, '..', 'docs', 'screenshots');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

async function shoot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize();
  const file = path.join(OUT, `${name}-${size?.width}x${size?.height}.png`);
  // Let the last re-render and video frames settle.
  await sleep(600);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide', timeout: 120_000 });
  process.stdout.write(`${path.relative(process.cwd(), file)} (${statSync(file).size} bytes)\n`);
}

async function joined(page: Page, what: string): Promise<void> {
  await poll(
    () => diagnostics.status(page),
    (s) => s === 'joined',
    30_000,
    what,
  );
}

/** Waits until every remote tile on the page shows moving video. */
async function videoShowing(page: Page, others: number): Promise<void> {
  await poll(
    () =>
      page.evaluate(
        `[...document.querySelectorAll('[data-testid=remote-tile] video')].filter((v) => v.videoWidth > 0 && v.currentTime > 0.5).length`,
      ) as Promise<number>,
    (n) => n >= others,
    30_000,
    'remote video showing',
  );
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let service: BenchService | undefined;
  let browser: Browser | undefined;
  try {
    service = await startBenchService({ MEDIASOUP_NUM_WORKERS: '1' }, 'mediation-screens-');
    const { server, url } = service;
    const staff = await seedStaff(new SqlCaseRepository(server.database));
    const { case: c, session, people } = await caseInSession(server.cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    const link = async (person: typeof applicant) =>
      (await partyInvitationLink(url, BENCH_SECRET, server.cases, staff.clerk, person)).link;
    const mediatorToken = server.tokens.issue(
      {
        sub: staff.mediator.id,
        caseId: c.id,
        sessionId: session.id,
        role: 'mediator',
        name: staff.mediator.name,
      },
      3600,
    );

    browser = await launchChromium();
    const mediator = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    const phone = await (await browser.newContext({ viewport: PHONE })).newPage();
    const desktop = await (await browser.newContext({ viewport: DESKTOP })).newPage();
    await mediator.goto(`${url}/join#token=${mediatorToken}`);
    await mediator.getByTestId('join').click();
    await joined(mediator, 'mediator joined');

    // The applicant on a phone fills the service-address form first: the join bar stays in reach.
    await phone.goto(await link(applicant));
    await desktop.goto(await link(respondent));
    const form = phone.getByTestId('consent-form');
    await form.waitFor({ timeout: 15_000 });
    await phone.getByTestId('consent-sms').fill('13800000000');
    await phone.getByTestId('consent-ack').check();
    await phone.getByTestId('consent-submit').click();
    await phone.getByTestId('consent-summary').waitFor({ timeout: 15_000 });
    await shoot(phone, 'join-after-form');
    await phone.evaluate('window.scrollTo(0, 0)');

    // The waiting room.
    for (const page of [phone, desktop]) {
      await page.getByTestId('join').click();
      await poll(
        () => diagnostics.status(page),
        (s) => s === 'waiting',
        20_000,
        'waiting',
      );
      await page.evaluate('window.scrollTo(0, 0)');
    }
    await shoot(phone, 'waiting-room');
    await shoot(desktop, 'waiting-room');

    // The call.
    await admitThroughUi(mediator, applicant.id);
    await admitThroughUi(mediator, respondent.id);
    for (const page of [phone, desktop, mediator]) await joined(page, 'in the call');
    for (const page of [phone, desktop, mediator]) await videoShowing(page, 2);
    for (const page of [phone, desktop]) await page.evaluate('window.scrollTo(0, 0)');
    await shoot(phone, 'call');
    await shoot(desktop, 'call');
    await shoot(mediator, 'call-mediator');

    // Leaving asks first; afterwards 重新加入 brings the party back.
    for (const page of [phone, desktop]) {
      await page.getByTestId('leave').click();
      await page.getByTestId('leave-confirmation').waitFor({ timeout: 5_000 });
    }
    await shoot(phone, 'rejoin-1-confirm');
    await shoot(desktop, 'rejoin-1-confirm');
    for (const page of [phone, desktop]) {
      await page.getByTestId('leave-confirm').click();
      await page.getByTestId('left').waitFor({ timeout: 5_000 });
      await page.evaluate('window.scrollTo(0, 0)');
    }
    // The others are told.
    await mediator.getByTestId('announcements').locator('p').first().waitFor({ timeout: 5_000 });
    await shoot(mediator, 'rejoin-2-announced');
    await shoot(phone, 'rejoin-2-left');
    await shoot(desktop, 'rejoin-2-left');
    for (const page of [phone, desktop]) await page.getByTestId('rejoin').click();
    for (const page of [phone, desktop]) await joined(page, 'back in the call');
    for (const page of [phone, desktop]) await videoShowing(page, 2);
    // And a reload lands back in the call, without the link.
    await phone.reload();
    await joined(phone, 'back after a reload');
    await videoShowing(phone, 2);
    for (const page of [phone, desktop]) await page.evaluate('window.scrollTo(0, 0)');
    await shoot(phone, 'rejoin-3-back');
    await shoot(desktop, 'rejoin-3-back');
  } finally {
    await browser?.close();
    await service?.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `screenshots failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
