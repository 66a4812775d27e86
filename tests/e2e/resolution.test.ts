/**
 * Real video resolution: with Chromium's fake camera at 1280×720, the sender
 * captures 720p and sends every simulcast layer it configures, a receiver
 * choosing 高 decodes the full 1280-wide picture, 中 the half-size layer and
 * 低 the quarter-size one, and on 自动 a small tile gets a smaller layer than
 * a large one.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnostics, joinWithAdmission, launchChromium, poll } from '../support/browser.js';
import { pageView } from '../support/mediaRecovery.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SESSION = 'SESSION-RES';

/** The width of the picture a receiver decodes from a sender's camera (0 while none). */
async function decodedWidth(page: Page, sender: string): Promise<number> {
  return (await pageView(page)).tiles[sender]?.width ?? 0;
}

/** The five processes using most CPU, for a failure's report (what starved the encoder). */
function busiestProcesses(): string {
  try {
    return execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu'], { encoding: 'utf8' })
      .split('\n')
      .slice(1, 6)
      .map((line) => line.trim())
      .join(', ');
  } catch {
    return 'ps unavailable';
  }
}

/**
 * How long a layer may take to arrive. Chromium's bandwidth estimate has to ramp up to the top
 * layer's bitrate; with the page's 720p software encoder and the server on two cores it took up
 * to 9.6 s, and in 2 of 8 full-suite runs (load average about 5) more than the 15 s allowed
 * before (the sender reported `limitation: bandwidth`, an estimate of 0.89 Mbit/s).
 */
const LAYER_WAIT_MS = 40_000;

