/**
 * The staff console in Chromium for end-to-end tests: a staff member signed in on a page of
 * their own, and the two screenshots (desktop and phone) a console view is kept with.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { TEST_PASSWORD } from './cases.js';

export const ARTIFACTS = path.resolve('tests/artifacts');
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** Signs `username` in at `/console` in a fresh context; resolves once `ready` is shown. */
export async function consoleSignIn(
  browser: Browser,
  baseUrl: string,
  username: string,
  ready = 'signed-in',
): Promise<Page> {
  const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  page.on('pageerror', (e) => process.stderr.write(`[${username}] page error: ${e.message}\n`));
  await page.goto(`${baseUrl}/console`);
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByTestId(ready).first().waitFor({ timeout: 10_000 });
  return page;
}

/** `console-<name>-1280x800.png` and `…-390x844.png` in tests/artifacts; back at desktop size. */
export async function shootConsole(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}-1280x800.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(ARTIFACTS, `console-${name}-390x844.png`) });
  await page.setViewportSize(DESKTOP);
}
