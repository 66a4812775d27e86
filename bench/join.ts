/**
 * bench:join — time from opening a join link in Chromium to the first remote video
 * frame on screen. Absolute time on loopback, reported (not a test); the baseline is
 * a bare page's time to the first frame of its own camera in the same browser and run.
 *
 * Per run: a fresh live session on the in-process service, in which a first Chromium
 * page (fake camera and microphone) has joined and publishes video that reaches the
 * SFU steadily. A second page, in another Chromium process (as on another machine)
 * and a fresh browser context (empty cache), opens a session-token join link; a
 * script in the page clicks join (`[data-testid=join]`) as soon as the button is
 * there and enabled (the page joins before its own camera answers), and
 * `requestVideoFrameCallback` on the remote tile's `<video>` reports the first frame
 * presented. Times are `performance.now()` in that page, i.e. from its navigation
 * start. Server milestones (requests received, DTLS, key frame request and keyframe
 * at the SFU) are observed through Socket.IO and mediasoup observer/trace events, on
 * the same wall clock. Median of 10 runs (`--runs`).
 *
 *   npm run bench:join [-- --runs 10]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Router, Transport, WebRtcTransport } from 'mediasoup/node/lib/types.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MediationServer } from '../server/MediationServer.js';
import type { SessionClaims } from '../signaling/index.js';
import { CHROMIUM, diagnostics, launchChromium, poll } from '../tests/support/browser.js';
import { enrolledToken } from '../tests/support/enrol.js';
import {
  autoAdmit,
  environment,
  errorText,
  flag,
  median,
  message,
  out,
  root,
  round1,
  round3,
  startBenchService,
  textFlag,
  versionOf,
  type BenchService,
  resultFile,
} from './common.js';

const RESULT_FILE = resultFile('join');

const params = {
  runs: flag('runs', 10, { integer: true, smoke: 2 }),
  /** `--frames yes`: prints the joining page's long animation frames with the scripts that ran in them. */
  frames: textFlag('frames') === 'yes',
  /** `--trace FILE`: writes a Chromium performance trace of the first run's joining page. */
  trace: textFlag('trace'),
  /**
   * `--compare DIR`: another build of the client (a vite outDir). Runs alternate between
   * this checkout's build (A) and DIR (B), each on its own in-process service of the same
   * server code, so the two are compared at the same hour, on the same machine load.
   */
  compare: textFlag('compare'),
  /** Failed runs tolerated (retried) before the benchmark gives up. */
  maxFailures: 3,
  viewport: { width: 1280, height: 800 },
  /**
   * Before a run starts, the SFU must receive at least this many camera bytes from the
   * publisher in each of `steadyWindows` consecutive 250 ms windows.
   */
  steadyBytesPer250Ms: 5_000,
  steadyWindows: 6,
  runTimeoutMs: 30_000,
  mediasoupWorkers: 2,
};

