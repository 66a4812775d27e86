import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../server/audit/AuditChain.js';
import { verifyDatabase } from '../../server/cli/verify-audit.js';
import { SqlAuditLog } from '../../server/db/SqlAuditLog.js';
import { databaseFile, SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { createLogger } from '../../server/logger.js';

interface Fixture {
  dir: string;
  database: SqliteDatabase;
  log: SqlAuditLog;
}

const open: Fixture[] = [];

function fresh(): Fixture {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-'));
  const database = SqliteDatabase.open(databaseFile(dir), createLogger('silent'));
  let tick = 0;
  // A fixed clock keeps the stored timestamps predictable.
  const log = new SqlAuditLog(database, () => new Date(Date.UTC(2026, 2, 1, 9, 0, tick++)));
  const fixture = { dir, database, log };
  open.push(fixture);
  return fixture;
}

afterEach(async () => {
  for (const { dir, database } of open.splice(0)) {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function event(caseId: string, n: number): AuditEventInput {
  return {
    caseId,
    actorId: 'clerk-1',
    actorRole: 'clerk',
    action: `case.step${n}`,
    target: `case:${caseId}`,
    payload: { n, remark: `第 ${n} 次操作` },
  };
}

/** Five events for case A and three for B, interleaved. */
async function seed(log: SqlAuditLog): Promise<void> {
  for (let n = 1; n <= 5; n++) {
    await log.append(event('A', n));
    if (n <= 3) await log.append(event('B', n));
  }
}

describe('SqlAuditLog', () => {
  it('appends independent chains per case and verifies both', async () => {
    const { log } = fresh();
    await seed(log);

    const a = await log.list('A');
    expect(a.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(a.map((e) => e.action)).toEqual([1, 2, 3, 4, 5].map((n) => `case.step${n}`));
    expect(a[0]?.payload).toBe('{"n":1,"remark":"第 1 次操作"}');
    expect(a[1]?.prevHash).toBe(a[0]?.hash);
    expect((await log.list('B')).map((e) => e.seq)).toEqual([1, 2, 3]);

    expect(await log.verify('A')).toEqual({
      ok: true,
      caseId: 'A',
      length: 5,
      head: { seq: 5, hash: a[4]?.hash },
    });
    expect(await log.verify('B')).toMatchObject({ ok: true, length: 3 });
    expect(await log.verify('none')).toEqual({ ok: true, caseId: 'none', length: 0, head: null });
  });

  it('returns the event as stored', async () => {
    const { log } = fresh();
    const appended = await log.append(event('A', 1));
    expect(appended).toMatchObject({ caseId: 'A', seq: 1, at: '2026-03-01T09:00:00.000Z' });
    expect(await log.list('A')).toEqual([appended]);
  });

  it('numbers concurrent appends without gaps', async () => {
    const { log } = fresh();
    await Promise.all([1, 2, 3, 4].map((n) => log.append(event('A', n))));
    expect((await log.list('A')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect((await log.verify('A')).ok).toBe(true);
  });

  it('rejects an unencodable payload without writing anything', async () => {
    const { log } = fresh();
    await expect(log.append({ ...event('A', 1), payload: { bad: undefined } })).rejects.toThrow(
      TypeError,
    );
    expect(await log.list('A')).toEqual([]);
    expect(await log.verify('A')).toMatchObject({ ok: true, length: 0, head: null });
  });

  const tampering: [string, string[], number, string][] = [
    [
      'an edited action',
      ["UPDATE audit_events SET action = 'x' WHERE case_id = 'A' AND seq = 3"],
      3,
      'altered',
    ],
    [
      'an edited payload',
      ["UPDATE audit_events SET payload = '{\"n\":99}' WHERE case_id = 'A' AND seq = 4"],
      4,
      'payload_altered',
    ],
    ['a deleted event', ["DELETE FROM audit_events WHERE case_id = 'A' AND seq = 2"], 2, 'removed'],
    [
      'two events swapped',
      [
        "UPDATE audit_events SET seq = -1 WHERE case_id = 'A' AND seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE case_id = 'A' AND seq = 4",
        "UPDATE audit_events SET seq = 4 WHERE case_id = 'A' AND seq = -1",
      ],
      2,
      'reordered',
    ],
    [
      'the last event deleted',
      ["DELETE FROM audit_events WHERE case_id = 'A' AND seq = 5"],
      5,
      'removed',
    ],
    [
      'the last event and its head rolled back',
      [
        "DELETE FROM audit_events WHERE case_id = 'A' AND seq = 5",
        "UPDATE audit_heads SET seq = 4 WHERE case_id = 'A'",
      ],
      4,
      'altered',
    ],
  ];

  it.each(tampering)('detects %s at exactly that seq', async (_name, sql, failedAt, reason) => {
    const { database, log } = fresh();
    await seed(log);
    for (const statement of sql) database.db.exec(statement);

    expect(await log.verify('A')).toMatchObject({ ok: false, caseId: 'A', failedAt, reason });
    // The other case's chain is untouched.
    expect(await log.verify('B')).toMatchObject({ ok: true, length: 3 });
  });

  it('rolls the event back with the transaction it was appended in', async () => {
    const { database, log } = fresh();
    await seed(log);
    const before = await log.list('A');

    await expect(
      database.transaction(async () => {
        await log.append(event('A', 6));
        await log.append(event('C', 1));
        throw new Error('state change refused');
      }),
    ).rejects.toThrow('state change refused');

    expect(await log.list('A')).toEqual(before);
    expect(await log.list('C')).toEqual([]);
    expect(await log.verify('A')).toMatchObject({ ok: true, length: 5 });
    expect(await log.verify('C')).toMatchObject({ ok: true, length: 0, head: null });

    // The chain continues where it was, and a committed transaction keeps its event.
    const next = await database.transaction(() => log.append(event('A', 6)));
    expect(next).toMatchObject({ seq: 6, prevHash: before[4]?.hash });
    expect(await log.verify('A')).toMatchObject({ ok: true, length: 6 });
  });
});

describe('verifyDatabase (npm run verify)', () => {
  it('reports intact chains in Chinese then English and exits 0', async () => {
    const { database, log } = fresh();
    await seed(log);

    const one = verifyDatabase(database.file, 'A');
    expect(one).toEqual({
      exitCode: 0,
      lines: ['案件 A：审计链完整（5 条）/ audit chain intact (5 events)'],
    });
    const all = verifyDatabase(database.file, '--all');
    expect(all.exitCode).toBe(0);
    expect(all.lines).toEqual([
      '案件 A：审计链完整（5 条）/ audit chain intact (5 events)',
      '案件 B：审计链完整（3 条）/ audit chain intact (3 events)',
    ]);
  });

  it('names the broken event and exits 1', async () => {
    const { database, log } = fresh();
    await seed(log);
    database.db.exec("UPDATE audit_events SET action = 'x' WHERE case_id = 'A' AND seq = 3");
    await database.close(); // also works on a closed (offline) database

    const one = verifyDatabase(database.file, 'A');
    expect(one.exitCode).toBe(1);
    expect(one.lines).toHaveLength(1);
    expect(one.lines[0]).toMatch(
      /^案件 A：第 3 条被篡改（altered）\/ audit chain broken at event 3/,
    );

    const all = verifyDatabase(database.file, '--all');
    expect(all.exitCode).toBe(1);
    expect(all.lines[1]).toBe('案件 B：审计链完整（3 条）/ audit chain intact (3 events)');
  });

  it('finds a case whose head row was deleted', async () => {
    const { database, log } = fresh();
    await seed(log);
    database.db.exec("DELETE FROM audit_heads WHERE case_id = 'B'");
    const all = verifyDatabase(database.file, '--all');
    expect(all.exitCode).toBe(1);
    expect(all.lines[1]).toMatch(/^案件 B：第 1 条被篡改（altered）/);
  });

  it('exits 1 for a case without any audit events', () => {
    const { database } = fresh();
    expect(verifyDatabase(database.file, 'nope')).toEqual({
      exitCode: 1,
      lines: ['案件 nope：没有审计记录 / no audit events for this case'],
    });
    expect(verifyDatabase(database.file, '--all').exitCode).toBe(0);
  });

  it('exits 2 for usage errors and a missing database', () => {
    const { database, dir } = fresh();
    expect(verifyDatabase(database.file, '').exitCode).toBe(2);
    expect(verifyDatabase(database.file, '--bogus').exitCode).toBe(2);
    const missing = verifyDatabase(path.join(dir, 'absent.sqlite'), '--all');
    expect(missing.exitCode).toBe(2);
    expect(missing.lines[0]).toMatch(/无法打开数据库 .* \/ cannot open database/);
  });
});
