/**
 * A party submits evidence from the join page (receipt with the SHA-256),
 * then presents it in the session: the mediator's screen opens it; the
 * other side sees it only once it is shared, and never while it is kept
 * confidential to a caucus.
 */
import { createHash } from 'node:crypto';
import PDFDocument from 'pdfkit';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { apiClient } from '../support/evidenceHttp.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';
import { pdfHtmlPolyglot } from '../support/untrustedInputs.js';

/** A real two-page PDF, as a scanner or a word processor writes one. */
function twoPageRenderedPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );
  doc.text('Payslip 2025-11');
  doc.addPage().text('Page 2');
  doc.end();
  return done;
}

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('evidence in a session', () => {
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

  it('is submitted with a receipt, presented to those allowed to see it, and kept from the other side when confidential', async () => {
    const cases = t.server.cases;
    const { case: c, session, people } = await caseInSession(cases, staff);
    const linkFor = async (kind: 'applicant' | 'respondent') =>
      (
        await partyInvitationLink(
          t.url,
          TEST_SECRET,
          cases,
          staff.clerk,
          people.find((p) => p.kind === kind)!,
        )
      ).link;
    const pages: Record<'mediator' | 'applicant' | 'respondent', Page> = {
      mediator: await (await browser.newContext()).newPage(),
      applicant: await (
        await browser.newContext({ viewport: { width: 390, height: 1200 } })
      ).newPage(),
      respondent: await (await browser.newContext()).newPage(),
    };
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
    await pages.mediator.goto(`${t.url}/join#token=${mediatorToken}`);
    await pages.applicant.goto(await linkFor('applicant'));
    await pages.respondent.goto(await linkFor('respondent'));

    // Submit from the phone-sized page: the receipt carries the file's SHA-256.
    const a = pages.applicant;
    await a.getByTestId('upload-form').waitFor();
    await a.locator('input[name=title]').fill('微信聊天记录截图');
    await a.locator('textarea[name=purpose]').fill('证明被申请人承认拖欠工资');
    await a
      .locator('input[name=file]')
      .setInputFiles({ name: '聊天记录.png', mimeType: 'image/png', buffer: PNG });
    await a.getByTestId('upload').click();
    const receipt = a.getByTestId('receipt-sha256');
    await receipt.waitFor({ timeout: 10_000 });
    expect(await receipt.innerText()).toBe(
      `SHA-256 ${createHash('sha256').update(PNG).digest('hex')}`,
    );
    await poll(
      () => a.getByTestId('evidence-item').count(),
      (n) => n === 1,
      5_000,
      'item listed',
    );
    // The other side does not list it.
    expect(await pages.respondent.getByTestId('evidence-item').count()).toBe(0);
    const itemId = (await a.getByTestId('evidence-item').getAttribute('data-evidence'))!;

    await joinWithAdmission(pages.mediator, [
      { page: pages.applicant, participantId: people.find((p) => p.kind === 'applicant')!.id },
      { page: pages.respondent, participantId: people.find((p) => p.kind === 'respondent')!.id },
    ]);

    /** The applicant presents; returns whether the respondent's screen opened it. */
    const present = async (): Promise<boolean> => {
      await a.getByTestId('present').click();
      await pages.mediator.getByTestId('evidence-viewer').waitFor({ timeout: 10_000 });
      // The image really loads through the mediator's own view link.
      await poll(
        () =>
          pages.mediator
            .getByTestId('viewer-image')
            .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        (w) => w === 1,
        5_000,
        'image decoded',
      );
      await a.getByTestId('evidence-viewer').waitFor({ timeout: 5_000 });
      await new Promise((r) => setTimeout(r, 1_000));
      const respondentSaw = (await pages.respondent.getByTestId('evidence-viewer').count()) === 1;
      // The presenter closing it closes it on every screen.
      await a.getByTestId('close-viewer').click();
      for (const page of [pages.mediator, pages.respondent]) {
        await poll(
          () => page.getByTestId('evidence-viewer').count(),
          (n) => n === 0,
          5_000,
          'closed everywhere',
        );
      }
      return respondentSaw;
    };

    // Not shared: the mediator sees it, the respondent does not.
    expect(await present()).toBe(false);
    // Shared with every party: the respondent's screen opens it too.
    await t.server.evidence.setFlags(staff.mediator, c.id, itemId, { shared: true });
    expect(await present()).toBe(true);
    // Kept confidential to a caucus: never presented to the other side, shared or not.
    await t.server.evidence.setFlags(staff.mediator, c.id, itemId, { confidential: true });
    expect(await present()).toBe(false);

    // The mediator presents from the session page (listed over the session's connection):
    // the confidential item opens for the applicant's side, not for the respondent.
    const m = pages.mediator;
    await m.getByTestId('session-evidence').waitFor({ timeout: 10_000 });
    await m.getByTestId('refresh-evidence').click();
    await poll(
      () => m.getByTestId('session-evidence').innerText(),
      (text) => text.includes('背靠背保密'),
      5_000,
      'marked confidential',
    );
    await m.locator(`[data-evidence="${itemId}"] [data-testid=present]`).click();
    await a.getByTestId('evidence-viewer').waitFor({ timeout: 10_000 });
    await m.getByTestId('evidence-viewer').waitFor({ timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await pages.respondent.getByTestId('evidence-viewer').count()).toBe(0);
  });
  it('shows PDF and text evidence under the sandbox policy; a PDF/HTML polyglot never runs as a page', async () => {
    const cases = t.server.cases;
    const { case: c, people } = await caseInSession(cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const { link } = await partyInvitationLink(t.url, TEST_SECRET, cases, staff.clerk, applicant);
    const bearer = new URL(link).hash.slice('#invite='.length);
    const api = apiClient(t.url);
    const upload = async (bytes: Buffer, name: string): Promise<string> => {
      const r = await api.upload(c.id, bearer, bytes, name);
      expect(r.status, name).toBe(201);
      const id = (r.body as { item: { id: string } }).item.id;
      const link = await api.ok<{ url: string }>(
        'POST',
        `/cases/${c.id}/evidence/${id}/view-link`,
        bearer,
      );
      return link.url;
    };
    const pdfUrl = await upload(await twoPageRenderedPdf(), '工资条.pdf');
    const textUrl = await upload(Buffer.from('2025 年 11 月工资 8000 元\n'), '说明.txt');
    const polyglotUrl = await upload(pdfHtmlPolyglot(), 'polyglot.pdf');

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${t.url}/`);
    const messages: string[] = [];
    await page.exposeFunction('__reportMessage', (m: string) => messages.push(m));
    await page.evaluate(
      `window.addEventListener('message', (e) => __reportMessage(String(e.data)))`,
    );
    /** Opens a URL in an iframe of the app's page, as the evidence viewer does. */
    const frame = (url: string) =>
      page.evaluate(`(() => {
        const f = document.createElement('iframe');
        f.src = ${JSON.stringify(url)};
        f.width = '600';
        f.height = '400';
        document.body.append(f);
      })()`);

    // Chromium's PDF viewer renders both pages inside the sandboxed frame.
    await frame(pdfUrl);
    const pages = await poll(
      async () => {
        const viewer = page.frames().find((f) => f.url().startsWith('chrome-extension://'));
        if (!viewer) return 0;
        return viewer
          .evaluate(
            `(() => {
            const toolbar = document.querySelector('pdf-viewer')?.shadowRoot?.querySelector('viewer-toolbar');
            return toolbar ? Number(toolbar.docLength) : 0;
          })()`,
          )
          .then((n) => Number(n))
          .catch(() => 0);
      },
      (n) => n === 2,
      15_000,
      'the PDF viewer shows 2 pages',
    );
    expect(pages).toBe(2);

    // Text shows too; the sandbox gives its frame an opaque origin the app cannot script into.
    await frame(textUrl);
    const textFrame = await poll(
      async () => page.frames().find((f) => f.url().includes(textUrl.split('?')[0]!)) ?? null,
      (f) => f !== null,
      10_000,
      'text frame',
    );
    await poll(
      () => textFrame!.evaluate('document.body.innerText').catch(() => ''),
      (text) => String(text).includes('8000'),
      10_000,
      'text shown',
    );
    expect(await textFrame!.evaluate('window.origin')).toBe('null');

    // The polyglot is a PDF to the browser: its HTML script never runs.
    await frame(polyglotUrl);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(messages).toEqual([]);
    await page.context().close();
  });
});
