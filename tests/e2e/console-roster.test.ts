/**
 * The mediator roster in the console, in a real browser: the clerk opens 调解员名册, marks a
 * mediator as invited with their expertise, records a training (the hours appear at once), and
 * takes the other mediator off the roster with the reason, asked twice; the entry then says why.
 * Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import { seedStaff, type StaffFixture } from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: the mediator roster', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('keeps a mediator’s kind, expertise and training, and takes another off with the reason', async () => {
    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.getByTestId('open-roster').click();
    const entry = page.locator(`[data-testid=roster-entry][data-mediator="${staff.mediator.id}"]`);
    await entry.waitFor({ timeout: 10_000 });
    await entry.getByTestId('roster-open').click();
    await entry.getByTestId('roster-kind').selectOption('invited');
    await entry.getByTestId('roster-expertise').fill('执业律师（劳动法）');
    await entry.getByTestId('roster-save-profile').click();
    await poll(
      async () => entry.innerText(),
      (s) => s.includes('特邀调解员') && s.includes('执业律师（劳动法）'),
      10_000,
      'the entry shows the invited lawyer',
    );
    await entry.getByTestId('roster-training-title').fill('劳动争议调解实务');
    await entry.getByTestId('roster-training-provider').fill('区人力资源和社会保障局');
    await entry.getByTestId('roster-add-training').click();
    await poll(
      async () => entry.getByTestId('roster-hours').innerText(),
      (s) => s.includes('本年培训 4 学时'),
      10_000,
      'the training hours counted',
    );
    await shootConsole(page, 'roster');

    const other = page.locator(
      `[data-testid=roster-entry][data-mediator="${staff.otherMediator.id}"]`,
    );
    await other.getByTestId('roster-open').click();
    await other.getByTestId('roster-reason').fill('调离本单位');
    await other.getByTestId('roster-deactivate').click();
    await other.getByTestId('roster-deactivate-yes').click();
    await poll(
      async () => (await other.getByTestId('roster-left').count()) > 0,
      (left) => left,
      10_000,
      'the entry says the mediator left',
    );
    expect(await other.getByTestId('roster-left').innerText()).toContain('调离本单位');
  });
});
