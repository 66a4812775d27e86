/**
 * Moving an installation (`npm run db:migrate-to-postgres`): copies every
 * table of an SQLite database file into an empty PostgreSQL database at the
 * same schema version, in one PostgreSQL transaction, then counts the rows
 * again on both sides.
 *
 * Nothing here names a table: the tables and columns are read from the two
 * catalogs (so a migration that adds a table or a column is copied without a
 * change here), and the schemas must match column for column — except the
 * `rowid` identity PostgreSQL adds to tables without an INTEGER PRIMARY KEY,
 * filled from SQLite's implicit rowid so insertion order survives.
 *
 * Rows are streamed from SQLite (one read snapshot) in batches of multi-row
 * INSERTs, parents before children (foreign keys from the PostgreSQL
 * catalog). A foreign key inside a cycle — a table referring to itself, such
 * as an agent's `represents_id` — is made DEFERRABLE for the copy and checked
 * and restored before the commit. No trigger is disabled: the immutable-row
 * triggers refuse UPDATE and DELETE only, and the copy only inserts. Identity
 * values are inserted as they are (OVERRIDING SYSTEM VALUE) and each identity
 * sequence is moved past the largest copied value.
 */
import Database from 'better-sqlite3';
import type { Logger } from '../logger.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteDatabase, type Db } from './SqliteDatabase.js';
import type { SqlClient, SqlValue } from './sql/SqlClient.js';

/**
 * The copy was refused before anything was written (exit 2 of the command).
 * The message is English; the command says `reason` in Chinese first.
 */
export class CopyRefused extends Error {
  override name = 'CopyRefused';
  readonly reason: 'schemas-differ' | 'columns-differ' | 'target-not-empty';
  readonly table: string | undefined;

  constructor(reason: CopyRefused['reason'], message: string, table?: string) {
    super(message);
    this.reason = reason;
    this.table = table;
  }
}

export interface TableCount {
  table: string;
  source: number;
  target: number;
}

export interface CopyOptions {
  /** Rows per INSERT (fewer when a table has many columns: PostgreSQL takes 65535 parameters). */
  batchRows?: number;
  /** Called after each table is copied (progress of a long copy). */
  onTable?: (table: string, rows: number) => void;
}

interface TargetColumn {
  name: string;
  type: string;
  identity: boolean;
}

interface ForeignKey {
  name: string;
  child: string;
  parent: string;
}

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Tables of the SQLite file, without SQLite's own and the migration bookkeeping. */
function sourceTables(source: Db): Map<string, { columns: string[]; hasRowid: boolean }> {
  const names = source
    .prepare<[], string>(
      `SELECT name FROM sqlite_schema
        WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
          AND name <> 'schema_migrations'
        ORDER BY name`,
    )
    .pluck()
    .all();
  const tables = new Map<string, { columns: string[]; hasRowid: boolean }>();
  for (const name of names) {
    const columns = source
      .prepare<[string], string>('SELECT name FROM pragma_table_info(?) ORDER BY cid')
      .pluck()
      .all(name);
    const wr = source
      .prepare<[string], number>('SELECT wr FROM pragma_table_list WHERE name = ?')
      .pluck()
      .get(name);
    tables.set(name, { columns, hasRowid: wr === 0 });
  }
  return tables;
}

async function targetTables(target: SqlClient): Promise<Map<string, TargetColumn[]>> {
  const rows = await target.all<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_identity: string;
  }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
       FROM information_schema.columns c
       JOIN information_schema.tables t
         ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
        AND c.table_name <> 'schema_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, TargetColumn[]>();
  for (const r of rows) {
    const columns = tables.get(r.table_name) ?? [];
    columns.push({ name: r.column_name, type: r.data_type, identity: r.is_identity === 'YES' });
    tables.set(r.table_name, columns);
  }
  return tables;
}

async function foreignKeys(target: SqlClient): Promise<ForeignKey[]> {
  return target.all<ForeignKey>(
    `SELECT c.conname AS name, child.relname AS child, parent.relname AS parent
       FROM pg_constraint c
       JOIN pg_class child ON child.oid = c.conrelid
       JOIN pg_class parent ON parent.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()
      ORDER BY c.conname`,
  );
}

