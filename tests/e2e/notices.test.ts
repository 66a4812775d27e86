/**
 * Notices and extension consent in a real browser: a party stays on its join
 * page (a phone), the scheduler's pass finds the 15-day mediation period over
 * and the right-to-arbitration notice arrives live in the party's inbox as a
 * served document (its receipt recorded); staff then propose an extension and
 * the party consents on the same page; once the other party consents too, the
 * period moves and the page says so.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import {
  TEST_PASSWORD,
  caseInSession,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, type Api } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const PHONE = { width: 390, height: 844 };

interface Delivery {
  documentId: string;
  recipientId: string;
  status: string;
}
interface Doc {
  id: string;
  kind: string;
  title: string;
}

/** The proposed new end of the mediation period: 60 days ahead (an extension cannot end in the past). */
const NEW_END = new Date(Date.now() + 60 * 86_400_000).toLocaleDateString('sv-SE', {
  timeZone: 'Asia/Shanghai',
});

describe('notices and extension consent on the join page', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let api: Api;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    api = apiClient(t.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a party sees the right-to-arbitration notice arrive live and consents to an extension there', async () => {
    // Received 2026-03-02: its 15 days ended on 2026-03-17, before today.
    const { case: c, people } = await caseInSession(t.server.cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    const { link } = await partyInvitationLink(
      t.url,
      TEST_SECRET,
      t.server.cases,
      staff.clerk,
      applicant,
    );
    const respondentLink = await partyInvitationLink(
      t.url,
      TEST_SECRET,
      t.server.cases,
      staff.clerk,
      respondent,
    );
    const respondentToken = respondentLink.link.split('#invite=')[1]!;

    const context = await browser.newContext({ viewport: PHONE });
    const party = await context.newPage();
    party.on('pageerror', (e) => process.stderr.write(`[party] page error: ${e.message}\n`));
    await party.goto(link);
    const form = party.getByTestId('consent-form');
    await form.waitFor({ timeout: 10_000 });
    await party.getByTestId('consent-sms').fill('13800000000');
    await party.getByTestId('consent-ack').check();
    await party.getByTestId('consent-submit').click();
    await party.getByTestId('consent-summary').waitFor({ timeout: 10_000 });
    await poll(
      () => party.getByTestId('inbox-live').innerText(),
      (s) => s === '实时接收中',
      10_000,
      'party inbox live',
    );
    expect(await party.getByTestId('inbox-item').count()).toBe(0);

    // The scheduler's pass: the period is over, the notice is produced, rendered and served.
    await t.server.scheduler.tick();
    await t.server.scheduler.tick();
    const item = party.getByTestId('inbox-item').first();
    await item.waitFor({ timeout: 10_000 });
    expect(await item.innerText()).toContain('申请仲裁权利告知书');

    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const inbox = await api.ok<{ documents: Doc[]; deliveries: Delivery[] }>(
      'GET',
      `/cases/${c.id}/documents`,
      clerk,
    );
    const notices = inbox.documents.filter((d) => d.kind === 'right_to_arbitration_notice');
    expect(notices).toHaveLength(1);
    await poll(
      async () =>
        (
          await api.ok<{ deliveries: Delivery[] }>('GET', `/cases/${c.id}/documents`, clerk)
        ).deliveries
          .filter((d) => d.documentId === notices[0]!.id)
          .map((d) => `${d.recipientId === applicant.id ? 'applicant' : 'respondent'}:${d.status}`)
          .sort()
          .join(' '),
      (s) => s === 'applicant:delivered respondent:offline_pending',
      10_000,
      'notice deliveries',
    );

    // Staff propose; the party answers on its page.
    await api.ok('POST', `/cases/${c.id}/extension-proposals`, clerk, {
      newDueOn: NEW_END,
      reason: '双方正在核对工资明细',
    });
    const panel = party.getByTestId('extension-proposal');
    await panel.waitFor({ timeout: 10_000 });
    expect(await panel.innerText()).toContain(NEW_END);
    await party.getByTestId('extension-consent').click();
    await poll(
      () => panel.innerText(),
      (s) => s.includes('已同意') && s.includes('待答复'),
      10_000,
      'applicant consent shown',
    );
    expect(
      (await api.ok<{ case: { mediationDueOn: string } }>('GET', `/cases/${c.id}`, clerk)).case
        .mediationDueOn,
    ).toBe('2026-03-17');
    await panel.screenshot({ path: path.join(ARTIFACTS, 'notices-extension-390x844.png') });

    // The clerk's console: the notice with each recipient's service state, the proposal with
    // the applicant's consent and the respondent still to answer. What the clerk types into the
    // offline-answer form stays while the proposals are read again (every 3 s).
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const clerkPage = await desk.newPage();
    await clerkPage.goto(`${t.url}/console`);
    await clerkPage.locator('input[name=username]').fill(staff.clerk.username);
    await clerkPage.locator('input[name=password]').fill(TEST_PASSWORD);
    await clerkPage.getByRole('button', { name: '登录', exact: true }).click();
    await clerkPage.locator(`[data-testid=case-item][data-case="${c.id}"] a`).click();
    const notice = clerkPage.locator('[data-testid=notice][data-kind=right_to_arbitration]');
    await notice.getByTestId('notice-delivery').first().waitFor({ timeout: 10_000 });
    expect(await notice.innerText()).toContain('申请仲裁权利告知');
    expect(await notice.getByTestId('notice-delivery').count()).toBe(2);
    const proposal = clerkPage.getByTestId('extension').getByTestId('extension-proposal');
    await proposal.waitFor({ timeout: 10_000 });
    expect(await proposal.getAttribute('data-status')).toBe('pending');
    const partyState = (id: string) =>
      proposal.locator(`[data-testid=extension-party][data-party="${id}"]`).innerText();
    expect(await partyState(applicant.id)).toContain('已同意');
    expect(await partyState(respondent.id)).toContain('待答复');
    const attestation = proposal.locator('input[name=attestation]');
    await attestation.fill('被申请人已书面同意');
    for (let reads = 0; reads < 2; reads += 1)
      await clerkPage.waitForResponse((r) => r.url().endsWith('/extension-proposals'), {
        timeout: 10_000,
      });
    expect(await attestation.inputValue()).toBe('被申请人已书面同意');
    await desk.close();

    // The other party consents on its own page (here: its own token through the API).
    const proposals = await api.ok<{ id: string }[]>(
      'GET',
      `/cases/${c.id}/extension-proposals`,
      respondentToken,
    );
    await api.ok(
      'POST',
      `/cases/${c.id}/extension-proposals/${proposals[0]!.id}/answer`,
      respondentToken,
      { decision: 'consent' },
    );
    await party.getByTestId('extension-outcome').waitFor({ timeout: 10_000 });
    expect(await party.getByTestId('extension-outcome').innerText()).toContain(NEW_END);
    expect(
      (await api.ok<{ case: { mediationDueOn: string } }>('GET', `/cases/${c.id}`, clerk)).case
        .mediationDueOn,
    ).toBe(NEW_END);
    await context.close();
  });
});
