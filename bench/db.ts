/**
 * bench:db — the case API's write and read paths under concurrent load, on the
 * embedded SQLite database (the baseline) and on PostgreSQL, one process and three.
 *
 * Configurations, in one run, each on a fresh database with the same workload:
 *   (a) sqlite ×1    one service process, DATA_DIR's embedded SQLite file (the baseline);
 *   (b) postgres ×1  one service process, DATABASE_URL to a fresh database;
 *   (c) postgres ×3  three service processes on three ports, one fresh database and one
 *                    DATA_DIR shared between them; the clients spread round-robin.
 * The service is the built server (`node dist/server/index.js`) as real OS processes, the
 * PostgreSQL server a throwaway cluster (tests/support/postgres.ts: initdb as `postgres`,
 * a free loopback port, removed at the end). The load comes from this process.
 *
 * All configurations are started (and warmed up) first and stay up; the measured work then
 * runs in `--rounds` blocks per configuration, alternating A B C, C B A, …, so that load from
 * elsewhere on the machine, which drifts, falls on all of them alike. Only one configuration
 * works at a time; the others idle.
 *
 * Write path: each of `--clients` concurrent clients runs, `--cases` times in all, what the
 * staff do for a case delegated by an arbitration commission (no respondent agreement to
 * wait for): the clerk registers it (POST /cases), opens its file (GET /cases/:id, for the
 * applicant's id), accepts it, assigns a mediator; the mediator declares no conflict,
 * schedules a session and issues the 受理通知书 served on the applicant (a PDF rendered,
 * hashed, stored; a delivery). Cases/s = cases ÷ the summed wall time of the configuration's
 * blocks; latency per case (all seven requests) and per request; CPU of the service
 * processes and of the PostgreSQL cluster per case.
 * Read path: then each client does `--reads` reads in all, alternating the clerk's case list
 * (GET /cases, every case of the organisation) and a case file (GET /cases/:id) of a case
 * drawn with a seeded generator.
 * Warm-up before anything is timed: `--warmup` cases and 4 reads per client, so every
 * process has rendered a PDF and run each query.
 *
 * Correctness, after each configuration: the case list holds exactly the cases the clients
 * created; every case is in mediation with its mediator, one session and one acceptance
 * notice with one delivery; every case's audit chain verifies (GET /cases/:id/audit) and all
 * chains have the same length. Any failed request or check counts as an error; errors fail
 * the run (after the figures are printed).
 *
 *   npm run bench:db [-- --clients 8 --cases 16 --reads 64 --rounds 4 --warmup 2 --seed 18]
 *
 * Last line: ratio=<postgres ×3 cases/s ÷ sqlite ×1 cases/s>. Figures: bench/results/db.json.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { SqlCaseRepository } from '../server/db/SqlCaseRepository.js';
import { SqliteDatabase, databaseFile } from '../server/db/SqliteDatabase.js';
import { PostgresClient } from '../server/db/sql/PostgresClient.js';
import type { SqlClient } from '../server/db/sql/SqlClient.js';
import { createLogger } from '../server/logger.js';
import { TEST_PASSWORD, registrationInput, seedStaff } from '../tests/support/cases.js';
import { apiClient, type Api } from '../tests/support/evidenceHttp.js';
import { freshDatabase, startPostgres, type PostgresCluster } from '../tests/support/postgres.js';
import {
  BENCH_SECRET,
  environment,
  flag,
  message,
  out,
  percentile,
  root,
  round1,
  round3,
  runBounded,
  table,
  versionOf,
  withTimeout,
  resultFile,
} from './common.js';

const RESULT_FILE = resultFile('db');
const SERVER_ENTRY = path.join(root, 'dist', 'server', 'index.js');

const params = {
  clients: flag('clients', 8, { integer: true, smoke: 2 }),
  /** Measured cases per client. */
  cases: flag('cases', 16, { integer: true, smoke: 2 }),
  /** Warm-up cases per client (not timed; counted in the checks). */
  warmup: flag('warmup', 2, { integer: true, smoke: 1 }),
  /** Measured reads per client, list and file alternately. */
  reads: flag('reads', 64, { integer: true, smoke: 4 }),
  warmupReads: 4,
  seed: flag('seed', 18, { integer: true }),
  /** Write and read blocks per configuration, alternating between them. */
  rounds: flag('rounds', 4, { integer: true, smoke: 2 }),
  threeProcesses: 3,
  requestTimeoutMs: 30_000,
};

