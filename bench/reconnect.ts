/**
 * bench:reconnect — a real network fault (a link down, then up) and the time until
 * video frames are presented again, the service against a bare mediasoup-client page
 * in the same rig and run; then the time to recover from a SIGKILLed media worker.
 *
 * The rig (tests/support/netns.ts): two Chromium processes, each in a Linux network
 * namespace of its own joined to the root namespace by a veth pair; the servers run in
 * this process in the root namespace. The "subject" namespace's link is taken down for
 * `--down` seconds and brought up; a run's figure is the time from the link coming up
 * until both sides present a new remote video frame (`requestVideoFrameCallback`): the
 * subject sees the other again and the other sees the subject again.
 *
 * - Service: the real MediationServer (mediator in the stable namespace, a party as
 *   the subject), the app's own reconnection (socket, rejoin, media rebuild).
 * - Baseline: a bare page (bench/reconnect-page, mediasoup-client bundled by Vite)
 *   against a bare mediasoup router in this process, signalling over HTTP through the
 *   same link, recovering by ICE restart when a transport's connection drops.
 *
 * Runs alternate service, baseline, … so load on the machine hits both alike. Then
 * the service session's worker is SIGKILLed `--worker-runs` times: the time until both
 * sides present frames again after the gap.
 *
 *   npm run bench:reconnect [-- --runs 10 --down 10 --worker-runs 5]
 */
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import * as mediasoup from 'mediasoup';
import type {
  Consumer,
  Producer,
  Router,
  RtpCapabilities,
  WebRtcTransport,
  Worker,
} from 'mediasoup/node/lib/types.js';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { admitThroughUi, diagnostics, launchChromium, poll } from '../tests/support/browser.js';
import { enrolledToken } from '../tests/support/enrol.js';
import { NetnsRig, type NetnsHost } from '../tests/support/netns.js';
import {
  environment,
  errorText,
  flag,
  median,
  out,
  root,
  round1,
  startBenchService,
  table,
  versionOf,
  type BenchService,
  resultFile,
} from './common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const RESULT_FILE = resultFile('reconnect');

const params = {
  runs: flag('runs', 10, { integer: true, smoke: 1 }),
  downSeconds: flag('down', 10, { smoke: 3 }),
  workerRuns: flag('worker-runs', 5, { integer: true, smoke: 1 }),
  /** A run gives up when frames are not back within this. */
  recoverTimeoutMs: 60_000,
  /** Frames must be presented on both sides within this before a run starts. */
  steadyWithinMs: 500,
  /** A gap at least this long in presented frames marks the worker-death outage. */
  gapMs: 300,
};

const WATCHDOG_MS =
  120_000 + params.runs * 2 * (params.downSeconds * 1000 + 70_000) + params.workerRuns * 70_000;

// ---------------------------------------------------------------- frame probes

/** Installed in the service pages: every presented remote frame's wall-clock time. */
const PROBE = `(() => {
  const state = { frames: [] };
  Object.defineProperty(window, '__frames', { value: state });
  const seen = new WeakSet();
  const watch = (video) => {
    if (seen.has(video)) return;
    seen.add(video);
    const onFrame = () => {
      state.frames.push(Date.now());
      if (state.frames.length > 2000) state.frames.splice(0, 1000);
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  new MutationObserver(() => {
    document.querySelectorAll('[data-testid="remote-tile"] video').forEach(watch);
  }).observe(document, { childList: true, subtree: true });
})();`;

interface Side {
  name: string;
  page: Page;
  /** The page's presented-frame times (wall clock, ms). */
  frames(): Promise<number[]>;
}

function serviceSide(name: string, page: Page): Side {
  return {
    name,
    page,
    frames: async () => (await page.evaluate('window.__frames.frames')) as number[],
  };
}

function bareSide(name: string, page: Page): Side {
  return {
    name,
    page,
    frames: async () => (await page.evaluate('window.__bare.frames')) as number[],
  };
}

