/**
 * Moving an installation (issue 18 item 5): an SQLite installation built
 * through the real service (cases with documents, deliveries, evidence, a
 * referral, a recording, signed agreements) is copied into a fresh PostgreSQL
 * database with `db:migrate-to-postgres`; every row arrives, every audit chain
 * verifies, and a server started on PostgreSQL serves the same case. Also
 * `npm run verify` on PostgreSQL, read-only, finding a tampered event.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { calendarYearTool } from '../../server/cli/calendar-year.js';
import { migrateToPostgres } from '../../server/cli/migrate-to-postgres.js';
import { verifyDatabase, verifyPostgres } from '../../server/cli/verify-audit.js';
import { copyOrder } from '../../server/db/copyToPostgres.js';
import { MIGRATIONS } from '../../server/db/migrations.js';
import { databaseFile, SqliteDatabase } from '../../server/db/SqliteDatabase.js';
import { PostgresClient } from '../../server/db/sql/PostgresClient.js';
import type { SqlClient } from '../../server/db/sql/SqlClient.js';
import { createLogger } from '../../server/logger.js';
import { buildApiWorld, type ApiWorld } from '../support/apiWorld.js';
import { registrationInput, TEST_PASSWORD } from '../support/cases.js';
import { apiClient, sha256sum } from '../support/evidenceHttp.js';
import { freshDatabase } from '../support/postgres.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { settledCase, type SettledCase } from '../support/settledCase.js';

const logger = createLogger('silent');

/** Every table's rows, each as canonical JSON (blobs as hex), sorted: the table's content. */
async function contents(sql: SqlClient, sqliteRowid: boolean): Promise<Map<string, string[]>> {
  const tables =
    sql.dialect === 'sqlite'
      ? await sql.all<{ name: string }>(
          `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             AND name <> 'schema_migrations' ORDER BY name`,
        )
      : await sql.all<{ name: string }>(
          `SELECT table_name AS name FROM information_schema.tables
            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
              AND table_name <> 'schema_migrations' ORDER BY table_name`,
        );
  const out = new Map<string, string[]>();
  for (const { name } of tables) {
    const rows = await sql.all<Record<string, unknown>>(
      sqliteRowid ? `SELECT rowid AS "rowid", * FROM "${name}"` : `SELECT * FROM "${name}"`,
    );
    out.set(
      name,
      rows
        .map((row) =>
          JSON.stringify(
            Object.keys(row)
              .sort()
              .map((k) => [k, Buffer.isBuffer(row[k]) ? row[k].toString('hex') : row[k]]),
          ),
        )
        .sort(),
    );
  }
  return out;
}

/** SQLite's rows with the `rowid` key dropped where PostgreSQL has no such column. */
function alignRowids(
  sqlite: Map<string, string[]>,
  postgres: Map<string, string[]>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [table, rows] of sqlite) {
    const sample = postgres.get(table)?.[0];
    const pgHasRowid = sample === undefined || sample.includes('["rowid",');
    out.set(
      table,
      pgHasRowid
        ? rows
        : rows
            .map((r) =>
              JSON.stringify((JSON.parse(r) as [string, unknown][]).filter(([k]) => k !== 'rowid')),
            )
            .sort(),
    );
  }
  return out;
}