for (const [name, value] of [
  ['cases', params.cases],
  ['reads', params.reads],
] as const) {
  if (value % params.rounds !== 0)
    throw new Error(`--${name} ${value} must be a multiple of --rounds ${params.rounds}`);
}

const LIMIT_MS = 9 * 60_000;

// ---------------------------------------------------------------- what to clean up

/** Every server process started; killed on any exit (runBounded and the exit hook). */
const children = new Set<ChildProcess>();
/** Temporary data directories, removed on any exit. */
const dataDirs = new Set<string>();
let cluster: PostgresCluster | undefined;

function cleanUp(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  try {
    cluster?.stop();
  } catch (error) {
    process.stderr.write(`stopping PostgreSQL: ${message(error)}\n`);
  }
  cluster = undefined;
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  dataDirs.clear();
}
// On every way out (normal, failure, watchdog, SIGINT/SIGTERM through runBounded's process.exit):
// the exit hook runs synchronously, and cluster.stop() is synchronous (pg_ctl, then rm).
process.once('exit', cleanUp);

// ---------------------------------------------------------------- helpers

/** mulberry32: a small seeded generator, so every configuration reads the same case sequence. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let clockTicks = 100;
try {
  clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  clockTicks = 100;
}

/** CPU seconds of a process (user + system), with its reaped children's when `children`. */
function cpuOf(pid: number, withReaped = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(f[11]) + Number(f[12]);
    const reaped = withReaped ? Number(f[13]) + Number(f[14]) : 0;
    return (own + reaped) / clockTicks;
  } catch {
    return 0;
  }
}

/** Busy and total jiffies of all CPUs so far (/proc/stat): the machine's load, whoever causes it. */
function machineJiffies(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((s, x) => s + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** The parent pid of a process, if it still runs. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds of the whole PostgreSQL cluster so far: the postmaster (with the backends
 * it reaped) and its live children.
 */
function clusterCpu(postmaster: number | undefined): number {
  if (postmaster === undefined) return Number.NaN;
  let total = cpuOf(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (parentOf(pid) === postmaster) total += cpuOf(pid);
  }
  return total;
}

/** The postmaster's pid: the first line of postmaster.pid in the cluster's data directory. */
async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ data_directory: string }>('SHOW data_directory');
    const dir = r.rows[0]!.data_directory;
    return Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } finally {
    await client.end();
  }
}

function summary(values: number[]): { p50: number; p95: number; mean: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return {
    p50: round1(percentile(sorted, 50)),
    p95: round1(percentile(sorted, 95)),
    mean: round1(mean),
    n: sorted.length,
  };
}

// ---------------------------------------------------------------- service processes

interface ServerProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  output: () => string;
}

