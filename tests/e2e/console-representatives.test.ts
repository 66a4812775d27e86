/**
 * 代表人 in the staff console, in a real browser: a wage claim of four workers against one
 * employer, the election document filed as an authorisation. The clerk records the first
 * worker as the representative of two others with authority to sign the agreement, sees the
 * entry with its document, the case file holds the same election, and revoking it (after the
 * confirmation step) leaves it listed as revoked. Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { residentId } from '../support/applications.js';
import { launchChromium } from '../support/browser.js';
import {
  TEST_PASSWORD,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { apiClient, pngBytes } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface Worker {
  id: string;
  name: string;
}

describe('staff console: representatives of a collective dispute', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let caseId: string;
  let evidenceId: string;
  const workers: Worker[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
    const cases = t.server.cases;
    caseId = (await cases.register(staff.clerk, registerCaseSchema.parse(registrationInput()))).id;
    for (let n = 2; n <= 4; n += 1)
      await cases.addPerson(staff.clerk, caseId, {
        kind: 'applicant',
        name: `工人${n}`,
        idNumber: residentId('310101', '19900101', 200 + n),
        phone: `1390000010${n}`,
        isOrganisation: false,
      });
    for (const p of (await cases.file(staff.clerk, caseId)).people)
      if (p.kind === 'applicant') workers.push({ id: p.id, name: p.name });

    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const filed = await api.upload(caseId, clerk, pngBytes(), '推选代表人决定书.png', {
      title: '推选代表人决定书',
      category: 'authorisation',
    });
    expect(filed.status).toBe(201);
    evidenceId = (filed.body as { item: { id: string } }).item.id;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('records a representative with authority to sign, shows it, and revokes it', async () => {
    expect(workers).toHaveLength(4);
    const [first, second, third, fourth] = workers as [Worker, Worker, Worker, Worker];
    expect(first.name).toBe('张三');

    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.goto(`${t.url}/console#/cases/${caseId}`);
    const section = page.getByTestId('representatives');
    await section.waitFor({ timeout: 10_000 });
    expect(await section.innerText()).toContain('尚未记录代表人');

    // The form: applicants to choose from, the authorisation document offered first.
    const evidence = section.getByTestId('representative-evidence');
    await evidence.locator('option').first().waitFor({ state: 'attached' });
    expect(await evidence.inputValue()).toBe(evidenceId);
    await section.getByTestId('representative-select').selectOption(first.id);
    // The representative is not offered as one of those it represents.
    expect(await section.getByTestId(`represented-${first.id}`).count()).toBe(0);
    // Nobody represented: refused in the form, nothing sent.
    await section.getByTestId('elect-representative').click();
    await section.getByTestId('representative-error').waitFor();
    expect(await section.getByTestId('representative-error').innerText()).toContain(
      '请至少选择一名被代表的申请人',
    );
    await section.getByTestId(`represented-${second.id}`).check();
    await section.getByTestId(`represented-${third.id}`).check();
    await section.getByTestId('representative-may-sign').check();
    await section.getByTestId('representative-elected-on').fill('2026-03-05');
    await evidence.selectOption(evidenceId);
    await section.getByTestId('elect-representative').click();

    // The case file is read again: the election is listed, active.
    const entry = page.locator('[data-testid=representative][data-state=active]');
    await entry.waitFor({ timeout: 10_000 });
    expect(await entry.getByTestId('representative-name').innerText()).toBe(first.name);
    const text = await entry.innerText();
    for (const s of [
      `${second.name}、${third.name}`,
      '可代为签署调解协议',
      '是（特别授权）',
      '2026-03-05',
      '推选代表人决定书',
    ])
      expect(text).toContain(s);
    expect(text).not.toContain(fourth.name);
    expect(
      await entry.getByTestId('representative-may-sign-value').getAttribute('data-may-sign'),
    ).toBe('true');

    const recorded = (await t.server.cases.file(staff.clerk, caseId)).representatives;
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      representativeId: first.id,
      represents: [second.id, third.id],
      maySign: true,
      electedOn: '2026-03-05',
      evidenceId,
      revokedAt: null,
    });
    await section.scrollIntoViewIfNeeded();
    await shootConsole(page, 'representatives');

    // Revoking asks once more; cancelling keeps the election.
    await entry.getByTestId('revoke-representative').click();
    await entry.getByTestId('revoke-representative-cancel').click();
    expect(await entry.getAttribute('data-state')).toBe('active');
    await entry.getByTestId('revoke-representative').click();
    await entry.getByTestId('revoke-representative-confirm').click();
    const revoked = page.locator('[data-testid=representative][data-state=revoked]');
    await revoked.waitFor({ timeout: 10_000 });
    await revoked.getByTestId('representative-revoked-at').waitFor();
    expect(await revoked.getByTestId('revoke-representative').count()).toBe(0);
    const after = (await t.server.cases.file(staff.clerk, caseId)).representatives;
    expect(after).toHaveLength(1);
    expect(after[0]!.revokedAt).not.toBeNull();
    expect(after[0]!.revokedBy).toBe(staff.clerk.id);
    await section.scrollIntoViewIfNeeded();
    await shootConsole(page, 'representatives-revoked');
  });
});
