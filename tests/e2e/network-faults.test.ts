/**
 * Real network faults, not emulated ones: the applicant's Chromium runs in a
 * network namespace of its own, the mediator's and the respondent's in
 * another, and the server in the root namespace (tests/support/netns.ts).
 * The applicant's link is taken down, or stripped of UDP, and the call must
 * carry on.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  diagnostics,
  joinWithAdmission,
  launchChromium,
  poll,
  type InboundBytes,
} from '../support/browser.js';
import { NetnsRig, udpEchoes, type NetnsHost } from '../support/netns.js';
import { startTestServer, type TestServer } from '../support/server.js';

const SESSION = { caseId: 'CASE-NET', sessionId: 'SESSION-NET' };
const PEOPLE = [
  { sub: 'mediator', name: '王调解', role: 'mediator' as const },
  { sub: 'applicant', name: '张三', role: 'party' as const },
  { sub: 'respondent', name: '李四', role: 'party' as const },
];

function log(line: string): void {
  process.stdout.write(`[network-faults] ${line}\n`);
}

/**
 * Waits until `page` receives audio and video from every sender: their byte
 * counts rise from one reading to the next (a rebuilt consumer starts at 0,
 * so readings are compared pairwise, not with a snapshot from before).
 */
async function mediaFrom(page: Page, senders: string[], timeoutMs: number): Promise<void> {
  let previous: InboundBytes = await diagnostics.inboundBytes(page);
  await poll(
    async () => {
      const now = await diagnostics.inboundBytes(page);
      const flowing = senders.every((s) => {
        const b = previous[s];
        const a = now[s];
        return a !== undefined && b !== undefined && a.audio > b.audio && a.video > b.video;
      });
      previous = now;
      return flowing;
    },
    (flowing) => flowing,
    timeoutMs,
    `media from ${senders.join(', ')}`,
  );
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
    await mediaFrom(pages.get('mediator')!, ['applicant', 'respondent'], 30_000);
    await mediaFrom(pages.get('applicant')!, ['mediator', 'respondent'], 30_000);
  }, 120_000);

  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await t?.close();
    rig?.close();
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
    await mediaFrom(others[0]!, ['applicant'], 30_000);
    const toSent = Date.now() - upAt;
    await mediaFrom(applicant, ['mediator', 'respondent'], 30_000);
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
    await mediaFrom(page, ['mediator', 'respondent'], 30_000);
    await mediaFrom(pages.get('mediator')!, ['applicant'], 30_000);
    const protocols = (await page.evaluate('window.__mediation.iceProtocols()')) as string[];
    log(`selected ICE paths of the applicant's transports: ${protocols.join(', ')}`);
    expect(protocols.length).toBe(2);
    expect(protocols.every((p) => p === 'tcp')).toBe(true);
    expect(await udpEchoes(applicantNs, rig!.serverIp, 20)).toBe(0);
  });
});
