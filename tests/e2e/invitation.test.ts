/**
 * A party opens the invitation link a clerk issued for their case and meets
 * the mediator; once revoked, the same link is refused with a clear message.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { diagnostics, joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  partyInvitationLink,
  registrationInput,
  seedStaff,
  type StaffFixture,
  respondentsAgree,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

describe('joining through an invitation link', () => {
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

  it('brings the invited party into the scheduled session with the mediator, and refuses the link once revoked', async () => {
    const cases = t.server.cases;
    const { case: c, session, people } = await caseInSession(cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const { link, invitationId } = await invitationLink(applicant);

    const mediatorToken = t.server.tokens.issue(
      {
        sub: staff.mediator.id,
        caseId: c.id,
        sessionId: session.id,
        role: 'mediator',
        name: staff.mediator.name,
      },
      600,
    );
    const mediatorPage = await (await browser.newContext()).newPage();
    await mediatorPage.goto(`${t.url}/join#token=${mediatorToken}`);
    const partyContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const partyPage = await partyContext.newPage();
    await partyPage.goto(link);
    // The link's credential is taken out of the address bar.
    expect(partyPage.url()).toBe(`${t.url}/join`);
    // The party sees the case's deadlines with their legal basis.
    const deadlines = partyPage.getByTestId('deadlines');
    await deadlines.waitFor({ timeout: 10_000 });
    const text = await deadlines.innerText();
    expect(text).toContain('调解期限 · 2026-03-17');
    await deadlines.locator('summary', { hasText: '调解期限' }).click();
    expect(await deadlines.innerText()).toContain('劳动争议调解仲裁法》第十四条第三款');
    await joinWithAdmission(mediatorPage, [{ page: partyPage, participantId: applicant.id }]);
    await poll(
      () => diagnostics.participants(partyPage),
      (p) => p.includes(staff.mediator.id),
      10_000,
      'party sees the mediator',
    );
    await poll(
      () => diagnostics.inboundBytes(mediatorPage),
      (b) => (b[applicant.id]?.video ?? 0) > 5_000 && (b[applicant.id]?.audio ?? 0) > 0,
      20_000,
      'mediator receives the party',
    );

    await cases.revokeInvitation(staff.clerk, c.id, invitationId);
    const again = await partyContext.newPage();
    await again.goto(link);
    await again.getByTestId('error').waitFor({ timeout: 10_000 });
    expect(await again.getByTestId('error').innerText()).toContain(
      '邀请链接无效、已过期或已被撤销',
    );
  });

  it('tells an invited party when no session is scheduled', async () => {
    const cases = t.server.cases;
    const c = await cases.register(staff.clerk, registerCaseSchema.parse(registrationInput()));
    await respondentsAgree(cases, c.id);
    await cases.accept(staff.clerk, c.id);
    const applicant = (await cases.file(staff.clerk, c.id)).people.find(
      (p) => p.kind === 'applicant',
    )!;
    const { link } = await invitationLink(applicant);
    const page = await (await browser.newContext()).newPage();
    await page.goto(link);
    await page.getByTestId('error').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('error').innerText()).toContain('目前没有已安排或正在进行的调解');
  });
});
