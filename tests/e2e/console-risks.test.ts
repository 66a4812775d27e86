/**
 * The risk ledger in the console, in a real browser: after a scan finds a collective wage
 * dispute with a large claim, the clerk's header shows the alert (未认领), 风险台账 lists both
 * entries with their figures, the clerk names the mediator as owner, records an action and
 * closes one entry with a note; the alert counts one fewer. The centre's supervisor reads the
 * ledger without a form to act with. Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  seedSupervisor,
  type StaffFixture,
} from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { apiClient } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: the risk ledger', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    await api.ok('POST', `/organisations/${staff.organisationId}/risk-settings`, clerk, {
      ...{ collectiveWorkers: 3, wageArrearsAmount: 100_000, repeatEmployerCases: 3 },
      ...{ overdueDays: null, unperformedDays: 0, failedSessions: 2 },
      ...{ alertEmail: null, alertPhone: null },
    });
    const base = registrationInput();
    const { id } = await api.ok<{ id: string }>(
      'POST',
      '/cases',
      clerk,
      registrationInput({ application: { ...base.application, amountClaimed: 168_000 } }),
    );
    for (const name of ['李明', '王芳'])
      await api.ok('POST', `/cases/${id}/people`, clerk, { kind: 'applicant', name });
    await api.ok('POST', '/risks/scan', clerk);
    await seedSupervisor(
      new SqlCaseRepository(t.server.database),
      staff.organisationId,
      'risk-supervisor',
    );
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('alerts the clerk, who names an owner, records an action and closes an entry', async () => {
    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    const alert = page.getByTestId('risk-alert');
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.innerText()).toContain('2 条未认领');
    await alert.click();
    const entries = page.getByTestId('risk-entry');
    await poll(
      async () => entries.count(),
      (n) => n === 2,
      10_000,
      'both entries listed',
    );
    const collective = page.locator('[data-testid=risk-entry][data-rule=collective_dispute]');
    expect(await collective.innerText()).toContain('集体劳动争议');
    expect(await collective.innerText()).toMatch(/劳动者人数\s*3/);
    await shootConsole(page, 'risks');

    const wage = page.locator('[data-testid=risk-entry][data-rule=wage_arrears]');
    expect(await wage.innerText()).toMatch(/请求金额（元）\s*168,000/);
    await wage.getByTestId('risk-open').click();
    await wage.getByTestId('risk-owner').selectOption(staff.mediator.id);
    await wage.getByTestId('risk-owner-save').click();
    await poll(
      async () => wage.getByTestId('risk-owner-name').innerText(),
      (s) => s !== '未认领',
      10_000,
      'the owner shown',
    );
    await wage.getByTestId('risk-action-note').fill('已约谈用人单位法定代表人');
    await wage.getByTestId('risk-action-add').click();
    await poll(
      async () => wage.locator('[data-testid=risk-history] li').count(),
      (n) => n === 3,
      10_000,
      'opened, owner, action in the history',
    );
    await shootConsole(page, 'risk-detail');
    await wage.getByTestId('risk-close-note').fill('用人单位已当场支付全部欠薪，劳动者确认。');
    await wage.getByTestId('risk-close').click();
    await poll(
      async () => entries.count(),
      (n) => n === 1,
      10_000,
      'the closed entry leaves the open list',
    );
    await page.reload();
    await poll(
      async () => page.getByTestId('risk-alert').innerText(),
      (s) => s.includes('1 条未认领'),
      10_000,
      'the alert counts the one left',
    );
    await page.getByTestId('risk-status').selectOption('closed');
    await poll(
      async () => page.locator('[data-testid=risk-entry][data-status=closed]').count(),
      (n) => n === 1,
      10_000,
      'the closed entry under 已销号',
    );
    expect(await page.getByTestId('risk-entry').innerText()).toContain(
      '用人单位已当场支付全部欠薪',
    );
  });

  it('lets the supervisor read the ledger without a form to act with', async () => {
    const page = await consoleSignIn(browser, t.url, 'risk-supervisor');
    await page.getByTestId('open-risks').click();
    const entry = page.getByTestId('risk-entry');
    await entry.first().waitFor({ timeout: 10_000 });
    await entry.first().getByTestId('risk-open').click();
    await page.getByTestId('risk-history').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('risk-close').count()).toBe(0);
    expect(await page.getByTestId('risk-owner').count()).toBe(0);
    expect(await page.getByTestId('risk-scan').count()).toBe(0);
    const alerts = await page.locator('[role=alert]').allInnerTexts();
    expect(alerts.map((a) => a.trim()).filter(Boolean)).toEqual([]);
    await shootConsole(page, 'risks-supervisor');
  });
});
