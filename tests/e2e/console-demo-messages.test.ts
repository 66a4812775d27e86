/**
 * The demo's page of what its loopback gateways received, in a real browser, as someone trying
 * `npm start` would use it: the clerk serves a document on a worker who consented to SMS, opens
 * 演示：已发送的短信与邮件 from the case list and reads the SMS (signature, case number, short
 * link, within two messages); the worker, on a phone, opens the short link and reaches the
 * session's join button with their own invitation. Screenshots at 1280×800 and 390×844.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { consoleSignIn, PHONE, shootConsole } from '../support/consolePage.js';
import { apiClient } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console (demo): the SMS and e-mail the loopback gateways received', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let caseId: string;
  let people: CasePerson[];

  beforeAll(async () => {
    t = await startTestServer({ DEMO_CHANNELS: 'true' });
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    const c = await caseInSession(t.server.cases, staff);
    caseId = c.case.id;
    people = c.people;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lists the served notice’s SMS with its text, and its short link takes the worker to the session', async () => {
    const api = apiClient(t.url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);
    const worker = people.find((p) => p.kind === 'applicant')!;
    const { token } = await api.ok<{ token: string }>(
      'POST',
      `/cases/${caseId}/invitations`,
      clerk,
      {
        personId: worker.id,
      },
    );
    await api.ok('POST', `/cases/${caseId}/service-consent`, token, {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }, { channel: 'sms', value: '13800000000' }],
      scope: 'all',
      effectAcknowledged: true,
    });
    await t.server.documents.issue(staff.clerk, caseId, {
      kind: 'acceptance_notice',
      fields: {},
      recipients: [worker.id],
    });

    const page = await consoleSignIn(browser, t.url, staff.clerk.username);
    await page.getByTestId('open-demo-messages').click();
    const sms = page.locator('[data-testid=demo-message][data-channel=sms]');
    await poll(
      async () => sms.count(),
      (n) => n === 1,
      15_000,
      'the SMS listed',
    );
    const text = await sms.getByTestId('demo-text').innerText();
    expect(text).toMatch(/^【劳动争议调解演示】/);
    expect(text).toContain('受理通知书');
    expect(await sms.innerText()).toMatch(/· [12] 条短信/);
    expect(await sms.innerText()).toContain('已送达');
    await shootConsole(page, 'demo-messages');

    const link = /https?:\/\/\S+\/s\/[2-9a-zA-Z]{10}/.exec(text)![0];
    const phone = await browser.newContext({ viewport: PHONE });
    try {
      const party = await phone.newPage();
      await party.goto(link);
      await party.getByTestId('join').waitFor({ timeout: 20_000 });
      // The token is read from the fragment and cleared from the address bar.
      expect(party.url()).not.toContain('invite=');
    } finally {
      await phone.close();
    }
  });
});
