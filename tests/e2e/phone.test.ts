/**
 * What a party sees on a phone (390×844) in real Chromium: the join button
 * in reach after the forms below the call; tiles that name each side
 * (申请人 / 被申请人 / 调解员); a caucus badge on the people inside the caucus
 * only; badges that never break; pictures that keep their aspect ratio with
 * the quality menu beside them, not over them; a party leaving and a
 * recording stopping announced; one language at a time.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { diagnostics, joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  mediatorSessionLink,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('not rendered');
  return b;
}

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** Whether the element is wholly inside the page's viewport. */
async function inViewport(page: Page, locator: Locator): Promise<boolean> {
  const b = await box(locator);
  const size = page.viewportSize()!;
  return b.y >= 0 && b.x >= 0 && b.y + b.height <= size.height && b.x + b.width <= size.width;
}

describe('the call page on a phone', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let applicant: CasePerson;
  let respondent: CasePerson;
  let mediator: Page;
  let worker: Page;
  let employer: Page;

  const tile = (page: Page, id: string) =>
    page.locator(`[data-testid=remote-tile][data-participant="${id}"]`);

  /** Every badge on the page: one line box each (never broken), `white-space: nowrap`. */
  async function badgesWhole(page: Page): Promise<string[]> {
    const badges =
      (await page.evaluate(`[...document.querySelectorAll('.tile .badge')].map((b) => ({
      text: b.textContent,
      lines: b.getClientRects().length,
      whiteSpace: getComputedStyle(b).whiteSpace,
    }))`)) as { text: string; lines: number; whiteSpace: string }[];
    for (const b of badges) {
      expect(b.lines, `badge ${b.text} on one line`).toBe(1);
      expect(b.whiteSpace, `badge ${b.text}`).toBe('nowrap');
    }
    return badges.map((b) => b.text);
  }

  /** Everyone in the call (each test may start from here). */
  async function inCall(): Promise<void> {
    const statuses = await Promise.all([worker, employer].map((p) => diagnostics.status(p)));
    if (statuses.every((s) => s === 'joined')) return;
    await worker.evaluate('window.scrollTo(0, 0)');
    await joinWithAdmission(mediator, [
      { page: worker, participantId: applicant.id },
      { page: employer, participantId: respondent.id },
    ]);
  }

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    applicant = people.find((p) => p.kind === 'applicant')!;
    respondent = people.find((p) => p.kind === 'respondent')!;
    const link = async (person: CasePerson) =>
      (await partyInvitationLink(t.url, TEST_SECRET, t.server.cases, staff.clerk, person)).link;
    const mediatorLink = mediatorSessionLink(
      t.url,
      t.server.tokens,
      staff.mediator,
      c.id,
      session.id,
    );
    mediator = await (await browser.newContext()).newPage();
    await mediator.goto(mediatorLink);
    worker = await (await browser.newContext({ viewport: PHONE })).newPage();
    await worker.goto(await link(applicant));
    employer = await (await browser.newContext({ viewport: PHONE })).newPage();
    await employer.goto(await link(respondent));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('keeps the join button in reach after the service-address and caucus-material forms', async () => {
    const form = worker.getByTestId('consent-form');
    await form.waitFor({ timeout: 10_000 });
    await worker.getByTestId('consent-sms').fill('13800000000');
    await worker.getByTestId('consent-ack').check();
    await worker.getByTestId('consent-submit').click();
    await worker.getByTestId('consent-summary').waitFor({ timeout: 10_000 });
    // The party is far down the page, at the form: the join button is still on screen.
    expect(await worker.evaluate('window.scrollY')).toBeGreaterThan(400);
    expect(await inViewport(worker, worker.getByTestId('join'))).toBe(true);

    const card = worker.getByTestId('disclosure-card');
    await card.getByTestId('disclosure-verdict').waitFor({ timeout: 10_000 });
    // One language at a time: in Chinese, the card has no English lines.
    const cardText = await card.innerText();
    expect(cardText).toContain('背靠背材料的使用');
    expect(cardText).not.toContain('Use of caucus material');
    await card.getByTestId('disclosure-check').check();
    await card.getByTestId('disclosure-agree').click();
    await card.getByTestId('disclosure-withdraw').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await inViewport(worker, worker.getByTestId('join'))).toBe(true);

    // Changing the service address can be abandoned: the form opens with the address in force,
    // and cancelling brings the same confirmation back (same time given: no new one).
    const summary = worker.getByTestId('consent-summary');
    const given = await summary.innerText();
    expect(given).toContain('13800000000');
    await summary.getByTestId('consent-change').click();
    await form.waitFor({ timeout: 10_000 });
    expect(await worker.getByTestId('consent-sms').inputValue()).toBe('13800000000');
    await form.getByRole('button', { name: '取消', exact: true }).click();
    await summary.waitFor({ timeout: 10_000 });
    expect(await summary.innerText()).toBe(given);
    expect(await form.count()).toBe(0);
    await inCall();
  });

  it('names each side on the tiles, keeps pictures whole and the quality menu off them', async () => {
    await inCall();
    await poll(
      () => worker.getByTestId('remote-tile').count(),
      (n) => n === 2,
      10_000,
      'two remote tiles',
    );
    expect(await tile(worker, staff.mediator.id).locator('.label').innerText()).toContain('调解员');
    expect(await tile(worker, respondent.id).locator('.label').innerText()).toContain('被申请人');
    expect(await tile(employer, applicant.id).locator('.label').innerText()).toMatch(
      /张三 · 申请人/,
    );
    expect(await worker.getByTestId('local-tile').innerText()).toContain('申请人');
    for (const page of [worker, employer])
      expect(await page.getByTestId('grid').innerText()).not.toContain('当事人');

    // A badge next to a long name: it moves to a line of its own rather than breaking.
    await employer.getByTestId('raise-hand').click();
    await tile(worker, respondent.id).locator('.badge.hand').waitFor({ timeout: 5_000 });
    expect(await badgesWhole(worker)).toContain('举手');

    for (const id of [staff.mediator.id, respondent.id]) {
      const remote = tile(worker, id);
      const video = remote.locator('video');
      const videoOf = `document.querySelector('[data-testid=remote-tile][data-participant="${id}"] video')`;
      await poll(
        () => worker.evaluate(`${videoOf}.videoWidth`) as Promise<number>,
        (w) => w > 0,
        20_000,
        'remote video decoded',
      );
      // The picture is letterboxed, never cropped, in a landscape box on a portrait phone.
      expect(await worker.evaluate(`getComputedStyle(${videoOf}).objectFit`)).toBe('contain');
      const v = await box(video);
      expect(v.width / v.height).toBeGreaterThan(1.2);
      // The quality menu sits beside the picture, not over it.
      const select = remote.getByTestId('layer-select');
      expect(overlaps(await box(select), v)).toBe(false);
      expect(overlaps(await box(remote.locator('.label')), v)).toBe(false);
    }
    await employer.getByTestId('raise-hand').click();
  });

  it('marks the people inside a caucus, not those left outside', async () => {
    await inCall();
    await mediator
      .locator(`[data-testid=caucus-pick][data-participant="${respondent.id}"]`)
      .check();
    await mediator.getByTestId('caucus-start').click();
    await employer.getByTestId('caucus-banner').waitFor({ timeout: 5_000 });
    await worker.getByTestId('caucus-banner').waitFor({ timeout: 5_000 });
    const caucusBadge = (page: Page, id: string) =>
      tile(page, id).getByTestId('caucus-badge').count();
    // The mediator's view: the respondent is in the caucus, the applicant outside it.
    await poll(
      () => caucusBadge(mediator, respondent.id),
      (n) => n === 1,
      5_000,
      'inside',
    );
    expect(await caucusBadge(mediator, applicant.id)).toBe(0);
    expect(await tile(mediator, applicant.id).getByTestId('away-badge').innerText()).toBe(
      '未参加背靠背',
    );
    // The applicant, outside: the two in the caucus are marked, the applicant is not.
    expect(await caucusBadge(worker, respondent.id)).toBe(1);
    expect(await caucusBadge(worker, staff.mediator.id)).toBe(1);
    expect(await worker.getByTestId('local-tile').getByTestId('caucus-badge').count()).toBe(0);
    // The respondent, inside: marked on its own tile; the applicant is outside.
    expect(await employer.getByTestId('local-tile').getByTestId('caucus-badge').innerText()).toBe(
      '背靠背中',
    );
    expect(await caucusBadge(employer, applicant.id)).toBe(0);
    for (const page of [worker, employer]) await badgesWhole(page);
    await mediator.getByTestId('caucus-end').click();
    await poll(
      () => worker.getByTestId('caucus-banner').count(),
      (n) => n === 0,
      5_000,
      'caucus over',
    );
  });

  it('shows the recording notice in one language, and announces a recording stopping and a party leaving', async () => {
    await inCall();
    await mediator.getByTestId('record-start').click();
    const dialog = worker.getByTestId('recording-notice');
    await dialog.waitFor({ timeout: 10_000 });
    const zh = await dialog.innerText();
    expect(zh).toContain('本次调解将被录音录像');
    expect(zh).not.toContain('This mediation will be recorded');
    // The notice's own language switch (the page's is under the dialog).
    await worker.getByTestId('notice-lang').click();
    const en = await dialog.innerText();
    expect(en).toContain('This mediation will be recorded');
    expect(en).not.toContain('本次调解将被录音录像');
    await worker.getByTestId('notice-lang').click();
    await worker.getByTestId('recording-acknowledge').click();
    await employer.getByTestId('recording-acknowledge').click();

    const region = worker.getByTestId('announcements');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    await mediator.getByTestId('record-stop').click();
    const stopped = region.locator('p', { hasText: '录制已停止' });
    await stopped.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await inViewport(worker, stopped)).toBe(true);

    await employer.getByTestId('leave').click();
    await employer.getByTestId('leave-confirm').click();
    const left = region.locator('p', { hasText: '已离开调解' });
    await left.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await left.innerText()).toBe(`${respondent.name}（被申请人）已离开调解`);
    expect(await inViewport(worker, left)).toBe(true);
    expect(await diagnostics.participants(worker)).not.toContain(respondent.id);
  });
});
