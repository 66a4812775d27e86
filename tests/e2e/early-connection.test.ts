/**
 * The join page connects as soon as it knows its credential, in real
 * Chromium: the signalling handshake runs while the media client's larger
 * code (mediasoup-client) is still on its way, so a tap on 加入调解 finds the
 * connection ready. The media client, once loaded, uses that one connection,
 * and a refusal that came before it is still told to the person.
 */
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { admitThroughUi, diagnostics, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  mediatorSessionLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { enrolledToken } from '../support/enrol.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Socket.IO's answer to the handshake: `40{"sid":…}` accepted, `44{…}` refused. */
const CONNECTED = /^40\{/;
const REFUSED = /^44\{/;

/**
 * Opens a page whose media client chunk (`CallClient-*.js`) is held back until
 * `release()`; records the page's WebSockets and the handshake frames they received.
 */
async function pageWithHeldMediaClient(
  browser: Browser,
  link: string,
): Promise<{
  context: BrowserContext;
  page: Page;
  sockets: WebSocket[];
  frames: string[];
  held: Promise<void>;
  release: () => void;
  released: () => boolean;
}> {
  const context = await browser.newContext();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let requested!: () => void;
  const held = new Promise<void>((resolve) => (requested = resolve));
  let isReleased = false;
  await context.route(/\/assets\/CallClient-[^/]+\.js$/, async (route) => {
    requested();
    await gate;
    isReleased = true;
    await route.continue();
  });
  const page = await context.newPage();
  const sockets: WebSocket[] = [];
  const frames: string[] = [];
  page.on('websocket', (ws) => {
    sockets.push(ws);
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      if (CONNECTED.test(text) || REFUSED.test(text)) frames.push(text);
    });
  });
  await page.goto(link);
  return { context, page, sockets, frames, held, release, released: () => isReleased };
}

describe('the join page connects while its media client loads', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let caseId: string;
  let sessionId: string;
  let applicant: CasePerson;
  let respondent: CasePerson;
  let mediator: Page;

  beforeAll(async () => {
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    caseId = c.id;
    sessionId = session.id;
    applicant = people.find((p) => p.kind === 'applicant')!;
    respondent = people.find((p) => p.kind === 'respondent')!;
    mediator = await (await browser.newContext()).newPage();
    await mediator.goto(
      mediatorSessionLink(t.url, t.server.tokens, staff.mediator, caseId, sessionId),
    );
    await mediator.getByTestId('join').click();
    await poll(
      () => diagnostics.status(mediator),
      (s) => s === 'joined',
      20_000,
      'mediator in',
    );
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('finishes the handshake before the media client has arrived, and joins over that one connection', async () => {
    // A session link (an invitation's page would open a second socket for its documents inbox).
    const token = await enrolledToken(
      t.server,
      { sub: applicant.id, caseId, sessionId, role: 'party', name: applicant.name },
      600,
    );
    const link = `${t.url}/join#token=${token}`;
    const party = await pageWithHeldMediaClient(browser, link);
    try {
      await party.held;
      await poll(
        () => Promise.resolve(party.frames.length),
        (n) => n > 0,
        15_000,
        'handshake answered',
      );
      // Connected, and the media client is still held back.
      expect(party.frames[0]).toMatch(CONNECTED);
      expect(party.released()).toBe(false);
      party.release();
      await party.page.getByTestId('join').click();
      await admitThroughUi(mediator, applicant.id);
      await poll(
        () => diagnostics.inboundMedia(party.page),
        (m) => (m[staff.mediator.id]?.videoWidth ?? 0) > 0,
        20_000,
        'mediator decoded by the party',
      );
      // The call runs on the connection made at the start: one WebSocket, one handshake.
      expect(party.sockets).toHaveLength(1);
      expect(party.frames).toHaveLength(1);
      expect(party.sockets[0]!.isClosed()).toBe(false);
    } finally {
      party.release();
      await party.context.close();
    }
  });

  it('loads the media device from the offer made at the start, and the call runs both ways with it', async () => {
    const token = await enrolledToken(
      t.server,
      { sub: respondent.id, caseId, sessionId, role: 'party', name: respondent.name },
      600,
    );
    const context = await browser.newContext();
    // Counts the page's RTCPeerConnections as they are made.
    await context.addInitScript({
      content: `(() => {
        const Native = window.RTCPeerConnection;
        window.__peerConnections = 0;
        window.RTCPeerConnection = class extends Native {
          constructor(...args) { super(...args); window.__peerConnections += 1; }
        };
      })();`,
    });
    const page = await context.newPage();
    try {
      await page.goto(`${t.url}/join#token=${token}`);
      await page.waitForFunction(
        () => performance.getEntriesByName('mediation: device loaded').length > 0,
        undefined,
        { timeout: 15_000 },
      );
      // The warm-up's connection only: the device load made none of its own.
      expect(await page.evaluate('window.__peerConnections')).toBe(1);
      await page.getByTestId('join').click();
      await admitThroughUi(mediator, respondent.id);
      await poll(
        () => diagnostics.inboundMedia(page),
        (m) => (m[staff.mediator.id]?.videoWidth ?? 0) > 0,
        20_000,
        'mediator decoded by the party',
      );
      await poll(
        () => diagnostics.inboundMedia(mediator),
        (m) => (m[respondent.id]?.videoWidth ?? 0) > 0 && (m[respondent.id]?.audioPackets ?? 0) > 0,
        20_000,
        'party decoded by the mediator',
      );
    } finally {
      await context.close();
    }
  });

  it('tells a refusal that came before the media client had loaded', async () => {
    // A session token naming a session this case does not have: refused at the handshake.
    const link = mediatorSessionLink(
      t.url,
      t.server.tokens,
      staff.mediator,
      caseId,
      'SESSION-NONE',
    );
    const page = await pageWithHeldMediaClient(browser, link);
    try {
      await page.held;
      await poll(
        () => Promise.resolve(page.frames.length),
        (n) => n > 0,
        15_000,
        'handshake answered',
      );
      expect(page.frames[0]).toMatch(REFUSED);
      expect(page.released()).toBe(false);
      page.release();
      const error = page.page.getByTestId('error');
      await error.waitFor({ timeout: 15_000 });
      expect(await error.getAttribute('data-reason')).toBe('SESSION_CLOSED');
      await expect(page.page.getByTestId('join').count()).resolves.toBe(0);
    } finally {
      page.release();
      await page.context.close();
    }
  });
});
