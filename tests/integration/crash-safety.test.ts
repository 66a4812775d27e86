/**
 * Crash safety: a process writing cases is killed with SIGKILL in the middle
 * of its writes; on reopening, the database passes `PRAGMA integrity_check`,
 * every acknowledged registration is there in full, and no case is half
 * written. Three kill/reopen cycles on the same file. Runs the writer against
 * dist/ (npm test builds it).
 */
import { registrationInput } from '../support/cases.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { createLogger } from '../../server/logger.js';

const WRITER = 'tests/support/crash-writer.mjs';
const BUILT = [
  'dist/server/db/SqliteDatabase.js',
  'dist/server/db/SqlCaseRepository.js',
  'dist/server/db/SqlAuditLog.js',
  'dist/server/db/SqliteAuditFile.js',
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
let file = '';
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
    const proc = spawn(process.execPath, [WRITER, file, JSON.stringify(registrationInput())], {
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

describe('crash safety', () => {
  beforeAll(() => {
    const missing = BUILT.filter((f) => !existsSync(f));
    if (missing.length > 0) {
      throw new Error(`${missing.join(', ')} missing: run npm test, it builds dist/`);
    }
    dir = mkdtempSync(path.join(os.tmpdir(), 'mediation-crash-'));
    file = path.join(dir, 'crash.sqlite');
  });

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

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

      // Reopening recovers the WAL and runs the migrations.
      const database = SqliteDatabase.open(file, createLogger('silent'));
      try {
        const { db } = database;
        expect(db.pragma('integrity_check', { simple: true }), `cycle ${cycle}`).toBe('ok');
        expect(db.pragma('foreign_key_check'), `cycle ${cycle}`).toEqual([]);

        const present = new Set(db.prepare('SELECT id FROM cases').pluck().all() as string[]);
        const lost = [...everAcked].filter((id) => !present.has(id));
        expect(lost, `cycle ${cycle}: acknowledged cases missing after the kill`).toEqual([]);

        const counts = db.prepare<[{ id: string }], Counts>(
          `SELECT
             (SELECT COUNT(*) FROM case_people WHERE case_id = @id) AS people,
             (SELECT COUNT(*) FROM case_people WHERE case_id = @id AND kind = 'applicant') AS applicants,
             (SELECT COUNT(*) FROM case_people WHERE case_id = @id AND kind = 'respondent') AS respondents,
             (SELECT COUNT(*) FROM deadlines WHERE case_id = @id) AS deadlines,
             (SELECT COUNT(*) FROM deadlines WHERE case_id = @id AND kind = 'acceptance_decision') AS acceptance,
             (SELECT COUNT(*) FROM deadlines WHERE case_id = @id AND kind = 'mediation_period') AS mediation`,
        );
        const firstAction = db
          .prepare<[string], string>(
            'SELECT action FROM audit_events WHERE case_id = ? ORDER BY seq LIMIT 1',
          )
          .pluck();
        const audit = new SqlAuditLog(database);
        const halfWritten: string[] = [];
        for (const id of present) {
          const c = counts.get({ id });
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
            firstAction.get(id) === 'case.registered';
          if (!whole) halfWritten.push(`${id}: ${JSON.stringify({ ...c, verification })}`);
        }
        expect(halfWritten, `cycle ${cycle}: cases not written whole`).toEqual([]);

        // Nor people, deadlines or audit events whose case row is missing.
        const orphans = db
          .prepare(
            `SELECT case_id FROM case_people UNION SELECT case_id FROM deadlines
             UNION SELECT case_id FROM audit_events UNION SELECT case_id FROM audit_heads`,
          )
          .pluck()
          .all() as string[];
        expect(
          orphans.filter((id) => !present.has(id)),
          `cycle ${cycle}: rows of a case that does not exist`,
        ).toEqual([]);

        // Case numbers stay a gapless sequence: nothing half-committed took a number.
        const numbers = db
          .prepare('SELECT case_number FROM cases ORDER BY case_number')
          .pluck()
          .all() as string[];
        expect(numbers, `cycle ${cycle}`).toEqual(
          numbers.map((_, i) => `2026-${String(i + 1).padStart(6, '0')}`),
        );
      } finally {
        await database.close();
      }
    }
  }, 30_000);
});
