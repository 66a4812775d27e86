/**
 * The mediator's floor in real Chromium pages (fake camera and microphone):
 * a party waits in the waiting room until the mediator, who came from the
 * staff console, checks identity and admits them from the floor panel; a
 * caucus holds media across the wall; a mute by the mediator holds the
 * party's microphone at the server; a refused newcomer and a locked session;
 * a reconnect without a knock; a removal that survives a reload; the
 * messages for denied devices and unsupported browsers. Screenshots of the
 * main screens go to tests/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CasePerson,
  MediationCase,
  MediationSessionRecord,
} from '../../server/cases/model.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import {
  admitThroughUi,
  diagnostics,
  launchChromium,
  poll,
  type InboundBytes,
} from '../support/browser.js';
import {
  TEST_PASSWORD,
  caseInSession,
  partyInvitationLink,
  seedStaff,
  type StaffFixture,
} from '../support/cases.js';
import { TEST_SECRET, startTestServer, type TestServer } from '../support/server.js';
import { enrolledToken } from '../support/enrol.js';

const ARTIFACTS = path.resolve('tests/artifacts');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Bytes a stream may still deliver after the switch (packets in flight, a last RTCP-triggered frame). */
const IN_FLIGHT = 1_500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Who = 'mediator' | 'worker' | 'employer';

/** How many bytes each sender's audio and video delivered to `page` over `ms`. */
async function growth(page: Page, ms: number): Promise<InboundBytes> {
  const before = await diagnostics.inboundBytes(page);
  await sleep(ms);
  const after = await diagnostics.inboundBytes(page);
  const out: InboundBytes = {};
  for (const [id, a] of Object.entries(after)) {
    const b = before[id] ?? { audio: 0, video: 0 };
    out[id] = { audio: a.audio - b.audio, video: a.video - b.video };
  }
  return out;
}

/**
 * Waits until `page` receives the given kinds of media from every sender: bytes grown
 * since some earlier sample. Any earlier sample, not only the first: a page that replaces
 * its consumers (a reconnect finishing) starts their counters again from zero.
 */
async function flowing(
  page: Page,
  senders: string[],
  what: string,
  kinds: 'audio+video' | 'audio' | 'video' = 'audio+video',
) {
  const samples = [await diagnostics.inboundBytes(page)];
  const grown = (before: InboundBytes, now: InboundBytes) =>
    senders.every((s) => {
      const b = before[s] ?? { audio: 0, video: 0 };
      const a = now[s];
      return (
        a !== undefined &&
        (kinds === 'video' || a.audio > b.audio + 500) &&
        (kinds === 'audio' || a.video > b.video + 2_000)
      );
    });
  await poll(
    () => diagnostics.inboundBytes(page),
    (now) => {
      const reached = samples.some((before) => grown(before, now));
      samples.push(now);
      return reached;
    },
    20_000,
    what,
  );
}

/** The page's language: clicks the switch until the document says `want`. */
async function setLanguage(page: Page, want: 'zh-CN' | 'en'): Promise<void> {
  if ((await page.evaluate('document.documentElement.lang')) !== want)
    await page.getByTestId('lang').first().click();
  await poll(
    () => page.evaluate('document.documentElement.lang') as Promise<string>,
    (l) => l === want,
    5_000,
    `language ${want}`,
  );
}

