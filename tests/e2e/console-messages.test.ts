/**
 * The console's record of SMS and e-mail, in a real browser, with a real SMTP relay on
 * loopback (smtp-server) that refuses one address: a document served on a respondent who
 * consented to e-mail at that address is refused by the relay (550), the delivery falls to
 * offline service, and the clerk's case view lists the message as failed with the relay's
 * reason, next to the e-mail that went through. Screenshots at 1280×800 and 390×844.
 */
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/cases/access.js';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import { caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: SMS and e-mail sent, a refused address with its reason', () => {
  let relay: SMTPServer;
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let caseId: string;
  let people: CasePerson[];

  beforeAll(async () => {
    relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (address.address.startsWith('refused@'))
          callback(Object.assign(new Error('5.1.1 No such user here'), { responseCode: 550 }));
        else callback();
      },
      onData: (stream, _session, callback) => {
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    const port = await new Promise<number>((resolve) =>
      relay.listen(0, '127.0.0.1', () => resolve((relay.server.address() as AddressInfo).port)),
    );
    t = await startTestServer({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(port),
      SMTP_ALLOW_PLAIN: 'true',
      MAIL_FROM: '某某调解中心 <noreply@mediation.test>',
      MAIL_BOUNCE_ADDRESS: 'bounces@mediation.test',
    });
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const c = await caseInSession(t.server.cases, staff);
    caseId = c.case.id;
    people = c.people;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await new Promise<void>((r) => relay.close(() => r()));
  });

  async function consentAndServe(person: CasePerson, email: string): Promise<void> {
    const actor: Actor = {
      kind: 'person',
      id: person.id,
      role: 'party',
      caseId,
      invitationId: 'test',
      name: person.name,
    };
    await t.server.documents.consent(
      actor,
      caseId,
      {
        consentToElectronicService: true,
        addresses: [{ channel: 'email', value: email }],
        scope: 'all',
        effectAcknowledged: true,
      },
      { ip: null, userAgent: null },
    );
    await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: {},
      recipients: [person.id],
    });
  }

  it('lists the refused e-mail as failed with the relay’s reason, the other as accepted', async () => {
    const worker = people.find((p) => p.kind === 'applicant')!;
    const employer = people.find((p) => p.kind === 'respondent')!;
    await consentAndServe(worker, 'worker@example.test');
    await consentAndServe(employer, 'refused@example.test');

    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.goto(`${t.url}/console#/cases/${caseId}`);
    const section = page.getByTestId('messages');
    await section.waitFor({ timeout: 10_000 });
    const row = (address: string) =>
      section.locator(`[data-testid=message-row][data-address="${address}"]`);
    // Sending takes a moment; the section reads again every 10 s.
    await poll(
      async () => [
        await row('refused@example.test')
          .getAttribute('data-status')
          .catch(() => null),
        await row('worker@example.test')
          .getAttribute('data-status')
          .catch(() => null),
      ],
      ([refused, accepted]) => refused === 'failed' && accepted === 'accepted',
      25_000,
      'both messages reported',
    );
    const refused = await row('refused@example.test').innerText();
    expect(refused).toContain('发送失败');
    expect(refused).toContain('文书送达通知');
    expect(await row('refused@example.test').getByTestId('message-detail').innerText()).toMatch(
      /550.*No such user/,
    );
    expect(await row('worker@example.test').innerText()).toContain('已交邮件服务器');
    // Never the text (it may hold a code).
    expect(await section.innerText()).not.toContain('SHA-256');
    await section.scrollIntoViewIfNeeded();
    await shootConsole(page, 'messages');
  });
});