describe('camera resolution in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let sender: Page;
  let receiver: Page;
  const figures: string[] = [];

  beforeAll(async () => {
    if (!existsSync('client/dist/index.html'))
      throw new Error('client/dist is missing: run `npm test` (it builds the client)');
    t = await startTestServer();
    browser = await launchChromium();
    const open = async (sub: string, name: string, role: 'mediator' | 'party') => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => process.stderr.write(`[${sub}] page error: ${e.message}\n`));
      const token = await t.token({ sub, name, role, caseId: 'CASE-RES', sessionId: SESSION });
      await page.goto(`${t.url}/join#token=${token}`);
      return page;
    };
    sender = await open('mediator', '王调解', 'mediator');
    receiver = await open('applicant', '张三', 'party');
    await joinWithAdmission(sender, [{ page: receiver, participantId: 'applicant' }]);
    // Only the mediator's camera is under test. Both pages share one Chromium on
    // two cores; a second 720p simulcast encoder starved the first under the
    // suite's load until its bandwidth estimate never reached the top layer.
    await receiver.getByTestId('toggle-camera').click();
  });

  afterAll(async () => {
    if (figures.length) process.stdout.write(`decoded widths: ${figures.join('; ')}\n`);
    await browser?.close();
    await t?.close();
  });

  it('captures 1280×720 and sends every configured simulcast layer', async () => {
    const local = (await sender.evaluate(
      `(() => { const v = document.querySelector('[data-testid="local-tile"] video'); return [v.videoWidth, v.videoHeight]; })()`,
    )) as [number, number];
    expect(local).toEqual([1280, 720]);
    const camera = t.server.sessions
      .get(SESSION)!
      .participant('mediator')
      .producerBySource('camera');
    expect(camera?.rtpParameters.encodings).toHaveLength(3);
    // Each layer's stream carries bytes: none is configured and silently dropped.
    const stats = await poll(
      async () => (await camera!.getStats()).filter((s) => s.type === 'inbound-rtp'),
      (list) => list.length === 3 && list.every((s) => s.byteCount > 20_000),
      LAYER_WAIT_MS,
      'every simulcast layer of the camera received',
    ).catch(async (error: unknown) => {
      // The sender's side of a missing layer: bytes and width per layer, its bandwidth estimate.
      const sent = await diagnostics.outboundCamera(sender).catch(() => null);
      process.stderr.write(`sender's camera as sent: ${JSON.stringify(sent)}\n`);
      process.stderr.write(`machine: load ${loadavg().join(' ')}; ${busiestProcesses()}\n`);
      throw error;
    });
    expect(new Set(stats.map((s) => s.rid))).toEqual(new Set(['r0', 'r1', 'r2']));
  });

  for (const [value, label, accept] of [
    // 低 first: 高 must then raise the picture from the lowest layer to the top one.
    ['0', '低', (w: number) => w === 320],
    ['2', '高', (w: number) => w >= 1280],
    ['1', '中', (w: number) => w === 640],
  ] as const) {
    it(`gives a receiver choosing ${label} the matching layer`, async () => {
      const tile = receiver.locator('[data-testid="remote-tile"][data-participant="mediator"]');
      const started = Date.now();
      await tile.getByTestId('layer-select').selectOption(value);
      const width = await poll(
        () => decodedWidth(receiver, 'mediator'),
        accept,
        LAYER_WAIT_MS,
        `decoded width for ${label}`,
      ).catch(async (error: unknown) => {
        // What held the layer back: the SFU's view of the consumer (its layers, the
        // transport's outgoing bitrate estimate) and what else ran on the machine.
        const party = t.server.sessions
          .get(SESSION)
          ?.participants()
          .find((p) => p.identity.role !== 'mediator');
        const consumer = [...(party?.consumers.values() ?? [])].find((c) => c.kind === 'video');
        const layers = consumer ? await consumer.getStats().catch(() => null) : null;
        process.stderr.write(
          `layer ${label}: consumer ${JSON.stringify({
            current: consumer?.currentLayers,
            preferred: consumer?.preferredLayers,
            stats: layers,
          })}\n`,
        );
        process.stderr.write(`machine: load ${loadavg().join(' ')}; ${busiestProcesses()}\n`);
        throw error;
      });
      figures.push(`${label} ${width} px after ${Date.now() - started} ms`);
    });
  }

  it('follows the tile size on 自动: a small tile gets a lower layer than a large one', async () => {
    const tile = receiver.locator('[data-testid="remote-tile"][data-participant="mediator"]');
    await tile.getByTestId('layer-select').selectOption('auto');
    await receiver.setViewportSize({ width: 390, height: 844 });
    const small = await poll(
      () => decodedWidth(receiver, 'mediator'),
      (w) => w === 320,
      LAYER_WAIT_MS,
      'small tile decodes the lowest layer',
    );
    await receiver.setViewportSize({ width: 1280, height: 800 });
    const large = await poll(
      () => decodedWidth(receiver, 'mediator'),
      (w) => w > small,
      LAYER_WAIT_MS,
      'large tile decodes a higher layer',
    );
    const tileWidth = await tile.evaluate(
      (node) => (node as unknown as { clientWidth: number }).clientWidth,
    );
    figures.push(`自动: small tile ${small} px, ${tileWidth}-px tile ${large} px`);
  });

  it('shows a shared screen at the size it is captured, not scaled down', async () => {
    // The size of the browser's (fake) screen source, asked for as the page does.
    const [sourceWidth] = (await sender.evaluate(`navigator.mediaDevices
      .getDisplayMedia({ video: { frameRate: { ideal: 10 } }, audio: false })
      .then((s) => {
        const { width, height } = s.getVideoTracks()[0].getSettings();
        s.getTracks().forEach((tr) => tr.stop());
        return [width, height];
      })`)) as [number, number];
    await sender.getByTestId('toggle-screen').click();
    const video = receiver.getByTestId('screen-tile').locator('video');
    const width = await poll(
      () =>
        video.evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth).catch(() => 0),
      (w) => w === sourceWidth,
      LAYER_WAIT_MS,
      `screen decoded at the source's ${sourceWidth} px`,
    );
    figures.push(`screen ${width} px (source ${sourceWidth} px)`);
    await sender.getByTestId('toggle-screen').click();
  });
});