describe('npm run db:migrate-to-postgres', () => {
  let sqliteServer: TestServer;
  let pgServer: TestServer | undefined;
  let world: ApiWorld;
  let settled: SettledCase;
  let paper: SettledCase;
  let file = '';
  let url = '';
  let outcome: Awaited<ReturnType<typeof migrateToPostgres>>;
  const progress: string[] = [];
  const before = new Map<string, unknown>();
  const reads = (caseId: string, token: string) => [
    [`/cases/${caseId}`, token],
    [`/cases/${caseId}/documents`, token],
    [`/cases/${caseId}/evidence`, token],
  ];

  beforeAll(async () => {
    // An SQLite installation, whatever TEST_DATABASE says.
    sqliteServer = await startTestServer({ DATABASE_URL: '' });
    world = await buildApiWorld(sqliteServer);
    settled = await settledCase(sqliteServer, world.api, { drafts: 1 });
    paper = await settledCase(sqliteServer, world.api, { effect: 'paper' });
    await sqliteServer.server.close();
    // Restarted once on its file, as an installation that has been running for a while: the
    // start's deadline pass has run (it would otherwise run first on PostgreSQL, changing what
    // is compared), and the reads to compare are taken from this server.
    const restarted = await startTestServer({
      DATABASE_URL: '',
      DATA_DIR: sqliteServer.dataDir,
    });
    await restarted.server.scheduler.tick(); // the start's pass, notices served included
    const api = apiClient(restarted.url);
    for (const [p, token] of [
      ...reads(world.a1.caseId, world.tokens.clerkA),
      ...reads(settled.caseId, settled.clerk),
      ...reads(paper.caseId, paper.clerk),
    ] as [string, string][]) {
      before.set(p, await api.ok('GET', p, token));
    }
    // Stopped, its data directory kept: the installation to move.
    await restarted.close(); // removes only its own unused temp directory
    file = databaseFile(sqliteServer.dataDir);
    url = await freshDatabase(inject('postgresUrl'), 'migrate');
    // Small batches, so that the larger tables take several INSERTs.
    outcome = await migrateToPostgres([file, url], {
      logger,
      batchRows: 7,
      progress: (line) => progress.push(line),
    });
  }, 180_000);

  afterAll(async () => {
    await pgServer?.close();
    rmSync(sqliteServer.dataDir, { recursive: true, force: true });
  });

  it('copies the installation and reports in Chinese, then English (exit 0)', () => {
    expect(outcome.exitCode, outcome.lines.join('\n')).toBe(0);
    expect(outcome.lines[0]).toMatch(
      /^已将 .* 复制到 postgres:\/\/postgres:\*\*\*@.*（架构版本 \d+）：\d+ 张表共 \d+ 行，案件 4 件；各表行数一致，\d+ 条审计链全部完整。$/,
    );
    expect(outcome.lines[1]).toMatch(
      /^Copied .* \(schema version \d+\): \d+ tables, \d+ rows, 4 cases; every table's row count matches, all \d+ audit chains intact\.$/,
    );
    // The password never appears in what is printed.
    expect(outcome.lines.join('\n')).not.toContain(new URL(url).password);
    expect(progress.length).toBeGreaterThan(30);
  });

  it('holds every row of every table, value for value, rowids included', async () => {
    const sqlite = SqliteDatabase.open(file, logger);
    const postgres = await PostgresClient.open(url, { max: 2 }, logger);
    try {
      expect(await postgres.schemaVersion()).toBe(sqlite.schemaVersion);
      const fromSqlite = await contents(sqlite, true);
      const fromPostgres = await contents(postgres, false);
      expect([...fromPostgres.keys()]).toEqual([...fromSqlite.keys()]);
      const counts = (m: Map<string, string[]>) =>
        Object.fromEntries([...m].map(([t, rows]) => [t, rows.length]));
      expect(counts(fromPostgres)).toEqual(counts(fromSqlite));
      // A realistic installation: the tables the issue names are not empty.
      for (const table of [
        'cases',
        'audit_events',
        'case_documents',
        'deliveries',
        'delivery_events',
        'evidence_items',
        'recordings',
        'recording_tracks',
        'referrals',
        'agreement_signatures',
      ]) {
        expect(fromSqlite.get(table)?.length ?? 0, table).toBeGreaterThan(0);
      }
      expect(Object.fromEntries(fromPostgres)).toEqual(
        Object.fromEntries(alignRowids(fromSqlite, fromPostgres)),
      );
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });

  it('continues identities after the copied rows, and keeps the immutable rows immutable', async () => {
    const postgres = await PostgresClient.open(url, { max: 2 }, logger);
    try {
      const max = await postgres.get<{ m: number }>('SELECT MAX(rowid) AS m FROM cases');
      const next = await postgres.get<{ n: number }>(
        `SELECT nextval(pg_get_serial_sequence('cases', 'rowid')) AS n`,
      );
      expect(next!.n).toBe(max!.m + 1);
      const seq = await postgres.get<{ m: number }>('SELECT MAX(seq) AS m FROM delivery_events');
      const nextSeq = await postgres.get<{ n: number }>(
        `SELECT nextval(pg_get_serial_sequence('delivery_events', 'seq')) AS n`,
      );
      expect(nextSeq!.n).toBe(seq!.m + 1);
      await expect(postgres.run(`UPDATE case_documents SET title = 'x'`)).rejects.toMatchObject({
        kind: 'immutable',
      });
      await expect(postgres.run('DELETE FROM delivery_events')).rejects.toMatchObject({
        kind: 'immutable',
      });
      // The self-referencing key deferred for the copy is immediate again.
      const deferrable = await postgres.all<{ conname: string }>(
        `SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferrable`,
      );
      expect(deferrable).toEqual([]);
    } finally {
      await postgres.close();
    }
  });

  it('verifies every chain on PostgreSQL as on SQLite (npm run verify -- --all)', async () => {
    const onSqlite = verifyDatabase(file, '--all');
    const onPostgres = await verifyPostgres(url, '--all');
    expect(onSqlite.exitCode).toBe(0);
    expect(onPostgres.exitCode).toBe(0);
    expect([...onPostgres.lines].sort()).toEqual([...onSqlite.lines].sort());
    expect(onPostgres.lines.length).toBeGreaterThanOrEqual(4);
    for (const line of onPostgres.lines) expect(line).toMatch(/审计链完整.*audit chain intact/);
    expect(await verifyPostgres(url, settled.caseId)).toEqual(verifyDatabase(file, settled.caseId));
  });

  it('serves the same cases, documents and evidence from a server on PostgreSQL', async () => {
    pgServer = await startTestServer({ DATABASE_URL: url, DATA_DIR: sqliteServer.dataDir });
    // Its start's deadline pass finds nothing left to do: the copy is up to date.
    await pgServer.server.scheduler.tick();
    const api = apiClient(pgServer.url);
    for (const [p, body] of before) {
      const token = p.includes(world.a1.caseId)
        ? world.tokens.clerkA
        : p.includes(settled.caseId)
          ? settled.clerk
          : paper.clerk;
      expect(await api.ok('GET', p, token), p).toEqual(body);
    }
    // The agreement's PDF, read from the blob store through the copied record.
    const pdf = await fetch(
      `${pgServer.url}/api/cases/${settled.caseId}/documents/${settled.agreementId}/pdf`,
      { headers: { authorization: `Bearer ${settled.clerk}` } },
    );
    expect(pdf.status).toBe(200);
    const document = await api.ok<{ sha256: string }>(
      'GET',
      `/cases/${settled.caseId}/documents/${settled.agreementId}`,
      settled.clerk,
    );
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sha256sum(Buffer.from(await pdf.arrayBuffer()))).toBe(document.sha256);
    // And keeps writing: a new case on PostgreSQL gets the next rowid, its chain verifies.
    const staffLogin = await api.login(settled.staff.clerk.username, TEST_PASSWORD);
    const { id } = await api.ok<{ id: string }>('POST', '/cases', staffLogin, registrationInput());
    const verdict = await verifyPostgres(url, id);
    expect(verdict.exitCode).toBe(0);
    await pgServer.close();
    pgServer = undefined;
  });

  it('refuses a target that already holds data, writing nothing (exit 2)', async () => {
    const postgres = await PostgresClient.open(url, { max: 1 }, logger);
    const count = async () =>
      (await postgres.get<{ n: number }>('SELECT COUNT(*) AS n FROM audit_events'))!.n;
    try {
      const rows = await count();
      const again = await migrateToPostgres([file, url], { logger });
      expect(again.exitCode).toBe(2);
      expect(again.lines.join('\n')).toMatch(/目标数据库已有数据.*already holds data \(.*cases/);
      expect(await count()).toBe(rows);
    } finally {
      await postgres.close();
    }
  });
});

describe('db:migrate-to-postgres refusals and edges', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'migrate-'));
    dirs.push(d);
    return d;
  };
  const NOW = '2026-03-02T09:00:00.000Z';
  async function tinyInstallation(): Promise<{ file: string; sqlite: SqliteDatabase }> {
    const file = databaseFile(tempDir());
    const sqlite = SqliteDatabase.open(file, logger);
    await sqlite.run(`INSERT INTO organisations (id, name, created_at) VALUES ('ORG', '中心', ?)`, [
      NOW,
    ]);
    await sqlite.run(
      `INSERT INTO cases (id, case_number, organisation_id, status, dispute_type, source, intake_mode,
         application, received_on, registered_at, registered_by, mediation_due_on, updated_at)
       VALUES ('C1', 'N1', 'ORG', 'registered', 'wages', 'walk_in', 'in_person', '{}', '2026-03-02',
         ?, 'S1', '2026-04-01', ?)`,
      [NOW, NOW],
    );
    return { file, sqlite };
  }

  it('usage errors, a missing file, a file that is no database and a non-postgres URL exit 2', async () => {
    const url = await freshDatabase(inject('postgresUrl'), 'refusals');
    expect((await migrateToPostgres([], { logger })).exitCode).toBe(2);
    expect((await migrateToPostgres(['only-one'], { logger })).exitCode).toBe(2);
    const missing = path.join(tempDir(), 'none.sqlite');
    const gone = await migrateToPostgres([missing, url], { logger });
    expect(gone).toEqual({
      exitCode: 2,
      lines: [`找不到数据库文件 / no database file at ${missing}`],
    });
    expect(existsSync(missing)).toBe(false);
    const junk = path.join(tempDir(), 'junk.sqlite');
    writeFileSync(junk, 'this is not a database, just text '.repeat(200));
    const notDb = await migrateToPostgres([junk, url], { logger });
    expect(notDb.exitCode).toBe(2);
    expect(notDb.lines[0]).toMatch(/无法打开数据库文件 .* cannot open the database file/);
    const { file, sqlite } = await tinyInstallation();
    await sqlite.close();
    expect((await migrateToPostgres([file, 'mysql://x@y/z'], { logger })).exitCode).toBe(2);
    const unreachable = await migrateToPostgres(
      [file, 'postgres://nobody:secret@127.0.0.1:1/none'],
      { logger },
    );
    expect(unreachable.exitCode).toBe(2);
    expect(unreachable.lines[0]).toMatch(
      /无法打开 postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/,
    );
    // Nothing was written to the target by any of these.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_name = 'cases'`,
      );
      expect(rows[0]!.n).toBe('0');
    } finally {
      await client.end();
    }
  });

  it('rolls the whole copy back when a row does not fit PostgreSQL (exit 2, target empty)', async () => {
    const { file, sqlite } = await tinyInstallation();
    // SQLite keeps text in an INTEGER column; PostgreSQL's BIGINT refuses it.
    await sqlite.run(`UPDATE cases SET version = 'not a number' WHERE id = 'C1'`);
    await sqlite.close();
    const url = await freshDatabase(inject('postgresUrl'), 'rollback');
    const failed = await migrateToPostgres([file, url], { logger });
    expect(failed.exitCode).toBe(2);
    expect(failed.lines[0]).toMatch(/已全部回滚.*rolled back, nothing was written/);
    const postgres = await PostgresClient.open(url, { max: 1 }, logger);
    try {
      // organisations were copied before cases: rolled back with them.
      expect(await postgres.get('SELECT 1 AS one FROM organisations')).toBeUndefined();
      expect(await postgres.get('SELECT 1 AS one FROM cases')).toBeUndefined();
    } finally {
      await postgres.close();
    }
  });

  it('copies a row that refers to a later row of its own table (deferred self-reference)', async () => {
    const { file, sqlite } = await tinyInstallation();
    const person = (id: string, kind: string) =>
      sqlite.run(
        `INSERT INTO case_people (id, case_id, kind, name, created_at) VALUES (?, 'C1', ?, ?, ?)`,
        [id, kind, id, NOW],
      );
    await person('P-agent', 'agent');
    await person('P-party', 'applicant');
    // The agent (lower rowid) comes to represent the party added after it.
    await sqlite.run(`UPDATE case_people SET represents_id = 'P-party' WHERE id = 'P-agent'`);
    await sqlite.close();
    const url = await freshDatabase(inject('postgresUrl'), 'selfref');
    const copied = await migrateToPostgres([file, url], { logger });
    expect(copied.exitCode, copied.lines.join('\n')).toBe(0);
    const postgres = await PostgresClient.open(url, { max: 1 }, logger);
    try {
      expect(
        await postgres.all('SELECT id, represents_id FROM case_people ORDER BY rowid'),
      ).toEqual([
        { id: 'P-agent', represents_id: 'P-party' },
        { id: 'P-party', represents_id: null },
      ]);
    } finally {
      await postgres.close();
    }
  });

  it('brings a file at an older schema to this release first, as the service would at start', async () => {
    // A file an earlier release left: every migration but the newest.
    const file = databaseFile(tempDir());
    const older = new Database(file);
    older.exec(`CREATE TABLE schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    for (const m of MIGRATIONS.slice(0, -1)) {
      older.exec(m.sql);
      older
        .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
        .run(m.version, m.name, NOW);
    }
    older
      .prepare(`INSERT INTO organisations (id, name, created_at) VALUES ('ORG', '中心', ?)`)
      .run(NOW);
    older.close();
    const url = await freshDatabase(inject('postgresUrl'), 'older');
    const copied = await migrateToPostgres([file, url], { logger });
    expect(copied.exitCode, copied.lines.join('\n')).toBe(0);
    const reopened = new Database(file, { readonly: true });
    try {
      expect(reopened.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
        v: MIGRATIONS.at(-1)!.version,
      });
    } finally {
      reopened.close();
    }
    const postgres = await PostgresClient.open(url, { max: 1 }, logger);
    try {
      expect(await postgres.all('SELECT id, name FROM organisations')).toEqual([
        { id: 'ORG', name: '中心' },
      ]);
    } finally {
      await postgres.close();
    }
  });

  it('refuses a file at a newer schema than this release knows (exit 2, file unchanged)', async () => {
    const { file, sqlite } = await tinyInstallation();
    const newer = MIGRATIONS.at(-1)!.version + 1;
    await sqlite.run(
      `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from the future', ?)`,
      [newer, NOW],
    );
    await sqlite.close();
    const url = await freshDatabase(inject('postgresUrl'), 'newer');
    const refused = await migrateToPostgres([file, url], { logger });
    expect(refused).toEqual({
      exitCode: 2,
      lines: [
        `架构版本不同：SQLite ${newer}，PostgreSQL ${newer - 1} / the schema versions differ: SQLite ${newer}, PostgreSQL ${newer - 1}`,
      ],
    });
  });

  it('orders parents before children and defers only keys in cycles', () => {
    const key = (name: string, child: string, parent: string) => ({ name, child, parent });
    expect(
      copyOrder(
        ['c', 'b', 'a', 'self', 'x', 'y'],
        [
          key('c_b', 'c', 'b'),
          key('b_a', 'b', 'a'),
          key('self_self', 'self', 'self'),
          key('x_y', 'x', 'y'),
          key('y_x', 'y', 'x'),
        ],
      ),
    ).toEqual({
      order: ['a', 'self', 'b', 'c', 'x', 'y'],
      deferred: [key('self_self', 'self', 'self'), key('x_y', 'x', 'y'), key('y_x', 'y', 'x')],
    });
  });

  it('runs as `npm run db:migrate-to-postgres` from the build', async () => {
    const entry = 'dist/server/cli/migrate-to-postgres.js';
    if (!existsSync(entry)) throw new Error(`${entry} missing: run npm test, it builds dist/`);
    const { file, sqlite } = await tinyInstallation();
    await sqlite.close();
    const url = await freshDatabase(inject('postgresUrl'), 'npm');
    const run = spawnSync('npm', ['run', '--silent', 'db:migrate-to-postgres', '--', file, url], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^已将 .*案件 1 件.*\nCopied .* 1 cases;/);
    const missing = spawnSync(
      'npm',
      ['run', '--silent', 'db:migrate-to-postgres', '--', `${file}.none`, url],
      { encoding: 'utf8' },
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no database file');
  });
});

