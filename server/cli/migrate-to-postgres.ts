/**
 * Moves an installation from its SQLite file to PostgreSQL:
 *
 *   npm run db:migrate-to-postgres -- <sqlite file> <DATABASE_URL>
 *
 * Stop the service first. The SQLite file is first brought to this release's
 * schema (its migrations, exactly as the service applies them at start; a
 * file with a newer schema than this release knows is refused), then read in
 * one read-only snapshot. The PostgreSQL database's schema is migrated the
 * same way, and the database must be empty — the copy never merges into a
 * database that holds anything. Every table is copied in one PostgreSQL
 * transaction (server/db/copyToPostgres.ts), then the rows are counted again
 * table by table and every audit chain is verified on PostgreSQL.
 *
 * Exit 0 copied and verified; 1 copied but the verification failed (counts
 * differ or a chain is broken — the copy is not fit to run on, the SQLite file
 * is unchanged); 2 usage, an unreadable file or database, different schemas,
 * or a target that already holds data (nothing written).
 */
import { existsSync, statSync } from 'node:fs';
import { redactUrl } from '../config.js';
import {
  CopyRefused,
  copySqliteToPostgres,
  openSqliteSource,
  sqliteSchemaVersion,
} from '../db/copyToPostgres.js';
import { SqlAuditLog } from '../db/SqlAuditLog.js';
import type { Db } from '../db/SqliteDatabase.js';
import { PostgresClient } from '../db/sql/PostgresClient.js';
import { createLogger, type Logger } from '../logger.js';
import { isEntryPoint } from './entryPoint.js';

const USAGE = '用法 / usage: npm run db:migrate-to-postgres -- <sqlite file> <postgres://…>';

export interface Outcome {
  exitCode: number;
  lines: string[];
}

const message = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Runs the move; tests call this directly. `progress` gets a line per copied table. */
export async function migrateToPostgres(
  args: readonly string[],
  options: { logger?: Logger; progress?: (line: string) => void; batchRows?: number } = {},
): Promise<Outcome> {
  const [file, url] = args;
  if (args.length !== 2 || !file || !url || file.startsWith('-')) {
    return { exitCode: 2, lines: [USAGE] };
  }
  if (!/^postgres(ql)?:\/\//.test(url)) {
    return { exitCode: 2, lines: [USAGE, `不是 PostgreSQL 地址 / not a postgres:// URL: ${url}`] };
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    return { exitCode: 2, lines: [`找不到数据库文件 / no database file at ${file}`] };
  }
  const logger = options.logger ?? createLogger('warn');
  const shownUrl = redactUrl(url) ?? url;

  // Brings an older file to this release's schema, as `npm start` would; refuses a newer one.
  let source: Db;
  try {
    source = await openSqliteSource(file, logger);
  } catch (error) {
    return {
      exitCode: 2,
      lines: [
        `无法打开数据库文件 ${file} / cannot open the database file ${file}: ${message(error)}`,
      ],
    };
  }

  let target: PostgresClient | undefined;
  try {
    try {
      target = await PostgresClient.open(url, { max: 2 }, logger);
    } catch (error) {
      return {
        exitCode: 2,
        lines: [`无法打开 ${shownUrl} / cannot open ${shownUrl}: ${message(error)}`],
      };
    }
    const from = sqliteSchemaVersion(source);
    const to = await target.schemaVersion();
    if (from !== to) {
      return {
        exitCode: 2,
        lines: [
          `架构版本不同：SQLite ${from}，PostgreSQL ${to} / the schema versions differ: SQLite ${from}, PostgreSQL ${to}`,
        ],
      };
    }

    let counts;
    try {
      counts = await copySqliteToPostgres(source, target, {
        ...(options.batchRows === undefined ? {} : { batchRows: options.batchRows }),
        onTable: (table, rows) => options.progress?.(`${table}: ${rows}`),
      });
    } catch (error) {
      if (error instanceof CopyRefused)
        return { exitCode: 2, lines: [`${refusedZh(error)} / ${error.message}`] };
      return {
        exitCode: 2,
        lines: [
          `复制失败，已全部回滚，PostgreSQL 中未写入任何数据 / the copy failed and was rolled back, nothing was written: ${message(error)}`,
        ],
      };
    }

    const differ = counts.filter((c) => c.source !== c.target);
    const audit = new SqlAuditLog(target);
    const broken: string[] = [];
    const chains = await audit.chainIds();
    for (const id of chains) {
      const result = await audit.verify(id);
      if (!result.ok) {
        broken.push(`${id} (${result.reason} @ ${result.failedAt}: ${result.detail})`);
      }
    }
    const rows = counts.reduce((sum, c) => sum + c.target, 0);
    const cases = counts.find((c) => c.table === 'cases')?.target ?? 0;
    const tableLines = counts.map(
      (c) => `  ${c.table}: ${c.source} → ${c.target}${c.source === c.target ? '' : '  ✗'}`,
    );
    const ok = differ.length === 0 && broken.length === 0;
    const lines = ok
      ? [
          `已将 ${file} 复制到 ${shownUrl}（架构版本 ${to}）：${counts.length} 张表共 ${rows} 行，案件 ${cases} 件；各表行数一致，${chains.length} 条审计链全部完整。`,
          `Copied ${file} to ${shownUrl} (schema version ${to}): ${counts.length} tables, ${rows} rows, ${cases} cases; every table's row count matches, all ${chains.length} audit chains intact.`,
          ...tableLines,
        ]
      : [
          `复制后核对未通过，请勿在 ${shownUrl} 上运行服务：行数不一致的表 ${differ.length} 张，损坏的审计链 ${broken.length} 条。`,
          `The copy did not verify, do not run the service on ${shownUrl}: ${differ.length} tables with different row counts, ${broken.length} broken audit chains.`,
          ...tableLines,
          ...broken.map((b) => `  审计链损坏 / broken audit chain: ${b}`),
        ];
    return { exitCode: ok ? 0 : 1, lines };
  } finally {
    source.close();
    await target?.close();
  }
}

if (isEntryPoint(import.meta.url)) {
  const outcome = await migrateToPostgres(process.argv.slice(2), {
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  (outcome.exitCode === 0 ? process.stdout : process.stderr).write(
    outcome.lines.map((l) => `${l}\n`).join(''),
  );
  // exitCode (not exit()) lets the output flush when piped.
  process.exitCode = outcome.exitCode;
}

/** The operator's Chinese line for a refusal (the error itself carries the English). */
function refusedZh(error: CopyRefused): string {
  switch (error.reason) {
    case 'schemas-differ':
      return '表不一致';
    case 'columns-differ':
      return `表 ${error.table ?? ''} 的列不一致`;
    case 'target-not-empty':
      return '目标数据库已有数据，不会合并';
  }
}
