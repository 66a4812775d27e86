/**
 * A paper signing and the payment order it opens, in real browsers: the
 * mediator records the paper signing from the agreement's card in the
 * console — refused with a clear message without a scan and with a signing
 * date after today, then recorded with the scan uploaded from the screen,
 * which makes the agreement effective. The performance deadline long passed
 * on a wage claim, the worker's join page shows the payment-order card; the
 * worker sends the pack to the court it picks, and the court's webhook
 * receives a bundle that verifies offline and holds the scan of the signed
 * paper.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../server/references/bundle.js';
import type { Jwks } from '../../server/signing/jws.js';
import { launchChromium, poll } from '../support/browser.js';
import { TEST_PASSWORD } from '../support/cases.js';
import { apiClient, pngBytes, type Api } from '../support/evidenceHttp.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settledCase } from '../support/settledCase.js';
import { until, webhookReceiver, type Receiver } from '../support/webhookReceiver.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const COURT = '上海市某区人民法院';

describe('paper signing in the console, then the worker’s payment order', () => {
  let t: TestServer;
  let api: Api;
  let browser: Browser;
  let hook: Receiver;
  let w: Awaited<ReturnType<typeof settledCase>>;
  let jwks: Jwks;
  let court: string;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    hook = await webhookReceiver(0);
    t = await startTestServer({ WEBHOOK_HTTP_ALLOWLIST: '127.0.0.1' });
    api = apiClient(t.url);
    // A wage claim whose agreement is issued, unsigned, with a deadline long passed.
    w = await settledCase(t, api, { performanceDeadline: '2026-01-30', unsigned: true });
    court = (
      await api.ok<{ institution: { id: string } }>('POST', '/institutions', w.clerk, {
        kind: 'court',
        name: COURT,
        webhookUrl: hook.url,
      })
    ).institution.id;
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

  async function shoot(page: Page, name: string, section: string): Promise<void> {
    for (const size of [PHONE, DESKTOP]) {
      await page.setViewportSize(size);
      await page.getByTestId(section).scrollIntoViewIfNeeded();
      await page.screenshot({
        path: path.join(ARTIFACTS, `payment-order-${name}-${size.width}x${size.height}.png`),
      });
    }
  }

  it('records the paper signing from the console, with clear refusals first', async () => {
    const mediator = await openPage(DESKTOP, 'mediator');
    await mediator.goto(`${t.url}/console`);
    await mediator.locator('input[name=username]').fill(w.staff.mediator.username);
    await mediator.locator('input[name=password]').fill(TEST_PASSWORD);
    await mediator.getByRole('button', { name: '登录', exact: true }).click();
    await mediator.locator(`[data-testid=case-item][data-case="${w.caseId}"] a`).click();
    const form = mediator.getByTestId('paper-signing');
    await form.waitFor({ timeout: 15_000 });
    expect(await form.getByTestId('paper-party').count()).toBe(2);
    const error = form.getByTestId('paper-error');

    // No scan filed or chosen: said before anything is sent.
    await form.getByTestId('paper-submit').click();
    await poll(
      () => error.innerText(),
      (s) => s.includes('请先选择或上传'),
      10_000,
      'no scan',
    );

    // The scan uploaded from the screen; a signing date after today: the server's reason.
    await form
      .getByTestId('paper-scan-file')
      .setInputFiles({ name: '签署页.png', mimeType: 'image/png', buffer: pngBytes() });
    await form.getByTestId('paper-signed-on').last().fill('2099-01-01');
    await form.getByTestId('paper-submit').click();
    await poll(
      () => error.innerText(),
      (s) => s.includes('签署日期不能早于协议出具日，也不能晚于今天'),
      10_000,
      'future date refused',
    );
    const scans = await form.getByTestId('paper-scan').locator('option').count();
    expect(scans).toBe(1);
    await shoot(mediator, 'paper-refused', 'paper-signing');

    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
    await form.getByTestId('paper-signed-on').last().fill(today);
    await form.getByTestId('paper-submit').click();
    await mediator.getByTestId('effective-paper').waitFor({ timeout: 15_000 });
    expect(await mediator.getByTestId('paper-signing').count()).toBe(0);
    const { case: c } = await api.ok<{ case: { outcome: { effectiveAt: string | null } } }>(
      'GET',
      `/cases/${w.caseId}`,
      w.clerk,
    );
    expect(c.outcome.effectiveAt).not.toBeNull();
    await shoot(mediator, 'paper-recorded', 'effective-paper');
    await mediator.context().close();
  });

  it('shows the worker the payment-order card and sends the pack to the court it picks', async () => {
    // The employer's page has no such card.
    const respondent = await openPage(PHONE, 'respondent');
    await respondent.goto(`${t.url}/join#invite=${w.tokens.respondent}`);
    await respondent.getByTestId('disclosure-card').waitFor({ timeout: 15_000 });
    expect(await respondent.getByTestId('payment-order-card').isVisible()).toBe(false);
    await respondent.context().close();

    const worker = await openPage(PHONE, 'applicant');
    await worker.goto(`${t.url}/join#invite=${w.tokens.applicant}`);
    const card = worker.getByTestId('payment-order-card');
    await card.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await card.getByTestId('payment-order-due').innerText()).toContain('2026-01-30');
    expect(await card.getByTestId('payment-order-court').inputValue()).toBe(court);
    await card.getByTestId('payment-order-send').click();
    const pack = card.getByTestId('payment-order-pack');
    await pack.waitFor({ timeout: 30_000 });
    expect(await pack.innerText()).toContain(COURT);
    await shoot(worker, 'worker-card', 'payment-order-card');

    await until(() => hook.accepted.size === 1, 30_000);
    const [zip] = [...hook.accepted.values()];
    const checked = await verifyBundle(zip!, jwks);
    expect(checked.ok, checked.ok ? '' : checked.reason).toBe(true);
    if (!checked.ok) return;
    expect(checked.manifest.kind).toBe('payment_order');
    const roles = checked.manifest.files.map((f) => f.role);
    expect(roles).toContain('payment_order_application');
    expect(roles).toContain('signed_agreement');
    await worker.context().close();
  });
});