async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: root,
    env: {
      PATH: process.env['PATH'],
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_SECRET: BENCH_SECRET,
      MEDIASOUP_WORKER_BIN: process.env['MEDIASOUP_WORKER_BIN'],
      MEDIASOUP_NUM_WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  if (child.pid === undefined) throw new Error('a server process did not start');
  const server: ServerProcess = {
    child,
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`a server exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    try {
      if ((await fetch(`${server.url}/healthz`)).status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`/healthz not ok within 60 s:\n${output}`);
    await sleep(100);
  }
}

async function stopServer(server: ServerProcess): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    try {
      await withTimeout(exited, 15_000, 'server shutdown', 'not done');
    } catch {
      child.kill('SIGKILL');
      await exited;
    }
  }
  children.delete(child);
}

// ---------------------------------------------------------------- workload

const STEPS = [
  'register',
  'open file',
  'accept',
  'assign mediator',
  'disclose',
  'schedule',
  'issue notice',
] as const;
type Step = (typeof STEPS)[number];

interface Errors {
  count: number;
  samples: string[];
}

function recordError(errors: Errors, what: string): void {
  errors.count += 1;
  if (errors.samples.length < 10) errors.samples.push(what);
}

/** One client's connection to the service: its API, the clerk and the mediator it acts as. */
interface Client {
  api: Api;
  clerk: string;
  mediator: { id: string; token: string };
}

interface CaseTiming {
  total: number;
  steps: Record<Step, number>;
}

/** Sends one request; a non-2xx reply or a failure throws with what it was. */
async function request<T>(
  api: Api,
  method: 'GET' | 'POST',
  p: string,
  token: string,
  body?: unknown,
): Promise<T> {
  const reply = await withTimeout(
    api.call(method, p, token, body),
    params.requestTimeoutMs,
    `${method} ${p}`,
  );
  if (reply.status < 200 || reply.status > 299)
    throw new Error(`${method} ${p}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
  return reply.body as T;
}

/** The write path for one case; its id and timings. */
async function oneCase(client: Client, n: number): Promise<{ caseId: string; timing: CaseTiming }> {
  const steps = {} as Record<Step, number>;
  const started = performance.now();
  let mark = started;
  const lap = (step: Step): void => {
    const now = performance.now();
    steps[step] = now - mark;
    mark = now;
  };
  const { api, clerk, mediator } = client;
  const c = await request<{ id: string }>(
    api,
    'POST',
    '/cases',
    clerk,
    registrationInput({
      source: 'arbitration_delegated',
      sourceReference: `沪劳人仲委调字〔2026〕第${String(n).padStart(5, '0')}号`,
    }),
  );
  lap('register');
  const file = await request<{ people: { id: string; kind: string }[] }>(
    api,
    'GET',
    `/cases/${c.id}`,
    clerk,
  );
  const applicant = file.people.find((p) => p.kind === 'applicant');
  if (!applicant) throw new Error(`case ${c.id}: no applicant in its file`);
  lap('open file');
  await request(api, 'POST', `/cases/${c.id}/accept`, clerk);
  lap('accept');
  await request(api, 'POST', `/cases/${c.id}/mediator`, clerk, { mediatorId: mediator.id });
  lap('assign mediator');
  await request(api, 'POST', `/cases/${c.id}/disclosures`, mediator.token, {
    hasConflict: false,
    statement: '本人与双方当事人及其代理人均无利害关系。',
  });
  lap('disclose');
  await request(api, 'POST', `/cases/${c.id}/sessions`, mediator.token, {
    scheduledStart: new Date(Date.now() + 86_400_000 + n * 3_600_000).toISOString(),
  });
  lap('schedule');
  await request(api, 'POST', `/cases/${c.id}/documents`, mediator.token, {
    kind: 'acceptance_notice',
    recipients: [applicant.id],
  });
  lap('issue notice');
  return { caseId: c.id, timing: { total: performance.now() - started, steps } };
}

interface WritePhase {
  seconds: number;
  cases: number;
  timings: CaseTiming[];
}

/** Every client runs `count` cases, one after another; the clients run at once. */
async function writePhase(
  clients: Client[],
  count: number,
  created: Map<string, string>,
  errors: Errors,
  numbering: { next: number },
): Promise<WritePhase> {
  const timings: CaseTiming[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      for (let i = 0; i < count; i++) {
        const n = numbering.next++;
        try {
          const { caseId, timing } = await oneCase(client, n);
          created.set(caseId, client.mediator.id);
          timings.push(timing);
        } catch (error) {
          recordError(errors, `case ${n}: ${message(error)}`);
        }
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, cases: timings.length, timings };
}

interface ReadPhase {
  seconds: number;
  reads: number;
  list: number[];
  file: number[];
}

/** Every client reads `count` times, the case list and a drawn case's file alternately. */
async function readPhase(
  clients: Client[],
  count: number,
  caseIds: readonly string[],
  errors: Errors,
  seed: number,
): Promise<ReadPhase> {
  const list: number[] = [];
  const file: number[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, index) => {
      const random = seeded(seed * 1000 + index);
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        try {
          if (i % 2 === 0) {
            const r = await request<{ cases: unknown[] }>(
              client.api,
              'GET',
              '/cases',
              client.clerk,
            );
            if (r.cases.length < caseIds.length)
              throw new Error(`case list: ${r.cases.length} cases, ${caseIds.length} expected`);
            list.push(performance.now() - t0);
          } else {
            const id = caseIds[Math.floor(random() * caseIds.length)]!;
            const r = await request<{ case: { id: string } }>(
              client.api,
              'GET',
              `/cases/${id}`,
              client.clerk,
            );
            if (r.case.id !== id) throw new Error(`case file ${id}: got ${r.case.id}`);
            file.push(performance.now() - t0);
          }
        } catch (error) {
          recordError(errors, `read ${i}: ${message(error)}`);
        }
      }
    }),
  );
  return {
    seconds: (performance.now() - started) / 1000,
    reads: list.length + file.length,
    list,
    file,
  };
}

