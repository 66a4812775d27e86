/**
 * Session records (调解笔录) in real browsers: after a session has ended, its mediator fills in
 * the record in the console (attendance with identity checks, notices, each side's statement,
 * the outcome), saves and issues it; the applicant and the respondent each find it in their
 * documents inbox on their own phone page and sign it with a one-time code (the applicant's by
 * SMS, the respondent's shown in-app); the mediator signs in the console. The record is then
 * complete: three signatures bound to its SHA-256, and `session_record.completed` naming that
 * hash in the case's audit chain.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
import { launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { ARTIFACTS, PHONE, consoleSignIn, shootConsole } from '../support/consolePage.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

describe('session records', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function partyPage(person: CasePerson): Promise<Page> {
    const { link } = await partyInvitationLink(
      t.url,
      TEST_SECRET,
      t.server.cases,
      staff.clerk,
      person,
    );
    const page = await (await browser.newContext({ viewport: PHONE })).newPage();
    page.on('pageerror', (e) =>
      process.stderr.write(`[${person.name}] page error: ${e.message}\n`),
    );
    await page.goto(link);
    return page;
  }

  /** The six digits of a code the signing panel shows in-app (`站内验证码：123456 …`). */
  const sixDigits = (text: string | undefined) => /(\d{6})/.exec(text ?? '')?.[1];

  it('a session record is filled, reviewed and signed by three participants on their own pages', async () => {
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    await t.server.cases.setSessionState(staff.mediator, session.id, 'live');
    await t.server.cases.setSessionState(staff.mediator, session.id, 'ended');

    // The mediator writes the record in the console.
    const mediator = await consoleSignIn(browser, t.url, staff.mediator.username);
    await mediator.locator(`[data-testid=case-item][data-case="${c.id}"] a`).click();
    const item = mediator.locator(`[data-testid=session-item][data-session="${session.id}"]`);
    await item.getByTestId('open-session-record').click();
    const editor = item.getByTestId('session-record');
    await editor.getByTestId('record-form').waitFor({ timeout: 10_000 });
    expect(await editor.getByTestId('record-ended').innerText()).not.toBe('');
    await editor.getByTestId(`record-present-${applicant.id}`).check();
    await editor.getByTestId(`record-check-${applicant.id}`).selectOption('id_document');
    await editor.getByTestId(`record-present-${respondent.id}`).check();
    await editor.getByTestId(`record-check-${respondent.id}`).selectOption('video_comparison');
    for (const notice of ['rights_and_duties', 'voluntariness', 'recording', 'confidentiality'])
      await editor.getByTestId(`record-notice-${notice}`).check();
    const statements = editor.getByTestId('record-statement');
    await editor.getByTestId('record-add-statement').click();
    await statements.nth(0).getByTestId('record-statement-person').selectOption(applicant.id);
    await statements
      .nth(0)
      .getByTestId('record-statement-text')
      .fill('2025 年 11 月至 2026 年 1 月工资未发放，共计 12,000 元。');
    await statements.nth(0).getByTestId('record-statement-proposal').fill('一次性支付 12,000 元。');
    await editor.getByTestId('record-add-statement').click();
    await statements.nth(1).getByTestId('record-statement-person').selectOption(respondent.id);
    await statements
      .nth(1)
      .getByTestId('record-statement-text')
      .fill('公司经营困难，同意分期支付。');
    await editor.getByTestId('record-outcome').selectOption('adjourned');
    await editor.getByTestId('record-outcome-text').fill('双方同意于一周后再行调解。');
    await editor.getByTestId('save-session-record').click();
    await editor.getByTestId('record-message').filter({ hasText: '已保存' }).waitFor();
    await editor.getByTestId('issue-session-record').click();
    const version = editor.getByTestId('record-version');
    await version.waitFor({ timeout: 10_000 });
    const documentId = (await version.getAttribute('data-document'))!;
    const signer = (person: string) =>
      version.locator(`[data-testid=record-signer][data-person="${person}"]`);
    expect(await signer(applicant.id).getAttribute('data-state')).toBe('waiting');
    expect(await signer(respondent.id).getAttribute('data-state')).toBe('waiting');
    expect(await signer('mediator').getAttribute('data-state')).toBe('waiting');

    // What was saved is what the form showed.
    const saved = await t.server.documents.sessionRecord(staff.mediator, c.id, session.id);
    expect(saved.draft?.content).toMatchObject({
      attendance: expect.arrayContaining([
        expect.objectContaining({
          personId: applicant.id,
          present: true,
          identityCheck: 'id_document',
        }),
        expect.objectContaining({
          personId: respondent.id,
          present: true,
          identityCheck: 'video_comparison',
        }),
      ]),
      noticesGiven: ['rights_and_duties', 'voluntariness', 'recording', 'confidentiality'],
      statements: [
        expect.objectContaining({ personId: applicant.id, proposal: '一次性支付 12,000 元。' }),
        expect.objectContaining({ personId: respondent.id, proposal: null }),
      ],
      outcome: { kind: 'adjourned', text: '双方同意于一周后再行调解。' },
    });

    // Each party signs on its own phone page.
    const outbox = new SqlDocumentRepository(t.server.database);
    const smsCode = async (address: string) =>
      /验证码 (\d{6})/.exec(
        (await outbox.listOutbox({ caseId: c.id }))
          .filter((m) => m.purpose === 'signing_code' && m.address === address)
          .at(-1)?.body ?? '',
      )?.[1];
    const signOnPage = async (person: CasePerson, code: (panel: string) => Promise<string>) => {
      const page = await partyPage(person);
      const card = page.locator(`[data-testid=inbox-item][data-document="${documentId}"]`);
      await card.waitFor({ timeout: 15_000 });
      expect(await card.innerText()).toContain('调解笔录');
      const panel = card.getByTestId('signing-panel');
      expect(await panel.locator('h4').innerText()).toBe('签署调解笔录');
      await panel.getByTestId('request-code').click();
      const sent = await poll(
        () => panel.getByTestId('code-sent').innerText(),
        (s) => s.trim() !== '',
        10_000,
        `${person.name}: code sent`,
      );
      await panel.getByTestId('signing-code').fill(await code(sent));
      await panel.getByTestId('sign').click();
      await poll(
        () => panel.locator(`[data-party-id="${person.id}"]`).innerText(),
        (s) => s.includes('✓'),
        10_000,
        `${person.name}: signature listed`,
      );
      return page;
    };
    // The applicant's code goes by SMS to the phone on file.
    const applicantPage = await signOnPage(applicant, async () => {
      const code = await poll(
        () => smsCode(applicant.phone!),
        (x) => x !== undefined,
        5_000,
        'applicant code in the SMS outbox',
      );
      return code!;
    });
    // The respondent has no phone on file: the code is shown in-app.
    await signOnPage(respondent, async (sent) => {
      expect(sent).toContain('站内验证码');
      return sixDigits(sent)!;
    });
    await applicantPage.screenshot({
      path: path.join(ARTIFACTS, 'session-record-party-390x844.png'),
      fullPage: true,
    });

    // The console follows; the mediator signs last (in-app code) and the record is complete.
    await poll(
      () => signer(respondent.id).getAttribute('data-state'),
      (s) => s === 'signed',
      10_000,
      'console shows both parties signed',
    );
    expect(await signer(applicant.id).getAttribute('data-state')).toBe('signed');
    const panel = version.getByTestId('signing-panel');
    await panel.getByTestId('request-code').click();
    const sent = await poll(
      () => panel.getByTestId('code-sent').innerText(),
      (s) => sixDigits(s) !== undefined,
      10_000,
      'mediator code shown in-app',
    );
    await panel.getByTestId('signing-code').fill(sixDigits(sent)!);
    await panel.getByTestId('sign').click();
    await version.getByTestId('record-complete').waitFor({ timeout: 10_000 });
    expect(await signer('mediator').getAttribute('data-state')).toBe('signed');
    await editor.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await shootConsole(mediator, 'session-record');

    // The service: complete, three signatures on this version's hash, completion in the chain.
    const { documents } = await t.server.documents.list(staff.mediator, c.id);
    const doc = documents.find((d) => d.id === documentId)!;
    expect(doc.kind).toBe('session_record');
    expect(doc.signing?.complete).toBe(true);
    expect(doc.signing?.refusals).toEqual([]);
    expect(doc.signing?.signatures).toHaveLength(3);
    for (const s of doc.signing!.signatures) expect(s.documentSha256).toBe(doc.sha256);
    expect(doc.signing!.signatures.map((s) => s.signsFor).sort()).toEqual([
      'applicant',
      'mediator',
      'respondent',
    ]);
    const completed = (await new SqlAuditLog(t.server.database).list(c.id)).filter(
      (e) => e.action === 'session_record.completed',
    );
    expect(completed).toHaveLength(1);
    const payload = JSON.parse(completed[0]!.payload) as {
      sha256: string;
      signatures: unknown[];
    };
    expect(payload.sha256).toBe(doc.sha256);
    expect(payload.signatures).toHaveLength(3);
    expect((await t.server.cases.verifyAudit(staff.mediator, c.id)).ok).toBe(true);
  });
});
