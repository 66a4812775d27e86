/**
 * The one way the repositories reach a database, whichever it is: embedded
 * SQLite (the default) or PostgreSQL (`DATABASE_URL=postgres://…`).
 *
 * Repositories write portable SQL against it: `?` placeholders (PostgreSQL's
 * `$1…` are made from them), `ON CONFLICT … DO NOTHING/UPDATE` rather than
 * `INSERT OR …`, `IS NOT DISTINCT FROM ?` rather than `IS ?`, booleans as 0/1
 * integers, times as ISO-8601 text, JSON as text, and `rowid` for insertion
 * order (a real identity column of that name on PostgreSQL). Rows come back
 * with the same JavaScript types on both: integers as numbers, blobs as Buffers.
 */

export type SqlValue = string | number | bigint | Buffer | null;

export interface RunResult {
  /** Rows the statement inserted, changed or deleted. */
  changes: number;
}

export interface SqlClient {
  readonly dialect: 'sqlite' | 'postgres';
  all<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R[]>;
  get<R extends object>(sql: string, params?: readonly SqlValue[]): Promise<R | undefined>;
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /**
   * Runs `work` in one transaction: every statement made through this client
   * while `work` runs (across its awaits) belongs to it; commits when `work`
   * resolves, rolls back when it throws. A transaction started inside another
   * joins the outer one.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Inside a transaction: waits until no other transaction holds `key`, then
   * holds it until this one ends (e.g. one writer at a time per case's audit
   * chain across processes). SQLite has one writer at a time already.
   */
  lockKey(key: string): Promise<void>;
  close(): Promise<void>;
}

/** What a constraint refused, the same on both databases. */
export type ConstraintKind = 'unique' | 'foreign-key' | 'check' | 'not-null' | 'immutable';

/** A statement a constraint or an immutability trigger refused. */
export class SqlConstraintError extends Error {
  readonly kind: ConstraintKind;
  override readonly cause: unknown;

  constructor(kind: ConstraintKind, message: string, cause: unknown) {
    super(message);
    this.name = 'SqlConstraintError';
    this.kind = kind;
    this.cause = cause;
  }
}

/**
 * `error` as a SqlConstraintError when its driver code is one of `codes` (each
 * backend's own table of codes), else unchanged.
 */
export function constraintError(
  error: unknown,
  codes: Readonly<Record<string, ConstraintKind>>,
): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const kind = typeof code === 'string' ? codes[code] : undefined;
  return kind ? new SqlConstraintError(kind, (error as Error).message, error) : error;
}