/**
 * The tables parents first, and the foreign keys no order satisfies (a table
 * referring to itself, or tables referring to each other in a cycle).
 */
export function copyOrder(
  tables: readonly string[],
  keys: readonly ForeignKey[],
): { order: string[]; deferred: ForeignKey[] } {
  const remaining = new Set(tables);
  const order: string[] = [];
  const deferred = keys.filter((k) => k.child === k.parent);
  let edges = keys.filter((k) => k.child !== k.parent);
  while (remaining.size > 0) {
    const ready = [...remaining]
      .filter((t) => !edges.some((k) => k.child === t && remaining.has(k.parent)))
      .sort();
    if (ready.length > 0) {
      for (const t of ready) {
        order.push(t);
        remaining.delete(t);
      }
      continue;
    }
    // A cycle: the rest goes in name order, its keys among themselves checked at the end.
    const rest = [...remaining].sort();
    deferred.push(...edges.filter((k) => remaining.has(k.child) && remaining.has(k.parent)));
    edges = [];
    order.push(...rest);
    remaining.clear();
  }
  return { order, deferred };
}

function convert(value: unknown, column: TargetColumn): SqlValue {
  if (value === null || value === undefined) return null;
  if (column.type === 'bytea' && typeof value === 'string') return Buffer.from(value, 'utf8');
  if (typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  }
  return value as SqlValue;
}

/** The schema version recorded in the SQLite file (0 when it has none). */
export function sqliteSchemaVersion(source: Db): number {
  const row = source.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as
    { v: number | null } | undefined;
  return row?.v ?? 0;
}

/**
 * The installation's SQLite file, opened read-only for the copy. A file at an
 * older schema is first migrated to this release's, exactly as the service
 * would at its next start (each migration in its own transaction); a file at
 * a newer schema is left as it is (the versions then differ and the copy is
 * refused). Throws when the file is missing or not this service's database.
 */
export async function openSqliteSource(file: string, logger: Logger): Promise<Db> {
  const probe = new Database(file, { readonly: true, fileMustExist: true });
  let version: number;
  try {
    version = sqliteSchemaVersion(probe);
  } finally {
    probe.close();
  }
  if (version < MIGRATIONS.at(-1)!.version) await SqliteDatabase.open(file, logger).close();
  return new Database(file, { readonly: true, fileMustExist: true });
}