const WATCHDOG_MS = 60_000 + (params.runs + params.maxFailures) * 45_000;
setTimeout(() => {
  process.stderr.write(`bench:join: watchdog fired after ${WATCHDOG_MS} ms\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

/**
 * Installed in the measured page before its own scripts: watches every `<video>` of
 * a remote tile (the app re-renders, replacing elements) and keeps the first frame
 * any of them presents; also notes the join click, the joined status and when a
 * remote video first got a stream. All in `performance.now()` of the page.
 */
const PROBE = `(() => {
  const state = {
    click: null, joined: null, track: null, frame: null,
    domContentLoaded: null, cameraAsked: null, cameraAnswered: null, previewPlaying: null,
    socketCreated: null, socketOpen: null,
  };
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  devices.getUserMedia = (constraints) => {
    if (state.cameraAsked === null) state.cameraAsked = performance.now();
    return getUserMedia(constraints).then((stream) => {
      if (state.cameraAnswered === null) state.cameraAnswered = performance.now();
      return stream;
    });
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (state.socketCreated === null) {
        state.socketCreated = performance.now();
        this.addEventListener('open', () => { state.socketOpen = performance.now(); });
      }
    }
  };
  document.addEventListener('DOMContentLoaded', () => { state.domContentLoaded = performance.now(); });
  document.addEventListener('playing', (event) => {
    const target = event.target;
    if (state.previewPlaying === null && target instanceof Element && target.closest('[data-testid="local-tile"]'))
      state.previewPlaying = performance.now();
  }, true);
  // Main-thread tasks over 50 ms: what keeps the page from answering its socket.
  state.longTasks = [];
  state.frames = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) state.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
    // Long animation frames name the scripts that ran in them.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        state.frames.push({
          at: Math.round(e.startTime),
          ms: Math.round(e.duration),
          blocking: Math.round(e.blockingDuration),
          render: Math.round(e.renderStart ? e.startTime + e.duration - e.renderStart : 0),
          scripts: e.scripts.map((x) => [Math.round(x.duration), x.invoker, (x.sourceURL || '').split('/').pop(), x.sourceFunctionName]),
        });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  Object.defineProperty(window, '__bench', { value: state });
  const seen = new WeakSet();
  const watch = (video) => {
    if (seen.has(video)) return;
    seen.add(video);
    if (state.track === null && video.srcObject) state.track = performance.now();
    video.requestVideoFrameCallback((now, meta) => {
      if (state.frame !== null) return;
      state.frame = {
        at: performance.now(),
        now,
        expectedDisplayTime: meta.expectedDisplayTime,
        presentationTime: meta.presentationTime,
        width: meta.width,
        height: meta.height,
      };
    });
  };
  new MutationObserver(() => {
    document.querySelectorAll('[data-testid="remote-tile"] video').forEach(watch);
  }).observe(document, { childList: true, subtree: true });
  document.addEventListener('click', (event) => {
    const target = event.target;
    if (state.click === null && target instanceof Element && target.closest('[data-testid="join"]'))
      state.click = performance.now();
  }, true);
  // The join is clicked in the page the moment the button is there and enabled,
  // as a person's tap would land on it: over the DevTools protocol, polling and
  // Playwright's actionability checks added 100–300 ms that no click costs.
  // The page lets one join before the own camera has answered (it publishes
  // when it does), so the click does not wait for the preview.
  const clicker = setInterval(() => {
    const join = document.querySelector('[data-testid="join"]');
    if (!join || join.disabled) return;
    clearInterval(clicker);
    join.click();
  }, 2);
  const timer = setInterval(() => {
    const m = window.__mediation;
    if (m && m.status() === 'joined') {
      state.joined = performance.now();
      clearInterval(timer);
    }
  }, 5);
})();`;

/**
 * When the page's own files arrived (resource timing): the HTML, the entry script and the
 * media chunk (mediasoup-client) and the signalling chunk (socket.io-client), each as [milestone, ms].
 */
const LOADS = `(() => {
  const out = [];
  const nav = performance.getEntriesByType('navigation')[0];
  if (nav) out.push(['HTML received', nav.responseEnd]);
  for (const r of performance.getEntriesByType('resource')) {
    const file = r.name.split('/').pop() || '';
    const what = /^main-/.test(file)
      ? 'entry script'
      : /^CallClient-/.test(file)
        ? 'media chunk'
        : /^signaling-/.test(file)
          ? 'signalling chunk'
          : null;
    if (!what) continue;
    out.push([what + ' requested', r.startTime]);
    out.push([what + ' received', r.responseEnd]);
  }
  const marked = new Set();
  for (const m of performance.getEntriesByType('mark')) {
    if (!m.name.startsWith('mediation: ') || marked.has(m.name)) continue;
    marked.add(m.name);
    out.push([m.name.slice(11), m.startTime]);
  }
  return out;
})()`;

/** The page's renders, from its own 'mediation: render' measures: [start, duration] ms. */
const RENDERS = `performance
  .getEntriesByName('mediation: render')
  .map((m) => [Math.round(m.startTime), Math.round(m.duration)])`;

/** True once the page's own camera preview has a stream (getUserMedia answered). */
const PREVIEW_LIVE = `(() => {
  const v = document.querySelector('[data-testid="local-tile"] video');
  return !!v && v.srcObject !== null;
})()`;

/**
 * The baseline: a bare page of no service (served by the test browser itself, no
 * server) that asks for the camera and shows it in a <video>; the time from its
 * navigation start to its first camera frame is what any call page pays before it
 * can show anything live, in the same browser and run.
 */
/** Answered by the browser (page.route); a loopback origin, so a secure context for getUserMedia. */
const BASELINE_URL = 'http://127.0.0.1:9/bench-baseline';
const BASELINE_PAGE = `<!doctype html><html><body><video autoplay muted playsinline></video><script>
  window.__frame = null;
  navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 640 }, height: { ideal: 480 } } })
    .then((stream) => {
      const video = document.querySelector('video');
      video.srcObject = stream;
      video.requestVideoFrameCallback(() => { window.__frame = performance.now(); });
    });
