/** SqlClient on the embedded SQLite database (one connection, see SqliteDatabase). */
import type { SqliteDatabase } from '../SqliteDatabase.js';
import {
  SqlConstraintError,
  type ConstraintKind,
  type RunResult,
  type SqlClient,
  type SqlValue,
} from './SqlClient.js';

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

function mapped(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const kind = typeof code === 'string' ? CONSTRAINTS[code] : undefined;
  return kind ? new SqlConstraintError(kind, (error as Error).message, error) : error;
}

export class SqliteClient implements SqlClient {
  readonly dialect = 'sqlite' as const;
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async all<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    try {
      return this.#database.statement(sql).all(...params) as R[];
    } catch (error) {
      throw mapped(error);
    }
  }

  async get<R extends object>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<R | undefined> {
    try {
      return this.#database.statement(sql).get(...params) as R | undefined;
    } catch (error) {
      throw mapped(error);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    try {
      return { changes: this.#database.statement(sql).run(...params).changes };
    } catch (error) {
      throw mapped(error);
    }
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.#database.transaction(work);
  }

  /** One connection, one writer: `BEGIN IMMEDIATE` already holds every key. */
  async lockKey(): Promise<void> {}

  close(): Promise<void> {
    return this.#database.close();
  }
}
