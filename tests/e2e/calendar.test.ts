/**
 * The clerk's way from the console's holiday-schedule warning to loading the year: the warning
 * links to the 节假日安排 screen; after the year is loaded there, the warning is gone and the
 * 暂定 marks of deadlines that are now final go away. The schedules loaded are TEST DATA.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium } from '../support/browser.js';
import { TEST_PASSWORD, registrationInput, seedStaff } from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** TEST DATA: a one-day 元旦 for `year`, enough to make the year loaded. */
function testYear(year: number): Record<string, unknown> {
  return {
    year,
    holidays: [{ first: `${year}-01-01`, last: `${year}-01-01`, name: '元旦（测试数据）' }],
    workdays: [],
    source: {
      title: `测试数据：虚构的 ${year} 年节假日安排（非官方）`,
      publishedOn: `${year - 1}-11-01`,
    },
  };
}

describe('console: loading a year’s holiday schedule', () => {
  let t: TestServer;
  let browser: Browser;
  let api: Api;

  beforeAll(async () => {
    t = await startTestServer();
    api = apiClient(t.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the warning links to the screen where the clerk loads the year; then it and the 暂定 marks are gone', async () => {
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const clerkToken = await api.login(staff.clerk.username, TEST_PASSWORD);
    const { missingScheduleYears: missing } = await api.ok<{ missingScheduleYears: number[] }>(
      'GET',
      '/calendar',
      clerkToken,
    );
    // Whatever today is: the last year the warning names is loaded through the screen, the
    // years before it (not shipped) through the API.
    const target = missing.at(-1)!;
    expect(target).toBeGreaterThanOrEqual(2027);
    for (let y = 2027; y < target; y++)
      await api.call('POST', '/calendar/years', clerkToken, testYear(y));
    // Received on 29 December of the year before: its deadlines run into the target year.
    const c = await api.ok<{ id: string }>(
      'POST',
      '/cases',
      clerkToken,
      registrationInput({ receivedOn: `${target - 1}-12-29` }),
    );

    const page: Page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    await page.goto(`${t.url}/console`);
    await page.locator('input[name=username]').fill(staff.clerk.username);
    await page.locator('input[name=password]').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const card = page.locator(`[data-testid=case-item][data-case="${c.id}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getByTestId('deadline-provisional').count()).toBeGreaterThan(0);
    const warning = page.getByTestId('calendar-warning');
    await warning.waitFor({ timeout: 10_000 });
    expect(await warning.innerText()).toContain(String(target));

    await warning.getByTestId('calendar-warning-link').click();
    const form = page.getByTestId('calendar-form');
    await form.waitFor({ timeout: 10_000 });
    await form.locator('input[name=year]').fill(String(target));
    await form
      .locator('input[name=title]')
      .fill(`测试数据：虚构的 ${target} 年节假日安排（非官方）`);
    await form.locator('input[name=publishedOn]').fill(`${target - 1}-11-01`);
    // A make-up day on a weekday first: refused, the server's reason shown, nothing loaded.
    await form
      .locator('textarea[name=holidays]')
      .fill(`${target}-01-01 ${target}-01-01 元旦（测试数据）`);
    const weekday = [2, 3, 4, 5, 6]
      .map((d) => `${target}-03-0${d}`)
      .find((d) => {
        const day = new Date(`${d}T00:00:00Z`).getUTCDay();
        return day >= 1 && day <= 5;
      })!;
    await form.locator('textarea[name=workdays]').fill(weekday);
    await form.getByRole('button', { name: '载入', exact: true }).click();
    await page
      .getByTestId('calendar-error')
      .getByText('不是周六或周日')
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('calendar-missing').innerText()).toContain(String(target));

    await form.locator('textarea[name=workdays]').fill('');
    await form.getByRole('button', { name: '载入', exact: true }).click();
    await page.getByTestId('calendar-status').getByText('已载入').waitFor({ timeout: 10_000 });
    await page
      .locator(`[data-testid=calendar-year][data-year="${target}"]`)
      .waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('calendar-missing').count()).toBe(0);

    await page.getByTestId('back').click();
    await card.waitFor({ timeout: 10_000 });
    await page.getByTestId('statistics').getByTestId('stat-received').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('calendar-warning').count()).toBe(0);
    expect(await card.getByTestId('deadline-provisional').count()).toBe(0);
  });
});