</script></body></html>`;

async function baselineRun(browser: Browser): Promise<number> {
  const context = await browser.newContext({ viewport: params.viewport });
  try {
    const page = await context.newPage();
    await page.route(BASELINE_URL, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: BASELINE_PAGE }),
    );
    await page.goto(BASELINE_URL);
    await until(page, 'window.__frame !== null', params.runTimeoutMs, 'baseline camera frame');
    return round1((await page.evaluate('window.__frame')) as number);
  } finally {
    await context.close();
  }
}

interface Probe {
  click: number | null;
  domContentLoaded: number | null;
  cameraAsked: number | null;
  cameraAnswered: number | null;
  previewPlaying: number | null;
  socketCreated: number | null;
  socketOpen: number | null;
  joined: number | null;
  track: number | null;
  /** Main-thread tasks over 50 ms: [start, duration] ms. */
  longTasks: [number, number][];
  /** [milestone, ms from navigation start] of the page's own files, from resource timing. */
  loads: [string, number][];
  /** The page's renders (its 'mediation: render' measures): [start, duration] ms. */
  renders: [number, number][];
  frame: {
    at: number;
    now: number;
    expectedDisplayTime: number;
    presentationTime: number;
    width: number;
    height: number;
  } | null;
  timeOrigin: number;
}

interface Run {
  run: number;
  /** navigation start → first remote frame presented (the measured figure), ms */
  firstFrameMs: number;
  /** navigation start → join clicked (button enabled), ms */
  clickMs: number;
  /** Node's wall clock before page.goto → first frame (includes opening the navigation), ms */
  wallMs: number;
  frameSize: string;
  /** Baseline, same browser and run: bare page navigation start → first frame of its own camera, ms */
  baselineMs: number;
  /**
   * SFU's first key frame request to the publisher → first keyframe from it, ms. Long
   * when the publisher's camera stalled (see bench/README.md).
   */
  publisherKeyframeWaitMs: number | null;
  /** The joining page's main-thread tasks over 50 ms before its first remote frame: [start, duration] ms. */
  longTasks: [number, number][];
  /** The page's renders before its first remote frame: [start, duration] ms. */
  renders: [number, number][];
  /** Page and server milestones, ms from the page's navigation start (server ones to ±1 ms). */
  milestones: Record<string, number>;
}

/**
 * Server-side milestones of the measured join, observed (never altered) through the
 * Socket.IO server and mediasoup's observer and trace events. Wall-clock ms.
 */
interface Watch {
  sessionId: string;
  joiner: string;
  publisher: string;
  marks: Map<string, number>;
}
let watch: Watch | undefined;

function mark(w: Watch, name: string): void {
  // Date.now(): the page's timeOrigin is on the same wall clock (Node's own timeOrigin
  // can drift from it by tens of ms over a long-running process).
  if (!w.marks.has(name)) w.marks.set(name, Date.now());
}

function instrument(server: MediationServer): void {
  server.io.on('connection', (socket) => {
    const w = watch;
    const claims = socket.data.claims;
    if (!w || claims.sessionId !== w.sessionId || claims.sub !== w.joiner) return;
    mark(w, 'server: socket connected');
    socket.onAny((event: string) => mark(w, `server: first ${event}`));
  });
  for (const { worker } of server.pool.workers) {
    worker.observer.on('newrouter', (router) => {
      router.observer.on('newtransport', (transport) => watchTransport(router, transport));
    });
  }
}

function watchTransport(router: Router, transport: Transport): void {
  const w = watch;
  if (!w || router.appData['sessionId'] !== w.sessionId) return;
  const who = transport.appData['participantId'];
  const direction = transport.appData['direction'];
  if (who === w.joiner && direction === 'recv') {
    (transport as WebRtcTransport).observer.on('icestatechange', (state) => {
      mark(w, `server: receive transport ICE ${state}`);
    });
    (transport as WebRtcTransport).observer.on('dtlsstatechange', (state) => {
      mark(w, `server: receive transport DTLS ${state}`);
    });
    transport.observer.on('newconsumer', (consumer) => {
      if (consumer.kind !== 'video') return;
      consumer.on('trace', (e) => {
        if (e.type === 'keyframe' && e.direction === 'out')
          mark(w, 'server: first video keyframe sent to the joiner');
      });
      consumer.enableTraceEvent(['keyframe']).catch(() => undefined);
    });
  }
  if (who === w.publisher && direction === 'send') {
    transport.observer.on('newproducer', (producer) => {
      if (producer.kind !== 'video') return;
      producer.on('trace', (e) => {
        if (!w.marks.has('server: socket connected')) return;
        if ((e.type === 'pli' || e.type === 'fir') && e.direction === 'out')
          mark(w, 'server: first key frame request to the publisher');
        if (e.type === 'keyframe' && e.direction === 'in')
          mark(w, 'server: first keyframe from the publisher');
      });
      producer.enableTraceEvent(['keyframe', 'pli', 'fir']).catch(() => undefined);
    });
  }
}

/** Bytes the SFU has received on the session's camera producers. */
async function cameraBytes(server: MediationServer, sessionId: string): Promise<number> {
  const session = server.sessions.get(sessionId);
  if (!session) return 0;
  let bytes = 0;
  for (const p of session.participants()) {
    for (const producer of p.producers.values()) {
      if (producer.appData.source !== 'camera') continue;
      for (const s of await producer.getStats()) bytes += s.byteCount;
    }
  }
  return bytes;
}

/**
 * Polls a page expression until truthy. `page.evaluate` of a string goes through the
 * DevTools protocol, which the page's CSP (no 'unsafe-eval') does not block, unlike
 * a string predicate in `waitForFunction`.
 */
/**
 * Waits for `expression` to hold in the page, asked every 100 ms. (It was every 10 ms: a
 * DevTools evaluation a hundred times a second on the measured page's main thread and
 * the two cores while the page loads.) Times come from the page's own clock, so when the
 * wait notices does not change them. The page's CSP forbids `waitForFunction`'s eval.
 */
async function until(
  page: Page,
  expression: string,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: params.viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  return { context, page };
}

async function oneRun(
  browsers: { publisher: Browser; joiner: Browser },
  service: BenchService,
  run: number,
): Promise<Run> {
  const caseId = `CASE-JOIN-${run}`;
  const sessionId = `SESSION-JOIN-${run}`;
  // The server honours a session token only for what the case file holds: enter it there first.
  const link = async (claims: Pick<SessionClaims, 'sub' | 'role' | 'name'>): Promise<string> =>
    `${service.url}/join#token=${await enrolledToken(service.server, { ...claims, caseId, sessionId }, 600)}`;
  const contexts: BrowserContext[] = [];
  // A person belongs to one case: each run's case has its own applicant.
  const applicant = `applicant-${run}`;
  const w: Watch = { sessionId, joiner: applicant, publisher: 'mediator', marks: new Map() };
  watch = w;
  try {
    // The peer already in the call, publishing camera video that reaches the SFU.
    const publisher = await newPage(browsers.publisher);
    contexts.push(publisher.context);
    await publisher.page.goto(await link({ sub: 'mediator', role: 'mediator', name: '王调解' }));
    await until(publisher.page, PREVIEW_LIVE, 15_000, 'publisher preview');
    await publisher.page.getByTestId('join').click();
    await poll(
      () => diagnostics.status(publisher.page),
      (s) => s === 'joined',
      20_000,
      'publisher joined',
    );
    // Steady video, not the first frames: Chromium's fake camera stalls for a few
    // seconds when a sender starts using it; a peer already in the call is past that.
    let previous: number | undefined;
    let steadyWindows = 0;
    await poll(
      async () => {
        const bytes = await cameraBytes(service.server, sessionId);
        const delta = previous === undefined ? 0 : bytes - previous;
        previous = bytes;
        steadyWindows = delta >= params.steadyBytesPer250Ms ? steadyWindows + 1 : 0;
        return steadyWindows;
      },
      (windows) => windows >= params.steadyWindows,
      20_000,
      'steady publisher video at the SFU',
    );

    // The measured page: open the link, click join once the button is enabled.
    const joiner = await newPage(browsers.joiner);
    contexts.push(joiner.context);
    await joiner.page.addInitScript({ content: PROBE });
    const joinLink = await link({ sub: applicant, role: 'party', name: '张三' });
    const tracing = params.trace !== undefined && run === 1;
    if (tracing)
      await browsers.joiner.startTracing(joiner.page, {
        path: params.trace,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'blink.user_timing',
          'v8.execute',
          'loading',
          'toplevel',
          // V8's sampling profiler: which functions the page's long tasks ran.
          'disabled-by-default-v8.cpu_profiler',
        ],
      });
    const wall0 = Date.now();
    await joiner.page.goto(joinLink);
    // The probe clicks join in the page once the button is enabled.
    await until(joiner.page, 'window.__bench.click !== null', params.runTimeoutMs, 'join click');
    await until(
      joiner.page,
      'window.__bench.frame !== null',
      params.runTimeoutMs,
      'remote frame',
    ).catch(async (error: unknown) => {
      const state = await joiner.page
        .evaluate('JSON.stringify([window.__mediation.status(), window.__mediation.admission()])')
        .catch(() => '?');
      throw new Error(`${message(error)} (joiner status, admission: ${String(state)})`);
    });
    const probe = (await joiner.page.evaluate(
      '({ ...window.__bench, timeOrigin: performance.timeOrigin, loads: ' +
        LOADS +
        ', renders: ' +
        RENDERS +
        ' })',
    )) as Probe;
    const frame = probe.frame!;
    if (tracing) await browsers.joiner.stopTracing();
    if (params.frames) {
      const frames = (await joiner.page.evaluate('window.__bench.frames')) as {
        at: number;
        ms: number;
        blocking: number;
        render: number;
        scripts: [number, string, string, string][];
      }[];
      for (const f of frames.filter((x) => x.at < frame.at))
        out(
          `    frame at ${f.at}: ${f.ms} ms (blocking ${f.blocking}, render ${f.render}): ` +
            f.scripts.map(([ms, inv, file, fn]) => `${ms} ${inv} ${file}:${fn}`).join(' | '),
        );
    }
    const page = (t: number | null): number | undefined => (t === null ? undefined : round1(t));
    const server = (name: string): number | undefined => {
      const at = w.marks.get(name);
      return at === undefined ? undefined : round1(at - probe.timeOrigin);
    };
    const asked = w.marks.get('server: first key frame request to the publisher');
    const answered = w.marks.get('server: first keyframe from the publisher');
    const keyframeWait =
      asked !== undefined && answered !== undefined ? Math.max(0, answered - asked) : null;
    const milestones: Record<string, number> = {};
    const entries: [string, number | undefined][] = [
      ...probe.loads.map(([name, at]): [string, number] => [`page: ${name}`, round1(at)]),
      ['page: DOMContentLoaded', page(probe.domContentLoaded)],
      ['page: camera asked for', page(probe.cameraAsked)],
      ['page: WebSocket created', page(probe.socketCreated)],
      ['page: WebSocket open', page(probe.socketOpen)],
      ['page: camera answered', page(probe.cameraAnswered)],
      ['page: own preview playing', page(probe.previewPlaying)],
      ['page: join clicked (button enabled)', page(probe.click)],
      ['page: remote video stream attached', page(probe.track)],
      ['page: status joined', page(probe.joined)],
      ['page: first remote frame presented', page(frame.at)],
      ...[...w.marks.keys()].map((k): [string, number | undefined] => [k, server(k)]),
    ];
    for (const [k, v] of entries) if (v !== undefined) milestones[k] = v;
    return {
      run,
      firstFrameMs: round1(frame.at),
      clickMs: round1(probe.click ?? Number.NaN),
      wallMs: round1(probe.timeOrigin + frame.at - wall0),
      frameSize: `${frame.width}×${frame.height}`,
      baselineMs: 0,
      publisherKeyframeWaitMs: keyframeWait,
      longTasks: probe.longTasks.filter(([start]) => start < frame.at),
      renders: probe.renders.filter(([start]) => start < frame.at),
      milestones,
    };
  } finally {
    watch = undefined;
    for (const c of contexts) await c.close().catch(() => undefined);
    // The session closes once both pages have left; the next run starts clean.
    await poll(
      async () => service.server.sessions.get(sessionId) === undefined,
      (closed) => closed,
      10_000,
      `session ${sessionId} closed`,
    ).catch(() => undefined);
  }
}

