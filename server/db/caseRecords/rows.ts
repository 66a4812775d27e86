/**
 * What the parts of the SQLite case repository share: the connection's
 * prepared statements and reading a row's columns back into the domain's
 * types. SqliteCaseRepository composes the parts, one per record kind.
 */
import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../SqliteDatabase.js';

export type Row = Record<string, unknown>;

export const str = (v: unknown): string => v as string;
export const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : (v as string);
export const json = <T>(v: unknown): T => JSON.parse(v as string) as T;
export const jsonOrNull = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : json<T>(v);

/** One record kind's statements on the shared connection. */
export abstract class SqliteRecords {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  protected sql(text: string): Statement {
    return this.#database.statement(text);
  }

  protected rows(text: string, ...params: unknown[]): Row[] {
    return this.sql(text).all(...params) as Row[];
  }

  protected row(text: string, ...params: unknown[]): Row | undefined {
    return this.sql(text).get(...params) as Row | undefined;
  }
}