/** Phone and desktop, Chinese and English; the page returns to Chinese at its own size. */
async function screenshots(page: Page, name: string, restore: { width: number; height: number }) {
  for (const language of ['zh-CN', 'en'] as const) {
    await setLanguage(page, language);
    for (const viewport of [PHONE, DESKTOP]) {
      await page.setViewportSize(viewport);
      await sleep(300);
      // Nothing wider than the screen: no sideways scrolling on a phone.
      expect(
        await page.evaluate('document.documentElement.scrollWidth'),
        `${name} fits ${viewport.width} px`,
      ).toBeLessThanOrEqual(viewport.width);
      const lang = language === 'en' ? 'en' : 'zh';
      // The whole page with the controls bar where the page ends: a full-page capture
      // would otherwise keep the sticky bar at the bottom of the first screen.
      const unstick = await page.addStyleTag({
        content: '.controls { position: static !important; }',
      });
      await page.screenshot({
        path: path.join(
          ARTIFACTS,
          `floor-${name}-${lang}-${viewport.width}x${viewport.height}.png`,
        ),
        fullPage: true,
      });
      await unstick.evaluate((node) => (node as unknown as { remove(): void }).remove());
    }
  }
  // The narrowest phone the service supports.
  await page.setViewportSize({ width: 360, height: 780 });
  await sleep(300);
  expect(
    await page.evaluate('document.documentElement.scrollWidth'),
    `${name} fits 360 px`,
  ).toBeLessThanOrEqual(360);
  await setLanguage(page, 'zh-CN');
  await page.setViewportSize(restore);
}

