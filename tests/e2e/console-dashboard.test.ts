/**
 * The dashboard in the console, in a real browser: a centre's clerk opens 数据看板 and sees the
 * headline figures and five charts drawn (each canvas holds drawn pixels), the rows of the
 * centre and its sub-district organisation; a click on the sub-district's row lists its case
 * only; a click on this month's bar in the caseload chart lists that month's cases of that
 * dispute type. Readable on a phone: the charts stack in one column no wider than the screen.
 * 统计报表: the clerk makes last month's report and downloads its PDF, whose SHA-256 is the one
 * listed. Screenshots at 1280×800 and 390×844.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../server/cases/deadlines.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { PHONE, consoleSignIn, shootConsole } from '../support/consolePage.js';
import { apiClient } from '../support/evidenceHttp.js';
import { subDistrict } from '../support/network.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** The parts of a canvas the page-side functions read (they run in the browser). */
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
  };
  getBoundingClientRect(): { width: number };
}

/** Pixels of a chart's canvas that something was drawn on. */
function drawnPixels(page: Page, chart: string): Promise<number> {
  return page.locator(`[data-chart="${chart}"] canvas`).evaluate((el) => {
    const canvas = el as unknown as Canvas;
    const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n += 1;
    return n;
  });
}

describe('staff console: the dashboard', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let streetCase: string;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const today = shanghaiDate(new Date());
    for (const disputeType of ['wages', 'wages', 'termination'] as const)
      await api.ok('POST', '/cases', clerk, registrationInput({ receivedOn: today, disputeType }));
    const { streetClerk: street } = await subDistrict(
      api,
      clerk,
      staff.organisationId,
      'e2e-street-clerk',
    );
    streetCase = (
      await api.ok<{ id: string }>(
        'POST',
        '/cases',
        street,
        registrationInput({ receivedOn: today }),
      )
    ).id;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('draws the charts, and drills down by organisation and by a bar', async () => {
    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.getByTestId('open-dashboard').click();
    const charts = page.getByTestId('dashboard-chart');
    await poll(
      async () => charts.count(),
      (n) => n === 5,
      10_000,
      'five charts',
    );
    for (const id of ['caseload', 'outcomes', 'days', 'deadlines', 'sessions'])
      expect(await drawnPixels(page, id), id).toBeGreaterThan(500);
    expect(await page.getByTestId('dashboard-tiles').innerText()).toMatch(/收案\s*4/);
    await shootConsole(page, 'dashboard');

    const rows = page.locator('[data-testid=dashboard-organisations] tbody tr');
    expect(await rows.count()).toBe(2);
    await rows.nth(1).click();
    await page.getByTestId('dashboard-filter').waitFor({ timeout: 5_000 });
    const listed = page.locator('[data-testid=dashboard-cases] li[data-case]');
    expect(await listed.count()).toBe(1);
    expect(await listed.first().getAttribute('data-case')).toBe(streetCase);

    // This month's bar, top segment (termination: the only case of its type): its cases.
    await page.locator('[data-chart=caseload]').scrollIntoViewIfNeeded();
    const box = await page.locator('[data-chart=caseload] canvas').boundingBox();
    expect(box).not.toBeNull();
    const hit = await page.locator('[data-chart=caseload] canvas').evaluate((el) => {
      // The last month's column is the rightmost bar: the topmost pixel of its purple
      // (#6a1b9a) segment, below the legend.
      const canvas = el as unknown as Canvas;
      const { width, height } = canvas;
      const { data } = canvas.getContext('2d').getImageData(0, 0, width, height);
      const scale = width / canvas.getBoundingClientRect().width;
      for (let x = width - 1; x > 0; x -= 1)
        for (let y = Math.round(45 * scale); y < height; y += 1) {
          const i = (y * width + x) * 4;
          const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (r > 90 && r < 125 && g < 45 && b > 135 && b < 175)
            return { x: x / scale - 4, y: y / scale + 4 };
        }
      return null;
    });
    expect(hit, 'the termination segment drawn').not.toBeNull();
    await page.mouse.click(box!.x + hit!.x, box!.y + hit!.y);
    await poll(
      async () => page.getByTestId('dashboard-filter').innerText(),
      (s) => s.includes('解除'),
      5_000,
      'filtered to the termination cases of the month',
    );
    expect(await listed.count()).toBe(1);
  });

  it('stacks the charts in one column on a phone', async () => {
    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.setViewportSize(PHONE);
    await page.goto(`${t.url}/console#/dashboard`);
    const charts = page.getByTestId('dashboard-chart');
    await poll(
      async () => charts.count(),
      (n) => n === 5,
      10_000,
      'five charts',
    );
    for (let i = 0; i < 5; i += 1) {
      const b = await charts.nth(i).boundingBox();
      expect(b!.width).toBeLessThanOrEqual(PHONE.width);
      expect(b!.x).toBeGreaterThanOrEqual(0);
    }
    const boxes = await Promise.all([0, 1].map(async (i) => (await charts.nth(i).boundingBox())!));
    expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y + boxes[0]!.height - 1);
    expect(await drawnPixels(page, 'caseload')).toBeGreaterThan(500);
  });

  it('makes last month’s report and downloads its PDF with the listed hash', async () => {
    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.getByTestId('open-reports').click();
    await page.getByTestId('report-form').waitFor({ timeout: 10_000 });
    await page.getByTestId('report-make').click();
    await page.getByTestId('report-made').waitFor({ timeout: 15_000 });
    const item = page.getByTestId('report').first();
    await item.waitFor({ timeout: 10_000 });
    const listed = /SHA-256 ([0-9a-f]{64})/.exec(await item.innerText())?.[1];
    expect(listed).toBeDefined();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      item.getByTestId('report-pdf').click(),
    ]);
    const bytes = readFileSync((await download.path())!);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(listed);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const alerts = await page.locator('[role=alert]').allInnerTexts();
    expect(alerts.map((a) => a.trim()).filter(Boolean)).toEqual([]);
    await shootConsole(page, 'reports');
  });
});
