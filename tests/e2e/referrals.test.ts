/**
 * Referring a settled case to a court, in real browsers: a clerk registers
 * the court in the console and sees its API key once; the applicant uploads
 * their identity card from the join page and both parties agree, each on
 * their own page, that caucus material may go with the application; the
 * console refuses a joint application until the mediator issued it, then
 * builds the bundle and delivers it to the court's webhook once — the bytes
 * the court received, the bytes the clerk downloads and the hash on screen
 * are the same, and the bundle verifies offline with the identity card in
 * it. A power of attorney filed as ordinary evidence is refiled in the
 * console as an authorisation, and the bundle exported again carries it.
 * Before the referral the applicant's join page lists exactly the files the
 * bundle then carries. A late arbitration review is refused in the console
 * with the legal reason and goes once the clerk records why.
 * Revoked in the console, the court's key stops working.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle, type BundleManifest } from '../../server/references/bundle.js';
import { readZip } from '../../server/references/zip.js';
import type { Jwks } from '../../server/signing/jws.js';
import { launchChromium, poll } from '../support/browser.js';
import { TEST_PASSWORD } from '../support/cases.js';
import { apiClient, pngBytes, sha256sum, twoPagePdf, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settledCase, type SettledCase } from '../support/settledCase.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const COURT = '上海市浦东新区人民法院';

describe('referral to a court from the console', () => {
  let t: TestServer;
  let api: Api;
  let browser: Browser;
  let hook: Receiver;
  let w: SettledCase;
  let jwks: Jwks;
  let clerk: Page;
  const court = { id: '', apiKey: '' };
  const idCard = pngBytes();
  /** The respondent's power of attorney, uploaded as ordinary evidence by mistake. */
  const letter = { id: '', bytes: twoPagePdf('power of attorney') };
  const firstBundle = { id: '', manifest: undefined as BundleManifest | undefined };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hook = await webhookReceiver(0);
    // The court's receiver is a plain-http listener on this machine: allow-listed.
    t = await startTestServer({ WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1' });
    api = apiClient(t.url);
    w = await settledCase(t, api);
    const misfiled = await api.upload(w.caseId, w.tokens.respondent, letter.bytes, '委托书.pdf', {
      title: '被申请人授权委托书',
      purpose: '证明委托代理人的权限',
      category: 'evidence',
    });
    if (misfiled.status !== 201)
      throw new Error(`upload: ${misfiled.status} ${JSON.stringify(misfiled.body)}`);
    letter.id = (misfiled.body as { item: { id: string } }).item.id;
    jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Jwks;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await hook?.close();
  });

  async function openPage(viewport: { width: number; height: number }, who: string) {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.on('pageerror', (e) => process.stderr.write(`[${who}] page error: ${e.message}\n`));
    return page;
  }

  async function shoot(page: Page, name: string, section?: string): Promise<void> {
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      if (section) await page.getByTestId(section).scrollIntoViewIfNeeded();
      await page.screenshot({
        path: path.join(ARTIFACTS, `referrals-${name}-${size.width}x${size.height}.png`),
      });
    }
  }

  /** Downloads a bundle row's ZIP from the console: the same bytes the court received, no warning. */
  async function downloadBundle(row: Locator, received: Buffer): Promise<Buffer> {
    const [download] = await Promise.all([
      clerk.waitForEvent('download'),
      row.getByTestId('download-bundle').click(),
    ]);
    const downloaded = readFileSync((await download.path())!);
    expect(downloaded.equals(received)).toBe(true);
    expect(await row.locator('[role=alert]').count()).toBe(0);
    return downloaded;
  }

  const courtSignIn = () =>
    api.call('POST', '/institution/token', undefined, {
      institutionId: court.id,
      apiKey: court.apiKey,
    });

  const attr = (page: Page, selector: string, name: string) => () =>
    page.locator(selector).getAttribute(name);

  it('lets a clerk register a court and shows its API key once', async () => {
    clerk = await openPage(DESKTOP, 'clerk');
    await clerk.goto(`${t.url}/console`);
    await clerk.locator('input[name=username]').fill(w.staff.clerk.username);
    await clerk.locator('input[name=password]').fill(TEST_PASSWORD);
    await clerk.getByRole('button', { name: '登录', exact: true }).click();
    await clerk.getByTestId('open-institutions').click();
    const form = clerk.getByTestId('institution-form');
    await form.waitFor({ timeout: 10_000 });
    await form.getByTestId('institution-kind').selectOption('court');
    await form.getByTestId('institution-name').fill(COURT);
    await form.getByTestId('institution-webhook').fill(hook.url);
    await form.getByTestId('institution-register').click();

    const credentials = clerk.getByTestId('institution-credentials');
    await credentials.waitFor({ timeout: 10_000 });
    expect(await credentials.getByTestId('shown-once').isVisible()).toBe(true);
    court.id = await credentials.getByTestId('credential-institution-id').innerText();
    court.apiKey = await credentials.getByTestId('credential-api-key').innerText();
    expect(court.id).not.toBe('');
    expect(court.apiKey.length).toBeGreaterThan(0);
    // The key on screen is the court's real credential.
    expect((await courtSignIn()).status).toBe(200);

    const card = clerk.locator(`[data-testid=institution][data-institution="${court.id}"]`);
    await card.waitFor({ timeout: 10_000 });
    expect(await card.getAttribute('data-revoked')).toBe('false');
    expect(await card.innerText()).toContain(COURT);
    expect(await card.innerText()).toContain(hook.url);
    expect(await card.innerText()).not.toContain(court.apiKey);
    await shoot(clerk, 'institutions');

    // Reloaded, the view is the same but the key is nowhere on the page.
    await clerk.reload();
    await card.waitFor({ timeout: 10_000 });
    expect(await clerk.getByTestId('institution-credentials').count()).toBe(0);
    expect(await clerk.content()).not.toContain(court.apiKey);
  });

  it('takes the identity card and both parties’ agreement to disclose from their join pages', async () => {
    const applicant = await openPage(PHONE, 'applicant');
    await applicant.goto(`${t.url}/join#invite=${w.tokens.applicant}`);
    const upload = applicant.getByTestId('upload-form');
    await upload.waitFor({ timeout: 10_000 });
    await upload.getByTestId('evidence-category').selectOption('identity');
    await upload.locator('input[name=title]').fill('申请人身份证');
    await upload.locator('textarea[name=purpose]').fill('证明申请人身份');
    await upload
      .locator('input[name=file]')
      .setInputFiles({ name: '身份证.png', mimeType: 'image/png', buffer: idCard });
    await upload.getByTestId('upload').click();
    const receipt = applicant.getByTestId('receipt-sha256');
    await receipt.waitFor({ timeout: 10_000 });
    expect(await receipt.innerText()).toBe(`SHA-256 ${sha256sum(idCard)}`);
    await poll(
      attr(applicant, '[data-testid=evidence-item-category]', 'data-category'),
      (c) => c === 'identity',
      10_000,
      'listed as an identity paper',
    );

    /** Ticks the box and confirms; returns the card's verdict and sides once it has the reply. */
    const agree = async (page: Page, side: 'applicant' | 'respondent') => {
      const card = page.getByTestId('disclosure-card');
      await card.getByTestId('disclosure-verdict').waitFor({ timeout: 10_000 });
      expect(await card.getByTestId('disclosure-agree').isDisabled()).toBe(true);
      await card.getByTestId('disclosure-check').check();
      await card.getByTestId('disclosure-agree').click();
      await card.getByTestId('disclosure-withdraw').waitFor({ state: 'visible', timeout: 10_000 });
      const sideAgreed = (s: string) =>
        card.locator(`[data-testid=disclosure-side][data-side=${s}]`).getAttribute('data-agreed');
      expect(await sideAgreed(side)).toBe('true');
      return {
        verdict: await card.getByTestId('disclosure-verdict').getAttribute('data-agreed'),
        applicant: await sideAgreed('applicant'),
        respondent: await sideAgreed('respondent'),
      };
    };
    // The applicant first: their side agrees, the two together do not yet.
    expect(await agree(applicant, 'applicant')).toEqual({
      verdict: 'false',
      applicant: 'true',
      respondent: 'false',
    });
    const respondent = await openPage(PHONE, 'respondent');
    await respondent.goto(`${t.url}/join#invite=${w.tokens.respondent}`);
    expect(await agree(respondent, 'respondent')).toEqual({
      verdict: 'true',
      applicant: 'true',
      respondent: 'true',
    });
    await applicant.context().close();
    await respondent.context().close();
  });

  it('refuses a joint application before it is issued, then delivers the bundle once to the court', async () => {
    await clerk.getByTestId('back').click();
    await clerk.locator(`[data-testid=case-item][data-case="${w.caseId}"] a`).click();

    // The parties' choice, as staff see it.
    const disclosure = clerk.getByTestId('disclosure');
    await disclosure.getByTestId('disclosure-verdict').waitFor({ timeout: 10_000 });
    expect(await disclosure.getByTestId('disclosure-verdict').getAttribute('data-agreed')).toBe(
      'true',
    );
    for (const side of ['applicant', 'respondent'])
      expect(
        await disclosure
          .locator(`[data-testid=disclosure-side][data-side=${side}]`)
          .getAttribute('data-agreed'),
      ).toBe('true');

    const section = clerk.getByTestId('referrals');
    const form = section.getByTestId('referral-form');
    await form.waitFor({ timeout: 10_000 });
    await form.getByTestId('referral-institution').selectOption(court.id);
    await form.getByTestId('referral-kind').selectOption('judicial_confirmation');
    const result = form.getByTestId('referral-result');

    // No application issued yet: refused with the server's reason, nothing recorded or sent.
    await form.getByTestId('referral-submit').click();
    await poll(
      () => result.getAttribute('class'),
      (c) => c === 'error',
      10_000,
      'refusal shown',
    );
    expect(await result.innerText()).toContain('请先出具司法确认申请书');
    expect(await section.getByTestId('referral').count()).toBe(0);
    expect(await section.getByTestId('bundle').count()).toBe(0);
    expect(hook.attempts).toHaveLength(0);

    await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
      kind: 'judicial_confirmation_application',
      recipients: [w.applicant.id, w.respondent.id],
    });

    // Before the referral, the applicant sees on their page what the bundle will carry.
    const applicant = await openPage(PHONE, 'applicant');
    await applicant.goto(`${t.url}/join#invite=${w.tokens.applicant}`);
    const preview = applicant.locator(
      '[data-testid=referral-preview-kind][data-kind=judicial_confirmation]',
    );
    await preview.waitFor({ timeout: 10_000 });
    // Only the application issued is previewed: arbitration review is not ready.
    expect(
      await applicant
        .locator('[data-testid=referral-preview-kind][data-kind=arbitration_review]')
        .count(),
    ).toBe(0);
    const previewed = await preview
      .getByTestId('referral-preview-file')
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-path'), r.getAttribute('data-sha256')]),
      );
    expect(await preview.getByTestId('referral-preview-concessions').innerText()).toContain(
      '不得在后续的仲裁或诉讼中作为对其不利的根据',
    );
    await shoot(applicant, 'party-preview', 'referral-preview');
    await applicant.context().close();

    await form.getByTestId('referral-submit').click();
    await poll(
      () => result.innerText(),
      (s) => s.includes('已移送'),
      10_000,
      'referred',
    );
    expect(await result.getAttribute('class')).not.toBe('error');
    expect(await result.innerText()).toContain(COURT);
    const referral = section.locator('[data-testid=referral][data-kind=judicial_confirmation]');
    await referral.waitFor({ timeout: 10_000 });
    expect(await referral.getAttribute('data-institution')).toBe(court.id);

    // The bundle row follows its delivery to the court's webhook.
    const row = section.getByTestId('bundle');
    await row.waitFor({ timeout: 10_000 });
    await poll(
      () => row.getAttribute('data-delivery-status'),
      (s) => s === 'delivered',
      15_000,
      'bundle delivered',
    );
    const sha = (await row.getByTestId('bundle-sha256').getAttribute('data-sha256'))!;
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    await until(() => hook.accepted.size === 1, 5_000);
    expect(hook.attempts).toHaveLength(1);
    expect(hook.attempts[0]).toMatchObject({
      contentType: 'application/zip',
      event: 'bundle.exported',
    });
    const received = [...hook.accepted.values()][0]!;
    expect(sha256sum(received)).toBe(sha);

    // The clerk's download is the same bytes, checked in the page against the hash.
    const downloaded = await downloadBundle(row, received);

    // It verifies offline and carries the identity card the applicant uploaded, byte for byte.
    const checked = await verifyBundle(downloaded, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    expect(checked.manifest).toMatchObject({
      kind: 'judicial_confirmation',
      institution: { id: court.id, name: COURT },
      disclosureAgreed: true,
    });
    expect(Number(await row.getByTestId('bundle-file-count').innerText())).toBe(
      checked.manifest.files.length,
    );
    const identity = checked.manifest.files.filter((f) => f.role === 'identity');
    expect(identity).toHaveLength(1);
    const files = new Map(readZip(downloaded).map((e) => [e.path, e.bytes]));
    expect(sha256sum(files.get(identity[0]!.path)!)).toBe(sha256sum(idCard));
    // Ordinary evidence stays out of the bundle.
    expect(checked.manifest.files.some((f) => f.source.id === letter.id)).toBe(false);
    // What the applicant saw is what went: every path, and the hash of every file not made at sending.
    expect(previewed.map(([p]) => p)).toEqual(checked.manifest.files.map((f) => f.path));
    for (const [i, f] of checked.manifest.files.entries()) {
      const shown = previewed[i]![1];
      expect(shown === '' ? ['certificate', 'reference'] : [f.sha256]).toContain(
        shown === '' ? f.role : shown,
      );
    }
    firstBundle.id = (await row.getAttribute('data-bundle'))!;
    firstBundle.manifest = checked.manifest;
    await shoot(clerk, 'case', 'referrals');
  });

  it('refiles a power of attorney as an authorisation and exports the bundle again with it', async () => {
    await clerk.setViewportSize(DESKTOP);
    const item = clerk.locator(`[data-testid=evidence-item][data-item="${letter.id}"]`);
    const category = item.getByTestId('evidence-item-category');
    expect(await category.getAttribute('data-category')).toBe('evidence');
    const select = clerk.locator(
      `[data-testid=evidence-category-select][data-item="${letter.id}"]`,
    );
    expect(await select.inputValue()).toBe('evidence');
    await select.selectOption('authorisation');
    await poll(
      () => category.getAttribute('data-category'),
      (c) => c === 'authorisation',
      10_000,
      'refiled as an authorisation',
    );
    expect(await select.inputValue()).toBe('authorisation');
    expect(await item.locator('[role=alert]').innerText()).toBe('');
    const { items } = await api.ok<{ items: { id: string; category: string }[] }>(
      'GET',
      `/cases/${w.caseId}/evidence`,
      w.clerk,
    );
    expect(items.find((i) => i.id === letter.id)?.category).toBe('authorisation');

    const section = clerk.getByTestId('referrals');
    const referralId = await section
      .locator('[data-testid=referral][data-kind=judicial_confirmation]')
      .getAttribute('data-referral');
    await section.locator(`[data-testid=reexport-bundle][data-referral="${referralId}"]`).click();
    const row = section.locator(`[data-testid=bundle]:not([data-bundle="${firstBundle.id}"])`);
    await row.waitFor({ timeout: 10_000 });
    await poll(
      () => row.getAttribute('data-delivery-status'),
      (s) => s === 'delivered',
      15_000,
      'second bundle delivered',
    );
    expect(await section.getByTestId('bundle').count()).toBe(2);
    expect(await section.locator('[data-testid=referral] [role=alert]').count()).toBe(0);
    const sha = (await row.getByTestId('bundle-sha256').getAttribute('data-sha256'))!;
    await until(() => hook.accepted.size === 2, 5_000);
    const received = [...hook.accepted.values()][1]!;
    expect(sha256sum(received)).toBe(sha);

    const downloaded = await downloadBundle(row, received);

    const checked = await verifyBundle(downloaded, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    expect(checked.manifest.bundleId).toBe(await row.getAttribute('data-bundle'));
    expect(checked.manifest.referral.id).toBe(referralId);
    const refiled = checked.manifest.files.filter((f) => f.source.id === letter.id);
    expect(refiled).toHaveLength(1);
    expect(refiled[0]).toMatchObject({ role: 'authorisation', source: { kind: 'evidence' } });
    const files = new Map(readZip(downloaded).map((e) => [e.path, e.bytes]));
    expect(sha256sum(files.get(refiled[0]!.path)!)).toBe(sha256sum(letter.bytes));
    expect(checked.manifest.files.filter((f) => f.role === 'identity')).toHaveLength(1);
    // The first bundle, as delivered, did not carry it.
    expect(firstBundle.manifest?.files.some((f) => f.source.id === letter.id)).toBe(false);
    await shoot(clerk, 'refiled', 'evidence-section');
    await shoot(clerk, 'reexported', 'referrals');
  });

  it('refuses a late arbitration review with the legal reason, then sends it with the reason the clerk gives', async () => {
    await clerk.setViewportSize(DESKTOP);
    const commission = await api.ok<{ institution: { id: string } }>(
      'POST',
      '/institutions',
      w.clerk,
      { kind: 'arbitration', name: '上海市浦东新区劳动人事争议仲裁委员会' },
    );
    await api.ok('POST', `/cases/${w.caseId}/documents`, w.mediator, {
      kind: 'arbitration_review_application',
      recipients: [w.applicant.id, w.respondent.id],
    });
    // The 15-day window closed yesterday (as if the agreement took effect weeks ago).
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    await t.server.database.run(
      `UPDATE deadlines SET due_on = ?, status = 'overdue' WHERE case_id = ? AND kind = ?`,
      [yesterday, w.caseId, 'arbitration_review'],
    );

    await clerk.getByTestId('back').click();
    await clerk.locator(`[data-testid=case-item][data-case="${w.caseId}"] a`).click();
    const section = clerk.getByTestId('referrals');
    const form = section.getByTestId('referral-form');
    await form.waitFor({ timeout: 10_000 });
    await form.getByTestId('referral-institution').selectOption(commission.institution.id);
    await form.getByTestId('referral-kind').selectOption('arbitration_review');
    const result = form.getByTestId('referral-result');
    const late = form.getByTestId('referral-late');
    expect(await late.isVisible()).toBe(false);
    await form.getByTestId('referral-submit').click();
    await poll(
      () => result.getAttribute('class'),
      (c) => c === 'error',
      10_000,
      'late refusal shown',
    );
    expect(await result.innerText()).toContain(`仲裁审查申请期限已于 ${yesterday} 届满`);
    expect(await late.isVisible()).toBe(true);
    expect(
      await section.locator('[data-testid=referral][data-kind=arbitration_review]').count(),
    ).toBe(0);
    await shoot(clerk, 'late-refused', 'referral-form');

    const reason = '双方当事人在期限内已向仲裁委员会提交纸质申请，现补充电子材料';
    await form.getByTestId('referral-late-reason').fill(reason);
    await form.getByTestId('referral-submit').click();
    await poll(
      () => result.innerText(),
      (s) => s.includes('已移送'),
      10_000,
      'referred late',
    );
    const row = section.locator('[data-testid=referral][data-kind=arbitration_review]');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('referral-sent-late').innerText()).toContain(reason);
    expect(await late.isVisible()).toBe(false);
  });

  it('revokes the court in the console, after which its key is refused', async () => {
    await clerk.setViewportSize(DESKTOP);
    await clerk.getByTestId('back').click();
    await clerk.getByTestId('open-institutions').click();
    const card = clerk.locator(`[data-testid=institution][data-institution="${court.id}"]`);
    await card.waitFor({ timeout: 10_000 });
    // Re-opened, the view still keeps the key to itself.
    expect(await clerk.getByTestId('institution-credentials').count()).toBe(0);

    // The delivery log lists both bundles, delivered.
    await card.getByTestId('show-webhooks').click();
    const deliveries = card.getByTestId('webhook-delivery');
    await deliveries.first().waitFor({ timeout: 10_000 });
    const listed = await deliveries.evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-delivery'), r.getAttribute('data-status')]),
    );
    expect(listed.map(([, status]) => status)).toEqual(['delivered', 'delivered']);
    expect(new Set(listed.map(([key]) => key))).toEqual(new Set(hook.accepted.keys()));

    await card.getByTestId('revoke-institution').click();
    await card.getByTestId('revoke-confirm').click();
    await poll(
      () => card.getAttribute('data-revoked'),
      (r) => r === 'true',
      10_000,
      'court revoked',
    );
    expect(await card.innerText()).toContain('已撤销');
    expect(await card.getByTestId('revoke-institution').count()).toBe(0);
    expect((await courtSignIn()).status).toBe(401);
  });
});
