/**
 * Helpers shared by the benchmark scripts: command-line flags, output, timeouts,
 * statistics, the facts recorded in result files, and the in-process service.
 *
 * Nothing here loads server code up front (the service modules are imported when
 * `startBenchService` runs), so a script that never starts the service in-process
 * (bench:upload, the load process of bench:signaling) does not load it.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MediationServer } from '../server/MediationServer.js';

/** The repository root (the folder holding bench/ and node_modules/). */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- command line

/** The value of `--name value` or `--name=value` on the command line, if given. */
export function textFlag(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/**
 * `--smoke`: the benchmark runs with small parameters (seconds, not minutes) to show
 * it still completes and prints its `ratio=` line; `npm test` runs every benchmark so
 * (tests/bench/smoke.test.ts). Its figures mean nothing and go to a temporary file.
 */
export const SMOKE = process.argv.slice(2).includes('--smoke');

/**
 * Numeric `--name`: a positive number (a positive integer with `integer: true`), else
 * throws; if absent, `smoke` under `--smoke` (when given), else `fallback`.
 */
export function flag(
  name: string,
  fallback: number,
  options: { integer?: boolean; smoke?: number } = {},
): number {
  const value = textFlag(name);
  if (value === undefined) return SMOKE && options.smoke !== undefined ? options.smoke : fallback;
  const n = Number(value);
  const kind = options.integer ? 'integer' : 'number';
  if (!(options.integer ? Number.isInteger(n) : Number.isFinite(n)) || n <= 0)
    throw new Error(`--${name} needs a positive ${kind}, got ${value}`);
  return n;
}

// ---------------------------------------------------------------- output and errors

/** Writes one line to stdout. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** An error's message (or the thrown value as text). */
export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An error's stack, else its message (or the thrown value as text): for a fatal failure. */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Settles as `promise` does, or rejects with `<what>: <late> in <ms> ms` once `ms` have passed. */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  late = 'no answer',
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: ${late} in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Prints rows as a table: the first `left` columns padded at the end, the others at the start. */
export function table(rows: string[][], left = 1): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const r of rows) {
    out(
      r
        .map((cell, c) => (c < left ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join('   ')
        .trimEnd(),
    );
  }
}

// ---------------------------------------------------------------- statistics

/** Rounds to 1 decimal. */
export const round1 = (v: number): number => Math.round(v * 10) / 10;

/** Rounds to 3 decimals. */
export const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The median (the mean of the two middle values for an even count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Nearest-rank percentile `p` (0–100) of ascending `sorted` values; NaN when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

// ---------------------------------------------------------------- result files

/**
 * Where a benchmark writes its figures: `bench/results/<name>.json`, or under
 * `--smoke` a file in the temporary directory, so a smoke run never replaces the
 * recorded figures.
 */
export function resultFile(name: string): string {
  if (!SMOKE) return path.join(root, 'bench', 'results', `${name}.json`);
  const dir = path.join(os.tmpdir(), 'mediation-bench-smoke');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${name}.json`);
}

/** The installed version of a package in node_modules, or 'unknown'. */
export function versionOf(pkg: string): string {
  try {
    const file = path.join(root, 'node_modules', pkg, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function debianVersion(): string | undefined {
  try {
    return readFileSync('/etc/debian_version', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * The commit measured: `git rev-parse --short HEAD`, with `+changes` when tracked files
 * other than the recorded results differ from it (a figure of uncommitted code).
 */
export function commitMeasured(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0) return 'unknown';
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
    cwd: root,
    encoding: 'utf8',
  });
  const changed = status.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.slice(3).startsWith('bench/results/'));
  return `${head.stdout.trim()}${changed.length > 0 ? '+changes' : ''}`;
}

/** Node, OS and machine facts for a result file (`debian: false` leaves out the Debian version), then `extra`. */
export function environment(
  extra: Record<string, unknown> = {},
  options: { debian?: boolean; roundLoadavg?: (v: number) => number } = {},
): Record<string, unknown> {
  const { debian = true, roundLoadavg } = options;
  return {
    commit: commitMeasured(),
    node: process.version,
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
    ...(debian ? { debian: debianVersion() } : {}),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    totalMemGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavg: roundLoadavg ? os.loadavg().map(roundLoadavg) : os.loadavg(),
    // glibc's arenas change a process's RSS (scripts/start.sh and scripts/bench.sh set 2).
    mallocArenaMax: process.env['MALLOC_ARENA_MAX'] ?? null,
    ...extra,
  };
}

// ---------------------------------------------------------------- the service in-process

/** Signs the session tokens of the in-process service unless `JWT_SECRET` is given. */
export const BENCH_SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/** The service running in this process. */
export interface BenchService {
  server: MediationServer;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the real MediationServer in this process, on a loopback port and a fresh
 * temporary DATA_DIR (removed by `close`), silent, with `env` over those defaults.
 */
export async function startBenchService(
  env: Record<string, string>,
  dataDirPrefix = 'mediation-bench-',
  /** Another build of the browser client to serve (bench:join `--compare`). */
  clientDir?: string,
): Promise<BenchService> {
  const { loadConfig } = await import('../server/config.js');
  const { createLogger } = await import('../server/logger.js');
  const { MediationServer } = await import('../server/MediationServer.js');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), dataDirPrefix));
  const config = loadConfig(process.env, {
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    PUBLIC_URL: '',
    DATA_DIR: dataDir,
    JWT_SECRET: BENCH_SECRET,
    MEDIASOUP_LISTEN_IP: '127.0.0.1',
    MEDIASOUP_ANNOUNCED_IP: '',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const server = await MediationServer.create(
    config,
    createLogger(config.logLevel),
    clientDir ? { clientDir } : {},
  );
  // Start-up's background pass (deadlines, notices, the risk scan and the statistics
  // reports it renders) is not what a benchmark measures: it runs before, not during.
  await server.scheduler.tick();
  return {
    server,
    url: `http://127.0.0.1:${server.port}`,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Plays the mediator's part in the waiting room for a benchmark: once a
 * mediator is in a session, everyone waiting there is admitted at once.
 * (A real mediator checks identity first; the benchmarks measure the rest.)
 */
export function autoAdmit(server: MediationServer): void {
  server.sessions.onCreated((session) => {
    const admitWaiting = (): void => {
      const mediator = session
        .participants()
        .find((p) => p.identity.role === 'mediator' && p.admission === 'admitted');
      if (!mediator) return;
      for (const p of session.participants()) {
        if (p.admission === 'waiting')
          session.admit(mediator.id, p.id, 'benchmark: admitted without the identity check');
      }
    };
    // After the join's acknowledgement has gone out, as a mediator's click would be.
    session.addListener({ participantJoined: () => setTimeout(admitWaiting, 10) });
  });
}

/**
 * The clip synthetic participants send (bench:media, bench:recording): 10 s of
 * VP8 640×360 at 25 fps, 600 kbit/s, a key frame every second, and Opus
 * 32 kbit/s in 20 ms frames, encoded once from FFmpeg's test sources.
 */
export const CLIP = {
  seconds: 10,
  video: 'testsrc2=size=640x360:rate=25',
  audio: 'sine=frequency=440:sample_rate=48000',
  videoArgs: ['-c:v', 'libvpx', '-b:v', '600k', '-g', '25', '-keyint_min', '25'],
  // Like a WebRTC sender: no alt-ref (invisible) frames, no look-ahead.
  videoTuning: ['-auto-alt-ref', '0', '-lag-in-frames', '0', '-deadline', 'good', '-cpu-used', '4'],
  audioArgs: ['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-application', 'voip'],
};

/** FFmpeg's version line; fails clearly when it is missing (`npm run bench:<name>` installs it). */
export function ffmpegVersion(bench: string): string {
  const r = spawnSync('ffmpeg', ['-version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg not found; \`npm run bench:${bench}\` installs it`);
  return r.stdout.split('\n')[0] ?? 'ffmpeg';
}

/** Encodes the VP8 + Opus WebM clip once per recipe, cached in the temp directory. */
export function ensureClip(): string {
  const key = createHash('sha256').update(JSON.stringify(CLIP)).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), 'mediation-bench');
  const file = path.join(dir, `clip-${key}.webm`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial.webm`;
  const r = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-f', 'lavfi', '-i', CLIP.video, '-f', 'lavfi', '-i', CLIP.audio],
      ...['-t', String(CLIP.seconds), '-map', '0:v', '-map', '1:a'],
      ...CLIP.videoArgs,
      ...CLIP.videoTuning,
      ...CLIP.audioArgs,
      ...['-f', 'webm', partial],
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cannot encode the clip: ${r.stderr}`);
  renameSync(partial, file);
  return file;
}

// ---------------------------------------------------------------- child processes

/** A child's IPC reply: `{ type }`, and `{ type: 'error', message }` for a failure. */
export interface ChildReply {
  type: string;
}

/**
 * Sends `request` to a child process over IPC and waits for its reply of type `expect`:
 * an `error` reply (its `message`), any other reply, the child's exit or `timeoutMs`
 * rejects. `what` names the child in errors.
 */
export function askChild<R extends ChildReply, K extends R['type']>(
  child: ChildProcess,
  request: { type: string },
  expect: K,
  timeoutMs: number,
  what: string,
): Promise<Extract<R, { type: K }>> {
  let cleanup = (): void => undefined;
  const answer = new Promise<Extract<R, { type: K }>>((resolve, reject) => {
    const onMessage = (m: unknown): void => {
      const r = m as R & { message?: string };
      if (r.type === expect) resolve(r as Extract<R, { type: K }>);
      else reject(new Error(r.type === 'error' ? String(r.message) : `unexpected ${r.type}`));
    };
    const onExit = (code: number | null): void => {
      reject(new Error(`${what} exited (${code}) during ${request.type}`));
    };
    cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(request);
  });
  return withTimeout(answer, timeoutMs, `${what} ${request.type}`).finally(() => cleanup());
}

// ---------------------------------------------------------------- bounded runs

/**
 * Runs a benchmark's `main` bounded whatever happens: a watchdog stops it after
 * `limitMs`, and its child processes never outlive the run (exit, signal, failure).
 */
export function runBounded(
  name: string,
  limitMs: number,
  children: ReadonlySet<ChildProcess>,
  main: () => Promise<unknown>,
): void {
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL');
  };
  const watchdog = setTimeout(() => {
    process.stderr.write(`${name}: over ${limitMs / 60_000} minutes; stopping\n`);
    killAll();
    process.exit(1);
  }, limitMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  process.once('exit', killAll);
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${errorText(error)}\n`);
      killAll();
      process.exit(1);
    },
  );
}
