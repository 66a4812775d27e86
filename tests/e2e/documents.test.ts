/**
 * Electronic service in real browsers: a party opens their invitation link
 * on a phone and gives the 送达地址确认书; staying on the page (not in the
 * call), they receive the acceptance notice the mediator issues from the
 * console, live, open it (the PDF's bytes match the hash fixed at issue) and
 * acknowledge it; the console shows 已签收, and the 电子送达凭证 carries the
 * delivered, read and acknowledged times the API reports.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqlDocumentRepository } from '../../server/db/SqlDocumentRepository.js';
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
const DESKTOP = { width: 1280, height: 800 };

interface DeliveryEvent {
  kind: string;
  at: string;
  implied: boolean;
  actorRole: string;
}
interface Delivery {
  id: string;
  documentId: string;
  recipientId: string;
  status: string;
  events: DeliveryEvent[];
}
interface Doc {
  id: string;
  kind: string;
  sha256: string;
}

/** The certificate's time format (templates.ts chineseDateTime), written out independently. */
function shanghaiTime(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${p(d.getUTCMonth() + 1)}月${p(d.getUTCDate())}日 ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const flat = (text: string) => text.replace(/\s+/g, '');

describe('electronic service of documents', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let api: Api;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'documents-e2e-'));

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
    rmSync(tmp, { recursive: true, force: true });
  });

  async function openPage(viewport: { width: number; height: number }, who: string) {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.on('pageerror', (e) => process.stderr.write(`[${who}] page error: ${e.message}\n`));
    page.on('console', (m) => {
      if (m.type() === 'error')
        process.stderr.write(`[${who}] console error: ${m.text()} ${m.location().url}\n`);
    });
    return page;
  }

  function pdfText(bytes: Buffer): string {
    const file = path.join(tmp, `${sha256(bytes)}.pdf`);
    writeFileSync(file, bytes);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  }

  it('serves an acceptance notice live on the consenting party, who opens and acknowledges it; the console shows 已签收 and the certificate the recorded times', async () => {
    const { case: c, people } = await caseInSession(t.server.cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const { link } = await partyInvitationLink(
      t.url,
      TEST_SECRET,
      t.server.cases,
      staff.clerk,
      applicant,
    );

    // The party, on a phone: the service-address form first, with the effect explained.
    const party = await openPage(PHONE, 'party');
    await party.goto(link);
    const form = party.getByTestId('consent-form');
    await form.waitFor({ timeout: 10_000 });
    expect(await party.getByTestId('consent-effect').innerText()).toContain(
      '文书到达上述电子地址（进入您的特定系统）之日为送达之日',
    );
    expect(await form.innerText()).toContain('如何变更');
    // Not submittable before the effect is acknowledged.
    expect(await party.getByTestId('consent-submit').isDisabled()).toBe(true);
    await party.getByTestId('consent-sms').fill('13800000000');
    await party.getByTestId('consent-ack').check();
    await form.screenshot({ path: path.join(ARTIFACTS, 'documents-consent-390x844.png') });
    await party.getByTestId('consent-submit').click();
    const summary = party.getByTestId('consent-summary');
    await summary.waitFor({ timeout: 10_000 });
    expect(await summary.innerText()).toContain('已同意电子送达');
    expect(await summary.innerText()).toContain('13800000000');
    // The page holds its own live connection for documents, without joining the call.
    await poll(
      () => party.getByTestId('inbox-live').innerText(),
      (s) => s === '实时接收中',
      10_000,
      'party inbox live',
    );
    expect(await party.getByTestId('inbox-item').count()).toBe(0);

    // The mediator issues the notice from the console's case view.
    const mediator = await openPage(DESKTOP, 'mediator');
    await mediator.goto(`${t.url}/console`);
    await mediator.locator('input[name=username]').fill(staff.mediator.username);
    await mediator.locator('input[name=password]').fill(TEST_PASSWORD);
    await mediator.getByRole('button', { name: '登录', exact: true }).click();
    await mediator.locator(`[data-testid=case-item][data-case="${c.id}"] a`).click();
    const section = mediator.getByTestId('documents-section');
    await section.waitFor({ timeout: 10_000 });
    await section.getByTestId('issue-kind').selectOption('acceptance_notice');
    await section.locator(`input[data-person="${applicant.id}"]`).check();
    await section.getByTestId('issue-submit').click();
    await poll(
      () => section.getByTestId('issue-result').innerText(),
      (s) => s.includes('SHA-256'),
      10_000,
      'issued',
    );
    const card = section.locator('[data-testid=document-card][data-kind=acceptance_notice]');
    await card.waitFor({ timeout: 5_000 });
    const documentId = (await card.getAttribute('data-document'))!;
    const staffToken = await api.login(staff.mediator.username, TEST_PASSWORD);
    const listed = await api.ok<{ documents: Doc[]; deliveries: Delivery[] }>(
      'GET',
      `/cases/${c.id}/documents`,
      staffToken,
    );
    const doc = listed.documents.find((d) => d.id === documentId)!;
    expect(await card.getByTestId('document-sha256').innerText()).toContain(doc.sha256);

    // The party's page shows it without a reload, and its receipt made it "delivered".
    const item = party.locator(`[data-testid=inbox-item][data-document="${documentId}"]`);
    await item.waitFor({ timeout: 10_000 });
    await poll(
      () => item.getAttribute('data-status'),
      (s) => s === 'delivered',
      10_000,
      'delivered on receipt',
    );
    expect(await item.getByTestId('delivery-status').innerText()).toBe('已送达');
    expect(await item.innerText()).toContain('受理通知书');
    // Above the call page, a reminder says a document waits.
    expect(await party.getByTestId('documents-banner').innerText()).toContain(
      '您有 1 份文书待签收',
    );

    // Opening fetches the PDF with the invitation token: bytes and header match the issue hash.
    const [pdfResponse] = await Promise.all([
      party.waitForResponse((r) => r.url().endsWith(`/documents/${documentId}/pdf`)),
      item.getByTestId('open-document').click(),
    ]);
    expect(pdfResponse.status()).toBe(200);
    expect(pdfResponse.headers()['x-content-sha256']).toBe(doc.sha256);
    expect(sha256(await pdfResponse.body())).toBe(doc.sha256);
    const opened = item.getByTestId('opened-document');
    await poll(
      () => opened.getAttribute('data-verified'),
      (v) => v === 'true',
      10_000,
      'hash verified in the browser',
    );
    expect(await opened.getAttribute('data-sha256')).toBe(doc.sha256);
    expect(await item.getByTestId('hash-check').innerText()).toContain('已核验');
    await poll(
      () => item.getAttribute('data-status'),
      (s) => s === 'read',
      10_000,
      'read once opened',
    );

    await item.getByTestId('acknowledge').click();
    await poll(
      () => item.getAttribute('data-status'),
      (s) => s === 'acknowledged',
      10_000,
      'acknowledged',
    );
    expect(await item.getByTestId('delivery-status').innerText()).toBe('已签收');
    expect(await party.getByTestId('documents-banner').isHidden()).toBe(true);
    // The page's language switch re-renders the inbox in place, opened document included.
    await party.getByTestId('lang').click();
    await poll(
      () => item.getByTestId('delivery-status').innerText(),
      (s) => s === 'acknowledged',
      5_000,
      'the inbox in English',
    );
    expect(await party.getByTestId('inbox-live').innerText()).toBe('Receiving live');
    expect(await summary.innerText()).toContain('Electronic service accepted');
    expect(await item.getByTestId('hash-check').innerText()).not.toContain('已核验');
    await party.getByTestId('lang').click();
    await poll(
      () => item.getByTestId('delivery-status').innerText(),
      (s) => s === '已签收',
      5_000,
      'the inbox in Chinese again',
    );
    await party.screenshot({
      path: path.join(ARTIFACTS, 'documents-inbox-390x844.png'),
      fullPage: true,
    });

    // The console follows: 已签收 for that recipient, within its 2-second refresh.
    const row = section.locator(`[data-testid=delivery-row][data-recipient="${applicant.id}"]`);
    await poll(
      () => row.getByTestId('delivery-status').innerText(),
      (s) => s === '已签收',
      10_000,
      'console shows 已签收',
    );
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: path.join(ARTIFACTS, 'documents-console-1280x800.png') });

    // The certificate downloaded from the console is the document's.
    const [download] = await Promise.all([
      mediator.waitForEvent('download'),
      row.getByTestId('download-certificate').click(),
    ]);
    const downloaded = readFileSync((await download.path())!);
    expect(flat(pdfText(downloaded))).toContain(doc.sha256);

    // The API's events: delivered by the page's receipt, read, acknowledged, none implied.
    const after = await api.ok<{ deliveries: Delivery[] }>(
      'GET',
      `/cases/${c.id}/documents`,
      staffToken,
    );
    const delivery = after.deliveries.find(
      (d) => d.documentId === documentId && d.recipientId === applicant.id,
    )!;
    expect(delivery.status).toBe('acknowledged');
    const steps = delivery.events.filter((e) =>
      ['delivered', 'read', 'acknowledged'].includes(e.kind),
    );
    expect(steps.map((e) => [e.kind, e.implied])).toEqual([
      ['delivered', false],
      ['read', false],
      ['acknowledged', false],
    ]);

    // The certificate over the API carries those times, as the certificate formats them.
    const cert = await fetch(`${t.url}/api/cases/${c.id}/deliveries/${delivery.id}/certificate`, {
      headers: { authorization: `Bearer ${staffToken}` },
    });
    expect(cert.status).toBe(200);
    const bytes = Buffer.from(await cert.arrayBuffer());
    expect(sha256(bytes)).toBe(cert.headers.get('x-content-sha256'));
    const text = flat(pdfText(bytes));
    expect(text).toContain('电子送达凭证');
    expect(text).toContain(doc.sha256);
    for (const e of steps) expect(text).toContain(flat(shanghaiTime(e.at)));
  });
  it('lets the party sign the agreement on the phone (code by SMS, drawn signature); the mediator signs in the console and seals it once all signed', async () => {
    const { case: c, people } = await caseInSession(t.server.cases, staff);
    const applicant = people.find((p) => p.kind === 'applicant')!;
    const respondent = people.find((p) => p.kind === 'respondent')!;
    const inviteOf = async (person: typeof applicant) => {
      const { link } = await partyInvitationLink(
        t.url,
        TEST_SECRET,
        t.server.cases,
        staff.clerk,
        person,
      );
      return { link, token: link.split('#invite=')[1]! };
    };
    const mine = await inviteOf(applicant);
    const theirs = await inviteOf(respondent);
    await api.ok('POST', `/cases/${c.id}/service-consent`, mine.token, {
      consentToElectronicService: true,
      addresses: [{ channel: 'in_app' }, { channel: 'sms', value: '13900000000' }],
      scope: 'all',
      effectAcknowledged: true,
    });
    const staffToken = await api.login(staff.mediator.username, TEST_PASSWORD);
    const { document } = await api.ok<{ document: Doc }>(
      'POST',
      `/cases/${c.id}/documents`,
      staffToken,
      {
        kind: 'mediation_agreement',
        fields: { items: ['被申请人向申请人支付拖欠工资人民币10000元'], amount: 10000 },
        recipients: [applicant.id, respondent.id],
      },
    );
    const outbox = new SqlDocumentRepository(t.server.database);
    const codeSentTo = async (address: string) => {
      const messages = (await outbox.listOutbox({ caseId: c.id })).filter(
        (m) => m.purpose === 'signing_code' && m.address === address,
      );
      return /验证码 (\d{6})/.exec(messages.at(-1)?.body ?? '')?.[1];
    };

    const party = await openPage(PHONE, 'signer');
    await party.goto(mine.link);
    const item = party.locator(`[data-testid=inbox-item][data-document="${document.id}"]`);
    await item.waitFor({ timeout: 10_000 });
    const panel = item.getByTestId('signing-panel');
    await panel.getByTestId('request-code').click();
    await poll(
      () => panel.getByTestId('code-sent').innerText(),
      (s) => s.includes('139****0000'),
      10_000,
      'masked destination shown',
    );
    const code = await poll(
      () => codeSentTo('13900000000'),
      (x) => x !== undefined,
      5_000,
      'code in the SMS outbox',
    );
    await panel.getByTestId('signing-code').fill(code!);
    // A stroke with the mouse on the signature pad.
    const canvas = panel.getByTestId('signature-canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await party.mouse.move(box.x + 20, box.y + 60);
    await party.mouse.down();
    for (let i = 1; i <= 10; i += 1)
      await party.mouse.move(box.x + 20 + i * 25, box.y + 60 + (i % 2 ? -25 : 25));
    await party.mouse.up();
    // A reason being typed too; then opening the agreement refreshes the inbox (it is now read):
    // the card is patched in place, so neither the code, the reason nor the drawing is lost
    // (the signature image checked below is the one drawn before the refresh).
    await item.getByTestId('challenge').click();
    await item.locator('textarea[name=reason]').fill('尚未核对');
    await item.getByTestId('open-document').click();
    await poll(
      () => item.getAttribute('data-status'),
      (s) => s === 'read',
      10_000,
      'read once opened, the inbox refreshed',
    );
    expect(await panel.getByTestId('signing-code').inputValue()).toBe(code);
    expect(await item.locator('textarea[name=reason]').inputValue()).toBe('尚未核对');
    await item.getByTestId('challenge').click();
    await panel.getByTestId('sign').click();
    await poll(
      () => panel.locator('[data-signs-for=applicant]').innerText(),
      (s) => s.includes('✓') && s.includes('张三'),
      10_000,
      'the applicant’s signature listed',
    );
    await party.screenshot({
      path: path.join(ARTIFACTS, 'documents-signing-390x844.png'),
      fullPage: true,
    });
    const signing = await api.ok<{
      signing: { signatures: { signsFor: string; imageSha256: string | null }[] };
    }>('GET', `/cases/${c.id}/documents/${document.id}`, staffToken);
    expect(signing.signing.signatures).toEqual([
      expect.objectContaining({
        signsFor: 'applicant',
        imageSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);

    // The other side signs (its code goes to its in-app inbox).
    await api.ok('POST', `/cases/${c.id}/documents/${document.id}/signing-code`, theirs.token, {});
    await api.ok('POST', `/cases/${c.id}/documents/${document.id}/sign`, theirs.token, {
      code: await codeSentTo(respondent.id),
    });

    // The console: the mediator signs in the agreement's panel; then everyone has signed, the
    // seal is enabled; after it, the effective time.
    const mediator = await openPage(DESKTOP, 'sealer');
    await mediator.goto(`${t.url}/console`);
    await mediator.locator('input[name=username]').fill(staff.mediator.username);
    await mediator.locator('input[name=password]').fill(TEST_PASSWORD);
    await mediator.getByRole('button', { name: '登录', exact: true }).click();
    await mediator.locator(`[data-testid=case-item][data-case="${c.id}"] a`).click();
    const agreement = mediator.locator(
      `[data-testid=document-card][data-document="${document.id}"] [data-testid=agreement]`,
    );
    await agreement.waitFor({ timeout: 10_000 });
    const mediatorPanel = agreement.getByTestId('signing-panel');
    await mediatorPanel.getByTestId('request-code').click();
    await mediatorPanel.getByTestId('code-sent').filter({ hasText: /\S/ }).waitFor();
    await mediatorPanel
      .getByTestId('signing-code')
      .fill((await codeSentTo(staff.mediator.id)) ?? 'no code sent');
    await mediatorPanel.getByTestId('sign').click();
    await poll(
      () => agreement.locator('[data-signs-for=mediator]').count(),
      (n) => n > 0,
      10_000,
      'the mediator’s signature listed',
    );
    const seal = agreement.getByTestId('seal');
    await poll(
      () => seal.isEnabled(),
      (x) => x,
      10_000,
      'seal enabled',
    );
    await seal.click();
    const effective = agreement.getByTestId('effective-at');
    await effective.waitFor({ timeout: 10_000 });
    const sealed = await api.ok<{ signing: { sealed: { sealedAt: string } } }>(
      'GET',
      `/cases/${c.id}/documents/${document.id}`,
      staffToken,
    );
    expect(sealed.signing.sealed.sealedAt).toBeTruthy();
    expect(await effective.innerText()).toContain('协议生效时间');
    await agreement.screenshot({
      path: path.join(ARTIFACTS, 'documents-console-sealed-1280x800.png'),
    });
    // Opened again, the party's page shows the seal and no signing form.
    const again = await party.context().newPage();
    await again.goto(mine.link);
    const sealState = again
      .locator(`[data-testid=inbox-item][data-document="${document.id}"]`)
      .getByTestId('seal-state');
    await sealState.waitFor({ timeout: 10_000 });
    expect(await sealState.innerText()).toContain('已加盖印章');
    expect(await again.getByTestId('sign').isVisible()).toBe(false);
  });
});
