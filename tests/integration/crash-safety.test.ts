/**
 * Crash safety, on each backend: a process writing cases is killed with
 * SIGKILL in the middle of its writes; on reopening, every acknowledged
 * registration is there in full, no case is half written and the case
 * numbers have no gap (and on SQLite the file passes `PRAGMA
 * integrity_check`). Three kill/reopen cycles on the same database. Runs the
 * writer against dist/ (npm test builds it).
 */
import { registrationInput } from '../support/cases.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import { createLogger } from '../../server/logger.js';
import { BACKENDS } from '../support/backends.js';
import { freshDatabase } from '../support/postgres.js';

const WRITER = 'tests/support/crash-writer.mjs';
const BUILT = [
  'dist/server/db/SqliteDatabase.js',
  'dist/server/db/SqlCaseRepository.js',
  'dist/server/db/SqlAuditLog.js',
  'dist/server/db/SqliteAuditFile.js',
  'dist/server/db/sql/PostgresClient.js',
  'dist/server/cases/CaseService.js',
  'dist/server/cases/deadlines.js',
  'dist/server/cases/schemas.js',
  'dist/server/logger.js',
  'dist/server/auth/passwords.js',
];
const CYCLES = 3;
const MIN_ACKS = 20;
/** How long a cycle may take to reach `ready` and MIN_ACKS before it is abandoned. */
const START_TIMEOUT_MS = 15_000;

let dir = '';
/** The SQLite file, or the PostgreSQL database's URL. */
let target = '';
let child: ChildProcess | undefined;

interface Cycle {
  acked: string[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs the writer until it has acknowledged MIN_ACKS cases, then SIGKILLs it 300–900 ms later. */
function writeThenKill(): Promise<Cycle> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [WRITER, target, JSON.stringify(registrationInput())], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    const acked: string[] = [];
    let ready = false;
    let pending = '';
    let stderr = '';
    let killTimer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => proc.kill('SIGKILL'), START_TIMEOUT_MS);

    proc.stdout?.setEncoding('utf8');
    proc.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      // A line cut short by the kill has no newline yet: it is not an acknowledgement.
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') ready = true;
        else if (line.startsWith('ack ')) acked.push(line.slice(4));
      }
      if (ready && acked.length >= MIN_ACKS && !killTimer) {
        clearTimeout(giveUp);
        killTimer = setTimeout(() => proc.kill('SIGKILL'), 300 + Math.random() * 600);
      }
    });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(giveUp);
      clearTimeout(killTimer);
      child = undefined;
      resolve({ acked, signal, code, stderr });
    });
  });
}

interface Counts {
  people: number;
  applicants: number;
  respondents: number;
  deadlines: number;
  acceptance: number;
  mediation: number;
}

describe.each(BACKENDS)('crash safety on %s', (backend) => {
  beforeAll(async () => {
    const missing = BUILT.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`${missing.join(', ')} missing: run npm test, it builds dist/`);
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'mediation-crash-'));
    target =
      backend === 'sqlite'
        ? path.join(dir, 'crash.sqlite')
        : await freshDatabase(inject('postgresUrl'), 'crash');
  });

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Reopens the database as the service would after the crash (SQLite recovers its WAL). */
  async function reopen(): Promise<{ sql: SqlClient; sqlite?: SqliteDatabase }> {
    const logger = createLogger('silent');
    if (backend === 'sqlite') {
      const sqlite = SqliteDatabase.open(target, logger);
      return { sql: sqlite, sqlite };
    }
    return { sql: await PostgresClient.open(target, { max: 2 }, logger) };
  }

  it('keeps every acknowledged registration, whole, across SIGKILLs mid-write', async () => {
    const everAcked = new Set<string>();

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const run = await writeThenKill();
      expect(
        run.signal,
        `cycle ${cycle}: the writer should be killed, not exit (code ${run.code}): ${run.stderr}`,
      ).toBe('SIGKILL');
      expect(
        run.acked.length,
        `cycle ${cycle}: the writer acknowledged no case before it was killed: ${run.stderr}`,
      ).toBeGreaterThan(0);
      expect(
        run.acked.length,
        `cycle ${cycle}: only ${run.acked.length} acks within ${START_TIMEOUT_MS} ms`,
      ).toBeGreaterThanOrEqual(MIN_ACKS);
      for (const id of run.acked) everAcked.add(id);

      // Reopening recovers the WAL (SQLite) and runs the migrations.
      const { sql, sqlite } = await reopen();
      try {
        if (sqlite) {
          expect(sqlite.db.pragma('integrity_check', { simple: true }), `cycle ${cycle}`).toBe(
            'ok',
          );
          expect(sqlite.db.pragma('foreign_key_check'), `cycle ${cycle}`).toEqual([]);
        }
        const ids = async (query: string) =>
          (await sql.all<{ id: string }>(query)).map((r) => r.id);
        const present = new Set(await ids('SELECT id FROM cases'));
        const lost = [...everAcked].filter((id) => !present.has(id));
        expect(lost, `cycle ${cycle}: acknowledged cases missing after the kill`).toEqual([]);

        const audit = new SqlAuditLog(sql);
        const halfWritten: string[] = [];
        for (const id of present) {
          const c = await sql.get<Counts>(
            `SELECT
               (SELECT COUNT(*) FROM case_people WHERE case_id = ?) AS people,
               (SELECT COUNT(*) FROM case_people WHERE case_id = ? AND kind = 'applicant') AS applicants,
               (SELECT COUNT(*) FROM case_people WHERE case_id = ? AND kind = 'respondent') AS respondents,
               (SELECT COUNT(*) FROM deadlines WHERE case_id = ?) AS deadlines,
               (SELECT COUNT(*) FROM deadlines WHERE case_id = ? AND kind = 'acceptance_decision') AS acceptance,
               (SELECT COUNT(*) FROM deadlines WHERE case_id = ? AND kind = 'mediation_period') AS mediation`,
            [id, id, id, id, id, id],
          );
          const first = await sql.get<{ action: string }>(
            'SELECT action FROM audit_events WHERE case_id = ? ORDER BY seq LIMIT 1',
            [id],
          );
          const verification = await audit.verify(id);
          const whole =
            c !== undefined &&
            c.people === 2 &&
            c.applicants === 1 &&
            c.respondents === 1 &&
            c.deadlines === 2 &&
            c.acceptance === 1 &&
            c.mediation === 1 &&
            verification.ok &&
            verification.length === 1 &&
            first?.action === 'case.registered';
          if (!whole) halfWritten.push(`${id}: ${JSON.stringify({ ...c, verification })}`);
        }
        expect(halfWritten, `cycle ${cycle}: cases not written whole`).toEqual([]);

        // Nor people, deadlines or audit events whose case row is missing.
        const orphans = await ids(
          `SELECT case_id AS id FROM case_people UNION SELECT case_id FROM deadlines
           UNION SELECT case_id FROM audit_events UNION SELECT case_id FROM audit_heads`,
        );
        expect(
          orphans.filter((id) => !present.has(id)),
          `cycle ${cycle}: rows of a case that does not exist`,
        ).toEqual([]);

        // Case numbers stay a gapless sequence: nothing half-committed took a number.
        const numbers = (
          await sql.all<{ n: string }>('SELECT case_number AS n FROM cases ORDER BY case_number')
        ).map((r) => r.n);
        expect(numbers, `cycle ${cycle}`).toEqual(
          numbers.map((_, i) => `2026-${String(i + 1).padStart(6, '0')}`),
        );
      } finally {
        await sql.close();
      }
    }
  }, 30_000);
});
