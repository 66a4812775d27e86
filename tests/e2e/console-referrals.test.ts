/**
 * The clerk's queue of cases courts hand over, in a real browser: a court submits two through
 * its API; the clerk finds them from the case list, declines one with reasons (the court reads
 * them) and accepts the other, which opens the case registered from it with the court's
 * parties. A mediator sees the queue without the buttons. Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium } from '../support/browser.js';
import {
  TEST_PASSWORD,
  referralSubmission,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: cases handed over by a court', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let api: Api;
  let court: string;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    api = apiClient(t.url);
    browser = await launchChromium();
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const { institution, apiKey } = await api.ok<{ institution: { id: string }; apiKey: string }>(
      'POST',
      '/institutions',
      clerk,
      { kind: 'court', name: '上海市某区人民法院' },
    );
    court = (
      await api.ok<{ token: string }>('POST', '/institution/token', undefined, {
        institutionId: institution.id,
        apiKey,
      })
    ).token;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function submit(caseNumber: string, applicant: string): Promise<string> {
    const { referral } = await api.ok<{ referral: { id: string } }>(
      'POST',
      '/institution/referrals',
      court,
      referralSubmission(caseNumber, {
        applicant: { ...registrationInput().applicant, name: applicant },
      }),
    );
    return referral.id;
  }

  it('lets a clerk decline one with reasons and accept another into a registered case', async () => {
    const declined = await submit('（2026）沪0115民诉前调31号', '钱七');
    const accepted = await submit('（2026）沪0115民诉前调32号', '孙八');

    const clerk = await consoleSignIn(browser, t.url, staff.clerk.username);
    await clerk.getByTestId('open-referrals').click();
    const row = (id: string) => clerk.locator(`[data-testid=referral][data-referral="${id}"]`);
    await row(declined).waitFor({ timeout: 10_000 });
    expect(await row(declined).getAttribute('data-status')).toBe('pending');
    const text = await row(accepted).innerText();
    for (const s of [
      '上海市某区人民法院',
      '委派调解',
      '（2026）沪0115民诉前调32号',
      '孙八',
      '某某科技有限公司',
    ])
      expect(text).toContain(s);
    await shootConsole(clerk, 'referrals');

    await row(declined).getByTestId('decline-referral').click();
    await row(declined).getByTestId('decline-reason').fill('争议已由仲裁委员会立案审理');
    await row(declined).getByTestId('confirm-decline').click();
    await clerk
      .locator(`[data-testid=referral][data-referral="${declined}"][data-status=declined]`)
      .waitFor({ timeout: 10_000 });
    expect(await row(declined).innerText()).toContain('争议已由仲裁委员会立案审理');
    // The court reads the reasons.
    const seen = await api.ok<{ referral: { status: string; reason: string } }>(
      'GET',
      `/institution/referrals/${declined}`,
      court,
    );
    expect(seen.referral).toMatchObject({
      status: 'declined',
      reason: '争议已由仲裁委员会立案审理',
    });

    await row(accepted).getByTestId('accept-referral').click();
    const parties = clerk.getByTestId('parties');
    await parties.waitFor({ timeout: 10_000 });
    expect(clerk.url()).toMatch(/#\/cases\//);
    expect(await parties.innerText()).toContain('孙八');

    // A mediator reads the queue, and decides nothing.
    const mediator = await consoleSignIn(browser, t.url, staff.mediator.username);
    await mediator.goto(`${t.url}/console#/referrals`);
    const listed = mediator.locator(`[data-testid=referral][data-referral="${accepted}"]`);
    await listed.waitFor({ timeout: 10_000 });
    expect(await listed.getAttribute('data-status')).toBe('accepted');
    expect(await mediator.getByTestId('accept-referral').count()).toBe(0);
    await listed.getByTestId('referral-case').waitFor();
  });
});
