/**
 * Rejoining in real Chromium: a party who reloads the call page, or opens the
 * invitation link again in the same tab, is not stranded; the credential is
 * kept for that tab only (not for a second tab of the same browser, never in
 * localStorage, cookies or the address bar); leaving asks first and offers
 * 重新加入; an invitation revoked meanwhile is refused after a reload with a
 * clear message, and the tab keeps no credential.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { diagnostics, joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  mediatorSessionLink,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

const PHONE = { width: 390, height: 844 };

describe('rejoining the call from a reload, a re-opened link or after leaving', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let caseId: string;
  let applicant: CasePerson;
  let respondent: CasePerson;
  let applicantLink: string;
  let applicantInvitation: string;
  let respondentLink: string;
  let mediator: Page;
  let partyContext: BrowserContext;
  let party: Page;

  /** Waits until the mediator's page receives fresh audio and video from the applicant. */
  async function mediatorReceivesApplicant(what: string): Promise<void> {
    const before = (await diagnostics.inboundBytes(mediator))[applicant.id] ?? {
      audio: 0,
      video: 0,
    };
    await poll(
      () => diagnostics.inboundBytes(mediator),
      (b) =>
        (b[applicant.id]?.video ?? 0) > before.video + 5_000 &&
        (b[applicant.id]?.audio ?? 0) > before.audio,
      20_000,
      what,
    );
  }

  /** What the page's storage holds, as text (the tests run in Node: the page's globals are strings here). */
  const stored = (page: Page) =>
    page.evaluate(
      '({ session: JSON.stringify(Object.entries(sessionStorage)), local: JSON.stringify(Object.entries(localStorage)) })',
    ) as Promise<{ session: string; local: string }>;
  const markDocument = (page: Page) => page.evaluate('window.__sameDocument = true');
  const sameDocument = (page: Page) =>
    page.evaluate("'__sameDocument' in window") as Promise<boolean>;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    caseId = c.id;
    applicant = people.find((p) => p.kind === 'applicant')!;
    respondent = people.find((p) => p.kind === 'respondent')!;
    const invite = (person: CasePerson) =>
      partyInvitationLink(t.url, TEST_SECRET, t.server.cases, staff.clerk, person);
    ({ link: applicantLink, invitationId: applicantInvitation } = await invite(applicant));
    ({ link: respondentLink } = await invite(respondent));
    const mediatorLink = mediatorSessionLink(
      t.url,
      t.server.tokens,
      staff.mediator,
      c.id,
      session.id,
    );
    mediator = await (await browser.newContext()).newPage();
    await mediator.goto(mediatorLink);
    partyContext = await browser.newContext({ viewport: PHONE });
    party = await partyContext.newPage();
    await party.goto(applicantLink);
    await joinWithAdmission(mediator, [{ page: party, participantId: applicant.id }]);
    await mediatorReceivesApplicant('mediator receives the applicant');
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('brings a party who reloads the page back into the call, without the link', async () => {
    await party.reload();
    // No tap on 加入调解, no link: the tab kept its credential and joins again by itself.
    await poll(
      () => diagnostics.status(party),
      (s) => s === 'joined',
      20_000,
      'back in the call',
    );
    expect(await diagnostics.admission(party)).toBe('admitted');
    expect(party.url()).toBe(`${t.url}/join`);
    await mediatorReceivesApplicant('mediator receives the applicant after the reload');
    // Kept for this tab only: sessionStorage, never localStorage or a cookie.
    const invite = new URL(applicantLink).hash.slice('#invite='.length);
    const kept = await stored(party);
    expect(kept.session).toContain(invite);
    expect(kept.local).not.toContain(invite);
    expect(await partyContext.cookies()).toEqual([]);
  });

  it('handles the invitation link opened again in the same tab, without a manual reload', async () => {
    await markDocument(party);
    // Only the hash changes: the same document, still in the call, the link out of the address bar.
    await party.goto(applicantLink);
    await poll(
      async () => party.url(),
      (u) => u === `${t.url}/join`,
      5_000,
      'link cleaned',
    );
    expect(await sameDocument(party)).toBe(true);
    expect(await diagnostics.status(party)).toBe('joined');

    // Another person's link in the same tab replaces the credential.
    await party.goto(respondentLink);
    await poll(
      () =>
        party
          .getByTestId('identity-details')
          .innerText()
          .catch(() => ''),
      (text) => text.includes(respondent.name),
      15_000,
      'the page now speaks for the respondent',
    );
    expect(party.url()).toBe(`${t.url}/join`);
    expect((await stored(party)).session).toContain(
      new URL(respondentLink).hash.slice('#invite='.length),
    );

    // And back: the applicant joins again, admitted already in this session.
    await party.goto(applicantLink);
    await party.getByTestId('identity-details').getByText(applicant.name).waitFor({
      timeout: 15_000,
    });
    await party.getByTestId('join').click();
    await poll(
      () => diagnostics.status(party),
      (s) => s === 'joined',
      20_000,
      'applicant back',
    );
  });

  it('does not hand the credential to a second tab of the same browser', async () => {
    const second = await partyContext.newPage();
    try {
      await second.goto(`${t.url}/join`);
      const error = second.getByTestId('error');
      await error.waitFor({ timeout: 10_000 });
      expect(await error.innerText()).toContain('链接无效');
      expect(await second.evaluate('sessionStorage.length')).toBe(0);
      expect(await diagnostics.status(second)).toBe('idle');
    } finally {
      await second.close();
    }
    // The first tab is untouched.
    expect(await diagnostics.status(party)).toBe('joined');
  });

  it('asks before leaving, and 重新加入 brings the party back without reloading', async () => {
    await party.getByTestId('leave').click();
    const confirmation = party.getByTestId('leave-confirmation');
    await confirmation.waitFor({ timeout: 5_000 });
    expect(await confirmation.innerText()).toContain('确定离开');
    await party.getByTestId('leave-cancel').click();
    await party.getByTestId('leave').waitFor({ timeout: 5_000 });
    expect(await diagnostics.status(party)).toBe('joined');

    await party.getByTestId('leave').click();
    await party.getByTestId('leave-confirm').click();
    await party.getByTestId('left').waitFor({ timeout: 5_000 });
    await poll(
      () => diagnostics.participants(mediator),
      (list) => !list.includes(applicant.id),
      10_000,
      'the mediator sees the applicant gone',
    );
    await markDocument(party);
    const rejoin = party.getByTestId('rejoin');
    expect(await rejoin.innerText()).toBe('重新加入');
    await rejoin.click();
    await poll(
      () => diagnostics.status(party),
      (s) => s === 'joined',
      20_000,
      'rejoined',
    );
    expect(await sameDocument(party)).toBe(true);
    await poll(
      () => diagnostics.participants(mediator),
      (list) => list.includes(applicant.id),
      10_000,
      'the mediator sees the applicant back',
    );
    await mediatorReceivesApplicant('mediator receives the applicant after 重新加入');

    // Left on purpose, then reloaded: the page waits for a tap instead of joining by itself.
    await party.getByTestId('leave').click();
    await party.getByTestId('leave-confirm').click();
    await party.getByTestId('left').waitFor({ timeout: 5_000 });
    await party.reload();
    await party.getByTestId('join').waitFor({ timeout: 10_000 });
    expect(await diagnostics.status(party)).toBe('idle');
  });

  it('refuses a revoked invitation after a reload with a clear message, and forgets it', async () => {
    // Revoked while the tab was elsewhere, then back in it: the kept invitation is refused.
    // (A page left open would be told at once over its connection.)
    const page = party.url();
    expect(page).not.toContain('#');
    await party.goto('about:blank');
    await t.server.cases.revokeInvitation(staff.clerk, caseId, applicantInvitation);
    await party.goto(page);
    const error = party.getByTestId('error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.getAttribute('data-reason')).toBe('inviteInvalid');
    expect(await error.innerText()).toContain('邀请链接无效、已过期或已被撤销');
    const invite = new URL(applicantLink).hash.slice('#invite='.length);
    expect((await stored(party)).session).not.toContain(invite);
    expect(await party.evaluate('window.__mediation.hasCredential()')).toBe(false);
    // Reloaded once more: still told why, not a bare "link invalid".
    await party.reload();
    await party.getByTestId('credential-removed').waitFor({ timeout: 10_000 });
    expect(await party.getByTestId('error').getAttribute('data-reason')).toBe('inviteInvalid');
  });
});