async function steady(sides: Side[], timeoutMs = 60_000): Promise<void> {
  await poll(
    async () => {
      const now = Date.now();
      const last = await Promise.all(sides.map(async (s) => (await s.frames()).at(-1) ?? 0));
      return last.every((t) => now - t < params.steadyWithinMs);
    },
    (ok) => ok,
    timeoutMs,
    `frames on ${sides.map((s) => s.name).join(' and ')}`,
  );
}

/** Ms from `since` to the first frame each side presents after it (and after a gap, if asked). */
async function firstFrameAfter(
  sides: Side[],
  since: number,
  options: { afterGap?: boolean } = {},
): Promise<number[]> {
  const found = new Map<string, number>();
  const deadline = Date.now() + params.recoverTimeoutMs;
  while (found.size < sides.length) {
    if (Date.now() > deadline)
      throw new Error(`no frames again within ${params.recoverTimeoutMs} ms`);
    for (const side of sides) {
      if (found.has(side.name)) continue;
      const frames = await side.frames();
      for (let i = 1; i < frames.length; i++) {
        const t = frames[i]!;
        if (t <= since) continue;
        if (options.afterGap && t - frames[i - 1]! < params.gapMs) continue;
        // Two more frames after it: video flows again, not one stray frame.
        if (frames.length - i >= 3) found.set(side.name, t - since);
        break;
      }
    }
    await sleep(100);
  }
  return sides.map((s) => found.get(s.name)!);
}

/** Link down for the set time, up, then ms until both sides present frames again. */
async function linkRun(subject: NetnsHost, sides: Side[]): Promise<number[]> {
  await steady(sides);
  subject.linkDown();
  try {
    await sleep(params.downSeconds * 1000);
  } finally {
    subject.linkUp();
  }
  return firstFrameAfter(sides, Date.now());
}

// ---------------------------------------------------------------- the bare baseline

interface Bare {
  url: string;
  close(): Promise<void>;
}

/** Builds the bare page and serves it with its signalling, against a bare router. */
async function startBare(listenIp: string): Promise<Bare> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'mediation-bench-reconnect-'));
  await build({
    configFile: false,
    root: path.join(here, 'reconnect-page'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  const worker: Worker = await mediasoup.createWorker({ logLevel: 'warn' });
  const router: Router = await worker.createRouter({
    mediaCodecs: [
      { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: {} },
      { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
    ],
  });
  const transports = new Map<string, WebRtcTransport>();
  const producers = new Map<string, Producer>();
  const consumers = new Map<string, Consumer>();
  type Args = Record<string, unknown>;
  const transport = (id: unknown): WebRtcTransport => {
    const t = transports.get(String(id));
    if (!t) throw new Error('no such transport');
    return t;
  };
  const methods: Record<string, (a: Args) => Promise<unknown>> = {
    capabilities: async () => router.rtpCapabilities,
    createTransport: async () => {
      const t = await router.createWebRtcTransport({
        listenIps: [{ ip: listenIp }],
        enableUdp: true,
        enableTcp: true,
        preferUdp: true,
      });
      transports.set(t.id, t);
      return {
        id: t.id,
        iceParameters: t.iceParameters,
        iceCandidates: t.iceCandidates.map((c) => ({ ...c, address: c.ip })),
        dtlsParameters: t.dtlsParameters,
      };
    },
    connect: async (a) => {
      await transport(a['id']).connect({ dtlsParameters: a['dtlsParameters'] as never });
      return {};
    },
    produce: async (a) => {
      const p = await transport(a['id']).produce({
        kind: a['kind'] as 'audio' | 'video',
        rtpParameters: a['rtpParameters'] as never,
      });
      if (p.kind === 'video') producers.set(String(a['me']), p);
      return { id: p.id };
    },
    consume: async (a) => {
      const p = producers.get(String(a['peer']));
      if (!p) return {};
      const c = await transport(a['id']).consume({
        producerId: p.id,
        rtpCapabilities: a['rtpCapabilities'] as RtpCapabilities,
        paused: true,
      });
      consumers.set(c.id, c);
      return { id: c.id, producerId: p.id, kind: c.kind, rtpParameters: c.rtpParameters };
    },
    resume: async (a) => {
      await consumers.get(String(a['id']))?.resume();
      return {};
    },
    restartIce: async (a) => ({ iceParameters: await transport(a['id']).restartIce() }),
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/rpc') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { method, args } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          method: string;
          args: Args;
        };
        const handler = methods[method];
        (handler ? handler(args) : Promise.reject(new Error(`unknown ${method}`))).then(
          (result) => {
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(result));
          },
          (error: unknown) => {
            res.statusCode = 500;
            res.end(String(error));
          },
        );
      });
      return;
    }
    const file = path.join(
      outDir,
      (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').split('?')[0]!,
    );
    if (!file.startsWith(outDir) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : 'text/html');
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, listenIp, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${listenIp}:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const t of transports.values()) t.close();
      worker.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

