/**
 * Real network faults, not emulated ones: the applicant's Chromium runs in a
 * network namespace of its own, the mediator's and the respondent's in
 * another, and the server in the root namespace (tests/support/netns.ts).
 * The applicant's link is limited to 300 kbit/s, taken down, or stripped of
 * UDP, and the call must carry on.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diagnostics,
  joinWithAdmission,
  launchChromium,
  mediaFlowing,
  poll,
  type InboundMedia,
} from '../support/browser.js';
import { NetnsRig, udpEchoes, type NetnsHost } from '../support/netns.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SESSION = { caseId: 'CASE-NET', sessionId: 'SESSION-NET' };
const PEOPLE = [
  { sub: 'mediator', name: '王调解', role: 'mediator' as const },
  { sub: 'applicant', name: '张三', role: 'party' as const },
  { sub: 'respondent', name: '李四', role: 'party' as const },
];

/** How long the applicant's link is held to 300 kbit/s. */
const LIMITED_MS = 20_000;
/**
 * The sender's first seconds at 300 kbit/s: its bandwidth estimate falls from
 * over 2 Mbit/s to ~200 kbit/s within 2 s, and what it sent meanwhile
 * overflows the link's queue (2–15 % of the audio packets lost, measured).
 */
const ADAPT_MS = 5_000;
/**
 * Audio after that: Opus sends a packet every 20 ms (every 400 ms in silence,
 * with DTX), so a second without one is 50 frames lost, a word gone; readings
 * 250 ms apart cannot see much shorter gaps. Measured: none over 313 ms,
 * 0.0 % of packets lost.
 */
const SILENCE_MS = 1_000;
const AUDIO_LOSS = 0.05;
/**
 * From the limit lifted to the top layer decoded again. Two estimators climb
 * back in turn: the sender's (Chromium's, from ~200 kbit/s by 6–8 % a second
 * to the ~1.25 Mbit/s it needs before it enables the 1280-wide layer: 25–28 s
 * measured), then the SFU's towards the receiver (3–11 s). Measured 30, 33 and
 * 40 s in all.
 */
const RECOVERY_MS = 60_000;
/** The lower layer still moves: frames decoded a second at the receiver. */
const MIN_FPS = 5;
/** For the 1280-wide layer before the limit (a second or two on an idle machine). */
const TOP_LAYER_MS = 30_000;

/**
 * Audio as a receiver's readings show it: the longest run of readings without
 * a new packet (a lower bound on a silence: the readings are 250 ms apart or
 * more), the share of packets lost (from RTP sequence numbers, whatever the
 * readings' spacing) and packets a second.
 */
function audioFigures(readings: { at: number; packets: number; lost: number }[]): {
  longestSilence: number;
  lossShare: number;
  rate: number;
} {
  let longestSilence = 0;
  for (let i = 0, from = 0; i < readings.length; i++) {
    if (i > 0 && readings[i]!.packets > readings[i - 1]!.packets) from = i;
    longestSilence = Math.max(longestSilence, readings[i]!.at - readings[from]!.at);
  }
  const first = readings[0];
  const last = readings.at(-1);
  if (!first || !last) return { longestSilence, lossShare: 0, rate: 0 };
  const received = last.packets - first.packets;
  const lost = last.lost - first.lost;
  return {
    longestSilence,
    lossShare: lost / Math.max(1, received + lost),
    rate: (received / Math.max(1, last.at - first.at)) * 1000,
  };
}

function log(line: string): void {
  process.stdout.write(`[network-faults] ${line}\n`);
}