describe('npm run verify on PostgreSQL', () => {
  it('reads without migrating, and finds an event altered in the database', async () => {
    // An empty database: verify must not create the schema.
    const empty = await freshDatabase(inject('postgresUrl'), 'verify_empty');
    const none = await verifyPostgres(empty, '--all');
    expect(none.exitCode).toBe(2);
    expect(none.lines[0]).toMatch(/无法读取审计记录 \/ cannot read the audit tables/);
    const client = new pg.Client({ connectionString: empty });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema()`,
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
    expect((await verifyPostgres(empty, '--bogus')).exitCode).toBe(2);
    expect((await verifyPostgres('postgres://x:y@127.0.0.1:1/z', '--all')).exitCode).toBe(2);

    // A server on PostgreSQL with a case, then one of its events altered behind its back.
    const url = await freshDatabase(inject('postgresUrl'), 'verify');
    const t = await startTestServer({ DATABASE_URL: url });
    try {
      const world = await buildApiWorld(t);
      const caseId = world.a1.caseId;
      const intact = await verifyPostgres(url, '--all');
      expect(intact.exitCode).toBe(0);
      expect(intact.lines.length).toBeGreaterThanOrEqual(2);
      // As an operator runs it: DATABASE_URL picks PostgreSQL over DATA_DIR's (absent) file.
      const entry = 'dist/server/cli/verify-audit.js';
      if (!existsSync(entry)) throw new Error(`${entry} missing: run npm test, it builds dist/`);
      const verify = (databaseUrl: string) =>
        spawnSync(process.execPath, [entry, '--all'], {
          encoding: 'utf8',
          env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: t.dataDir },
        });
      const built = verify(url);
      expect(built.status, built.stderr).toBe(0);
      expect(built.stdout.trim().split('\n')).toEqual(intact.lines);
      const wrong = verify('mysql://x@y/z');
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
      expect(await verifyPostgres(url, 'no-such-case')).toEqual({
        exitCode: 1,
        lines: ['案件 no-such-case：没有审计记录 / no audit events for this case'],
      });

      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        // Past any trigger: what someone with the database's superuser could do.
        await admin.query(`SET session_replication_role = replica`);
        const changed = await admin.query(
          `UPDATE audit_events SET payload = '{"forged":true}' WHERE case_id = $1 AND seq = 2`,
          [caseId],
        );
        expect(changed.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      const all = await verifyPostgres(url, '--all');
      expect(all.exitCode).toBe(1);
      const line = all.lines.find((l) => l.startsWith(`案件 ${caseId}`));
      expect(line).toMatch(/第 2 条内容被篡改（payload_altered）\/ audit chain broken at event 2/);
      expect(all.lines.filter((l) => l.includes('audit chain intact')).length).toBe(
        all.lines.length - 1,
      );
      expect((await verifyPostgres(url, caseId)).exitCode).toBe(1);
    } finally {
      await t.close();
    }
  }, 120_000);
});

describe('the writing command-line tools on PostgreSQL (DATABASE_URL)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('calendar-year loads a year into PostgreSQL, its event in the calendar chain', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'calendar-pg-'));
    dirs.push(dir);
    const url = await freshDatabase(inject('postgresUrl'), 'calendar_cli');
    const schedule = path.join(dir, '2028.json');
    writeFileSync(
      schedule,
      JSON.stringify({
        year: 2028,
        holidays: [{ first: '2028-01-01', last: '2028-01-03', name: '元旦（测试数据）' }],
        workdays: [],
        source: {
          title: '测试数据：虚构的 2028 年节假日安排（非官方）',
          publishedOn: '2027-11-10',
        },
      }),
    );
    const operator = { holidays: [], extraWorkdays: [] };
    const database = { url, poolSize: 2 };
    const added = await calendarYearTool(
      ['add', schedule, '--by', 'test'],
      dir,
      operator,
      database,
    );
    expect(added.exitCode, added.lines.join('\n')).toBe(0);
    const listed = await calendarYearTool(['list'], dir, operator, database);
    expect(listed.lines.some((l) => l.startsWith('2028 added'))).toBe(true);
    // Not in an SQLite file in the data directory: in PostgreSQL, with its audit event.
    expect(existsSync(databaseFile(dir))).toBe(false);
    const verified = await verifyPostgres(url, '--all');
    expect(verified.exitCode).toBe(0);
    expect(verified.lines).toHaveLength(1);
    expect(verified.lines[0]).toMatch(/审计链完整（1 条）/);
  });

  it('seed-demo (npm start) creates the demo case and the demo court’s waiting referral in PostgreSQL, and reuses them on the next start', async () => {
    const entry = 'dist/server/cli/seed-demo.js';
    if (!existsSync(entry)) throw new Error(`${entry} missing: run npm test, it builds dist/`);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'seed-pg-'));
    dirs.push(dir);
    const url = await freshDatabase(inject('postgresUrl'), 'seed_demo');
    const seed = () =>
      spawnSync(process.execPath, [entry], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url, DATA_DIR: dir, LOG_LEVEL: 'warn' },
      });
    const first = seed();
    expect(first.status, first.stderr).toBe(0);
    const caseId = /Demo case \S+ \(([^)]+)\)/.exec(first.stdout)?.[1];
    expect(caseId).toBeDefined();
    const again = seed();
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`(${caseId})`);
    // The demo court, printed with its key both times, and its one delegated case waiting.
    const court = /institutionId (\S+) {2}apiKey (\S+)/.exec(first.stdout);
    expect(court).not.toBeNull();
    expect(again.stdout).toContain(`institutionId ${court![1]}  apiKey ${court![2]}`);
    expect(existsSync(databaseFile(dir))).toBe(false);
    const postgres = await PostgresClient.open(url, { max: 1 }, logger);
    try {
      // The demo case, the network's four (server/cli/demoNetwork.ts) and eleven months of
      // history, two to five a month (demoHistory.ts), once for both runs.
      const ids = (await postgres.all<{ id: string }>('SELECT id FROM cases')).map((r) => r.id);
      expect(ids.length).toBeGreaterThanOrEqual(5 + 22);
      expect(ids.length).toBeLessThanOrEqual(5 + 55);
      expect(ids).toContain(caseId);
      const numbers = await postgres.all<{ n: string }>(
        'SELECT organisation_id, case_number, COUNT(*) AS n FROM cases GROUP BY organisation_id, case_number HAVING COUNT(*) > 1',
      );
      expect(numbers).toEqual([]);
      expect(
        await postgres.all(
          `SELECT organisation_id, role FROM staff WHERE role <> 'mediator' ORDER BY role, organisation_id`,
        ),
      ).toEqual([
        { organisation_id: 'demo-org', role: 'clerk' },
        { organisation_id: 'demo-street-1', role: 'clerk' },
        { organisation_id: 'demo-org', role: 'supervisor' },
      ]);
      expect(
        await postgres.all('SELECT institution_id, kind, status FROM inbound_referrals'),
      ).toEqual([{ institution_id: court![1], kind: 'delegated', status: 'pending' }]);
      // The centre's network, once: two sub-district organisations, an enterprise committee.
      expect(
        await postgres.all('SELECT id, kind, parent_id FROM organisations ORDER BY id'),
      ).toEqual([
        { id: 'demo-enterprise-1', kind: 'enterprise_committee', parent_id: 'demo-street-1' },
        { id: 'demo-org', kind: 'district_centre', parent_id: null },
        { id: 'demo-street-1', kind: 'street_town', parent_id: 'demo-org' },
        { id: 'demo-town-1', kind: 'street_town', parent_id: 'demo-org' },
      ]);
    } finally {
      await postgres.close();
    }
    expect((await verifyPostgres(url, caseId!)).exitCode).toBe(0);
  }, 60_000);
});
