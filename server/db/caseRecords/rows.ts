/**
 * What the parts of the case repository share: the database (either, through
 * SqlClient) and reading a row's columns back into the domain's types.
 * SqlCaseRepository composes the parts, one per record kind.
 */
import type { RunResult, SqlClient, SqlValue } from '../sql/SqlClient.js';

export type Row = Record<string, unknown>;

export const str = (v: unknown): string => v as string;
export const strOrNull = (v: unknown): string | null =>
  v === null || v === undefined ? null : (v as string);
export const json = <T>(v: unknown): T => JSON.parse(v as string) as T;
export const jsonOrNull = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : json<T>(v);

/** One record kind's statements on the shared database. */
export abstract class SqlRecords {
  readonly #sql: SqlClient;

  constructor(sql: SqlClient) {
    this.#sql = sql;
  }

  protected run(text: string, ...params: SqlValue[]): Promise<RunResult> {
    return this.#sql.run(text, params);
  }

  protected rows(text: string, ...params: SqlValue[]): Promise<Row[]> {
    return this.#sql.all<Row>(text, params);
  }

  protected row(text: string, ...params: SqlValue[]): Promise<Row | undefined> {
    return this.#sql.get<Row>(text, params);
  }
}
