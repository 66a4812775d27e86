/**
 * The embedded SQLite database, one of the two SqlClients (sql/SqlClient.ts): WAL journal, `synchronous=FULL` (case and audit
 * data must survive a power cut once acknowledged), foreign keys on, and
 * versioned migrations applied at open.
 *
 * Writes go through `transaction()`, which serialises transactions on the one
 * connection: the repository interfaces are asynchronous (so a PostgreSQL
 * backend can implement them), and without the lock two requests' awaits
 * could interleave inside one SQLite transaction.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import Database, { type Statement } from 'better-sqlite3';
import type { Logger } from '../logger.js';
import { MIGRATIONS, refuseNewerSchema } from './migrations.js';
import {
  constraintError,
  type ConstraintKind,
  type RunResult,
  type SqlClient,
  type SqlValue,
} from './sql/SqlClient.js';

export type Db = Database.Database;

/** better-sqlite3's extended result codes for what a constraint refused. */
const CONSTRAINTS: Record<string, ConstraintKind> = {
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'unique',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign-key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not-null',
  // RAISE(ABORT, …) in the immutability triggers.
  SQLITE_CONSTRAINT_TRIGGER: 'immutable',
};

const mapped = (error: unknown): unknown => constraintError(error, CONSTRAINTS);

export class SqliteDatabase implements SqlClient {
  readonly dialect = 'sqlite' as const;
  readonly db: Db;
  readonly file: string;
  #queue: Promise<unknown> = Promise.resolve();
  /** Set inside `transaction()`'s work, so that a transaction started there joins it. */
  readonly #inTransaction = new AsyncLocalStorage<{ open: boolean }>();
  readonly #statements = new Map<string, Statement>();
  #closed = false;

  private constructor(db: Db, file: string) {
    this.db = db;
    this.file = file;
  }

  static open(file: string, logger: Logger): SqliteDatabase {
    if (file !== ':memory:') {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // SQLite creates the file 0644 and gives its WAL and SHM files the file's mode: create it 0600.
      closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    for (const companion of [`${file}-wal`, `${file}-shm`]) {
      if (file !== ':memory:' && existsSync(companion)) chmodSync(companion, 0o600);
    }
    const instance = new SqliteDatabase(db, file);
    instance.#migrate(logger.child({ component: 'db' }));
    return instance;
  }

  /** A prepared statement, prepared once per SQL text for the connection's lifetime. */
  statement(sql: string): Statement {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s;
  }

  async all<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    try {
      return this.statement(sql).all(...params) as R[];
    } catch (error) {
      throw mapped(error);
    }
  }

  async get<R extends object>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<R | undefined> {
    try {
      return this.statement(sql).get(...params) as R | undefined;
    } catch (error) {
      throw mapped(error);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    try {
      return { changes: this.statement(sql).run(...params).changes };
    } catch (error) {
      throw mapped(error);
    }
  }

  /** One connection, one writer: `BEGIN IMMEDIATE` already holds every key. */
  async lockKey(): Promise<void> {}

  get schemaVersion(): number {
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as {
      v: number | null;
    };
    return row.v ?? 0;
  }

  /**
   * Runs `work` inside BEGIN IMMEDIATE … COMMIT, one transaction at a time.
   * Rolls back if `work` throws.
   */
  transaction<T>(work: () => Promise<T> | T): Promise<T> {
    // Started inside another (across its awaits): part of it, as the queue would never reach it.
    if (this.#inTransaction.getStore()?.open) return Promise.resolve().then(work);
    const run = this.#queue.then(() => {
      const current = { open: true };
      return this.#inTransaction.run(current, async () => {
        if (this.#closed) throw new Error('The database is closed');
        this.db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work();
          this.db.exec('COMMIT');
          return result;
        } catch (error) {
          if (this.db.inTransaction) this.db.exec('ROLLBACK');
          throw error;
        } finally {
          // Work it started that outlives it (not awaited) starts transactions of its own.
          current.open = false;
        }
      });
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Waits for pending transactions, then closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#queue;
    this.#closed = true;
    this.db.close();
  }

  #migrate(logger: Logger): void {
    this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const applied = new Set(
      (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    refuseNewerSchema(Math.max(0, ...applied), MIGRATIONS);
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      // Outside the transaction: SQLite ignores the pragma inside one.
      if (m.foreignKeysOff) this.db.pragma('foreign_keys = OFF');
      try {
        this.db.transaction(() => {
          this.db.exec(m.sql);
          if (m.foreignKeysOff) {
            const broken = this.db.pragma('foreign_key_check') as unknown[];
            if (broken.length > 0)
              throw new Error(`migration ${m.version} left ${broken.length} broken references`);
          }
          this.db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(m.version, m.name, new Date().toISOString());
        })();
      } finally {
        if (m.foreignKeysOff) this.db.pragma('foreign_keys = ON');
      }
      logger.info({ version: m.version, name: m.name }, 'database migration applied');
    }
  }
}

/** Where the case database lives inside the data directory. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'mediation.sqlite');
}
