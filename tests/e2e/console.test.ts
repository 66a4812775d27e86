/**
 * The staff console's case list and case file in a real browser: a clerk at
 * a desk sees each case's open deadlines (a passed one marked) and the
 * organisation's statistics; the case view shows the parties with their
 * identity numbers, an uploaded item of evidence with its SHA-256 (and opens
 * it through a view link in a new tab), and the audit chain verifying. A
 * mediator signs in too: no statistics for them.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium } from '../support/browser.js';
import {
  TEST_PASSWORD,
  caseInSession,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, pngBytes, sha256sum, type Api } from '../support/evidenceHttp.js';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, PHONE, consoleSignIn, shootConsole } from '../support/consolePage.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface ListedCase {
  id: string;
  openDeadlines: { kind: string; dueOn: string; status: string }[];
}

describe('staff console: case list, case file and statistics', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let api: Api;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    api = apiClient(t.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows deadlines, parties, evidence hashes, the audit verification and (clerks only) statistics', async () => {
    // A case in mediation, and one registered long ago and never decided: its decision is overdue.
    const { case: c } = await caseInSession(t.server.cases, staff);
    const late = await t.server.cases.register(
      staff.clerk,
      registerCaseSchema.parse(
        registrationInput({
          receivedOn: '2026-03-02',
          applicant: { name: '赵六', isOrganisation: false },
        }),
      ),
    );
    const clerkToken = await api.login(staff.clerk.username, TEST_PASSWORD);
    const png = pngBytes();
    const upload = await api.upload(c.id, clerkToken, png, 'payslip.png', { title: '工资条截图' });
    expect(upload.status).toBe(201);
    const listed = await api.ok<{ cases: ListedCase[] }>('GET', '/cases', clerkToken);
    const next = listed.cases
      .find((x) => x.id === c.id)!
      .openDeadlines.sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0]!;
    expect(next).toBeDefined();

    const clerk = await consoleSignIn(browser, t.url, staff.clerk.username, 'case-item');

    // The case list: the next deadline with its Chinese label and date.
    const card = clerk.locator(`[data-testid=case-item][data-case="${c.id}"]`);
    const first = card.getByTestId('deadline').first();
    expect(await first.getAttribute('data-kind')).toBe(next.kind);
    expect(await first.innerText()).toContain(next.dueOn);
    const labels: Record<string, string> = {
      acceptance_decision: '受理审查期限',
      mediation_period: '调解期限',
    };
    expect(await first.innerText()).toContain(labels[next.kind] ?? '期限');
    const lateDeadline = clerk
      .locator(`[data-testid=case-item][data-case="${late.id}"]`)
      .locator('[data-testid=deadline][data-kind=acceptance_decision]');
    expect(await lateDeadline.getAttribute('data-overdue')).toBe('true');
    expect(await lateDeadline.innerText()).toContain('已逾期');

    // Statistics for the clerk: both cases counted.
    const stats = clerk.getByTestId('statistics');
    await stats.getByTestId('stat-received').waitFor({ timeout: 10_000 });
    expect(await stats.getByTestId('stat-received').locator('.stat-value').innerText()).toBe('2');
    expect(await stats.getByTestId('statistics-csv').isVisible()).toBe(true);
    await shootConsole(clerk, 'home');

    // The case file.
    await card.locator('a').click();
    const parties = clerk.getByTestId('parties');
    await parties.waitFor({ timeout: 10_000 });
    const partiesText = await parties.innerText();
    for (const s of [
      '张三',
      '310101199001011234',
      '某某科技有限公司',
      '李四',
      '91310000MA1FL00000',
    ])
      expect(partiesText).toContain(s);
    const item = clerk.getByTestId('evidence-item');
    await item.waitFor({ timeout: 10_000 });
    expect(await item.getByTestId('evidence-sha256').innerText()).toBe(sha256sum(png));
    expect(await item.innerText()).toContain('工资条截图');
    const [tab] = await Promise.all([
      clerk.context().waitForEvent('page'),
      item.getByTestId('view-evidence').click(),
    ]);
    await tab.waitForURL(/\/evidence\/.+\/content\?access=/, { timeout: 10_000 });
    await tab.close();
    const verdict = clerk.getByTestId('audit-verdict');
    await verdict.waitFor({ timeout: 10_000 });
    expect(await verdict.getAttribute('data-ok')).toBe('true');
    expect(await verdict.innerText()).toContain('审计链校验通过');
    expect(Number(await clerk.getByTestId('audit-length').innerText())).toBeGreaterThan(0);
    await shootConsole(clerk, 'case');
    await clerk.getByTestId('audit').scrollIntoViewIfNeeded();
    await clerk.setViewportSize(PHONE);
    await clerk.screenshot({ path: path.join(ARTIFACTS, 'console-audit-390x844.png') });

    // The language switch: the case file in English at once, components and the sections
    // still drawn by hand alike (the referrals section), and back to Chinese.
    await clerk.setViewportSize(DESKTOP);
    await clerk.getByTestId('lang').click();
    expect(await clerk.getByTestId('lang').innerText()).toBe('中文');
    expect(await clerk.evaluate('document.documentElement.lang')).toBe('en');
    expect(await clerk.getByTestId('case-heading').innerText()).toMatch(/^Case /);
    expect(await parties.locator('h3').innerText()).toBe('Parties');
    expect(await clerk.getByTestId('referrals').locator('h3').first().innerText()).toBe(
      'Referrals',
    );
    await clerk.getByTestId('lang').click();
    expect(await clerk.getByTestId('case-heading').innerText()).toMatch(/^案件 /);
    expect(await clerk.getByTestId('referrals').locator('h3').first().innerText()).toBe('移送');

    // The mediator: their case, no statistics.
    const mediator = await consoleSignIn(browser, t.url, staff.mediator.username, 'case-item');
    await mediator.locator(`[data-testid=case-item][data-case="${c.id}"]`).waitFor();
    expect(await mediator.getByTestId('statistics').count()).toBe(0);
    await shootConsole(mediator, 'mediator-home');
  }, 40_000);
});
