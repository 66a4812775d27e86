/**
 * bench:soak — memory over a compressed long day, against a process doing no work.
 *
 * Two child processes each start the real service in-process (fresh DATA_DIR, SQLite,
 * one mediasoup worker). One lives a working day compressed into minutes: `--hours`
 * hour-equivalents (default 8), each with `--sessions` sessions (default 30), every
 * session opened and closed as users do:
 *
 * - a case registered, accepted, a mediator assigned, a session scheduled
 *   (CaseService, as the clerk's console does);
 * - the mediator and both parties connect over real Socket.IO and join; the parties are
 *   admitted after the identity check; a party sends a chat message and raises a hand;
 *   the respondent leaves and joins again;
 * - the applicant uploads a 256 KiB evidence file over HTTP (multipart);
 * - every `--record-every`-th session (default 4): the mediator and the applicant publish
 *   synthetic media (FFmpeg → plain transports), the mediator records 3 s, the
 *   applicant acknowledges, the recording stops and is finished;
 * - every `--settle-every`-th session (default 6): a whole settled case through the API
 *   (tests/support/settledCase.ts): agreement issued and served electronically, signed
 *   with one-time codes by both parties and the mediator, sealed by the clerk;
 * - the mediator ends the session over HTTP; every socket closes.
 *
 * The other child (the baseline) starts the same service the same way and does nothing.
 * After each hour-equivalent both are sampled at the same moment, after their recordings
 * are finished and two full garbage collections: RSS, V8 heap used, external memory, and
 * what the service holds per session (live sessions, floor memories). The driver runs
 * inside the service's process (it needs the case service and the live sessions), so its
 * own per-session objects count too; they are released after each session.
 *
 * Last line: ratio=<final hour's RSS ÷ first hour's RSS> of the working process (goal ≤ 1.1:
 * no growth that does not come back); the baseline's own ratio is printed beside it.
 * Figures: bench/results/soak.json.
 *
 *   npm run bench:soak [-- --hours 8 --sessions 30 --record-every 4 --settle-every 6]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  askChild,
  environment,
  errorText,
  ffmpegVersion,
  flag,
  out,
  resultFile,
  round1,
  round3,
  runBounded,
  table,
  textFlag,
  versionOf,
  withTimeout,
  SMOKE,
} from './common.js';

const RESULT_FILE = resultFile('soak');

const params = {
  hours: flag('hours', 8, { integer: true, smoke: 2 }),
  sessions: flag('sessions', 30, { integer: true, smoke: 2 }),
  recordEvery: flag('record-every', 4, { integer: true, smoke: 2 }),
  settleEvery: flag('settle-every', 6, { integer: true, smoke: 2 }),
  recordSeconds: flag('record-seconds', 3, { smoke: 1 }),
  evidenceKiB: flag('evidence-kib', 256, { integer: true }),
  /** `--heap-snapshots DIR`: the working process writes a V8 heap snapshot there after each hour. */
  heapSnapshots: textFlag('heap-snapshots'),
};

/** One sample of a child process, taken after two full garbage collections. */
interface Sample {
  hour: number;
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  /** The mediasoup workers' RSS, summed (from /proc; 0 where /proc is missing). */
  workerRssMiB: number;
  /** Live sessions and floor memories the service holds (working process; 0 for the idle one). */
  liveSessions: number;
  floorMemories: number;
  sessionsDone: number;
  /** Wall time of the hour-equivalent's work, s. */
  seconds: number;
}

type ChildMessage =
  | { type: 'ready' }
  | { type: 'sample'; sample: Sample }
  | { type: 'done' }
  | { type: 'error'; message: string };

type ParentMessage = { type: 'hour'; hour: number } | { type: 'finish' };

const MiB = 2 ** 20;

// ---------------------------------------------------------------- child: the service