/** Per table: the rows in it. */
async function countRows(
  target: SqlClient,
  tables: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of tables) {
    const row = await target.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${ident(t)}`);
    counts.set(t, Number(row?.n ?? 0));
  }
  return counts;
}

/**
 * Copies `source` (opened read-only is enough) into `target`, which must hold
 * the same tables and no rows (checked with every table locked against
 * writers, so nothing can slip in between). Throws CopyRefused, having written
 * nothing, when the schemas differ or the target holds data; any other error
 * rolls the whole copy back. Returns every table's rows in the source and, counted
 * again after the commit, in the target.
 */
export async function copySqliteToPostgres(
  source: Db,
  target: SqlClient,
  options: CopyOptions = {},
): Promise<TableCount[]> {
  if (target.dialect !== 'postgres') throw new Error('the target must be PostgreSQL');
  const from = sourceTables(source);
  const to = await targetTables(target);

  const onlySource = [...from.keys()].filter((t) => !to.has(t));
  const onlyTarget = [...to.keys()].filter((t) => !from.has(t));
  if (onlySource.length > 0 || onlyTarget.length > 0) {
    throw new CopyRefused(
      'schemas-differ',
      `the schemas differ: only in SQLite [${onlySource.join(', ')}], only in PostgreSQL [${onlyTarget.join(', ')}]`,
    );
  }
  const selects = new Map<string, { sql: string; columns: TargetColumn[] }>();
  for (const [table, { columns, hasRowid }] of from) {
    const targetColumns = to.get(table)!;
    const names = new Set(targetColumns.map((c) => c.name));
    const lost = columns.filter((c) => !names.has(c));
    const missing = targetColumns.filter(
      (c) => !columns.includes(c.name) && !(c.name === 'rowid' && c.identity && hasRowid),
    );
    if (lost.length > 0 || missing.length > 0) {
      throw new CopyRefused(
        'columns-differ',
        `the columns of ${table} differ: only in SQLite [${lost.join(', ')}], only in PostgreSQL [${missing.map((c) => c.name).join(', ')}]`,
        table,
      );
    }
    const list = targetColumns
      .map((c) => (columns.includes(c.name) ? ident(c.name) : `rowid AS ${ident(c.name)}`))
      .join(', ');
    selects.set(table, {
      sql: `SELECT ${list} FROM ${ident(table)}${hasRowid ? ' ORDER BY rowid' : ''}`,
      columns: targetColumns,
    });
  }

  const tables = [...to.keys()];
  const { order, deferred } = copyOrder(tables, await foreignKeys(target));
  const batchRows = options.batchRows ?? 500;
  const sourceCounts = new Map<string, number>();

  // One read snapshot of the file for the whole copy.
  source.exec('BEGIN');
  try {
    await target.transaction(async () => {
      // No one writes while the target is found empty and filled (readers may still read).
      await target.run(`LOCK TABLE ${tables.map(ident).join(', ')} IN EXCLUSIVE MODE`);
      const occupied: string[] = [];
      for (const t of tables) {
        if (await target.get(`SELECT 1 AS one FROM ${ident(t)} LIMIT 1`)) occupied.push(t);
      }
      if (occupied.length > 0) {
        throw new CopyRefused(
          'target-not-empty',
          `the target database already holds data (${occupied.join(', ')}); copy only into an empty database`,
        );
      }
      for (const k of deferred) {
        await target.run(
          `ALTER TABLE ${ident(k.child)} ALTER CONSTRAINT ${ident(k.name)} DEFERRABLE INITIALLY DEFERRED`,
        );
      }
      for (const table of order) {
        const { sql, columns } = selects.get(table)!;
        // Counted apart from the copy, in the same snapshot, for the check after the commit.
        const count = source
          .prepare<[], number>(`SELECT COUNT(*) FROM ${ident(table)}`)
          .pluck()
          .get();
        sourceCounts.set(table, Number(count ?? 0));
        const rows = await copyTable(source, target, table, sql, columns, batchRows);
        options.onTable?.(table, rows);
      }
      if (deferred.length > 0) {
        // Checks the deferred keys now, so that they can be made immediate again.
        await target.run('SET CONSTRAINTS ALL IMMEDIATE');
        for (const k of deferred) {
          await target.run(
            `ALTER TABLE ${ident(k.child)} ALTER CONSTRAINT ${ident(k.name)} NOT DEFERRABLE`,
          );
        }
      }
      for (const [table, columns] of to) {
        for (const c of columns.filter((col) => col.identity)) {
          await target.get(
            `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(${ident(c.name)}), 0) + 1, false)
               FROM ${ident(table)}`,
            [ident(table), c.name],
          );
        }
      }
    });
  } finally {
    if (source.inTransaction) source.exec('COMMIT');
  }

  const targetCounts = await countRows(target, tables);
  return order.map((table) => ({
    table,
    source: sourceCounts.get(table) ?? 0,
    target: targetCounts.get(table) ?? 0,
  }));
}

async function copyTable(
  source: Db,
  target: SqlClient,
  table: string,
  select: string,
  columns: readonly TargetColumn[],
  batchRows: number,
): Promise<number> {
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(60_000 / columns.length)));
  const overriding = columns.some((c) => c.identity) ? ' OVERRIDING SYSTEM VALUE' : '';
  const head = `INSERT INTO ${ident(table)} (${columns.map((c) => ident(c.name)).join(', ')})${overriding} VALUES `;
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const insert = async (batch: SqlValue[][]): Promise<void> => {
    await target.run(head + batch.map(() => tuple).join(', '), batch.flat());
  };
  // Raw rows with 64-bit integers intact; the statement is read lazily, batch by batch.
  const rows = source.prepare(select).raw(true).safeIntegers(true).iterate() as IterableIterator<
    unknown[]
  >;
  let batch: SqlValue[][] = [];
  let copied = 0;
  for (const row of rows) {
    batch.push(row.map((value, i) => convert(value, columns[i]!)));
    if (batch.length === perBatch) {
      await insert(batch);
      copied += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) {
    await insert(batch);
    copied += batch.length;
  }
  return copied;
}
