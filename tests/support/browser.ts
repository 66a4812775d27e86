/** Debian's Chromium driven by playwright-core, with a fake camera and microphone. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: run \`scripts/install-system-deps.sh test\` (npm test does)`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export type InboundBytes = Record<string, { audio: number; video: number }>;

/** The page's read-only diagnostics (see client/src/main.ts). */
export const diagnostics = {
  status: (page: Page) => page.evaluate('window.__mediation.status()') as Promise<string>,
  participants: (page: Page) =>
    page.evaluate('window.__mediation.participants()') as Promise<string[]>,
  inboundBytes: (page: Page) =>
    page.evaluate('window.__mediation.inboundBytes()') as Promise<InboundBytes>,
};

export async function poll<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const start = Date.now();
  let last: T | undefined;
  while (Date.now() - start < timeoutMs) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not reached in ${timeoutMs} ms; last value ${JSON.stringify(last)}`);
}