async function bareSides(bare: Bare, stable: Browser, subject: Browser): Promise<Side[]> {
  const open = async (browser: Browser, me: string, peer: string) => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${bare.url}/?me=${me}&peer=${peer}`);
    return page;
  };
  // Each page consumes the other's camera: both open before either is ready.
  const stablePage = await open(stable, 'stable', 'subject');
  const subjectPage = await open(subject, 'subject', 'stable');
  const ready = async (page: Page, me: string) => {
    await poll(
      async () =>
        (await page.evaluate('window.__bare')) as { ready: boolean; error: string | null },
      (s) => s.ready || s.error !== null,
      60_000,
      `bare page ${me} ready`,
    ).then((s) => {
      if (s.error) throw new Error(`bare page ${me}: ${s.error}`);
    });
  };
  await ready(stablePage, 'stable');
  await ready(subjectPage, 'subject');
  return [bareSide('subject sees other', subjectPage), bareSide('other sees subject', stablePage)];
}

// ---------------------------------------------------------------- the service

async function serviceSides(
  service: BenchService,
  url: string,
  stable: Browser,
  subject: Browser,
): Promise<Side[]> {
  const session = { caseId: 'CASE-RECONNECT', sessionId: 'SESSION-RECONNECT' };
  const open = async (browser: Browser, sub: string, role: 'mediator' | 'party') => {
    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    await page.addInitScript(PROBE);
    const token = await enrolledToken(service.server, { sub, role, name: sub, ...session });
    await page.goto(`${url}/join#token=${token}`);
    await page.getByTestId('join').click({ timeout: 60_000 });
    return page;
  };
  const joined = (page: Page, sub: string) =>
    poll(
      () => diagnostics.status(page),
      (s) => s === 'joined',
      60_000,
      `${sub} joined`,
    );
  const mediator = await open(stable, 'mediator', 'mediator');
  await joined(mediator, 'mediator');
  const party = await open(subject, 'applicant', 'party');
  // The mediator checks the party's identity and admits them from the waiting list.
  await admitThroughUi(mediator, 'applicant', 60_000);
  await joined(party, 'applicant');
  return [serviceSide('subject sees other', party), serviceSide('other sees subject', mediator)];
}

