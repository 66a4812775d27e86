/**
 * The two backends' schemas never drift: after their migrations, SQLite and
 * PostgreSQL have the same tables, the same columns with the same nullability
 * and primary keys, the same unique keys, the same named indexes and the same
 * immutability triggers. PostgreSQL's only extra is the `rowid` identity column
 * standing in for SQLite's implicit rowid (see server/db/postgresMigrations.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBackend, type OpenedBackend } from '../support/backends.js';

interface Column {
  table: string;
  column: string;
  notNull: boolean;
  primaryKey: boolean;
}

let lite: OpenedBackend;
let pg: OpenedBackend;

beforeAll(async () => {
  lite = await openBackend('sqlite', 'schema');
  pg = await openBackend('postgres', 'schema');
});
afterAll(async () => {
  await lite?.close();
  await pg?.close();
});

async function sqliteTables(): Promise<string[]> {
  const rows = await lite.sql.all<{ name: string }>(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

async function sqliteColumns(): Promise<Column[]> {
  const columns: Column[] = [];
  for (const table of await sqliteTables()) {
    const info = await lite.sql.all<{ name: string; notnull: number; pk: number }>(
      `SELECT name, "notnull", pk FROM pragma_table_info(?)`,
      [table],
    );
    for (const c of info)
      columns.push({
        table,
        column: c.name,
        // A primary key column is never null in PostgreSQL, nor (for INTEGER keys) in SQLite.
        notNull: c.notnull === 1 || c.pk > 0,
        primaryKey: c.pk > 0,
      });
  }
  return columns;
}

async function postgresColumns(): Promise<Column[]> {
  const rows = await pg.sql.all<{
    table_name: string;
    column_name: string;
    is_nullable: string;
    pk: number;
  }>(
    `SELECT c.table_name, c.column_name, c.is_nullable,
       (SELECT COUNT(*) FROM information_schema.table_constraints t
          JOIN information_schema.key_column_usage k
            ON k.constraint_name = t.constraint_name AND k.table_name = t.table_name
         WHERE t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
           AND k.column_name = c.column_name) AS pk
     FROM information_schema.columns c
     WHERE c.table_schema = 'public'`,
  );
  return rows
    .filter((r) => r.column_name !== 'rowid')
    .map((r) => ({
      table: r.table_name,
      column: r.column_name,
      notNull: r.is_nullable === 'NO',
      primaryKey: r.pk > 0,
    }));
}

const byName = (a: Column, b: Column): number =>
  `${a.table}.${a.column}`.localeCompare(`${b.table}.${b.column}`);

describe('PostgreSQL schema against SQLite schema', () => {
  it('has the same tables and columns, nullability and primary keys', async () => {
    const expected = (await sqliteColumns()).sort(byName);
    const actual = (await postgresColumns()).sort(byName);
    expect(actual).toEqual(expected);
    expect(expected.length).toBeGreaterThan(300);
  });

  it('has the rowid stand-in on every table without an INTEGER PRIMARY KEY', async () => {
    const rows = await pg.sql.all<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'rowid'`,
    );
    const withRowid = new Set(rows.map((r) => r.table_name));
    for (const table of await sqliteTables()) {
      const integerKey = await lite.sql.get<{ n: number }>(
        `SELECT COUNT(*) AS n FROM pragma_table_info(?) WHERE pk = 1 AND type = 'INTEGER'
           AND (SELECT COUNT(*) FROM pragma_table_info(?) WHERE pk > 0) = 1`,
        [table, table],
      );
      const expectsRowid = integerKey!.n === 0 && table !== 'schema_migrations';
      expect({ table, rowid: withRowid.has(table) }).toEqual({ table, rowid: expectsRowid });
    }
  });

  it('has the same unique keys', async () => {
    const expected: string[] = [];
    for (const table of await sqliteTables()) {
      const indexes = await lite.sql.all<{ name: string; unique: number; partial: number }>(
        `SELECT name, "unique", partial FROM pragma_index_list(?)`,
        [table],
      );
      for (const index of indexes.filter((i) => i.unique === 1)) {
        const cols = await lite.sql.all<{ name: string }>(
          `SELECT name FROM pragma_index_info(?) ORDER BY seqno`,
          [index.name],
        );
        expected.push(
          `${table}(${cols.map((c) => c.name).join(',')})${index.partial ? ' partial' : ''}`,
        );
      }
      const integerKey = await lite.sql.get<{ name: string }>(
        `SELECT name FROM pragma_table_info(?) WHERE pk = 1 AND type = 'INTEGER'
           AND (SELECT COUNT(*) FROM pragma_table_info(?) WHERE pk > 0) = 1`,
        [table, table],
      );
      // SQLite's INTEGER PRIMARY KEY is the rowid itself, with no index of its own.
      if (integerKey) expected.push(`${table}(${integerKey.name})`);
    }
    const rows = await pg.sql.all<{ t: string; cols: string; partial: boolean }>(
      `SELECT t.relname AS t,
         (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
            FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols,
         i.indpred IS NOT NULL AS partial
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND i.indisunique`,
    );
    const actual = rows.map((r) => `${r.t}(${r.cols})${r.partial ? ' partial' : ''}`);
    expect(actual.sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(40);
  });

  it('has the same named indexes and immutability triggers', async () => {
    const liteIndexes = await lite.sql.all<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`,
    );
    const pgIndexes = await pg.sql.all<{ name: string }>(
      `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'
         AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY indexname`,
    );
    expect(pgIndexes.map((r) => r.name)).toEqual(liteIndexes.map((r) => r.name));
    const liteTriggers = await lite.sql.all<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`,
    );
    const pgTriggers = await pg.sql.all<{ name: string }>(
      `SELECT DISTINCT trigger_name AS name FROM information_schema.triggers ORDER BY trigger_name`,
    );
    expect(pgTriggers.map((r) => r.name)).toEqual(liteTriggers.map((r) => r.name));
    expect(liteIndexes.length).toBeGreaterThan(30);
    // Documents, delivery events, the risk ledger's history, statistics reports, kept
    // service certificates.
    expect(liteTriggers.length).toBe(8);
  });
});
