/**
 * The mediation network in the console, in a real browser: a centre's clerk opens 调解组织网络,
 * sets up a sub-district organisation under the centre and sees it in the tree; then moves a
 * newly registered case to it from the case's page with reasons and reads the new number.
 * A supervisor of the centre reads a case without the sections that act or hold contacts.
 * Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import {
  TEST_PASSWORD,
  caseInSession,
  registrationInput,
  seedStaff,
  seedSupervisor,
  type StaffFixture,
} from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { apiClient } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: the mediation network and moving a case', () => {
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

  it('sets up a sub-district organisation, then moves a registered case to it', async () => {
    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const registered = await api.ok<{ id: string; caseNumber: string }>(
      'POST',
      '/cases',
      clerk,
      registrationInput(),
    );

    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.getByTestId('open-network').click();
    const tree = page.getByTestId('network-organisation');
    await poll(
      async () => tree.count(),
      (n) => n === 1,
      10_000,
      'the centre listed',
    );
    await page.getByTestId('network-name').fill('某某街道劳动争议调解委员会');
    await page.getByTestId('network-kind').selectOption('street_town');
    await page.getByTestId('network-add').click();
    await page.getByTestId('network-added').waitFor({ timeout: 10_000 });
    await poll(
      async () => tree.count(),
      (n) => n === 2,
      10_000,
      'the new organisation listed',
    );
    expect(await tree.nth(1).innerText()).toContain('街镇调解组织');
    await shootConsole(page, 'network');

    await page.goto(`${t.url}/console#/cases/${registered.id}`);
    const section = page.getByTestId('transfer');
    await section.waitFor({ timeout: 10_000 });
    await page
      .getByTestId('transfer-reason')
      .fill('被申请人用工地在该街道，由街道调解组织就近调解。');
    await page.getByTestId('transfer-submit').click();
    const done = page.getByTestId('transfer-done');
    await done.waitFor({ timeout: 10_000 });
    expect(await done.innerText()).toContain('某某街道劳动争议调解委员会');
    expect(await done.innerText()).toContain('2026-000001');
    await section.scrollIntoViewIfNeeded();
    await shootConsole(page, 'transfer');
    // The case is the sub-district organisation's now: the centre's clerk no longer has it.
    expect((await api.call('GET', `/cases/${registered.id}`, clerk)).status).toBe(404);
  });

  it('shows a supervisor the cases of the network read-only, without alerts', async () => {
    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const caseId = (await caseInSession(t.server.cases, staff)).case.id;
    await api.ok('POST', `/cases/${caseId}/documents`, clerk, {
      kind: 'acceptance_notice',
      recipients: [],
    });
    // With the test password, as the seeded staff have it (the console sign-in helper uses it).
    await seedSupervisor(
      new SqlCaseRepository(t.server.database),
      staff.organisationId,
      'centre-supervisor',
    );
    const page = await consoleSignIn(browser, t.url, 'centre-supervisor');
    await page.locator(`[data-case="${caseId}"]`).click();
    await page.getByTestId('supervisor-note').waitFor({ timeout: 10_000 });
    await page.getByTestId('documents-section').waitFor({ timeout: 10_000 });
    await poll(
      async () => page.locator('[data-testid=documents-section] .card').count(),
      (n) => n > 0,
      10_000,
      'the document listed',
    );
    // Nothing to act with, nothing refused on the way.
    expect(await page.getByTestId('issue-form').count()).toBe(0);
    expect(await page.getByTestId('recordings').count()).toBe(0);
    const alerts = await page.locator('[role=alert]').allInnerTexts();
    expect(alerts.map((a) => a.trim()).filter(Boolean)).toEqual([]);
    await shootConsole(page, 'supervisor-case');
  });
});
