/**
 * The public application page on a 390 px phone in Chromium: a worker confirms identity with
 * the SMS code (the page's worker solves the proof of work), fills in the application, uploads
 * a payslip (receipt with its SHA-256), reloads without losing anything, submits and reads the
 * application number; the token never reaches the address bar or shared storage. The clerk
 * accepts; the employer opens the SMS invitation on its phone and agrees to mediate; the
 * worker's status link then shows the accepted case. A wrong ID number is caught as typed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  creditCode,
  lastCode,
  lastLinkToken,
  mobile,
  outboxFor,
  residentId,
} from '../support/applications.js';
import { launchChromium } from '../support/browser.js';
import { TEST_PASSWORD, seedStaff, type StaffFixture } from '../support/cases.js';
import { ARTIFACTS, PHONE } from '../support/consolePage.js';
import { apiClient, pngBytes, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('online application from a phone', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let api: Api;

  beforeAll(async () => {
    // A difficulty a phone solves in well under a second; production uses 16 bits.
    t = await startTestServer({ APPLICATION_POW_BITS: '12' });
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    api = apiClient(t.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function phonePage(): Promise<Page> {
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    page.on('pageerror', (e) => process.stderr.write(`[apply] page error: ${e.message}\n`));
    return page;
  }

  it('a worker applies, uploads a payslip and gets a number; the employer agrees on its phone', async () => {
    const me = { name: '张三', idNumber: residentId('310101', '19900101', 77), phone: mobile() };
    const employerPhone = mobile();
    const page = await phonePage();
    await page.goto(`${t.url}/apply`);

    // A mistyped ID number is caught before anything is sent.
    await page.getByTestId('apply-name').fill(me.name);
    await page
      .getByTestId('apply-id')
      .fill(`${me.idNumber.slice(0, 17)}${me.idNumber.endsWith('0') ? '1' : '0'}`);
    await page.getByTestId('apply-id-problem').waitFor();
    expect(await page.getByTestId('apply-send-code').isDisabled()).toBe(true);
    await page.getByTestId('apply-id').fill(me.idNumber);
    await page.getByTestId('apply-phone').fill(me.phone);
    await page.getByTestId('apply-send-code').click();
    await page.getByTestId('code-sent').waitFor({ timeout: 20_000 });
    await page.getByTestId('apply-code').fill(await lastCode(t.server.database, me.phone));
    await page.getByTestId('apply-verify').click();
    await page.getByTestId('application-form').waitFor({ timeout: 10_000 });

    await page.getByTestId('address').fill('上海市浦东新区张杨路 100 弄 1 号');
    await page.getByTestId('employer-name').fill('上海某某建筑劳务有限公司');
    await page.getByTestId('employer-credit-code').fill(creditCode('MA1FL0077'));
    await page.getByTestId('employer-address').fill('上海市浦东新区世纪大道 1 号');
    await page.getByTestId('employer-legal-rep').fill('王五');
    await page.getByTestId('employer-phone').fill(employerPhone);
    await page.getByTestId('claim-wages').check();
    await page.getByTestId('claim-amount-wages').fill('18600');
    await page.getByTestId('requests').fill('支付拖欠的 2026 年 8 月至 10 月工资 18600 元。');
    await page
      .getByTestId('facts')
      .fill('本人于 2025 年 3 月入职，担任钢筋工，月工资 6200 元。2026 年 8 月起公司未发工资。');

    const payslip = pngBytes();
    const sha256 = createHash('sha256').update(payslip).digest('hex');
    await page.getByTestId('file-title').fill('2026年8月工资条');
    await page
      .getByTestId('file-input')
      .setInputFiles({ name: '工资条.png', mimeType: 'image/png', buffer: payslip });
    await page.locator(`[data-testid=file-receipt][data-sha256="${sha256}"]`).waitFor();

    // A reload keeps the draft, what was typed and the receipt; no token in the address bar
    // or in storage other tabs share.
    await page.reload();
    await page.getByTestId('application-form').waitFor();
    expect(await page.getByTestId('employer-name').inputValue()).toBe('上海某某建筑劳务有限公司');
    await page.locator(`[data-testid=file-receipt][data-sha256="${sha256}"]`).waitFor();
    const stored = (await page.evaluate(
      '({ url: location.href, local: JSON.stringify(localStorage) })',
    )) as { url: string; local: string };
    expect(stored.url).toBe(`${t.url}/apply`);
    expect(stored.local).not.toMatch(/token/i);

    await page.getByTestId('truthful').check();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'apply-form-390x844.png'), fullPage: true });
    await page.getByTestId('submit-application').click();
    const status = page.getByTestId('application-status');
    await status.waitFor({ timeout: 10_000 });
    expect(await status.getAttribute('data-status')).toBe('submitted');
    const number = (await page.getByTestId('application-number').textContent())?.trim() ?? '';
    expect(number).toMatch(/^WS\d{8}-[2-9A-Y]{6}$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'apply-status-390x844.png') });

    // The clerk accepts from the queue: the employer gets the invitation by SMS.
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const { applications } = await api.ok<{ applications: { id: string; number: string }[] }>(
      'GET',
      '/applications',
      clerk,
    );
    const mine = applications.find((a) => a.number === number)!;
    const { caseId } = await api.ok<{ caseId: string }>(
      'POST',
      `/applications/${mine.id}/accept`,
      clerk,
    );
    const invitation = (await outboxFor(t.server.database, employerPhone)).at(-1)!;
    expect(invitation.body).toContain('同意调解');
    // The SMS carries a short link; the phone follows its redirect to the employer's own link.
    const link = /https?:\/\/\S+\/s\/[2-9a-zA-Z]{10}/.exec(invitation.body)?.[0];
    expect(link).toBeDefined();

    const employer = await phonePage();
    await employer.goto(link!);
    const card = employer.getByTestId('mediation-agreement');
    await card.waitFor({ timeout: 15_000 });
    await card.getByTestId('agree-to-mediate').click();
    await card
      .locator('[data-testid=mediation-answer][data-decision=agree]')
      .waitFor({ timeout: 10_000 });
    await api.ok('POST', `/cases/${caseId}/accept`, clerk);

    // The worker's status link (SMS) in a fresh tab: the case, accepted.
    const later = await phonePage();
    const statusToken = await lastLinkToken(t.server.database, me.phone, 'status');
    await later.goto(`${t.url}/apply#status=${statusToken}`);
    await later.getByTestId('case-number').waitFor({ timeout: 10_000 });
    expect(await later.getByTestId('application-status').getAttribute('data-status')).toBe(
      'accepted',
    );
    expect(await later.evaluate('location.hash')).toBe('');
    const file = await t.server.cases.file(staff.clerk, caseId);
    expect(file.case.status).toBe('accepted');
    expect(await later.getByTestId('case-number').textContent()).toContain(file.case.caseNumber);
  });
});
