/**
 * The SqlClient contract, the same on embedded SQLite and on PostgreSQL: the
 * schema migrated at open, a newer schema refused, transactions that commit or
 * roll back whole (and join when nested), constraint refusals mapped to the
 * same kinds, the immutable rows, and values coming back with the same types.
 * On PostgreSQL also: a transaction's rows are invisible to others until it
 * commits, and `lockKey` makes writers of one key wait for each other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/db/migrations.js';
import { POSTGRES_MIGRATIONS } from '../../server/db/postgresMigrations.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import { SqlConstraintError, type SqlClient } from '../../server/db/sql/SqlClient.js';
import { SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { createLogger } from '../../server/logger.js';
import { BACKENDS, openBackend, type OpenedBackend } from '../support/backends.js';

const opened: OpenedBackend[] = [];
afterEach(async () => {
  for (const b of opened.splice(0)) await b.close();
});

async function open(backend: (typeof BACKENDS)[number]): Promise<OpenedBackend> {
  const b = await openBackend(backend, 'sqlclient');
  opened.push(b);
  return b;
}

const NOW = '2026-03-02T09:00:00.000Z';

async function seedCase(sql: SqlClient, caseId = 'C1'): Promise<void> {
  await sql.run(
    `INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)
     ON CONFLICT (id) DO NOTHING`,
    ['ORG', '调解中心', NOW],
  );
  await sql.run(
    `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, intake_mode,
       application, received_on, registered_at, registered_by, mediation_due_on, updated_at)
     VALUES (?, ?, 'ORG', 'registered', 'wages', 'walk_in', 'in_person', '{}', '2026-03-02', ?, 'clerk', '2026-04-01', ?)`,
    [caseId, `沪调〔2026〕${caseId}号`, NOW, NOW],
  );
}

async function refusal(work: Promise<unknown>): Promise<string> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SqlConstraintError);
  return (error as SqlConstraintError).kind;
}

describe.each(BACKENDS)('SqlClient on %s', (backend) => {
  it('opens with the schema of this release', async () => {
    const { sql } = await open(backend);
    const row = await sql.get<{ v: number }>('SELECT MAX(version) AS v FROM schema_migrations');
    expect(row?.v).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
    const tables = await sql.all<{ n: number }>('SELECT COUNT(*) AS n FROM cases');
    expect(tables).toEqual([{ n: 0 }]);
  });

  it('commits a transaction whole and rolls a failed one back whole', async () => {
    const { sql } = await open(backend);
    await sql.transaction(async () => {
      await seedCase(sql, 'C1');
      await sql.run(`UPDATE cases SET status = 'accepted' WHERE id = ?`, ['C1']);
    });
    await expect(
      sql.transaction(async () => {
        await sql.run(`UPDATE cases SET status = 'closed' WHERE id = ?`, ['C1']);
        await seedCase(sql, 'C2');
        throw new Error('the work failed half-way');
      }),
    ).rejects.toThrow('the work failed half-way');
    expect(await sql.all('SELECT id, status FROM cases ORDER BY id')).toEqual([
      { id: 'C1', status: 'accepted' },
    ]);
  });

  it('joins a transaction started inside another: the outer one decides', async () => {
    const { sql } = await open(backend);
    await expect(
      sql.transaction(async () => {
        await sql.transaction(() => seedCase(sql, 'C1'));
        throw new Error('outer failed');
      }),
    ).rejects.toThrow('outer failed');
    expect(await sql.all('SELECT id FROM cases')).toEqual([]);
  });

  it('maps refusals to the same kinds: unique, foreign key, check, not null, immutable', async () => {
    const { sql } = await open(backend);
    await seedCase(sql, 'C1');
    expect(await refusal(seedCase(sql, 'C1'))).toBe('unique');
    expect(
      await refusal(
        sql.run(
          `INSERT INTO follow_ups (id, case_id, at, by_staff, method, notes, result)
                 VALUES ('F1', 'NO-SUCH-CASE', ?, 'S', 'phone', '', '')`,
          [NOW],
        ),
      ),
    ).toBe('foreign-key');
    expect(
      await refusal(
        sql.run(
          `INSERT INTO calendar_years (year, schedule, added_by, added_at) VALUES (1999, '{}', 'c', ?)`,
          [NOW],
        ),
      ),
    ).toBe('check');
    expect(
      await refusal(
        sql.run(`INSERT INTO organisations (id, name, created_at) VALUES ('O2', NULL, ?)`, [NOW]),
      ),
    ).toBe('not-null');
    await sql.run(
      `INSERT INTO case_documents (id, case_id, series_id, version, kind, title, blob_key, sha256, size,
         fields, issued_at, issued_by, issuer_role)
       VALUES ('D1', 'C1', 'S1', 1, 'notice', '受理通知书', 'blob-1', ?, 1024, '{}', ?, 'clerk', 'clerk')`,
      ['a'.repeat(64), NOW],
    );
    const kind = await refusal(
      sql.run(`UPDATE case_documents SET title = 'changed' WHERE id = 'D1'`),
    );
    expect(kind).toBe('immutable');
    expect(await sql.get('SELECT title FROM case_documents')).toEqual({ title: '受理通知书' });
  });

  it('gives back numbers past 2^31, blobs as bytes, text unchanged, and counts changes', async () => {
    const { sql } = await open(backend);
    await seedCase(sql, 'C1');
    const size = 5 * 1024 ** 3;
    await sql.run(
      `INSERT INTO agreement_signatures (id, document_id, document_sha256, signer_id, signer_kind, signer_role,
         signs_for, signer_name, signed_at, image, code_id)
       SELECT 'X', 'D', 'h', 's', 'person', 'party', 'applicant', 'n', ?, ?, 'code' WHERE 1 = 0`,
      [NOW, Buffer.from([1, 2, 3])],
    );
    await sql.run(
      `INSERT INTO case_documents (id, case_id, series_id, version, kind, title, blob_key, sha256, size,
         fields, issued_at, issued_by, issuer_role)
       VALUES ('D1', 'C1', 'S1', 1, 'notice', '调解协议书 ?', 'blob-1', ?, ?, '{"a":"?"}', ?, 'clerk', 'clerk')`,
      ['b'.repeat(64), size, NOW],
    );
    expect(
      await sql.get('SELECT size, title, fields FROM case_documents WHERE id = ?', ['D1']),
    ).toEqual({ size, title: '调解协议书 ?', fields: '{"a":"?"}' });
    const changed = await sql.run(`UPDATE cases SET status = 'accepted' WHERE status = ?`, [
      'registered',
    ]);
    expect(changed.changes).toBe(1);
    await sql.run(
      `INSERT INTO calendar_years (year, schedule, added_by, added_at) VALUES (?, ?, ?, ?)`,
      [2027, '{}', 'c', NOW],
    );
    const nothing = await sql.run(
      `INSERT INTO calendar_years (year, schedule, added_by, added_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (year) DO NOTHING`,
      [2027, '{}', 'c', NOW],
    );
    expect(nothing.changes).toBe(0);
  });

  it('orders rows by rowid in insertion order', async () => {
    const { sql } = await open(backend);
    for (const id of ['O3', 'O1', 'O2'])
      await sql.run(`INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)`, [
        id,
        `机构 ${id}`,
        NOW,
      ]);
    const rows = await sql.all<{ id: string }>('SELECT id FROM organisations ORDER BY rowid');
    expect(rows.map((r) => r.id)).toEqual(['O3', 'O1', 'O2']);
  });
});

describe('schema versions', () => {
  it('PostgreSQL and SQLite migrations end at the same version', () => {
    expect(Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version))).toBe(
      Math.max(...MIGRATIONS.map((m) => m.version)),
    );
  });

  it('refuses to open a database a newer release migrated, on both backends', async () => {
    const pgBackend = await open('postgres');
    await pgBackend.sql.run(
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', ?)`,
      [NOW],
    );
    await expect(
      PostgresClient.open(pgBackend.url!, { max: 1 }, createLogger('silent')),
    ).rejects.toThrow(/version 99, newer than this release knows \(\d+\)/);

    const lite = await open('sqlite');
    await lite.sql.run(
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', ?)`,
      [NOW],
    );
    const file = lite.sqlite!.file;
    expect(() => SqliteDatabase.open(file, createLogger('silent'))).toThrow(
      /version 99, newer than this release knows \(\d+\)/,
    );
  });
});

describe('PostgreSQL between connections', () => {
  it("keeps a transaction's rows from others until it commits", async () => {
    const { sql } = await open('postgres');
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const writer = sql.transaction(async () => {
      await seedCase(sql, 'C1');
      inside();
      await held;
    });
    await started;
    expect(await sql.all('SELECT id FROM cases')).toEqual([]);
    release();
    await writer;
    expect(await sql.all('SELECT id FROM cases')).toEqual([{ id: 'C1' }]);
  });

  it('makes writers of one key wait for each other, and not writers of another', async () => {
    const { sql } = await open('postgres');
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const firstLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = sql.transaction(async () => {
      await sql.lockKey('audit:C1');
      locked();
      await held;
      order.push('first done');
    });
    await firstLocked;
    const second = sql.transaction(async () => {
      await sql.lockKey('audit:C1');
      order.push('second locked');
    });
    const other = sql.transaction(async () => {
      await sql.lockKey('audit:C2');
      order.push('other key locked');
    });
    await other;
    // The second writer of C1 is still waiting while the first holds the key.
    await new Promise((r) => setTimeout(r, 200));
    expect(order).toEqual(['other key locked']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['other key locked', 'first done', 'second locked']);
  });

  it('refuses lockKey outside a transaction', async () => {
    const { sql } = await open('postgres');
    await expect(sql.lockKey('audit:C1')).rejects.toThrow('lockKey outside a transaction');
  });
});
