/**
 * The party-side procedural steps on the join page: the respondent agrees to
 * mediation of a party application before there is any session, and a party
 * asks for the mediator's recusal (回避申请) and sees it waiting for the
 * organisation's decision.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium } from '../support/browser.js';
import {
  TEST_PASSWORD,
  partyInvitationLink,
  registrationInput,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

describe('procedural steps on the join page', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  const invitationLink = (person: CasePerson) =>
    partyInvitationLink(t.url, TEST_SECRET, t.server.cases, staff.clerk, person);

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the respondent agrees to mediation from its page; the applicant then asks for the mediator’s recusal', async () => {
    const cases = t.server.cases;
    const c = await cases.register(staff.clerk, registerCaseSchema.parse(registrationInput()));
    const people = (await cases.file(staff.clerk, c.id)).people;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    const applicant = people.find((p) => p.kind === 'applicant')!;
    await expect(cases.accept(staff.clerk, c.id)).rejects.toMatchObject({
      code: 'RESPONDENT_AGREEMENT_REQUIRED',
    });

    // No session yet: the respondent's page still asks for its agreement.
    const respondentPage = await (
      await browser.newContext({ viewport: { width: 390, height: 844 } })
    ).newPage();
    await respondentPage.goto((await invitationLink(respondent)).link);
    const card = respondentPage.getByTestId('mediation-agreement');
    await card.waitFor({ timeout: 10_000 });
    await card.getByTestId('agree-to-mediate').click();
    await card
      .locator('[data-testid=mediation-answer][data-decision=agree]')
      .waitFor({ timeout: 10_000 });
    expect((await cases.file(staff.clerk, c.id)).mediationResponses).toEqual([
      expect.objectContaining({
        respondentId: respondent.id,
        decision: 'agree',
        channel: 'online',
      }),
    ]);
    await expect(cases.accept(staff.clerk, c.id)).resolves.toMatchObject({ status: 'accepted' });

    await cases.assignMediator(staff.clerk, c.id, staff.mediator.id);
    await cases.disclose(staff.mediator, c.id, { hasConflict: false, statement: '无利害关系' });
    const session = await cases.scheduleSession(staff.mediator, c.id, {
      scheduledStart: new Date().toISOString(),
    });

    const applicantPage = await (
      await browser.newContext({ viewport: { width: 390, height: 844 } })
    ).newPage();
    const applicantLink = (await invitationLink(applicant)).link;
    await applicantPage.goto(applicantLink);
    const recusal = applicantPage.getByTestId('recusal');
    await recusal.waitFor({ timeout: 10_000 });
    await recusal.getByTestId('recusal-reasons').fill('调解员曾担任被申请人的法律顾问');
    // A language switch re-renders the card (Vue) in place: the draft being typed stays.
    await applicantPage.getByTestId('lang').click();
    await recusal
      .locator('h2', { hasText: 'Ask for the mediator’s recusal' })
      .waitFor({ timeout: 10_000 });
    expect(await recusal.getByTestId('recusal-reasons').inputValue()).toBe(
      '调解员曾担任被申请人的法律顾问',
    );
    await applicantPage.getByTestId('lang').click();
    await recusal.locator('h2', { hasText: '申请调解员回避' }).waitFor({ timeout: 10_000 });
    await recusal.getByTestId('recusal-submit').click();
    await recusal
      .locator('[data-testid=recusal-request][data-status=pending]')
      .waitFor({ timeout: 10_000 });
    const file = await cases.file(staff.clerk, c.id);
    expect(file.recusalRequests).toEqual([
      expect.objectContaining({
        requestedBy: applicant.id,
        status: 'pending',
        reasons: '调解员曾担任被申请人的法律顾问',
        requestDocumentId: expect.any(String),
      }),
    ]);
    // While it waits for the organisation's decision, the session does not start.
    await expect(cases.setSessionState(staff.mediator, session.id, 'live')).rejects.toMatchObject({
      code: 'RECUSAL_PENDING',
    });

    // The clerk decides in the console, with reasons; the applicant's page shows the outcome.
    const clerkPage = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    await clerkPage.goto(`${t.url}/console`);
    await clerkPage.locator('input[name=username]').fill(staff.clerk.username);
    await clerkPage.locator('input[name=password]').fill(TEST_PASSWORD);
    await clerkPage.getByRole('button', { name: '登录', exact: true }).click();
    await clerkPage
      .locator(`[data-testid=case-item][data-case="${c.id}"]`)
      .first()
      .waitFor({ timeout: 10_000 });
    await clerkPage.goto(`${t.url}/console#/cases/${c.id}`);
    const pending = clerkPage.locator('[data-testid=recusal-request][data-status=pending]');
    await pending.waitFor({ timeout: 10_000 });
    await pending
      .getByTestId('recusal-decision-reasons')
      .fill('顾问关系已于五年前终止，不影响公正调解');
    await pending.getByTestId('recusal-refuse').click();
    await clerkPage
      .locator('[data-testid=recusal-request][data-status=refused]')
      .waitFor({ timeout: 10_000 });
    expect((await cases.file(staff.clerk, c.id)).recusalRequests).toEqual([
      expect.objectContaining({ status: 'refused', decisionDocumentId: expect.any(String) }),
    ]);
    // The link's credential left the address bar: open the link again in a new tab.
    const again = await applicantPage.context().newPage();
    await again.goto(applicantLink);
    await again
      .locator('[data-testid=recusal-request][data-status=refused]')
      .waitFor({ timeout: 10_000 });
    await expect(cases.setSessionState(staff.mediator, session.id, 'live')).resolves.toMatchObject({
      status: 'live',
    });
  });
});
