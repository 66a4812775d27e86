/**
 * The join page's first screen, from the built client as the server sends it:
 * the JavaScript the page loads before it can show the device check and the
 * join button stays under a budget (compressed, as sent), without the media
 * and signalling client, which is fetched afterwards; before any script has
 * run the page already shows its title and a loading notice.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, poll } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Compressed bytes of JavaScript the join page needs for its first screen (entry + preloads). */
const FIRST_SCREEN_JS_BUDGET = 40 * 1024;

/** GET with exactly these headers; the body as sent (not decoded). */
function get(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(url, { headers }, (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(parts),
            }),
          );
        })
        .on('error', reject);
    },
  );
}

describe('the join page’s first screen', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync('client/dist/index.html'))
      throw new Error('client/dist is missing: run `npm test` (it builds the client)');
    t = await startTestServer({ MEDIASOUP_NUM_WORKERS: '1' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it(`needs at most ${FIRST_SCREEN_JS_BUDGET / 1024} KiB of compressed JavaScript, the signalling client but not the media client`, async () => {
    const page = await get(`${t.url}/join`, { 'accept-encoding': 'identity' });
    expect(page.status).toBe(200);
    const html = page.body.toString();
    const preloads = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*>/g)].map((m) => m[0]);
    // The media client's chunks are named too, at low priority, for the browser to fetch
    // while it runs the entry; the first screen does not wait for them.
    const media = preloads.filter((tag) => /\sdata-media(\s|>|=)/.test(tag));
    expect(media.length).toBeGreaterThan(0);
    for (const tag of media) expect(tag).toMatch(/fetchpriority="low"/);
    const scripts = [
      ...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g),
      ...preloads.filter((tag) => !media.includes(tag)).map((tag) => /href="([^"]+)"/.exec(tag)!),
    ].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    let sent = 0;
    let withCallSection = false;
    let withSignalling = false;
    for (const src of scripts) {
      const reply = await get(`${t.url}${src}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(reply.status, src).toBe(200);
      expect(reply.headers['content-encoding'], src).toBe('br');
      expect(reply.headers['cache-control'], src).toBe('public, max-age=31536000, immutable');
      sent += reply.body.length;
      const code = brotliDecompressSync(reply.body).toString();
      // mediasoup-client comes later, in a chunk of its own. socket.io-client is in the
      // first screen: the signalling connection opens while the entry runs (bench:join: a
      // lazily imported signalling chunk resolved only after the first render, 250 ms later).
      expect(code.includes('mediasoup-client'), `${src} holds mediasoup-client`).toBe(false);
      withSignalling ||= code.includes('engine.io');
      // So do the texts of every refusal reason (client/src/shared/errorText.ts).
      expect(code.includes('SESSION_LOCKED'), `${src} holds the reason texts`).toBe(false);
      // And Vue, which renders the in-call view (client/src/call/view/).
      expect(code.includes('__vue_app__'), `${src} holds the Vue runtime`).toBe(false);
      // Of the one catalogue (client/src/shared/catalogue/), only the call section: not the
      // documents', the console's or the codes' (nor vue-i18n, which the console reads it with).
      expect(code.includes('暂无送达给您的文书'), `${src} holds the documents section`).toBe(false);
      expect(code.includes('Mediation console'), `${src} holds the console section`).toBe(false);
      expect(code.includes('waiting to render'), `${src} holds the codes`).toBe(false);
      expect(code.includes('vue-i18n'), `${src} holds vue-i18n`).toBe(false);
      withCallSection ||= code.includes('加入调解');
      // The gzip body is the same file.
      const gz = await get(`${t.url}${src}`, { 'accept-encoding': 'gzip' });
      expect(gunzipSync(gz.body).toString(), src).toBe(code);
    }
    expect(withCallSection, 'the first screen has the call section').toBe(true);
    expect(withSignalling, 'the first screen has the signalling client').toBe(true);
    expect(sent, `first-screen JavaScript: ${sent} bytes sent`).toBeLessThanOrEqual(
      FIRST_SCREEN_JS_BUDGET,
    );
    // What the low-priority preloads name is the media client itself.
    const mediaCode = await Promise.all(
      media.map(async (tag) => {
        const reply = await get(`${t.url}${/href="([^"]+)"/.exec(tag)![1]!}`, {
          'accept-encoding': 'identity',
        });
        return reply.body.toString();
      }),
    );
    expect(mediaCode.some((code) => code.includes('mediasoup-client'))).toBe(true);
  });

  it('shows the title and a loading notice before any script runs', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    try {
      const page = await context.newPage();
      await page.goto(`${t.url}/join`);
      expect(await page.locator('h1').innerText()).toBe('在线调解');
      expect(await page.getByTestId('page-loading').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('shows the join button from the small entry, then fetches the media client compressed', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const page = await context.newPage();
      const token = await t.token({
        sub: 'first-screen-party',
        name: '张三',
        role: 'party',
        caseId: 'CASE-FIRST-SCREEN',
        sessionId: 'SESSION-FIRST-SCREEN',
      });
      await page.goto(`${t.url}/join#token=${token}`);
      await page.getByTestId('join').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('page-loading').count()).toBe(0);
      // Fetched while the camera starts, so that joining does not wait for it.
      const media = await poll(
        async () =>
          (await page.evaluate(
            `performance.getEntriesByType('resource')
              .filter((e) => e.name.includes('/assets/CallClient-'))
              .map((e) => ({ encoded: e.encodedBodySize, decoded: e.decodedBodySize }))`,
          )) as { encoded: number; decoded: number }[],
        (entries) => entries.length > 0 && entries[0]!.encoded > 0,
        15_000,
        'media client fetched',
      );
      // Sent compressed: well under a third of its size.
      expect(media[0]!.encoded).toBeLessThan(media[0]!.decoded / 3);
    } finally {
      await context.close();
    }
  });
});