/**
 * The checks after a configuration: the list holds exactly the cases created; each is
 * in mediation with its mediator, one session, one acceptance notice served once, an
 * intact audit chain; every chain has the same length. Requests spread over the servers.
 */
async function verify(
  clients: Client[],
  created: ReadonlyMap<string, string>,
  expected: number,
  errors: Errors,
): Promise<{ casesListed: number; chainLength: number | undefined; checked: number }> {
  const first = clients[0]!;
  const listed = await request<{ cases: { id: string }[] }>(
    first.api,
    'GET',
    '/cases',
    first.clerk,
  );
  const ids = new Set(listed.cases.map((c) => c.id));
  if (created.size !== expected)
    recordError(errors, `check: ${created.size} cases created, ${expected} expected`);
  if (ids.size !== created.size || [...created.keys()].some((id) => !ids.has(id)))
    recordError(errors, `check: the list holds ${ids.size} cases, ${created.size} were created`);
  const lengths = new Map<number, number>();
  let checked = 0;
  const queue = [...created.keys()];
  await Promise.all(
    clients.map(async (client) => {
      for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
        try {
          const file = await request<{
            case: { status: string; mediatorId: string | null };
            sessions: unknown[];
          }>(client.api, 'GET', `/cases/${id}`, client.clerk);
          if (file.case.status !== 'in_mediation' || file.case.mediatorId !== created.get(id))
            throw new Error(`status ${file.case.status}, mediator ${file.case.mediatorId}`);
          if (file.sessions.length !== 1) throw new Error(`${file.sessions.length} sessions`);
          const docs = await request<{
            documents: { kind: string }[];
            deliveries: unknown[];
          }>(client.api, 'GET', `/cases/${id}/documents`, client.clerk);
          const kinds = docs.documents.map((d) => d.kind).join(',');
          if (kinds !== 'acceptance_notice' || docs.deliveries.length !== 1)
            throw new Error(`documents [${kinds}], ${docs.deliveries.length} deliveries`);
          const audit = await request<{ ok: boolean; length: number; reason?: string }>(
            client.api,
            'GET',
            `/cases/${id}/audit`,
            client.clerk,
          );
          if (!audit.ok) throw new Error(`audit chain broken: ${audit.reason}`);
          lengths.set(audit.length, (lengths.get(audit.length) ?? 0) + 1);
          checked += 1;
        } catch (error) {
          recordError(errors, `check ${id}: ${message(error)}`);
        }
      }
    }),
  );
  if (lengths.size > 1)
    recordError(
      errors,
      `check: audit chains of different lengths ${JSON.stringify([...lengths.entries()])}`,
    );
  return { casesListed: ids.size, chainLength: [...lengths.keys()][0], checked };
}

// ---------------------------------------------------------------- one configuration

interface Setup {
  key: 'sqlite-1' | 'postgres-1' | 'postgres-3';
  label: string;
  backend: 'sqlite' | 'postgres';
  processes: number;
}

const SETUPS: Setup[] = [
  { key: 'sqlite-1', label: 'SQLite, 1 process', backend: 'sqlite', processes: 1 },
  { key: 'postgres-1', label: 'PostgreSQL, 1 process', backend: 'postgres', processes: 1 },
  {
    key: 'postgres-3',
    label: `PostgreSQL, ${params.threeProcesses} processes`,
    backend: 'postgres',
    processes: params.threeProcesses,
  },
];

interface Result {
  key: Setup['key'];
  label: string;
  processes: number;
  write: {
    cases: number;
    seconds: number;
    casesPerSecond: number;
    caseMs: ReturnType<typeof summary>;
    stepMs: Record<Step, ReturnType<typeof summary>>;
    serviceCpuSeconds: number;
    serviceCpuMsPerCase: number;
    postgresCpuSeconds: number | null;
    postgresCpuMsPerCase: number | null;
    /** CPU of this process (the clients) during the write phase. */
    benchCpuSeconds: number;
    /** Share of all cores busy during the write phase (/proc/stat; any process). */
    machineBusyShare: number;
  };
  read: {
    reads: number;
    seconds: number;
    readsPerSecond: number;
    allMs: ReturnType<typeof summary>;
    listMs: ReturnType<typeof summary>;
    fileMs: ReturnType<typeof summary>;
    serviceCpuMsPerRead: number;
  };
  check: {
    expected: number;
    casesListed: number;
    chainLength: number | undefined;
    checked: number;
  };
  errors: Errors;
  loadavg: number[];
}

