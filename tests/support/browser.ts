/** Debian's Chromium driven by playwright-core, with a fake camera and microphone. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export interface LaunchOptions {
  /**
   * A program standing in for Chromium that runs it elsewhere, e.g. inside a
   * network namespace (tests/support/netns.ts: `ip netns exec … chromium "$@"`).
   */
  executablePath?: string;
  /**
   * Origins to treat as secure (camera, microphone and WebRTC need a secure
   * context; only loopback is one without TLS), e.g. a server on a veth address.
   */
  secureOrigins?: string[];
}

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: run \`scripts/install-system-deps.sh test\` (npm test does)`,
    );
  }
  return chromium.launch({
    executablePath: options.executablePath ?? CHROMIUM,
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
      ...(options.secureOrigins?.length
        ? [`--unsafely-treat-insecure-origin-as-secure=${options.secureOrigins.join(',')}`]
        : []),
    ],
  });
}

export type InboundBytes = Record<string, { audio: number; video: number }>;

/** Per remote participant: audio packets received and the width of the video last decoded. */
export type InboundMedia = Record<
  string,
  { audioPackets: number; audioLost: number; videoWidth: number; framesDecoded: number }
>;

/** A page's camera as sent: per simulcast layer, and the browser's bandwidth estimate. */
export interface OutboundCamera {
  availableOutgoingBitrate: number | undefined;
  layers: { rid: string; bytesSent: number; frameWidth: number; limitation: string }[];
}

/** The page's own connection quality (the 网络 badge under the controls). */
export interface OwnQuality {
  rtt: number | undefined;
  loss: number | undefined;
  level: 'good' | 'fair' | 'poor' | undefined;
}

/** The recording in progress as a call page knows it. */
export interface PageRecording {
  recordingId: string;
  consented: string[];
  withdrawn: string[];
}

/** The page's read-only diagnostics (see client/src/call/main.ts). */
export const diagnostics = {
  status: (page: Page) => page.evaluate('window.__mediation.status()') as Promise<string>,
  participants: (page: Page) =>
    page.evaluate('window.__mediation.participants()') as Promise<string[]>,
  inboundBytes: (page: Page) =>
    page.evaluate('window.__mediation.inboundBytes()') as Promise<InboundBytes>,
  inboundMedia: (page: Page) =>
    page.evaluate('window.__mediation.inboundMedia()') as Promise<InboundMedia>,
  outboundCamera: (page: Page) =>
    page.evaluate('window.__mediation.outboundCamera()') as Promise<OutboundCamera | null>,
  ownQuality: (page: Page) =>
    page.evaluate('window.__mediation.ownQuality()') as Promise<OwnQuality>,
  /** Mediators: the connection score (0…10) the server reports of a participant. */
  quality: (page: Page, participantId: string) =>
    page.evaluate(`window.__mediation.quality(${JSON.stringify(participantId)})`) as Promise<
      number | null
    >,
  recording: (page: Page) =>
    page.evaluate('window.__mediation.recording()') as Promise<PageRecording | null>,
  noticeVisible: (page: Page) =>
    page.evaluate('window.__mediation.noticeVisible()') as Promise<boolean>,
  /** 'waiting' in the waiting room, 'admitted' once in, null before joining. */
  admission: (page: Page) =>
    page.evaluate('window.__mediation.admission()') as Promise<'waiting' | 'admitted' | null>,
  /** Mediators: the ids of those waiting to be admitted. */
  waiting: (page: Page) => page.evaluate('window.__mediation.waiting()') as Promise<string[]>,
  /** Several nodes: the node's own address the page's signalling moved to, null if none. */
  signalingNode: (page: Page) =>
    page.evaluate('window.__mediation.signalingNode()') as Promise<string | null>,
  caucus: (page: Page) =>
    page.evaluate('window.__mediation.caucus()') as Promise<{ participantIds: string[] } | null>,
};

/**
 * The mediator admits a waiting participant through the waiting list of the
 * floor panel (准许进入), as a person would: checks the personal details first
 * (核实身份 → 核实一致) unless already confirmed, or — with `overrideReason` —
 * admits them unchecked, giving the reason the panel asks for.
 */
export async function admitThroughUi(
  mediator: Page,
  participantId: string,
  timeoutMs = 15_000,
  options: { overrideReason?: string } = {},
): Promise<void> {
  const item = mediator.locator(
    `[data-testid="waiting-item"][data-participant="${participantId}"]`,
  );
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  const state = () => item.getByTestId('identity-state').getAttribute('data-identity');
  if (options.overrideReason === undefined && (await state()) !== 'confirmed') {
    await item.getByTestId('check-identity').click();
    await item.getByTestId('identity-form').getByTestId('identity-confirm').click();
    await poll(state, (s) => s === 'confirmed', timeoutMs, `${participantId} identity confirmed`);
  }
  await item.getByTestId('admit').click();
  if (options.overrideReason !== undefined) {
    const form = item.getByTestId('admit-form');
    await form.waitFor({ state: 'visible', timeout: timeoutMs });
    await form.getByTestId('reason').fill(options.overrideReason);
    await form.getByTestId('confirm-admit-override').click();
  }
  await item.waitFor({ state: 'detached', timeout: timeoutMs });
}

/**
 * Joins the mediator (if their page is not in yet), then each party: the
 * party lands in the waiting room and the mediator admits them through the
 * UI. Resolves when every page is in the call.
 */
export async function joinWithAdmission(
  mediator: Page,
  parties: { page: Page; participantId: string }[],
  timeoutMs = 20_000,
): Promise<void> {
  if ((await diagnostics.status(mediator)) !== 'joined') {
    await mediator.getByTestId('join').click();
    await poll(
      () => diagnostics.status(mediator),
      (s) => s === 'joined',
      timeoutMs,
      'mediator joined',
    );
  }
  for (const { page } of parties) await page.getByTestId('join').click();
  for (const { page, participantId } of parties) {
    await poll(
      () => diagnostics.status(page),
      (s) => s === 'waiting' || s === 'joined',
      timeoutMs,
      `${participantId} in the waiting room`,
    );
    if ((await diagnostics.status(page)) === 'waiting')
      await admitThroughUi(mediator, participantId);
  }
  for (const { page, participantId } of parties) {
    await poll(
      () => diagnostics.status(page),
      (s) => s === 'joined',
      timeoutMs,
      `${participantId} joined`,
    );
  }
}

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

/**
 * Waits until `page` receives audio and video from every sender: their byte
 * counts rise from one reading to the next, `intervalMs` apart (a rebuilt
 * consumer starts at 0, so readings are compared pairwise, not with a
 * snapshot from before).
 */
export async function mediaFlowing(
  page: Page,
  senders: string[],
  timeoutMs: number,
  intervalMs = 250,
): Promise<void> {
  const start = Date.now();
  let previous: InboundBytes = await diagnostics.inboundBytes(page);
  while (Date.now() - start < timeoutMs) {
    await new Promise((r) => setTimeout(r, intervalMs));
    const now = await diagnostics.inboundBytes(page);
    const flowing = senders.every((s) => {
      const b = previous[s];
      const a = now[s];
      return a !== undefined && b !== undefined && a.audio > b.audio && a.video > b.video;
    });
    if (flowing) return;
    previous = now;
  }
  throw new Error(
    `media from ${senders.join(', ')}: not flowing in ${timeoutMs} ms; last ${JSON.stringify(previous)}`,
  );
}
