/**
 * Evidence across a crash: the built server (dist/) is killed with SIGKILL in
 * the middle of a slow upload, while its temporary file is being written.
 * Started again on the same data directory, the start-up check leaves no
 * temporary file, no file without a record and no record without its file,
 * and an upload completed before the kill is intact.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseService } from '../../server/cases/CaseService.js';
import { createWorkCalendar } from '../../server/cases/deadlines.js';
import { registerCaseSchema } from '../../server/cases/schemas.js';
import { loadConfig } from '../../server/config.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqlCaseRepository } from '../../server/db/SqlCaseRepository.js';
import { SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { SqlEvidenceRepository } from '../../server/db/SqlEvidenceRepository.js';
import { createLogger } from '../../server/logger.js';
import { MediationServer } from '../../server/MediationServer.js';
import {
  registrationInput,
  seedStaff,
  TEST_PASSWORD,
  type StaffFixture,
} from '../support/cases.js';
import {
  apiClient,
  listFiles,
  rawUpload,
  sha256sum,
  textChunks,
  twoPagePdf,
  type RawReply,
} from '../support/evidenceHttp.js';

const ENTRY = 'dist/server/index.js';
const BUILT = [
  ENTRY,
  'dist/server/evidence/EvidenceService.js',
  'dist/server/storage/FsBlobStore.js',
];
const SECRET = 'crash-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

let dir = '';
let child: ChildProcess | undefined;
/** The killed server's mediasoup workers, ended by pid if they outlive it. */
let workerPids: number[] = [];
let restarted: MediationServer | undefined;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts the built server on `dir`; resolves with its URL from the 'listening' log line. */
function startBuiltServer(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env['PATH'],
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      DATA_DIR: dir,
      MEDIASOUP_WORKER_BIN: process.env['MEDIASOUP_WORKER_BIN'],
      MEDIASOUP_NUM_WORKERS: '1',
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the server did not start within 15 s:\n${output}`));
    }, 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      for (const line of output.split('\n')) {
        if (!line.startsWith('{')) continue;
        let entry: { msg?: string; url?: string };
        try {
          entry = JSON.parse(line) as { msg?: string; url?: string };
        } catch {
          continue; // a line still being written
        }
        if (entry.msg === 'mediation server listening' && entry.url) {
          clearTimeout(timer);
          proc.stdout?.off('data', onData);
          proc.stdout?.resume();
          resolve({ proc, url: entry.url });
          return;
        }
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
}

function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('evidence across a crash of the server process', () => {
  let staff: StaffFixture;
  let caseId = '';

  beforeAll(async () => {
    const missing = BUILT.filter((f) => !existsSync(f));
    if (missing.length > 0)
      throw new Error(`${missing.join(', ')} missing: build with npx tsc -p tsconfig.build.json`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'mediation-evidence-crash-'));
    // A clerk and a case, written straight into the data directory's database.
    const database = SqliteDatabase.open(
      path.join(dir, 'mediation.sqlite'),
      createLogger('silent'),
    );
    try {
      const repository = new SqlCaseRepository(database);
      staff = await seedStaff(repository);
      const cases = new CaseService({
        repository,
        audit: new SqlAuditLog(database),
        calendar: createWorkCalendar(),
      });
      caseId = (await cases.register(staff.clerk, registerCaseSchema.parse(registrationInput())))
        .id;
    } finally {
      await database.close();
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await restarted?.close();
    for (const pid of workerPids) {
      if (!(await waitFor(() => !alive(pid), 3000))) process.kill(pid, 'SIGKILL');
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL mid-upload leaves no partial file after restart; completed uploads survive', async () => {
    const evidenceDir = path.join(dir, 'evidence');
    const { proc, url } = await startBuiltServer();
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      proc.on('exit', (_code, signal) => resolve(signal)),
    );
    const api = apiClient(url);
    const clerk = await api.login(staff.clerk.username, TEST_PASSWORD);

    // One upload completes before the crash.
    const complete = twoPagePdf(`before the crash ${'x'.repeat(100_000)}`);
    const done = await api.upload(caseId, clerk, complete, 'before.pdf');
    expect(done.status).toBe(201);
    const kept = (done.body as { item: { id: string; sha256: string } }).item;
    expect(kept.sha256).toBe(sha256sum(complete));

    // A slow upload of 16 MiB: killed once its temporary file is on disk.
    workerPids = childPids(proc.pid!);
    expect(workerPids.length).toBeGreaterThan(0);
    let tempSeen: string[] = [];
    let killedAt = 0;
    const slow: Promise<RawReply | Error> = rawUpload({
      url: `${url}/api/cases/${caseId}/evidence`,
      token: clerk,
      filename: 'slow.txt',
      chunks: textChunks(16 * 1024 * 1024, 64 * 1024, 'slow'),
      delayMs: 15,
      onProgress: (sent) => {
        if (killedAt || sent < 256 * 1024) return;
        tempSeen = listFiles(evidenceDir).filter((f) => f.startsWith('.tmp-'));
        // Kill once the temporary file holds some of the bytes (written, not yet renamed).
        let written = 0;
        try {
          written = tempSeen[0] ? statSync(path.join(evidenceDir, tempSeen[0])).size : 0;
        } catch {
          // renamed or removed meanwhile
        }
        if (written >= 128 * 1024) {
          killedAt = sent;
          proc.kill('SIGKILL');
        }
      },
    }).catch((error: Error) => error);

    const outcome = await slow;
    // Should the upload somehow finish first, the kill still happens (and the checks below fail).
    if (!killedAt) proc.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(tempSeen).toHaveLength(1);
    expect(killedAt).toBeGreaterThan(0);
    expect(killedAt).toBeLessThan(16 * 1024 * 1024);
    // The upload never got an answer: the connection died with the server.
    expect(outcome).toBeInstanceOf(Error);
    // The half-written file is still there until the next start.
    expect(listFiles(evidenceDir)).toContain(tempSeen[0]);
    expect(statSync(path.join(evidenceDir, tempSeen[0]!)).size).toBeGreaterThanOrEqual(128 * 1024);
    // The workers follow their parent.
    for (const pid of workerPids)
      expect(await waitFor(() => !alive(pid), 5000), `${pid}`).toBe(true);

    // Start again, in-process, on the same data directory.
    const config = loadConfig(process.env, {
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      PUBLIC_URL: '',
      DATA_DIR: dir,
      JWT_SECRET: SECRET,
      MEDIASOUP_NUM_WORKERS: '1',
      MEDIASOUP_LISTEN_IP: '127.0.0.1',
      MEDIASOUP_ANNOUNCED_IP: '',
      LOG_LEVEL: 'silent',
    });
    restarted = await MediationServer.create(config, createLogger('silent'));

    const files = listFiles(evidenceDir);
    expect(files.filter((f) => f.startsWith('.tmp-'))).toEqual([]);
    const rows = await new SqlEvidenceRepository(restarted.database).listAll();
    const keys = new Set(rows.map((r) => r.blobKey));
    expect(
      files.filter((f) => !keys.has(f)),
      'files without a record',
    ).toEqual([]);
    for (const row of rows) {
      const file = path.join(evidenceDir, row.blobKey);
      expect(existsSync(file), row.id).toBe(true);
      expect(statSync(file).size, row.id).toBe(row.size);
      expect(row.integrity, row.id).toBe('ok');
    }
    expect(rows.map((r) => r.id)).toEqual([kept.id]);
    const row = rows[0]!;
    expect(row.sha256).toBe(sha256sum(complete));
    expect(sha256sum(readFileSync(path.join(evidenceDir, row.blobKey)))).toBe(row.sha256);

    // And it is served whole by the restarted server; the case's audit chain is intact.
    const again = apiClient(`http://127.0.0.1:${restarted.port}`);
    const token = await again.login(staff.clerk.username, TEST_PASSWORD);
    const res = await fetch(
      `http://127.0.0.1:${restarted.port}/api/cases/${caseId}/evidence/${kept.id}/content`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(complete)).toBe(true);
    expect(await restarted.cases.verifyAudit(staff.clerk, caseId)).toMatchObject({ ok: true });
  });
});