/** One configuration, running: its servers, clients, cases so far, and the figures gathered. */
interface Rig {
  setup: Setup;
  dataDir: string;
  servers: ServerProcess[];
  clients: Client[];
  postmaster: number | undefined;
  errors: Errors;
  /** Case id → the mediator assigned. */
  created: Map<string, string>;
  numbering: { next: number };
  write: {
    seconds: number;
    timings: CaseTiming[];
    serviceCpu: number;
    postgresCpu: number;
    benchCpu: number;
    machineBusy: number;
    machineTotal: number;
  };
  read: { seconds: number; list: number[]; file: number[]; serviceCpu: number };
}

/** Every configuration started; stopped by finish() or, on failure, by main's finally. */
const rigs: Rig[] = [];

/** A fresh database, staff seeded, the servers started, signed in, warmed up. */
async function prepare(setup: Setup, postgres: PostgresCluster | undefined): Promise<Rig> {
  const logger = createLogger('silent');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `mediation-bench-db-${setup.key}-`));
  dataDirs.add(dataDir);
  let databaseUrl: string | undefined;
  let database: SqlClient;
  let postmaster: number | undefined;
  if (setup.backend === 'postgres') {
    if (!postgres) throw new Error('no PostgreSQL cluster');
    databaseUrl = await freshDatabase(postgres.url, setup.key);
    postmaster = await postmasterPid(postgres.url);
    database = await PostgresClient.open(databaseUrl, { max: 2 }, logger);
  } else {
    database = SqliteDatabase.open(databaseFile(dataDir), logger);
  }
  // Staff straight into the (now migrated) database, as an installation's operator does.
  let staff;
  try {
    staff = await seedStaff(new SqlCaseRepository(database));
  } finally {
    await database.close();
  }

  const rig: Rig = {
    setup,
    dataDir,
    servers: [],
    clients: [],
    postmaster,
    errors: { count: 0, samples: [] },
    created: new Map(),
    numbering: { next: 1 },
    write: {
      seconds: 0,
      timings: [],
      serviceCpu: 0,
      postgresCpu: 0,
      benchCpu: 0,
      machineBusy: 0,
      machineTotal: 0,
    },
    read: { seconds: 0, list: [], file: [], serviceCpu: 0 },
  };
  rigs.push(rig);
  // One after another: the first creates DATA_DIR's keys, the others find them.
  for (let i = 0; i < setup.processes; i++)
    rig.servers.push(
      await startServer({
        DATA_DIR: dataDir,
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      }),
    );
  const signIn = apiClient(rig.servers[0]!.url);
  const clerk = await signIn.login(staff.clerk.username, TEST_PASSWORD);
  const mediators = [
    { id: staff.mediator.id, token: await signIn.login(staff.mediator.username, TEST_PASSWORD) },
    {
      id: staff.otherMediator.id,
      token: await signIn.login(staff.otherMediator.username, TEST_PASSWORD),
    },
  ];
  rig.clients = Array.from({ length: params.clients }, (_, i) => ({
    api: apiClient(rig.servers[i % rig.servers.length]!.url),
    clerk,
    mediator: mediators[i % mediators.length]!,
  }));
  await writePhase(rig.clients, params.warmup, rig.created, rig.errors, rig.numbering);
  await readPhase(
    rig.clients,
    params.warmupReads,
    [...rig.created.keys()],
    rig.errors,
    params.seed + 7,
  );
  return rig;
}

function serviceCpu(rig: Rig): number {
  return rig.servers.reduce((s, p) => s + cpuOf(p.pid), 0);
}

