/**
 * A wage claim of three workers in the staff console, in a real browser, person by person:
 * the clerk records the second worker's own claims (wages and compensation; the total shows);
 * the mediator issues the agreement with each worker's terms (the amount starts from that
 * worker's claims), it is signed on paper, and the mediator records each worker's payment:
 * the performance deadline is met once the last worker is paid. Screenshots at 1280×800 and
 * 390×844.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { residentId } from '../support/applications.js';
import { launchChromium, poll } from '../support/browser.js';
import { TEST_PASSWORD, caseInSession, seedStaff, type StaffFixture } from '../support/cases.js';
import { consoleSignIn, shootConsole } from '../support/consolePage.js';
import { apiClient, pngBytes } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff console: each worker’s claims, terms and performance', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let caseId: string;
  const workers: string[] = [];
  let respondent: string;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
    const cases = t.server.cases;
    const { case: c } = await caseInSession(cases, staff);
    caseId = c.id;
    for (let n = 2; n <= 3; n += 1)
      await cases.addPerson(staff.clerk, caseId, {
        kind: 'applicant',
        name: `工人${n}`,
        idNumber: residentId('310101', '19900101', 300 + n),
        phone: `1390000020${n}`,
        isOrganisation: false,
      });
    for (const p of (await cases.file(staff.clerk, caseId)).people) {
      if (p.kind === 'applicant') workers.push(p.id);
      if (p.kind === 'respondent') respondent = p.id;
    }
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const caseFile = () => t.server.cases.file(staff.clerk, caseId);

  async function openCase(page: Page, section: string) {
    const url = `${t.url}/console#/cases/${caseId}`;
    // The same address again changes nothing in the page: read the case anew.
    if (page.url() === url) await page.reload();
    else await page.goto(url);
    const s = page.getByTestId(section);
    await s.waitFor({ timeout: 10_000 });
    return s;
  }

  it('records claims, issues per-worker terms and records each payment', async () => {
    expect(workers).toHaveLength(3);
    const [w1, w2, w3] = workers as [string, string, string];

    // The clerk records the second worker's claims.
    const clerk = await consoleSignIn(browser, t.url, staff.clerk.username);
    const claims = await openCase(clerk, 'claims');
    const row = claims.locator(`[data-testid=person-claims][data-person="${w2}"]`);
    expect(await row.innerText()).toContain('未逐人记录请求');
    await row.getByTestId('edit-claims').click();
    await row.getByTestId('claim-type-0').selectOption('wages');
    await row.getByTestId('claim-amount-0').fill('13000');
    await row.getByTestId('add-claim').click();
    await row.getByTestId('claim-type-1').selectOption('economic_compensation');
    await row.getByTestId('claim-amount-1').fill('2000');
    await row.getByTestId('save-claims').click();
    await row.getByTestId('person-total').waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('person-total').innerText()).toContain('¥15,000');
    expect((await caseFile()).claims).toEqual([
      expect.objectContaining({
        personId: w2,
        claims: [
          { type: 'wages', amount: 13000, note: null },
          { type: 'economic_compensation', amount: 2000, note: null },
        ],
      }),
    ]);
    await claims.scrollIntoViewIfNeeded();
    await shootConsole(clerk, 'claims');

    // The mediator issues the agreement with each worker's own terms.
    const mediator = await consoleSignIn(browser, t.url, staff.mediator.username);
    const docs = await openCase(mediator, 'documents-section');
    await docs.getByTestId('issue-kind').selectOption('mediation_agreement');
    await docs
      .getByTestId('field-items')
      .fill('被申请人向三名申请人支付拖欠工资，各人金额与期限见下表');
    const terms = docs.getByTestId('per-person-terms');
    // The second worker's amount starts from its claims.
    expect(await terms.getByTestId(`person-amount-${w2}`).inputValue()).toBe('15000');
    await terms.getByTestId(`person-amount-${w1}`).fill('12000');
    await terms.getByTestId(`person-deadline-${w1}`).fill('2027-01-15');
    await terms.getByTestId(`person-deadline-${w2}`).fill('2027-01-20');
    await terms.getByTestId(`person-amount-${w3}`).fill('9000.5');
    await terms.getByTestId(`person-deadline-${w3}`).fill('2027-01-31');
    await docs.getByTestId('issue-submit').click();
    const card = docs.locator('[data-testid=document-card][data-kind=mediation_agreement]');
    await card.waitFor({ timeout: 10_000 });
    const documentId = (await card.getAttribute('data-document'))!;

    // Signed on paper (its scan filed), recorded through the API as the mediator would.
    const api = apiClient(t.url);
    const token = await api.login(staff.mediator.username, TEST_PASSWORD);
    const scan = await api.upload(caseId, token, pngBytes(), '调解协议书签署页.png', {
      title: '已签署调解协议书',
      purpose: '纸质签署的调解协议书',
      originalOrCopy: 'copy',
      category: 'signed_agreement',
    });
    expect(scan.status).toBe(201);
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    await api.ok('POST', `/cases/${caseId}/documents/${documentId}/paper-signing`, token, {
      evidenceId: (scan.body as { item: { id: string } }).item.id,
      signatories: [...workers, respondent].map((partyId) => ({ partyId, signedOn: today })),
      mediatorSignedOn: today,
      attestation: '各方当事人当面签名，经调解员核对身份',
    });
    const effective = await caseFile();
    expect(effective.case.outcome?.personTerms?.map((x) => [x.personId, x.amount])).toEqual([
      [w1, 12000],
      [w2, 15000],
      [w3, 9000.5],
    ]);
    const deadline = () =>
      caseFile().then((f) => f.deadlines.filter((d) => d.kind === 'performance'));
    expect((await deadline()).map((d) => [d.dueOn, d.status])).toEqual([['2027-01-31', 'open']]);

    // The mediator records each worker's payment in the console.
    const performance = await openCase(mediator, 'performance');
    const record = async (personId: string, amount: string) => {
      await performance.getByTestId('performance-person').selectOption(personId);
      await performance.getByTestId('performance-result').selectOption('performed');
      await performance.getByTestId('performance-amount').fill(amount);
      await performance.getByTestId('performance-note').fill('银行转账已到账');
      await performance.getByTestId('record-performance').click();
      const latest = mediator.locator(
        `[data-testid=performance-row][data-person="${personId}"] [data-testid=performance-latest]`,
      );
      await poll(
        () => latest.innerText().catch(() => ''),
        (text) => text.includes('已履行'),
        10_000,
        `performance of ${personId} shown`,
      );
    };
    await record(w1, '12000');
    await record(w2, '15000');
    expect((await deadline())[0]!.status).toBe('open');
    await record(w3, '9000.5');
    expect((await deadline())[0]!.status).toBe('met');
    const rowText = await mediator
      .locator(`[data-testid=performance-row][data-person="${w3}"]`)
      .innerText();
    expect(rowText).toContain('¥9,000.5');
    expect(rowText).toContain('2027-01-31');
    await performance.scrollIntoViewIfNeeded();
    await shootConsole(mediator, 'performance');
  });
});
