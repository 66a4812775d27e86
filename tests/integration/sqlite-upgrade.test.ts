/**
 * Upgrading an embedded database that holds data: migration 31 rebuilds `staff` (SQLite cannot
 * change a CHECK) while cases and follow-ups reference it. Applied with foreign keys off, as
 * SQLite's procedure asks, it keeps every row and every reference, and foreign keys are on and
 * enforced afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/db/migrations.js';
import { SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { createLogger } from '../../server/logger.js';

const NOW = '2026-12-05T08:00:00.000Z';

describe('upgrading an embedded database with staff referenced by cases', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sqlite-upgrade-'));
  const file = path.join(dir, 'mediation.sqlite');

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds staff for supervisors and keeps every row and reference', async () => {
    // A database as release 30 left it, with a mediator on a case and a follow-up by a clerk.
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,
      applied_at TEXT NOT NULL)`);
    for (const m of MIGRATIONS.filter((x) => x.version <= 30)) {
      old.exec(m.sql);
      old
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(m.version, m.name, NOW);
    }
    old
      .prepare('INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)')
      .run('ORG', '调解中心', NOW);
    const staff = old.prepare(
      `INSERT INTO staff (id, organisation_id, username, display_name, role, password_hash, created_at)
       VALUES (?, 'ORG', ?, ?, ?, 'x', ?)`,
    );
    staff.run('S-CLERK', 'clerk', '书记员', 'clerk', NOW);
    staff.run('S-MED', 'mediator', '调解员', 'mediator', NOW);
    old
      .prepare(
        `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, intake_mode,
           application, received_on, registered_at, registered_by, mediation_due_on, updated_at, mediator_id)
         VALUES ('C1', '2026-000001', 'ORG', 'accepted', 'wages', 'walk_in', 'in_person', '{}', '2026-03-02', ?, 'S-CLERK', '2026-04-01', ?, 'S-MED')`,
      )
      .run(NOW, NOW);
    old
      .prepare(
        `INSERT INTO follow_ups (id, case_id, at, by_staff, method, notes, result) VALUES ('F1', 'C1', ?, 'S-CLERK', 'phone', '回访', 'performed')`,
      )
      .run(NOW);
    // A supervisor is not a role release 30 knows.
    expect(() => staff.run('S-SUP', 'sup', '监督员', 'supervisor', NOW)).toThrow(/CHECK/);
    old.close();

    const db = SqliteDatabase.open(file, createLogger('silent'));
    try {
      expect(
        await db.get<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations'),
      ).toEqual({ v: Math.max(...MIGRATIONS.map((m) => m.version)) });
      expect(await db.all('SELECT id, role FROM staff ORDER BY id')).toEqual([
        { id: 'S-CLERK', role: 'clerk' },
        { id: 'S-MED', role: 'mediator' },
      ]);
      expect(await db.get('SELECT mediator_id FROM cases WHERE id = ?', ['C1'])).toEqual({
        mediator_id: 'S-MED',
      });
      await db.run(
        `INSERT INTO staff (id, organisation_id, username, display_name, role, password_hash, created_at)
         VALUES ('S-SUP', 'ORG', 'sup', '监督员', 'supervisor', 'x', ?)`,
        [NOW],
      );
      expect(db.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.db.pragma('foreign_key_check')).toEqual([]);
      // References still point at staff, and are enforced.
      await expect(
        db.run(
          `INSERT INTO follow_ups (id, case_id, at, by_staff, method, notes, result) VALUES ('F2', 'C1', ?, 'NOBODY', 'phone', '回访', 'performed')`,
          [NOW],
        ),
      ).rejects.toThrow();
      expect(
        db.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'follow_ups'").get(),
      ).toEqual({
        sql: expect.stringContaining('REFERENCES staff(id)') as unknown,
      });
    } finally {
      await db.close();
    }
  });
});