describe('a mediation call under real network faults', () => {
  let rig: NetnsRig | undefined;
  let applicantNs: NetnsHost;
  let othersNs: NetnsHost;
  let t: TestServer | undefined;
  const browsers: Browser[] = [];
  const pages = new Map<string, Page>();

  // Two Chromium processes joining through the waiting room: generous on a loaded machine.
  beforeAll(async () => {
    if (!existsSync('client/dist/index.html'))
      throw new Error('client/dist is missing: run `npm test` (it builds the client)');
    rig = NetnsRig.create();
    applicantNs = rig.addHost();
    othersNs = rig.addHost();
    t = await startTestServer({
      HTTP_HOST: rig.serverIp,
      MEDIASOUP_LISTEN_IP: rig.serverIp,
    });
    const url = `http://${rig.serverIp}:${t.server.port}`;
    const applicantBrowser = await launchChromium({
      executablePath: applicantNs.chromium,
      secureOrigins: [url],
    });
    browsers.push(applicantBrowser);
    const othersBrowser = await launchChromium({
      executablePath: othersNs.chromium,
      secureOrigins: [url],
    });
    browsers.push(othersBrowser);
    for (const person of PEOPLE) {
      const browser = person.sub === 'applicant' ? applicantBrowser : othersBrowser;
      const context = await browser.newContext({ viewport: { width: 640, height: 800 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`[${person.sub}] page error: ${e.message}`));
      const token = await t.token({ ...person, ...SESSION });
      await page.goto(`${url}/join#token=${token}`);
      pages.set(person.sub, page);
    }
    await joinWithAdmission(pages.get('mediator')!, [
      { page: pages.get('applicant')!, participantId: 'applicant' },
      { page: pages.get('respondent')!, participantId: 'respondent' },
    ]);
    await mediaFlowing(pages.get('mediator')!, ['applicant', 'respondent'], 30_000);
    await mediaFlowing(pages.get('applicant')!, ['mediator', 'respondent'], 30_000);
  }, 120_000);

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await t?.close();
    rig?.close();
  });

  it('keeps the audio of a party on a 300 kbit/s link, sends its video on a lower layer and shows it', async () => {
    const applicant = pages.get('applicant')!;
    const respondent = pages.get('respondent')!;
    const mediator = pages.get('mediator')!;
    const fromApplicant = async (): Promise<InboundMedia[string] | undefined> =>
      (await diagnostics.inboundMedia(respondent))['applicant'];
    // The respondent asks for 高 of the applicant's camera: the top layer whatever the tile's size.
    await respondent
      .locator('[data-testid="remote-tile"][data-participant="applicant"]')
      .getByTestId('layer-select')
      .selectOption('2');
    // The top layer, 1280 wide, unless the sender's estimate cannot reach the
    // 1.25 Mbit/s it takes on this machine (its CPU shared with other tests
    // once held it at 440 kbit/s without any limit): then the layer it has.
    const chosenAt = Date.now();
    let before = 0;
    let sending = '';
    while (Date.now() - chosenAt < TOP_LAYER_MS && before < 1280) {
      const [m, camera] = await Promise.all([
        fromApplicant(),
        diagnostics.outboundCamera(applicant),
      ]);
      before = Math.max(before, m?.videoWidth ?? 0);
      const layers = camera?.layers.filter((l) => l.frameWidth > 0).map((l) => l.frameWidth);
      const estimate = Math.round((camera?.availableOutgoingBitrate ?? 0) / 1000);
      sending = `${layers?.join('+')} sent on ${estimate} kbit/s`;
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`before the limit: ${before} px decoded ${Date.now() - chosenAt} ms after 高 (${sending})`);
    // At least two layers, so that there is a lower one to drop to.
    expect(before).toBeGreaterThanOrEqual(640);
    const badge = () => applicant.getByTestId('own-quality').getAttribute('data-level');
    /** The respondent's view of the applicant, every 250 ms. */
    const media: { at: number; packets: number; lost: number; width: number; frames: number }[] =
      [];
    /** What the applicant and the mediator are shown, about every second. */
    const shown: { at: number; own: string; badge: string; mediator: number | null }[] = [];
    const sent: string[] = [];
    let done = false;
    const start = Date.now();
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const watchMedia = async () => {
      while (!done) {
        const m = await fromApplicant();
        media.push({
          at: Date.now() - start,
          packets: m?.audioPackets ?? 0,
          lost: m?.audioLost ?? 0,
          width: m?.videoWidth ?? 0,
          frames: m?.framesDecoded ?? 0,
        });
        await sleep(250);
      }
    };
    const watchIndicators = async () => {
      while (!done) {
        const [own, level, score, camera] = await Promise.all([
          diagnostics.ownQuality(applicant),
          badge(),
          diagnostics.quality(mediator, 'applicant'),
          diagnostics.outboundCamera(applicant),
        ]);
        const at = Date.now() - start;
        shown.push({ at, own: own.level ?? 'unknown', badge: level ?? 'none', mediator: score });
        const layers = camera?.layers.filter((l) => l.frameWidth > 0).map((l) => l.frameWidth);
        sent.push(
          `${at}:${Math.round((camera?.availableOutgoingBitrate ?? 0) / 1000)}k/${layers?.join('+')}`,
        );
        await sleep(1000);
      }
    };
    const watching = Promise.all([watchMedia(), watchIndicators()]);
    let clearedAt = 0;
    try {
      applicantNs.limit(300);
      expect(applicantNs.rateLimited()).toBe(true);
      await sleep(LIMITED_MS);
      applicantNs.clearFaults();
      clearedAt = Date.now() - start;
      expect(applicantNs.rateLimited()).toBe(false);
      // Back to the top layer once the sender's estimate has climbed again.
      await poll(
        async () => media.at(-1)?.width ?? 0,
        (w) => w >= before,
        RECOVERY_MS,
        'the layer of before the limit, after the limit is lifted',
      ).catch((error: unknown) => error);
    } finally {
      applicantNs.clearFaults();
      done = true;
      await watching;
    }
    const backAt = media.find((m) => m.at > clearedAt && m.width >= before)?.at;

    const adapting = audioFigures(media.filter((m) => m.at <= ADAPT_MS));
    const limited = media.filter((m) => m.at >= ADAPT_MS && m.at <= clearedAt);
    const { longestSilence, lossShare, rate } = audioFigures(limited);
    // The last 5 s of the limit: the sender has settled on what the link carries.
    const tail = media.filter((m) => m.at >= clearedAt - 5_000 && m.at <= clearedAt);
    const limitedFps =
      tail.length > 1
        ? ((tail.at(-1)!.frames - tail[0]!.frames) / (tail.at(-1)!.at - tail[0]!.at)) * 1000
        : 0;
    const widths = media.filter((m, i) => i === 0 || m.width !== media[i - 1]!.width);
    const levels = shown.filter(
      (s, i) => i === 0 || s.own !== shown[i - 1]!.own || s.mediator !== shown[i - 1]!.mediator,
    );
    log(
      `first ${ADAPT_MS} ms at 300 kbit/s: longest silence ${adapting.longestSilence} ms, ` +
        `${(adapting.lossShare * 100).toFixed(1)} % of audio packets lost`,
    );
    log(
      `300 kbit/s from 0 to ${clearedAt} ms: audio ${rate.toFixed(0)} packets/s, longest silence ` +
        `${longestSilence} ms, ${(lossShare * 100).toFixed(1)} % lost (after ${ADAPT_MS} ms); ` +
        `decoded width ${widths.map((m) => `${m.at}:${m.width}`).join(' ')}; width of before back ` +
        `${backAt === undefined ? 'never' : `${backAt - clearedAt} ms`} after the limit was lifted`,
    );
    log(`frames decoded a second in the last 5 s of the limit: ${limitedFps.toFixed(1)}`);
    log(
      `shown (own level / mediator score): ${levels.map((s) => `${s.at}:${s.own}/${s.mediator}`).join(' ')}`,
    );
    log(`applicant's estimate / layers sent: ${sent.join(' ')}`);

    // Audio keeps flowing: the readings cover the window and show no second without a packet.
    expect(limited.length).toBeGreaterThan(10);
    expect(longestSilence).toBeLessThan(SILENCE_MS);
    expect(lossShare).toBeLessThan(AUDIO_LOSS);
    // The respondent gets a lower layer while limited, as a moving picture (a
    // frozen last frame would keep its width), and the layer of before again afterwards.
    expect(tail.length).toBeGreaterThan(1);
    expect(Math.max(...tail.map((m) => m.width))).toBeLessThanOrEqual(Math.min(640, before / 2));
    expect(limitedFps).toBeGreaterThanOrEqual(MIN_FPS);
    expect(backAt).toBeDefined();
    // Both the applicant and the mediator are told, once the sender has adapted.
    const told = shown.filter((s) => s.at >= ADAPT_MS + 5_000 && s.at <= clearedAt);
    expect(told.length).toBeGreaterThan(0);
    for (const s of told) {
      expect(['fair', 'poor']).toContain(s.own);
      expect(['fair', 'poor']).toContain(s.badge);
      expect(s.mediator).not.toBeNull();
      expect(s.mediator!).toBeLessThan(7);
    }
  });

  it('brings media back without a reload after the link is down for 10 s', async () => {
    const applicant = pages.get('applicant')!;
    const others = [pages.get('mediator')!, pages.get('respondent')!];
    const badge = (page: Page) =>
      page
        .locator('[data-testid="remote-tile"][data-participant="applicant"]')
        .getByTestId('reconnecting-badge')
        .count();
    applicantNs.linkDown();
    const downAt = Date.now();
    const seen: string[] = [];
    let shownReconnecting = false;
    try {
      while (Date.now() - downAt < 10_000) {
        const badges = await Promise.all(others.map(badge));
        const lists = await Promise.all(others.map((p) => diagnostics.participants(p)));
        // The others keep the applicant in the call, shown as reconnecting.
        for (const list of lists) expect(list).toContain('applicant');
        if (badges.every((n) => n === 1)) shownReconnecting = true;
        seen.push(
          `${Date.now() - downAt}ms:${await diagnostics.status(applicant)}:${badges.join('')}`,
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      applicantNs.linkUp();
    }
    const upAt = Date.now();
    log(`while down: ${seen.join(' ')}`);
    expect(shownReconnecting).toBe(true);
    await mediaFlowing(others[0]!, ['applicant'], 30_000);
    const toSent = Date.now() - upAt;
    await mediaFlowing(applicant, ['mediator', 'respondent'], 30_000);
    const toReceived = Date.now() - upAt;
    log(
      `time to media after the link came up: from the applicant ${toSent} ms, to the applicant ${toReceived} ms`,
    );
    // No reload, no waiting room: the same page is back in the call and admitted.
    await poll(
      () => diagnostics.status(applicant),
      (s) => s === 'joined',
      10_000,
      'joined',
    );
    expect(await diagnostics.admission(applicant)).toBe('admitted');
    for (const page of others) {
      await poll(
        () => badge(page),
        (n) => n === 0,
        10_000,
        'applicant shown back',
      );
      expect(await diagnostics.participants(page)).toContain('applicant');
    }
  });

  it('connects over ICE-TCP when UDP is blocked between the namespaces', async () => {
    await applicantNs.blockUdp();
    // The block holds: not one of 20 datagrams gets an echo from the server's address.
    expect(await udpEchoes(applicantNs, rig!.serverIp, 20)).toBe(0);
    // The applicant opens the call again (a new page replaces the old connection).
    const old = pages.get('applicant')!;
    const page = await old.context().newPage();
    pages.set('applicant', page);
    const token = await t!.token({ ...PEOPLE[1]!, ...SESSION });
    await page.goto(`http://${rig!.serverIp}:${t!.server.port}/join#token=${token}`);
    await page.getByTestId('join').click();
    await poll(
      () => diagnostics.status(page),
      (s) => s === 'joined',
      30_000,
      'joined over TCP',
    );
    await mediaFlowing(page, ['mediator', 'respondent'], 30_000);
    await mediaFlowing(pages.get('mediator')!, ['applicant'], 30_000);
    const protocols = (await page.evaluate('window.__mediation.iceProtocols()')) as string[];
    log(`selected ICE paths of the applicant's transports: ${protocols.join(', ')}`);
    expect(protocols.length).toBe(2);
    expect(protocols.every((p) => p === 'tcp')).toBe(true);
    expect(await udpEchoes(applicantNs, rig!.serverIp, 20)).toBe(0);
  });
});