async function main(): Promise<number> {
  if (!existsSync(path.join(root, 'client', 'dist', 'index.html'))) {
    throw new Error('client/dist is missing: run `npm run bench:join` (it builds the client)');
  }
  out(`bench:join — open link → first remote video frame, ${params.runs} runs`);
  const service = await startBenchService({
    MEDIASOUP_NUM_WORKERS: String(params.mediasoupWorkers),
  });
  autoAdmit(service.server);
  const other = params.compare
    ? await startBenchService(
        { MEDIASOUP_NUM_WORKERS: String(params.mediasoupWorkers) },
        'mediation-bench-',
        path.resolve(params.compare),
      )
    : undefined;
  if (other) autoAdmit(other.server);
  const compared: { build: 'A' | 'B'; run: Run }[] = [];
  let publisherBrowser: Browser | undefined;
  let joinerBrowser: Browser | undefined;
  const runs: Run[] = [];
  const failures: string[] = [];
  try {
    // Two browser processes, as two machines: Chromium's fake camera is shared by
    // the pages of one browser, and one page starting to send stalls it for all.
    publisherBrowser = await launchChromium();
    joinerBrowser = await launchChromium();
    const version = joinerBrowser.version();
    instrument(service.server);
    if (other) instrument(other.server);
    out(`service at ${service.url}, Chromium ${version}`);
    if (other) out(`build B (${params.compare}) at ${other.url}; runs alternate A, B`);
    let attempt = 0;
    while (runs.length < params.runs) {
      attempt++;
      try {
        const browsers = { publisher: publisherBrowser, joiner: joinerBrowser };
        if (other) {
          // The other build first in every second pair: neither always runs on a warmer machine.
          const order: ('A' | 'B')[] = compared.length % 4 === 0 ? ['A', 'B'] : ['B', 'A'];
          for (const build of order) {
            const r = await oneRun(
              browsers,
              build === 'A' ? service : other,
              attempt * 2 + (build === 'A' ? 0 : 1),
            );
            compared.push({ build, run: r });
            out(
              `  ${build}: ${r.firstFrameMs.toFixed(0).padStart(5)} ms (join clicked at ${r.clickMs.toFixed(0)} ms)`,
            );
          }
          // This checkout's run of the pair counts towards the usual summary.
          runs.push(compared.slice(-2).find((c) => c.build === 'A')!.run);
          runs.at(-1)!.baselineMs = await baselineRun(joinerBrowser);
          continue;
        }
        const r = await oneRun(browsers, service, attempt);
        r.baselineMs = await baselineRun(joinerBrowser);
        runs.push(r);
        out(
          `run ${String(runs.length).padStart(2)}: ${r.firstFrameMs.toFixed(0).padStart(5)} ms` +
            `   (join clicked at ${r.clickMs.toFixed(0)} ms, publisher keyframe ` +
            `${r.publisherKeyframeWaitMs?.toFixed(0) ?? '—'} ms after the SFU asked, first frame ${r.frameSize}; ` +
            `baseline ${r.baselineMs.toFixed(0)} ms)`,
        );
        if (r.renders.length > 0)
          out(
            `        ${r.renders.length} renders before it, ${r.renders.reduce((a, [, ms]) => a + ms, 0)} ms: ` +
              r.renders.map(([at, ms]) => `${ms} at ${at}`).join(', '),
          );
        if (r.longTasks.length > 0)
          out(
            `        long tasks before it: ${r.longTasks.map(([at, ms]) => `${ms} ms at ${at}`).join(', ')}`,
          );
      } catch (error) {
        failures.push(`attempt ${attempt}: ${message(error)}`);
        out(`attempt ${attempt} failed: ${message(error)}`);
        if (failures.length > params.maxFailures) throw new Error('too many failed runs');
      }
    }
    const firstFrame = runs.map((r) => r.firstFrameMs);
    const clickToFrame = runs.map((r) => r.firstFrameMs - r.clickMs);
    const baselineMedian = round1(median(runs.map((r) => r.baselineMs)));
    const summary = {
      min: Math.min(...firstFrame),
      median: round1(median(firstFrame)),
      max: Math.max(...firstFrame),
    };
    out();
    out(
      `open link → first remote frame: min ${summary.min.toFixed(0)} ms, ` +
        `median ${summary.median.toFixed(0)} ms, max ${summary.max.toFixed(0)} ms`,
    );
    out(
      `baseline (bare page → first frame of its own camera, same browser): median ${baselineMedian.toFixed(0)} ms`,
    );
    out(
      `  of which open link → join clicked (button enabled): median ${median(runs.map((r) => r.clickMs)).toFixed(0)} ms; ` +
        `join clicked → first remote frame: median ${median(clickToFrame).toFixed(0)} ms`,
    );
    // A publisher whose camera stalled answers the key frame request late (> 1 s).
    const stalled = runs.filter((r) => (r.publisherKeyframeWaitMs ?? 0) > 1000);
    const fluent = runs.filter((r) => !stalled.includes(r));
    const fluentMedian =
      fluent.length > 0 ? round1(median(fluent.map((r) => r.firstFrameMs))) : null;
    out(
      `  runs whose publisher answered the key frame request after > 1 s: ${stalled.length}/${runs.length}` +
        (fluentMedian === null ? '' : `; median of the other runs ${fluentMedian.toFixed(0)} ms`),
    );
    // Median timeline of the milestones seen in every run.
    const names = [...new Set(runs.flatMap((r) => Object.keys(r.milestones)))].filter((n) =>
      runs.every((r) => r.milestones[n] !== undefined),
    );
    const timeline = names
      .map((n) => ({ milestone: n, medianMs: round1(median(runs.map((r) => r.milestones[n]!))) }))
      .sort((a, b) => a.medianMs - b.medianMs);
    out('median timeline, ms from opening the link:');
    for (const t of timeline) out(`  ${t.medianMs.toFixed(0).padStart(6)}  ${t.milestone}`);
    // A comparison of two builds is a diagnosis, not this checkout's figure: nothing recorded.
    if (!other) mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    if (!other)
      writeFileSync(
        RESULT_FILE,
        `${JSON.stringify(
          {
            benchmark: 'join',
            timestamp: new Date().toISOString(),
            definition:
              'navigation start of the join link → first remote video frame presented ' +
              '(requestVideoFrameCallback), join clicked in the page as soon as the join button is enabled',
            parameters: params,
            environment: environment(
              {
                chromium: version,
                chromiumPath: CHROMIUM,
                mediasoup: versionOf('mediasoup'),
                mediasoupClient: versionOf('mediasoup-client'),
                playwrightCore: versionOf('playwright-core'),
              },
              { debian: false },
            ),
            unit: 'ms',
            summary: {
              ...summary,
              medianClick: round1(median(runs.map((r) => r.clickMs))),
              medianClickToFrame: round1(median(clickToFrame)),
              runsWithLatePublisherKeyframe: stalled.length,
              medianOfOtherRuns: fluentMedian,
              baselineMedian,
              ratio: round3(summary.median / baselineMedian),
              ratioDefinition:
                'median open link → first remote frame / median bare page → first own camera frame',
            },
            timeline,
            runs,
            failures,
          },
          null,
          2,
        )}\n`,
      );
    if (other) {
      const of = (b: 'A' | 'B'): number[] =>
        compared.filter((c) => c.build === b).map((c) => c.run.firstFrameMs);
      const [a, b] = [median(of('A')), median(of('B'))];
      out(
        `compare: A (this build) median ${a.toFixed(0)} ms, B (${params.compare}) median ` +
          `${b.toFixed(0)} ms over ${of('A').length} pairs; A ÷ B = ${(a / b).toFixed(3)}`,
      );
      out(
        `  A: ${of('A')
          .map((x) => x.toFixed(0))
          .join(', ')}`,
      );
      out(
        `  B: ${of('B')
          .map((x) => x.toFixed(0))
          .join(', ')}`,
      );
      return 0;
    }
    out(`results: ${path.relative(process.cwd(), RESULT_FILE)}`);
    out(
      `median=${summary.median.toFixed(0)} ms (open link → first remote video frame, ${params.runs} runs)`,
    );
    out(
      `ratio=${(summary.median / baselineMedian).toFixed(2)} (median open link → first remote frame ÷ ` +
        `median bare page → first own camera frame, ${baselineMedian.toFixed(0)} ms)`,
    );
  } finally {
    await joinerBrowser?.close();
    await publisherBrowser?.close();
    await service.close();
    await other?.close();
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:join failed: ${errorText(error)}\n`);
    process.exitCode = 1;
  },
);