describe('the mediator’s floor in Chromium', () => {
  let t: TestServer;
  let browser: Browser;
  let staff: StaffFixture;
  let theCase: MediationCase;
  let session: MediationSessionRecord;
  let people: CasePerson[];
  const pages = {} as Record<Who, Page>;
  const ids = {} as Record<Who, string>;
  const links = {} as Record<'worker' | 'employer', string>;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestServer();
    staff = await seedStaff(new SqlCaseRepository(t.server.database));
    ({ case: theCase, session, people } = await caseInSession(t.server.cases, staff));
    const worker = people.find((p) => p.kind === 'applicant')!;
    const employer = people.find((p) => p.kind === 'respondent')!;
    ids.mediator = staff.mediator.id;
    ids.worker = worker.id;
    ids.employer = employer.id;
    for (const [who, person] of [
      ['worker', worker],
      ['employer', employer],
    ] as const) {
      links[who] = (
        await partyInvitationLink(t.url, TEST_SECRET, t.server.cases, staff.clerk, person)
      ).link;
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openPage(viewport: { width: number; height: number }, who: string) {
    const page = await (await browser.newContext({ viewport })).newPage();
    page.on('pageerror', (e) => process.stderr.write(`[${who}] page error: ${e.message}\n`));
    page.on('console', (message) => {
      if (message.type() === 'warning' || message.type() === 'error')
        process.stderr.write(`[${who}] console ${message.type()}: ${message.text()}\n`);
    });
    return page;
  }

  const item = (page: Page, list: 'waiting-item' | 'floor-participant', id: string) =>
    page.locator(`[data-testid="${list}"][data-participant="${id}"]`);

  const auditActions = async () =>
    (await new SqlAuditLog(t.server.database).list(theCase.id)).map((e) => ({
      action: e.action,
      payload: JSON.parse(e.payload) as Record<string, unknown>,
    }));

  const liveSession = () => t.server.sessions.get(session.id)!;

  /** The text of every script the page fetched (entry, preloads, lazily loaded chunks). */
  const loadedScripts = (page: Page) =>
    page.evaluate(() =>
      Promise.all(
        performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((url) => new URL(url).pathname.endsWith('.js'))
          .map(async (url) => (await fetch(url)).text()),
      ),
    );

  it('keeps a party in the waiting room until the mediator, from the console, checks identity and admits them', async () => {
    // The worker arrives before the mediator: the waiting room, no one else, no media.
    pages.worker = await openPage(PHONE, 'worker');
    await pages.worker.goto(links.worker);
    await pages.worker.getByTestId('identity-details').waitFor({ timeout: 10_000 });
    await pages.worker.getByTestId('join').click();
    await poll(
      () => diagnostics.status(pages.worker),
      (s) => s === 'waiting',
      15_000,
      'worker waiting',
    );
    expect(await diagnostics.admission(pages.worker)).toBe('waiting');
    const room = pages.worker.getByTestId('waiting-room');
    await room.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await room.innerText()).toContain('请稍候，调解员将核实身份后准许您进入');
    // The device test stays: microphone level (the fake microphone beeps) and the test tone.
    await pages.worker.getByTestId('device-check').waitFor({ state: 'visible' });
    await poll(
      () => pages.worker.evaluate('window.__mediation.micLevel()') as Promise<number>,
      (level) => level > 0,
      5_000,
      'microphone level shown',
    );
    await pages.worker.getByTestId('speaker-test').click();
    expect(await pages.worker.getByTestId('remote-tile').count()).toBe(0);
    expect(await diagnostics.participants(pages.worker)).toEqual([]);
    expect(await diagnostics.inboundBytes(pages.worker)).toEqual({});
    await screenshots(pages.worker, 'waiting-room', PHONE);

    // The mediator signs in to the console and enters the session from the case.
    const m = (pages.mediator = await openPage(DESKTOP, 'mediator'));
    await m.goto(`${t.url}/console`);
    await m.locator('input[name=username]').fill(staff.mediator.username);
    await m.locator('input[name=password]').fill(TEST_PASSWORD);
    await m.getByRole('button', { name: '登录', exact: true }).click();
    await m.locator(`[data-testid=case-item][data-case="${theCase.id}"] a`).click();
    const sessionItem = m.locator(`[data-testid=session-item][data-session="${session.id}"]`);
    await sessionItem.waitFor({ timeout: 10_000 });
    expect(await sessionItem.innerText()).toContain('已安排');
    await screenshots(m, 'console-case', DESKTOP);
    await sessionItem.getByTestId('enter-session').click();
    await m.waitForURL(/\/join/, { timeout: 10_000 });
    await m.getByTestId('join').click();
    await poll(
      () => diagnostics.status(m),
      (s) => s === 'joined',
      20_000,
      'mediator joined',
    );

    // The knock: the worker is on the mediator's waiting list, identity not yet checked.
    const knock = item(m, 'waiting-item', ids.worker);
    await knock.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await knock.getByTestId('identity-state').getAttribute('data-identity')).toBe(
      'unchecked',
    );
    // While waiting there is no camera to see: the mediator checks the registered details.
    await knock.getByTestId('check-identity').click();
    const form = knock.getByTestId('identity-form');
    await form.waitFor();
    expect(await form.getByTestId('identity-method').inputValue()).toBe('personal-details');
    await poll(
      () => form.getByTestId('registered').count(),
      (n) => n === 1,
      5_000,
      'registered details shown from the case file',
    );
    expect(await form.getByTestId('registered').innerText()).toContain(
      people.find((p) => p.id === ids.worker)!.name,
    );
    await form.getByTestId('identity-note').fill('姓名、身份证号码与登记一致');
    await form.getByTestId('identity-confirm').click();
    await poll(
      () => knock.getByTestId('identity-state').getAttribute('data-identity'),
      (s) => s === 'confirmed',
      5_000,
      'identity confirmed on the waiting list',
    );
    await pages.worker.getByTestId('identity-ok').waitFor({ timeout: 5_000 });

    await admitThroughUi(m, ids.worker);
    await poll(
      () => diagnostics.status(pages.worker),
      (s) => s === 'joined',
      20_000,
      'worker in the call',
    );
    expect(await diagnostics.admission(pages.worker)).toBe('admitted');
    await flowing(pages.worker, [ids.mediator], 'worker receives the mediator');
    await flowing(m, [ids.worker], 'mediator receives the worker');

    // Only the mediator's page loads the floor panel. Vue renders every page's in-call view
    // (loaded with the call parts, never on the first screen: tests/e2e/first-screen.test.ts).
    const panelIn = async (page: Page) => {
      const scripts = await loadedScripts(page);
      return {
        panel: scripts.some((code) => code.includes('caucus-start')),
        vue: scripts.some((code) => code.includes('__vue_app__')),
      };
    };
    expect(await panelIn(pages.worker)).toEqual({ panel: false, vue: true });
    expect(await panelIn(m)).toEqual({ panel: true, vue: true });

    // The panel follows the floor without rebuilding itself: a knock leaves its controls in place.
    const lockButton = await m.getByTestId('lock-toggle').elementHandle();
    const workerRow = await item(m, 'floor-participant', ids.worker).elementHandle();

    // The employer shows an ID document on camera, which needs media: the
    // mediator admits them unchecked, giving the reason the panel asks for.
    pages.employer = await openPage(DESKTOP, 'employer');
    await pages.employer.goto(links.employer);
    await pages.employer.getByTestId('join').click();
    await poll(
      () => diagnostics.status(pages.employer),
      (s) => s === 'waiting',
      15_000,
      'employer waiting',
    );
    const knocking = item(m, 'waiting-item', ids.employer);
    await knocking.waitFor({ timeout: 10_000 });
    expect(await lockButton!.evaluate((b) => b.isConnected)).toBe(true);
    expect(await workerRow!.evaluate((row) => row.isConnected)).toBe(true);
    await knocking.getByTestId('admit').click();
    const admitForm = knocking.getByTestId('admit-form');
    await admitForm.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await admitForm.getByTestId('admit-unchecked').textContent()).toContain(
      '身份尚未在本次调解中核实一致',
    );
    // No reason, no admission: the employer is still waiting.
    await admitForm.getByTestId('confirm-admit-override').click();
    expect(await diagnostics.status(pages.employer)).toBe('waiting');
    const overrideReason = '法定代表人需在摄像头前出示营业执照和身份证，准许进入后核实';
    await admitForm.getByTestId('reason').fill(overrideReason);
    await admitForm.getByTestId('confirm-admit-override').click();
    await poll(
      () => diagnostics.status(pages.employer),
      (s) => s === 'joined',
      20_000,
      'employer in the call',
    );
    const row = item(m, 'floor-participant', ids.employer);
    await row.getByTestId('check-identity').click();
    expect(await row.getByTestId('identity-method').inputValue()).toBe('id-document-on-camera');
    await row.getByTestId('identity-confirm').click();
    await poll(
      () => row.getByTestId('identity-state').getAttribute('data-identity'),
      (s) => s === 'confirmed',
      5_000,
      'employer identity confirmed',
    );
    for (const who of ['worker', 'employer'] as const) {
      const others = (['mediator', 'worker', 'employer'] as const).filter((w) => w !== who);
      await flowing(
        pages[who],
        others.map((w) => ids[w]),
        `${who} receives the others`,
      );
    }

    // Each check is in the case's audit chain with its method.
    await poll(
      auditActions,
      (events) =>
        events.filter((e) => e.action === 'session.identity-checked').length === 2 &&
        events.filter((e) => e.action === 'session.admitted').length === 2,
      5_000,
      'identity checks recorded',
    );
    const admissions = (await auditActions()).filter((e) => e.action === 'session.admitted');
    expect(
      admissions.map((a) => [a.payload['participantId'], a.payload['overrideReason']]),
    ).toEqual([
      [ids.worker, undefined],
      [ids.employer, overrideReason],
    ]);
    const checks = (await auditActions()).filter((e) => e.action === 'session.identity-checked');
    expect(checks.map((c) => [c.payload['participantId'], c.payload['method']])).toEqual([
      [ids.worker, 'personal-details'],
      [ids.employer, 'id-document-on-camera'],
    ]);
  });

  it('picks each remote camera’s simulcast layer from the size of its tile', async () => {
    const cameraLayers = (participant: string) =>
      [...liveSession().participant(participant).consumers.values()]
        .filter((c) => c.appData.source === 'camera')
        .map((c) => c.preferredLayers?.spatialLayer);
    // Two columns of small tiles on a phone: the lowest layer, asked for by the page
    // (a camera also starts there on the server, until its tile has a size).
    await poll(
      async () => cameraLayers(ids.worker),
      (l) => l.length === 2 && l.every((x) => x === 0),
      10_000,
      'phone tiles take layer 0',
    );
    await poll(
      async () =>
        Object.values(
          (await pages.worker.evaluate('window.__mediation.layers()')) as Record<string, number>,
        ),
      (asked) => asked.length === 2 && asked.every((x) => x === 0),
      10_000,
      'the phone page asked for layer 0 for both tiles',
    );
    // The same page on a desktop: larger tiles, a higher layer.
    await pages.worker.setViewportSize(DESKTOP);
    await poll(
      async () => cameraLayers(ids.worker),
      (l) => l.length === 2 && l.every((x) => x !== undefined && x >= 1),
      10_000,
      'desktop tiles take a higher layer',
    );
    // A receiver's own choice wins over the tile size.
    await pages.worker
      .locator(`[data-testid=remote-tile][data-participant="${ids.mediator}"] select`)
      .selectOption('0');
    await poll(
      async () =>
        [...liveSession().participant(ids.worker).consumers.values()].find(
          (c) => c.appData.source === 'camera' && c.appData.producerParticipantId === ids.mediator,
        )?.preferredLayers?.spatialLayer,
      (l) => l === 0,
      5_000,
      'manual layer applied',
    );
    await pages.worker
      .locator(`[data-testid=remote-tile][data-participant="${ids.mediator}"] select`)
      .selectOption('auto');
    await pages.worker.setViewportSize(PHONE);
  });

  it('takes one side into a caucus: the other side neither hears nor sees it, sees the banner, and all return with one action', async () => {
    const m = pages.mediator;
    const { employer, worker } = pages;
    // A joint message first: everyone reads it, and it does not take the employer's draft.
    const employerChat = employer.getByTestId('chat');
    await employerChat.locator('li.empty').waitFor({ timeout: 5_000 });
    await employer.getByTestId('chat-input').fill('稍等');
    await worker.getByTestId('chat-input').fill('我同意先调解');
    await worker.getByTestId('chat-send').click();
    await poll(
      () => employer.getByTestId('chat-message').count(),
      (n) => n === 1,
      5_000,
      'employer reads the joint chat',
    );
    expect(await employerChat.locator('li.empty').count()).toBe(0);
    expect(await employer.getByTestId('chat-input').inputValue()).toBe('稍等');
    // A language switch re-renders the chat in place: the draft and the message stay.
    await employer.getByTestId('lang').click();
    await employerChat.locator('h2', { hasText: 'Chat' }).waitFor({ timeout: 5_000 });
    expect(await employer.getByTestId('chat-input').inputValue()).toBe('稍等');
    expect(await employer.getByTestId('chat-message').innerText()).toContain('我同意先调解');
    await employer.getByTestId('lang').click();
    await employerChat.locator('h2', { hasText: '文字交流' }).waitFor({ timeout: 5_000 });
    await employer.getByTestId('chat-input').fill('');

    // The applicant's side (the worker and any agent) goes into the caucus.
    await m.getByTestId('pick-applicant').click();
    expect(
      await m.locator(`[data-testid=caucus-pick][data-participant="${ids.worker}"]`).isChecked(),
    ).toBe(true);
    await m.getByTestId('caucus-start').click();
    const banner = employer.getByTestId('caucus-banner');
    await banner.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await banner.getAttribute('data-side')).toBe('outside');
    expect(await banner.innerText()).toContain('调解员正在与对方单独沟通（背靠背）');
    await worker.getByTestId('caucus-banner').waitFor({ timeout: 5_000 });
    expect(await worker.getByTestId('caucus-banner').getAttribute('data-side')).toBe('inside');
    expect(await diagnostics.caucus(employer)).toMatchObject({ participantIds: [ids.worker] });

    // Let packets in flight at the switch arrive, then measure over more than 3 s.
    await sleep(1_000);
    const [outside, inside, mediatorSide] = await Promise.all([
      growth(employer, 3_500),
      growth(worker, 3_500),
      growth(m, 3_500),
    ]);
    for (const from of [ids.worker, ids.mediator]) {
      const got = outside[from] ?? { audio: 0, video: 0 };
      expect(got.audio, `employer audio from ${from}`).toBeLessThanOrEqual(IN_FLIGHT);
      expect(got.video, `employer video from ${from}`).toBeLessThanOrEqual(IN_FLIGHT);
    }
    // The worker and the mediator go on talking.
    expect(inside[ids.mediator]?.audio ?? 0).toBeGreaterThan(IN_FLIGHT);
    expect(inside[ids.mediator]?.video ?? 0).toBeGreaterThan(IN_FLIGHT);
    expect(mediatorSide[ids.worker]?.audio ?? 0).toBeGreaterThan(IN_FLIGHT);
    expect(mediatorSide[ids.worker]?.video ?? 0).toBeGreaterThan(IN_FLIGHT);
    // Nor does the worker hear the employer.
    expect(inside[ids.employer]?.audio ?? 0).toBeLessThanOrEqual(IN_FLIGHT);

    // Chat inside stays inside, marked confidential.
    await worker.getByTestId('chat-input').fill('最低可以接受 8000 元');
    await worker.getByTestId('chat-input').press('Enter');
    await poll(
      () => m.getByTestId('chat-message').count(),
      (n) => n === 2,
      5_000,
      'mediator reads the caucus chat',
    );
    expect(await m.getByTestId('chat-message').last().innerText()).toContain('背靠背保密');
    await sleep(500);
    expect(await employer.getByTestId('chat-message').count()).toBe(1);

    await screenshots(employer, 'caucus-outside', DESKTOP);

    // One action brings everyone back; nobody rejoined.
    const sockets = (await t.server.io.fetchSockets()).map((s) => s.id).sort();
    await m.getByTestId('caucus-end').click();
    await poll(
      () => employer.getByTestId('caucus-banner').count(),
      (n) => n === 0,
      5_000,
      'banner gone',
    );
    await flowing(employer, [ids.worker, ids.mediator], 'employer receives again after the caucus');
    await flowing(worker, [ids.employer], 'worker receives the employer again');
    expect((await t.server.io.fetchSockets()).map((s) => s.id).sort()).toEqual(sockets);
    expect(await diagnostics.status(employer)).toBe('joined');
  });

  it('mutes a party at the server: the others stop hearing them, their unmute is refused until the mediator allows it', async () => {
    const m = pages.mediator;
    const { worker, employer } = pages;
    await item(m, 'floor-participant', ids.worker).getByTestId('mute').click();
    // The worker is told, and cannot unmute.
    await worker.getByTestId('muted-by-mediator').waitFor({ timeout: 5_000 });
    const mic = worker.getByTestId('toggle-mic');
    await poll(
      () => mic.isDisabled(),
      (d) => d,
      5_000,
      'unmute disabled',
    );
    expect(await worker.locator('.control-message').innerText()).toContain('调解员已将您静音');
    // Held on the server, whatever the browser sends.
    const serverMic = () => liveSession().participant(ids.worker).producerBySource('microphone');
    expect(serverMic()?.paused).toBe(true);
    await sleep(1_000);
    const [atMediator, atEmployer] = await Promise.all([growth(m, 3_000), growth(employer, 3_000)]);
    expect(atMediator[ids.worker]?.audio ?? 0).toBeLessThanOrEqual(IN_FLIGHT);
    expect(atEmployer[ids.worker]?.audio ?? 0).toBeLessThanOrEqual(IN_FLIGHT);
    // The camera is not muted.
    expect(atMediator[ids.worker]?.video ?? 0).toBeGreaterThan(IN_FLIGHT);

    // The worker asks to speak; the mediator sees the hand and allows it.
    await worker.getByTestId('raise-hand').click();
    const row = item(m, 'floor-participant', ids.worker);
    await row.getByTestId('hand-raised').waitFor({ timeout: 5_000 });
    await row.getByTestId('allow-unmute').click();
    await poll(
      () => mic.isDisabled(),
      (d) => !d,
      5_000,
      'unmute allowed',
    );
    expect(serverMic()?.paused).toBe(true);
    await mic.click();
    await poll(
      async () => serverMic()?.paused,
      (p) => p === false,
      5_000,
      'mic resumed',
    );
    await flowing(employer, [ids.worker], 'employer hears the worker again', 'audio');

    // Mute all: every party, not the mediator.
    await m.getByTestId('mute-all').click();
    for (const who of ['worker', 'employer'] as const) {
      await item(m, 'floor-participant', ids[who]).getByTestId('muted-chip').waitFor({
        timeout: 5_000,
      });
    }
    expect(liveSession().participant(ids.mediator).producerBySource('microphone')?.paused).toBe(
      false,
    );
    for (const who of ['worker', 'employer'] as const)
      await item(m, 'floor-participant', ids[who]).getByTestId('allow-unmute').click();
    await poll(
      () => m.getByTestId('muted-chip').count(),
      (n) => n === 0,
      5_000,
      'everyone allowed to speak',
    );
  });

  it('refuses a newcomer with a reason, and locks the session to newcomers', async () => {
    const m = pages.mediator;
    const observerToken = () =>
      enrolledToken(
        t.server,
        {
          sub: 'observer-union',
          caseId: theCase.id,
          sessionId: session.id,
          role: 'observer',
          name: '工会代表',
        },
        600,
      );
    const observer = await openPage(PHONE, 'observer');
    await observer.goto(`${t.url}/join#token=${await observerToken()}`);
    await observer.getByTestId('join').click();
    await item(m, 'waiting-item', 'observer-union').waitFor({ timeout: 10_000 });
    // The mediator's whole floor: someone waiting, participants with quality, a raised hand, chat.
    await poll(
      () =>
        item(m, 'floor-participant', ids.employer)
          .getByTestId('participant-quality')
          .getAttribute('data-level'),
      (level) => level !== null && level !== 'unknown',
      15_000,
      'connection quality from mediasoup scores',
    );
    await poll(
      () => pages.worker.getByTestId('own-quality').getAttribute('data-level'),
      (level) => level !== null && level !== 'unknown',
      15_000,
      'own connection quality from browser statistics',
    );
    await item(m, 'floor-participant', ids.worker).getByTestId('hand-raised').waitFor();
    await screenshots(m, 'mediator', DESKTOP);
    await screenshots(pages.worker, 'party-call', PHONE);
    await pages.worker.getByTestId('raise-hand').click();

    const knock = item(m, 'waiting-item', 'observer-union');
    await knock.getByTestId('refuse').click();
    await knock.getByTestId('reason').fill('非本案相关人员');
    await knock.getByTestId('confirm-refuse').click();
    const error = observer.getByTestId('error');
    await error.waitFor({ timeout: 5_000 });
    expect(await error.getAttribute('data-reason')).toBe('refused');
    expect(await error.innerText()).toContain('非本案相关人员');
    expect(await diagnostics.waiting(m)).toEqual([]);

    await m.getByTestId('lock-toggle').click();
    await m.getByTestId('locked-note').waitFor({ timeout: 5_000 });
    // The refusal texts' chunk fails to load (the network drops just then): the page
    // still tells a locked session from any other failure.
    let textChunkRefused = false;
    await observer.route(/\/assets\/errorText-[^/]+\.js$/, async (route) => {
      textChunkRefused = true;
      await route.abort('internetdisconnected');
    });
    // A fresh load (the address only differing in its fragment would not reload the page).
    await observer.goto('about:blank');
    await observer.goto(`${t.url}/join#token=${await observerToken()}`);
    await observer.getByTestId('join').click();
    await observer.getByTestId('error').waitFor({ timeout: 10_000 });
    expect(await observer.getByTestId('error').getAttribute('data-reason')).toBe('locked');
    expect(await observer.getByTestId('error').innerText()).toContain('已锁定');
    expect(textChunkRefused).toBe(true);
    expect(await diagnostics.waiting(m)).toEqual([]);
    await m.getByTestId('lock-toggle').click();
    await m.getByTestId('locked-note').waitFor({ state: 'detached', timeout: 5_000 });
    await observer.context().close();
  });

  it('puts a party whose connection dropped straight back into the call, without a knock', async () => {
    const m = pages.mediator;
    const worker = pages.worker;
    const sockets = await t.server.io.fetchSockets();
    const old = sockets.find((s) => s.data.claims.sub === ids.worker)!;
    // Watch the mediator's waiting list throughout: a knock would show there.
    let knocked = false;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        if ((await diagnostics.waiting(m)).length > 0) knocked = true;
        await sleep(100);
      }
    })();
    // Closing the underlying connection looks like a network drop to the browser.
    t.server.io.sockets.sockets.get(old.id)!.conn.close();
    await poll(
      async () =>
        (await t.server.io.fetchSockets())
          .filter((s) => s.data.claims.sub === ids.worker)
          .map((s) => s.id),
      (list) => list.length === 1 && list[0] !== old.id,
      15_000,
      'worker on a new socket',
    );
    await poll(
      () => diagnostics.status(worker),
      (s) => s === 'joined',
      15_000,
      'worker back',
    );
    expect(await diagnostics.admission(worker)).toBe('admitted');
    await flowing(worker, [ids.mediator], 'worker receives the mediator again').catch(
      (error: unknown) => {
        // What the server holds for the worker, to tell a consumer never resumed from one missing.
        const held = [...liveSession().participant(ids.worker).consumers.values()].map((c) => ({
          from: c.appData.producerParticipantId,
          kind: c.kind,
          paused: c.paused,
          producerPaused: c.producerPaused,
          wanted: c.appData.wanted,
          closed: c.closed,
        }));
        process.stderr.write(`worker's consumers on the server: ${JSON.stringify(held)}\n`);
        throw error;
      },
    );
    // The worker's microphone stays off since "mute all": their camera shows the way back.
    await flowing(m, [ids.worker], 'mediator receives the worker again', 'video');
    watching = false;
    await watch;
    expect(knocked).toBe(false);
    expect(await worker.getByTestId('waiting-room').count()).toBe(0);
  });

  it('removes a party for good: told why, and refused when coming back with the same link', async () => {
    const m = pages.mediator;
    const employer = pages.employer;
    const row = item(m, 'floor-participant', ids.employer);
    await row.getByTestId('remove').click();
    await row.getByTestId('reason').fill('扰乱调解秩序');
    await row.getByTestId('confirm-remove').click();
    const error = employer.getByTestId('error');
    await error.waitFor({ timeout: 5_000 });
    expect(await error.getAttribute('data-reason')).toBe('removed');
    expect(await error.innerText()).toContain('扰乱调解秩序');
    await poll(
      () => diagnostics.participants(m),
      (list) => !list.includes(ids.employer),
      5_000,
      'employer gone from the mediator’s page',
    );
    // Opening the same invitation again: the session refuses them with a clear message,
    // as soon as the page connects — before a join button could raise false hopes.
    await employer.goto('about:blank');
    await employer.goto(links.employer);
    await employer.getByTestId('error').waitFor({ timeout: 10_000 });
    expect(await employer.getByTestId('join').count()).toBe(0);
    expect(await employer.getByTestId('error').getAttribute('data-reason')).toBe('removed');
    expect(await employer.getByTestId('error').innerText()).toContain('移出');
    expect(
      liveSession()
        .participants()
        .map((p) => p.id),
    ).not.toContain(ids.employer);
    await sleep(500);
    expect(await diagnostics.waiting(m)).toEqual([]);
  });

  it('explains denied camera and microphone, and a browser without WebRTC', async () => {
    const token = await enrolledToken(
      t.server,
      { sub: 'p-check', caseId: theCase.id, sessionId: session.id, role: 'party', name: '赵六' },
      600,
    );
    const denied = await openPage(PHONE, 'denied');
    await denied.addInitScript(
      `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));`,
    );
    await denied.goto(`${t.url}/join#token=${token}`);
    const check = denied.getByTestId('device-check');
    await poll(
      () => check.innerText(),
      (text) => text.includes('未获得摄像头或麦克风的使用权限'),
      10_000,
      'denied devices explained',
    );
    // One can still join without them.
    expect(await denied.getByTestId('join').count()).toBe(1);
    await denied.context().close();

    const old = await openPage(PHONE, 'unsupported');
    await old.addInitScript('delete window.RTCPeerConnection;');
    await old.goto(`${t.url}/join#token=${token}`);
    await old.getByTestId('unsupported').waitFor({ timeout: 10_000 });
    expect(await old.getByTestId('unsupported').innerText()).toContain('不支持音视频调解');
    expect(await old.getByTestId('join').count()).toBe(0);
    await old.context().close();
  });
});
