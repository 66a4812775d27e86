/**
 * SqlClient on PostgreSQL through node-postgres (`pg`) and its pool. Chosen
 * over an ORM or a query builder: the repositories already hold hand-written,
 * reviewed SQL that runs on both databases; `pg` is the driver the others
 * build on, maintained since 2010, with a pool, TLS and typed errors.
 *
 * A transaction holds one pooled connection; statements made while its work
 * runs find it through AsyncLocalStorage, so repositories need not pass it
 * around. `?` placeholders become `$1…` (outside quotes and comments).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import type { Logger } from '../../logger.js';
import { refuseNewerSchema, type Migration } from '../migrations.js';
import { POSTGRES_MIGRATIONS } from '../postgresMigrations.js';
import {
  constraintError,
  type ConstraintKind,
  type RunResult,
  type SqlClient,
  type SqlValue,
} from './SqlClient.js';

/** SQLSTATE codes of what a constraint refused; P0001 is RAISE in the immutability triggers. */
const CONSTRAINTS: Record<string, ConstraintKind> = {
  '23505': 'unique',
  '23503': 'foreign-key',
  '23514': 'check',
  '23502': 'not-null',
  P0001: 'immutable',
};

const mapped = (error: unknown): unknown => constraintError(error, CONSTRAINTS);

const INT8 = 20;
/** 64-bit integers come back as numbers, as SQLite's do; past 2^53 they would lose digits. */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${text} is beyond 2^53`);
  return n;
}

const converted = new Map<string, string>();

/** `?` → `$1, $2, …`, skipping quoted strings, quoted names and comments. */
export function toPostgresPlaceholders(sql: string): string {
  const cached = converted.get(sql);
  if (cached !== undefined) return cached;
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  converted.set(sql, out);
  return out;
}

export interface PostgresOptions {
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  max?: number;
  /** TLS to the database (`sslmode` in the URL works too). */
  ssl?: pg.PoolConfig['ssl'];
}

/** Any constant: the advisory lock that lets one process at a time migrate the schema. */
const MIGRATION_LOCK = 0x6d656469;

export class PostgresClient implements SqlClient {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #transaction = new AsyncLocalStorage<{ client: pg.PoolClient; open: boolean }>();

  /**
   * Connects and brings the schema to this release's version (each migration in
   * its own transaction, one process at a time); refuses a newer schema.
   */
  static async open(
    url: string,
    options: PostgresOptions,
    logger: Logger,
    migrations: readonly Migration[] = POSTGRES_MIGRATIONS,
  ): Promise<PostgresClient> {
    const client = new PostgresClient(url, options);
    try {
      await client.#migrate(migrations, logger.child({ component: 'db' }));
      return client;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async #migrate(migrations: readonly Migration[], logger: Logger): Promise<void> {
    const c = await this.#pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
      )`);
      const applied = new Set(
        (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map(
          (r) => r.version,
        ),
      );
      refuseNewerSchema(Math.max(0, ...applied), migrations);
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await c.query('BEGIN');
        try {
          await c.query(m.sql);
          await c.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, new Date().toISOString()],
          );
          await c.query('COMMIT');
        } catch (error) {
          await c.query('ROLLBACK');
          throw error;
        }
        logger.info({ version: m.version, name: m.name }, 'database migration applied');
      }
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      c.release();
    }
  }

  /** The schema version applied (for the tests and `verify`). */
  async schemaVersion(): Promise<number> {
    const row = await this.get<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM schema_migrations',
    );
    return row?.v ?? 0;
  }

  constructor(url: string, options: PostgresOptions = {}) {
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.max ?? 10,
      ...(options.ssl === undefined ? {} : { ssl: options.ssl }),
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8 && format !== 'binary'
            ? parseInt8
            : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection the server dropped must not take the process down.
    this.#pool.on('error', () => undefined);
  }

  #current(): pg.Pool | pg.PoolClient {
    const tx = this.#transaction.getStore();
    return tx?.open ? tx.client : this.#pool;
  }

  async #query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    try {
      return await this.#current().query(toPostgresPlaceholders(sql), params as SqlValue[]);
    } catch (error) {
      throw mapped(error);
    }
  }

  async all<R extends object>(sql: string, params: readonly SqlValue[] = []): Promise<R[]> {
    return (await this.#query(sql, params)).rows as R[];
  }

  async get<R extends object>(
    sql: string,
    params: readonly SqlValue[] = [],
  ): Promise<R | undefined> {
    return (await this.#query(sql, params)).rows[0] as R | undefined;
  }

  async run(sql: string, params: readonly SqlValue[] = []): Promise<RunResult> {
    return { changes: (await this.#query(sql, params)).rowCount ?? 0 };
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.#transaction.getStore()?.open) return work();
    const client = await this.#pool.connect();
    const current = { client, open: true };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await this.#transaction.run(current, work);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw mapped(error);
    } finally {
      current.open = false;
      // A connection whose rollback failed is not given to the next caller.
      client.release(broken);
    }
  }

  async lockKey(key: string): Promise<void> {
    const tx = this.#transaction.getStore();
    if (!tx?.open) throw new Error('lockKey outside a transaction');
    await tx.client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