/** One block of the write phase on one configuration: `count` cases per client. */
async function writeBlock(rig: Rig, count: number): Promise<void> {
  const cpu0 = serviceCpu(rig);
  const pg0 = clusterCpu(rig.postmaster);
  const bench0 = process.cpuUsage();
  const machine0 = machineJiffies();
  const block = await writePhase(rig.clients, count, rig.created, rig.errors, rig.numbering);
  const bench = process.cpuUsage(bench0);
  const machine1 = machineJiffies();
  const w = rig.write;
  w.serviceCpu += serviceCpu(rig) - cpu0;
  w.postgresCpu += clusterCpu(rig.postmaster) - pg0;
  w.benchCpu += (bench.user + bench.system) / 1e6;
  w.machineBusy += machine1.busy - machine0.busy;
  w.machineTotal += machine1.total - machine0.total;
  w.seconds += block.seconds;
  w.timings.push(...block.timings);
}

/** One block of the read phase on one configuration: `count` reads per client. */
async function readBlock(rig: Rig, count: number, seed: number): Promise<void> {
  const cpu0 = serviceCpu(rig);
  const block = await readPhase(rig.clients, count, [...rig.created.keys()], rig.errors, seed);
  rig.read.serviceCpu += serviceCpu(rig) - cpu0;
  rig.read.seconds += block.seconds;
  rig.read.list.push(...block.list);
  rig.read.file.push(...block.file);
}

/** The checks, the servers stopped, the figures. */
async function finish(rig: Rig): Promise<Result> {
  const { setup, servers, errors, write, read } = rig;
  const expected = params.clients * (params.warmup + params.cases);
  const check = await verify(rig.clients, rig.created, expected, errors);
  for (const s of servers) {
    if (s.child.exitCode !== null || s.child.signalCode !== null)
      recordError(errors, `a server exited during the run:\n${s.output()}`);
  }
  if (errors.count > 0)
    for (const s of servers)
      process.stderr.write(
        `${setup.label}, server ${s.url}, its log's end:\n${s.output().slice(-4000)}\n`,
      );
  await stopRig(rig);

  const cases = write.timings.length;
  const perCase = (seconds: number): number => round1((seconds * 1000) / Math.max(1, cases));
  const stepMs = Object.fromEntries(
    STEPS.map((step) => [step, summary(write.timings.map((t) => t.steps[step]))]),
  ) as Record<Step, ReturnType<typeof summary>>;
  const reads = read.list.length + read.file.length;
  return {
    key: setup.key,
    label: setup.label,
    processes: setup.processes,
    write: {
      cases,
      seconds: round3(write.seconds),
      casesPerSecond: round3(cases / write.seconds),
      caseMs: summary(write.timings.map((t) => t.total)),
      stepMs,
      serviceCpuSeconds: round3(write.serviceCpu),
      serviceCpuMsPerCase: perCase(write.serviceCpu),
      postgresCpuSeconds: rig.postmaster === undefined ? null : round3(write.postgresCpu),
      postgresCpuMsPerCase: rig.postmaster === undefined ? null : perCase(write.postgresCpu),
      benchCpuSeconds: round3(write.benchCpu),
      machineBusyShare: round3(write.machineBusy / Math.max(1, write.machineTotal)),
    },
    read: {
      reads,
      seconds: round3(read.seconds),
      readsPerSecond: round1(reads / read.seconds),
      allMs: summary([...read.list, ...read.file]),
      listMs: summary(read.list),
      fileMs: summary(read.file),
      serviceCpuMsPerRead: round3((read.serviceCpu * 1000) / Math.max(1, reads)),
    },
    check: { expected, ...check },
    errors,
    loadavg: os.loadavg().map((v) => round1(v)),
  };
}

