/**
 * Evidence in the session through the page alone, in Chromium: the applicant
 * presents an item and is told who sees it; the respondent sees it only once
 * the applicant shares it from the viewer, and their list follows without a
 * reload; an item presented inside a caucus stays confidential and never
 * reaches the respondent until the mediator lifts that from the page. The
 * viewer's header is opaque, and a PDF paints without anyone touching it
 * (and is fetched once, not again at every re-render of the page).
 */
import PDFDocument from 'pdfkit';
import { PNG } from 'pngjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  mediatorSessionLink,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient, pngBytes } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

/** A one-page PDF with a large black block and a title, as a scan would be. */
function blockPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );
  doc.fontSize(28).text('Payslip 2025-11');
  doc.rect(50, 150, 495, 600).fill('#000000');
  doc.end();
  return done;
}

/** Share of a screenshot's pixels that are near black (the PDF's block, painted). */
function darkShare(png: Buffer): number {
  const image = PNG.sync.read(png);
  let dark = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (image.data[i]! < 40 && image.data[i + 1]! < 40 && image.data[i + 2]! < 40) dark += 1;
  }
  return dark / (image.width * image.height);
}

describe('evidence shared and kept confidential from the call page', () => {
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

  it('opens a PDF under an opaque header and paints it untouched, fetched once however often the page re-renders', async () => {
    const cases = t.server.cases;
    const { case: c, people } = await caseInSession(cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const { link } = await partyInvitationLink(t.url, TEST_SECRET, cases, staff.clerk, applicant);
    const bearer = new URL(link).hash.slice('#invite='.length);
    const r = await apiClient(t.url).upload(c.id, bearer, await blockPdf(), '工资条.pdf', {
      title: '工资条',
    });
    expect(r.status).toBe(201);
    const payslip = (r.body as { item: { id: string } }).item.id;

    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      const fetches: string[] = [];
      page.on('request', (req) => {
        if (req.url().includes(`/evidence/${payslip}/content`)) fetches.push(req.url());
      });
      await page.goto(link);
      await page
        .locator(`[data-evidence="${payslip}"]`)
        .getByRole('button', { name: '查看' })
        .click();
      await page.getByTestId('evidence-viewer').waitFor({ timeout: 10_000 });

      // The viewer's header and backdrop are opaque: nothing of the page shows through.
      const colours = (await page.evaluate(`(() => {
        const v = document.querySelector('[data-testid=evidence-viewer]');
        return [getComputedStyle(v).backgroundColor, getComputedStyle(v.querySelector('.viewer-bar')).backgroundColor];
      })()`)) as string[];
      for (const colour of colours) expect(colour).toMatch(/^rgb\(/);

      // The PDF paints with nobody touching it.
      const frame = page.getByTestId('viewer-pdf');
      const painted = await poll(
        async () => darkShare(await frame.screenshot()),
        (share) => share > 0.05,
        20_000,
        'the PDF painted',
      );
      expect(painted).toBeGreaterThan(0.05);

      // The page re-renders (here: the language switch, twice): the PDF is not loaded again,
      // and the view is one custody event.
      for (let i = 0; i < 2; i++) {
        await page.getByTestId('lang').dispatchEvent('click');
        await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(darkShare(await frame.screenshot())).toBeGreaterThan(0.05);
      expect(fetches.filter((u) => !u.includes('download')).length).toBeLessThanOrEqual(2);
      const views = (await new SqlAuditLog(t.server.database).list(c.id)).filter(
        (e) => e.action === 'evidence.viewed' && e.target === payslip,
      );
      expect(views.length).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('shares from the viewer, refreshes the other side live, and keeps caucus items from it', async () => {
    const cases = t.server.cases;
    const { case: c, session, people } = await caseInSession(cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    const links = {
      applicant: await partyInvitationLink(t.url, TEST_SECRET, cases, staff.clerk, applicant),
      respondent: await partyInvitationLink(t.url, TEST_SECRET, cases, staff.clerk, respondent),
    };
    // The applicant's two items, submitted before the session (the upload form is tested elsewhere).
    const api = apiClient(t.url);
    const bearer = new URL(links.applicant.link).hash.slice('#invite='.length);
    const submit = async (bytes: Buffer, name: string, title: string): Promise<string> => {
      const r = await api.upload(c.id, bearer, bytes, name, { title });
      expect(r.status).toBe(201);
      return (r.body as { item: { id: string } }).item.id;
    };
    const payslip = await submit(pngBytes(), '工资条.png', '工资条');
    const note = await submit(
      Buffer.from('加班记录：2025 年 11 月共 60 小时\n'),
      '加班.txt',
      '加班记录',
    );

    const mediatorLink = mediatorSessionLink(
      t.url,
      t.server.tokens,
      staff.mediator,
      c.id,
      session.id,
    );
    const contexts = [
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      await browser.newContext({ viewport: { width: 390, height: 844 } }),
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
    ];
    try {
      const [m, a, b] = (await Promise.all(contexts.map((x) => x.newPage()))) as [Page, Page, Page];
      await m.goto(mediatorLink);
      await a.goto(links.applicant.link);
      await b.goto(links.respondent.link);
      await joinWithAdmission(m, [
        { page: a, participantId: applicant.id },
        { page: b, participantId: respondent.id },
      ]);
      // Marks the respondent's page: a reload would lose it.
      await b.evaluate('window.__notReloaded = true');
      const item = (page: Page, id: string) => page.locator(`[data-evidence="${id}"]`);
      expect(await item(b, payslip).count()).toBe(0);

      // The applicant presents the payslip: only the mediator is shown it, and the applicant is told so.
      await item(a, payslip).getByTestId('present').click();
      const audience = a.getByTestId('viewer-audience');
      await poll(
        () => audience.getAttribute('data-viewers'),
        (v) => v === staff.mediator.id,
        20_000,
        'the presenter is told the mediator sees it',
      );
      expect(await audience.innerText()).toContain(`调解员 ${staff.mediator.name}`);
      await m.getByTestId('evidence-viewer').waitFor({ timeout: 20_000 });

      await new Promise((r) => setTimeout(r, 1_000));
      expect(await b.getByTestId('evidence-viewer').count()).toBe(0);

      // Shared from the viewer: the respondent's list has it without a reload, their screen opens it.
      await a.getByTestId('viewer-share').click();
      await item(b, payslip).waitFor({ timeout: 20_000 });
      await b.getByTestId('evidence-viewer').waitFor({ timeout: 20_000 });
      await poll(
        () => audience.getAttribute('data-viewers'),
        (v) =>
          (v ?? '').split(',').sort().join(',') ===
          [staff.mediator.id, respondent.id].sort().join(','),
        20_000,
        'the presenter is told the respondent sees it now',
      );
      expect(await b.evaluate('window.__notReloaded')).toBe(true);
      await a.getByTestId('close-viewer').click();
      await poll(
        () => b.getByTestId('evidence-viewer').count(),
        (n) => n === 0,
        5_000,
        'closed for the respondent',
      );

      // A caucus with the applicant's side: what is presented there stays there.
      await m.locator(`[data-testid=caucus-pick][data-participant="${applicant.id}"]`).check();
      await m.getByTestId('caucus-start').click();
      await a.getByTestId('caucus-banner').waitFor({ timeout: 5_000 });
      await item(a, note).getByTestId('present').click();
      await poll(
        () => audience.innerText(),
        (text) => text.includes('背靠背保密'),
        20_000,
        'the presenter is told it is kept to the caucus',
      );
      // The mediator's list follows live: the item is marked confidential.
      await poll(
        () => item(m, note).getByTestId('evidence-visibility').getAttribute('data-state'),
        (s) => s === 'confidential',
        20_000,
        'confidential on the mediator’s list',
      );
      await a.getByTestId('close-viewer').click();
      await m.getByTestId('caucus-end').click();
      await poll(
        () => a.getByTestId('caucus-banner').count(),
        (n) => n === 0,
        5_000,
        'caucus over',
      );
      // Shared afterwards by the applicant: still never reaches the respondent.
      await item(a, note).getByTestId('share').click();
      await poll(
        () => item(a, note).getByTestId('evidence-visibility').getAttribute('data-state'),
        (s) => s === 'confidential',
        20_000,
        'still confidential on the applicant’s list',
      );
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await item(b, note).count()).toBe(0);
      expect(await b.getByTestId('evidence-viewer').count()).toBe(0);

      // The mediator lifts it from the page: the respondent's list has it, live.
      await item(m, note).getByTestId('confidential-toggle').click();
      await item(b, note).waitFor({ timeout: 20_000 });
      expect(await b.evaluate('window.__notReloaded')).toBe(true);
    } finally {
      for (const x of contexts) await x.close();
    }
  });
});