async function workerRun(service: BenchService, sides: Side[]): Promise<number[]> {
  await steady(sides);
  const session = service.server.sessions.get('SESSION-RECONNECT');
  if (!session) throw new Error('the service session is gone');
  const killedAt = Date.now();
  process.kill(session.workerPid, 'SIGKILL');
  return firstFrameAfter(sides, killedAt, { afterGap: true });
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'client/dist/index.html')))
    throw new Error('client/dist is missing: `npm run bench:reconnect` builds it');
  const rig = NetnsRig.create();
  // Whatever ends the process (the watchdog, a signal), the namespaces go with it.
  process.once('exit', () => rig.close());
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => process.exit(130));
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const stableNs = rig.addHost();
    const subjectNs = rig.addHost();
    const service = await startBenchService({
      HTTP_HOST: rig.serverIp,
      MEDIASOUP_LISTEN_IP: rig.serverIp,
      MEDIASOUP_NUM_WORKERS: '2',
    });
    cleanups.push(() => service.close());
    const serviceUrl = `http://${rig.serverIp}:${service.server.port}`;
    const bare = await startBare(rig.serverIp);
    cleanups.push(() => bare.close());
    const launch = async (ns: NetnsHost) => {
      const b = await launchChromium({
        executablePath: ns.chromium,
        secureOrigins: [serviceUrl, bare.url],
      });
      cleanups.push(() => b.close());
      return b;
    };
    const stable = await launch(stableNs);
    const subject = await launch(subjectNs);
    const svc = await serviceSides(service, serviceUrl, stable, subject);
    const base = await bareSides(bare, stable, subject);

    out(
      `bench:reconnect — link down ${params.downSeconds} s, then up → frames again on both sides; ` +
        `${params.runs} runs each, alternating`,
    );
    const serviceRuns: number[][] = [];
    const baselineRuns: number[][] = [];
    for (let run = 1; run <= params.runs; run++) {
      const s = await linkRun(subjectNs, svc);
      serviceRuns.push(s);
      const b = await linkRun(subjectNs, base);
      baselineRuns.push(b);
      out(
        `run ${String(run).padStart(2)}: service ${s.map(Math.round).join(' / ')} ms, ` +
          `baseline ${b.map(Math.round).join(' / ')} ms (subject sees other / other sees subject)`,
      );
    }
    const both = (r: number[]) => Math.max(...r);
    const serviceMedian = median(serviceRuns.map(both));
    const baselineMedian = median(baselineRuns.map(both));

    out(
      `SIGKILL of the session's media worker → frames again on both sides, ${params.workerRuns} runs`,
    );
    const workerRuns: number[][] = [];
    for (let run = 1; run <= params.workerRuns; run++) {
      const w = await workerRun(service, svc);
      workerRuns.push(w);
      out(`run ${String(run).padStart(2)}: ${w.map(Math.round).join(' / ')} ms`);
    }
    const workerMedian = median(workerRuns.map(both));

    out('');
    const col = (runs: number[][], i: number) => String(Math.round(median(runs.map((r) => r[i]!))));
    table(
      [
        ['median, ms', 'subject sees other', 'other sees subject', 'both'],
        [
          'link down/up, service',
          col(serviceRuns, 0),
          col(serviceRuns, 1),
          String(Math.round(serviceMedian)),
        ],
        [
          'link down/up, baseline',
          col(baselineRuns, 0),
          col(baselineRuns, 1),
          String(Math.round(baselineMedian)),
        ],
        [
          'worker SIGKILL, service',
          col(workerRuns, 0),
          col(workerRuns, 1),
          String(Math.round(workerMedian)),
        ],
      ],
      1,
    );
    const ratio = serviceMedian / baselineMedian;
    mkdirSync(path.dirname(RESULT_FILE), { recursive: true });
    writeFileSync(
      RESULT_FILE,
      `${JSON.stringify(
        {
          benchmark: 'reconnect',
          at: new Date().toISOString(),
          environment: environment({
            mediasoup: versionOf('mediasoup'),
            mediasoupClient: versionOf('mediasoup-client'),
            playwrightCore: versionOf('playwright-core'),
          }),
          params,
          sides: ['subject sees other', 'other sees subject'],
          linkDownUp: {
            service: { runsMs: serviceRuns, medianMs: round1(serviceMedian) },
            baseline: { runsMs: baselineRuns, medianMs: round1(baselineMedian) },
          },
          workerDeath: { runsMs: workerRuns, medianMs: round1(workerMedian) },
          ratio: Math.round(ratio * 100) / 100,
        },
        null,
        2,
      )}\n`,
    );
    out(`figures written to ${path.relative(root, RESULT_FILE)}`);
    out(
      `ratio=${ratio.toFixed(2)} (service ÷ baseline median time to frames again after a ` +
        `${params.downSeconds} s link outage; worker SIGKILL median ${Math.round(workerMedian)} ms)`,
    );
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    rig.close();
  }
}

setTimeout(() => {
  process.stderr.write(`bench:reconnect: watchdog fired after ${WATCHDOG_MS} ms\n`);
  process.exit(2);
}, WATCHDOG_MS).unref();

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(1);
  },
);