async function stopRig(rig: Rig): Promise<void> {
  await Promise.all(rig.servers.map(stopServer));
  rig.servers = [];
  rmSync(rig.dataDir, { recursive: true, force: true });
  dataDirs.delete(rig.dataDir);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (!existsSync(SERVER_ENTRY))
    throw new Error(`${SERVER_ENTRY} missing: \`npm run bench:db\` builds it`);
  out(
    `bench:db — ${params.clients} clients; per configuration ${params.warmup} warm-up + ${params.cases} cases ` +
      `and ${params.reads} reads per client (${params.clients * params.cases} cases, ` +
      `${params.clients * params.reads} reads timed), in ${params.rounds} alternating rounds`,
  );
  cluster = await startPostgres();
  const results: Result[] = [];
  try {
    for (const setup of SETUPS) {
      out(`${setup.label}: starting, warming up`);
      await prepare(setup, cluster);
    }
    // Blocks alternate between the configurations (A B C, C B A, …), so that load from
    // elsewhere on the machine, which drifts, falls on all of them alike.
    const order = (round: number): Rig[] => (round % 2 === 0 ? rigs : [...rigs].reverse());
    const perRound = params.cases / params.rounds;
    for (let round = 0; round < params.rounds; round++) {
      for (const rig of order(round)) await writeBlock(rig, perRound);
      out(`write round ${round + 1}/${params.rounds} done`);
    }
    const readsPerRound = params.reads / params.rounds;
    for (let round = 0; round < params.rounds; round++)
      for (const rig of order(round)) await readBlock(rig, readsPerRound, params.seed + round);
    for (const rig of rigs) {
      const r = await finish(rig);
      results.push(r);
      out(
        `${r.label}: ${r.write.casesPerSecond} cases/s (p50 ${r.write.caseMs.p50} ms, p95 ${r.write.caseMs.p95} ms), ` +
          `${r.read.readsPerSecond} reads/s (p50 ${r.read.allMs.p50} ms, p95 ${r.read.allMs.p95} ms), ` +
          `${r.check.checked}/${r.check.expected} cases checked, ${r.errors.count} errors`,
      );
    }
  } finally {
    for (const rig of rigs) await stopRig(rig);
  }
  cluster.stop();
  cluster = undefined;

  out('');
  table([
    [
      'configuration',
      'cases/s',
      'case p50 ms',
      'case p95 ms',
      'CPU ms/case svc',
      'CPU ms/case pg',
      'cores busy',
      'reads/s',
      'read p50',
      'read p95',
      'list p50/p95',
      'file p50/p95',
      'errors',
    ],
    ...results.map((r) => [
      r.label,
      r.write.casesPerSecond.toFixed(2),
      String(r.write.caseMs.p50),
      String(r.write.caseMs.p95),
      String(r.write.serviceCpuMsPerCase),
      r.write.postgresCpuMsPerCase === null ? '—' : String(r.write.postgresCpuMsPerCase),
      `${Math.round(r.write.machineBusyShare * 100)} %`,
      String(r.read.readsPerSecond),
      String(r.read.allMs.p50),
      String(r.read.allMs.p95),
      `${r.read.listMs.p50}/${r.read.listMs.p95}`,
      `${r.read.fileMs.p50}/${r.read.fileMs.p95}`,
      String(r.errors.count),
    ]),
  ]);
  out('\nper request of the write path, p50 / p95 ms:');
  table([
    ['configuration', ...STEPS],
    ...results.map((r) => [
      r.label,
      ...STEPS.map((s) => `${r.write.stepMs[s].p50} / ${r.write.stepMs[s].p95}`),
    ]),
  ]);

  const byKey = (k: Setup['key']): Result => results.find((r) => r.key === k)!;
  const ratio = byKey('postgres-3').write.casesPerSecond / byKey('sqlite-1').write.casesPerSecond;
  const errors = results.reduce((s, r) => s + r.errors.count, 0);
  writeFileSync(
    RESULT_FILE,
    JSON.stringify(
      {
        bench: 'db',
        date: new Date().toISOString(),
        params,
        environment: environment({
          pg: versionOf('pg'),
          postgresServer: postgresServerVersion(),
        }),
        results,
        ratio: round3(ratio),
        ratioFormula: 'PostgreSQL ×3 processes cases/s ÷ SQLite ×1 process cases/s',
        errors,
      },
      null,
      2,
    ) + '\n',
  );
  if (errors > 0) {
    for (const r of results)
      for (const s of r.errors.samples) process.stderr.write(`${r.label}: ${s}\n`);
    throw new Error(`${errors} errors: the figures above do not count (${RESULT_FILE})`);
  }
  out(`\nfigures written to ${path.relative(root, RESULT_FILE)}`);
  out('ratio = write throughput, PostgreSQL ×3 processes (cases/s) ÷ SQLite ×1 process (cases/s)');
  out(`ratio=${ratio.toFixed(2)}`);
}

function postgresServerVersion(): string | undefined {
  try {
    const base = '/usr/lib/postgresql';
    const v = readdirSync(base).sort((a, b) => Number(b) - Number(a))[0];
    return v
      ? execFileSync(path.join(base, v, 'bin', 'postgres'), ['--version'], {
          encoding: 'utf8',
        }).trim()
      : undefined;
  } catch {
    return undefined;
  }
}

runBounded('bench:db', LIMIT_MS, children, main);