/** Full garbage collection, available without --expose-gc on the command line. */
function collector(): () => void {
  v8.setFlagsFromString('--expose_gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
}

/** A process's resident set (bytes) from /proc, 0 when unreadable. */
function rssOf(pid: number): number {
  try {
    const kib = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib ? Number(kib) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function runChild(working: boolean): Promise<void> {
  const { startBenchService } = await import('./common.js');
  const { soakSession } = await import('./soakDay.js');
  const { seedStaff } = await import('../tests/support/cases.js');
  const { SqlCaseRepository } = await import('../server/db/SqlCaseRepository.js');
  const gc = collector();
  const service = await startBenchService(
    { MEDIASOUP_NUM_WORKERS: '1', TRUSTED_PROXIES: '127.0.0.1' },
    'mediation-soak-',
  );
  // Eight organisations' staff take the sessions in turn: one mediator holding every
  // session of the day would run into the per-person request limits.
  const repo = new SqlCaseRepository(service.server.database);
  const staff = await Promise.all(Array.from({ length: 8 }, () => seedStaff(repo)));
  const send = (m: ChildMessage): void => {
    process.send?.(m);
  };
  let sessionsDone = 0;
  const hour = async (n: number): Promise<Sample> => {
    const started = performance.now();
    if (working) {
      for (let s = 0; s < params.sessions; s++) {
        const index = sessionsDone + 1;
        await soakSession(service, staff[index % staff.length]!, {
          record: index % params.recordEvery === 0 ? params.recordSeconds : 0,
          settle: index % params.settleEvery === 0,
          evidenceBytes: params.evidenceKiB * 1024,
          index,
        });
        sessionsDone += 1;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    await service.server.recordings.idle();
    await sleep(500);
    gc();
    if (working && params.heapSnapshots)
      v8.writeHeapSnapshot(path.join(params.heapSnapshots, `soak-hour-${n}.heapsnapshot`));
    const m = process.memoryUsage();
    return {
      hour: n,
      rssMiB: round1(m.rss / MiB),
      heapUsedMiB: round1(m.heapUsed / MiB),
      externalMiB: round1(m.external / MiB),
      workerRssMiB: round1(
        service.server.pool.workers.reduce((sum, w) => sum + rssOf(w.worker.pid), 0) / MiB,
      ),
      liveSessions: service.server.sessions.all().length,
      floorMemories: service.server.sessions.remembered().length,
      sessionsDone,
      seconds: round1(seconds),
    };
  };
  process.on('message', (m: unknown) => {
    const req = m as ParentMessage;
    if (req.type === 'hour')
      hour(req.hour).then(
        (sample) => send({ type: 'sample', sample }),
        (e: unknown) => send({ type: 'error', message: errorText(e) }),
      );
    else
      service.close().then(
        () => send({ type: 'done' }),
        (e: unknown) => send({ type: 'error', message: errorText(e) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

// ---------------------------------------------------------------- parent

const children = new Set<ChildProcess>();

function startChild(role: 'day' | 'idle'): Promise<ChildProcess> {
  const viteNode = process.argv[1]!;
  const child = spawn(
    process.execPath,
    [viteNode, fileURLToPath(import.meta.url), `--role=${role}`, ...process.argv.slice(2)],
    { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return withTimeout(
    new Promise<ChildProcess>((resolve, reject) => {
      child.once('message', (m: ChildMessage) =>
        m.type === 'ready' ? resolve(child) : reject(new Error(`${role}: ${JSON.stringify(m)}`)),
      );
      child.once('exit', (code) => reject(new Error(`${role} process exited (${code})`)));
    }),
    60_000,
    `${role} process start`,
  );
}

function ask<T extends ChildMessage['type']>(
  child: ChildProcess,
  req: ParentMessage,
  expect: T,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: T }>> {
  return askChild<ChildMessage, T>(child, req, expect, timeoutMs, 'soak child');
}

async function main(): Promise<void> {
  out(`bench:soak${SMOKE ? ' (smoke)' : ''}: ${JSON.stringify(params)}`);
  const ffmpeg = ffmpegVersion('soak');
  const [day, idle] = await Promise.all([startChild('day'), startChild('idle')]);
  const hourLimitMs = 120_000 + params.sessions * 30_000;
  const samples: { day: Sample; idle: Sample }[] = [];
  for (let h = 1; h <= params.hours; h++) {
    const worked = await ask(day, { type: 'hour', hour: h }, 'sample', hourLimitMs);
    // The idle process is sampled when the working one is done with its hour.
    const rested = await ask(idle, { type: 'hour', hour: h }, 'sample', 30_000);
    samples.push({ day: worked.sample, idle: rested.sample });
    const d = worked.sample;
    out(
      `hour ${h}: ${d.sessionsDone} sessions in ${d.seconds} s; rss ${d.rssMiB} MiB` +
        ` (idle ${rested.sample.rssMiB}), heap ${d.heapUsedMiB} MiB, live sessions ${d.liveSessions},` +
        ` floor memories ${d.floorMemories}`,
    );
  }
  await Promise.all([
    ask(day, { type: 'finish' }, 'done', 30_000),
    ask(idle, { type: 'finish' }, 'done', 30_000),
  ]);
  out();
  table([
    [
      ...['hour', 'sessions', 'rss MiB', 'heap MiB', 'external MiB', 'worker rss MiB'],
      ...['idle rss MiB', 'idle heap MiB', 'idle worker MiB'],
    ],
    ...samples.map(({ day: d, idle: i }) => [
      String(d.hour),
      String(d.sessionsDone),
      d.rssMiB.toFixed(1),
      d.heapUsedMiB.toFixed(1),
      d.externalMiB.toFixed(1),
      d.workerRssMiB.toFixed(1),
      i.rssMiB.toFixed(1),
      i.heapUsedMiB.toFixed(1),
      i.workerRssMiB.toFixed(1),
    ]),
  ]);
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const ratio = round3(last.day.rssMiB / first.day.rssMiB);
  const heapRatio = round3(last.day.heapUsedMiB / first.day.heapUsedMiB);
  const idleRatio = round3(last.idle.rssMiB / first.idle.rssMiB);
  const workerRatio = round3(last.day.workerRssMiB / first.day.workerRssMiB);
  const held = last.day.liveSessions + last.day.floorMemories;
  writeFileSync(
    RESULT_FILE,
    `${JSON.stringify(
      {
        bench: 'soak',
        date: new Date().toISOString(),
        smoke: SMOKE,
        params,
        environment: environment({ ffmpeg, mediasoup: versionOf('mediasoup') }),
        samples,
        ratio,
        heapRatio,
        workerRatio,
        idleRatio,
        heldAtEnd: { liveSessions: last.day.liveSessions, floorMemories: last.day.floorMemories },
      },
      null,
      2,
    )}\n`,
  );
  out();
  out(`results: ${RESULT_FILE}`);
  if (held > 0) out(`warning: ${held} live sessions or floor memories held after the day`);
  out(
    `ratio=${ratio} (rss after hour ${params.hours} ÷ after hour 1: ${last.day.rssMiB} ÷ ${first.day.rssMiB} MiB;` +
      ` heap ${heapRatio}; mediasoup worker ${workerRatio}; idle baseline ${idleRatio}; goal ≤ 1.1)`,
  );
}

const role = textFlag('role');
if (role === 'day' || role === 'idle') {
  runChild(role === 'day').catch((e: unknown) => {
    process.stderr.write(`${errorText(e)}\n`);
    process.exit(1);
  });
} else {
  runBounded('bench:soak', SMOKE ? 180_000 : 40 * 60_000, children, main);
}
