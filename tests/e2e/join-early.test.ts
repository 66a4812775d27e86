/**
 * Joining before the camera has answered, in real Chromium: a party who taps
 * 加入调解 while the browser still starts their camera (a slow device, a
 * permission prompt not yet answered) is admitted and sees and hears the
 * mediator at once; their own camera and microphone go out as soon as the
 * devices answer, without another tap. Closing the tab is a leave, seen at
 * once, not a lost connection awaited for the reconnection grace.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CasePerson } from '../../server/cases/model.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { admitThroughUi, diagnostics, launchChromium, poll } from '../support/browser.js';
import {
  caseInSession,
  mediatorSessionLink,
  partyInvitationLink,
  seedStaff,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';

/** Holds the page's getUserMedia answers until the test calls `window.__releaseCamera()`. */
const CAMERA_GATE = `(() => {
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  window.__cameraAnswered = false;
  window.__releaseCamera = () => release();
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) =>
    getUserMedia(constraints).then((stream) =>
      gate.then(() => { window.__cameraAnswered = true; return stream; }));
})();`;

describe('joining before the camera has answered', () => {
  let t: TestServer;
  let browser: Browser;
  let applicant: CasePerson;
  let mediator: Page;
  let party: Page;
  let mediatorId: string;

  beforeAll(async () => {
    t = await startTestServer();
    const staff = await seedStaff(new SqlCaseRepository(t.server.database));
    browser = await launchChromium();
    const { case: c, session, people } = await caseInSession(t.server.cases, staff);
    applicant = people.find((p) => p.kind === 'applicant')!;
    mediatorId = staff.mediator.id;
    const { link } = await partyInvitationLink(
      t.url,
      TEST_SECRET,
      t.server.cases,
      staff.clerk,
      applicant,
    );
    mediator = await (await browser.newContext()).newPage();
    await mediator.goto(
      mediatorSessionLink(t.url, t.server.tokens, staff.mediator, c.id, session.id),
    );
    await mediator.getByTestId('join').click();
    await poll(
      () => diagnostics.status(mediator),
      (s) => s === 'joined',
      20_000,
      'mediator in',
    );
    const partyContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await partyContext.addInitScript({ content: CAMERA_GATE });
    party = await partyContext.newPage();
    await party.goto(link);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('admits the party and shows them the mediator while their camera is still starting', async () => {
    await party.getByTestId('join').click();
    await admitThroughUi(mediator, applicant.id);
    await poll(
      () => diagnostics.status(party),
      (s) => s === 'joined',
      20_000,
      'party in',
    );
    // The mediator's picture and voice arrive although the party's own devices have not answered.
    await poll(
      () => diagnostics.inboundMedia(party),
      (m) => (m[mediatorId]?.videoWidth ?? 0) > 0 && (m[mediatorId]?.audioPackets ?? 0) > 0,
      20_000,
      'mediator decoded by the party',
    );
    expect(await party.evaluate('window.__cameraAnswered')).toBe(false);
    // Nothing of the party's goes out yet.
    expect((await diagnostics.inboundBytes(mediator))[applicant.id]?.video ?? 0).toBe(0);
  });

  it("sends the party's camera and microphone once they answer, without another tap", async () => {
    await party.evaluate('window.__releaseCamera()');
    await poll(
      () => diagnostics.inboundMedia(mediator),
      (m) => (m[applicant.id]?.videoWidth ?? 0) > 0 && (m[applicant.id]?.audioPackets ?? 0) > 0,
      20_000,
      'party decoded by the mediator',
    );
    const camera = await diagnostics.outboundCamera(party);
    expect(camera?.layers.some((l) => l.bytesSent > 0)).toBe(true);
    expect(await diagnostics.status(party)).toBe('joined');
  });

  it('shows the party as gone at once when they close the tab, not as reconnecting', async () => {
    expect(await diagnostics.participants(mediator)).toContain(applicant.id);
    await party.close({ runBeforeUnload: true });
    // The reconnection grace (20 s) is for lost connections, not for a closed page.
    await poll(
      () => diagnostics.participants(mediator),
      (ids) => !ids.includes(applicant.id),
      5_000,
      'party gone from the mediator',
    );
  });
});
