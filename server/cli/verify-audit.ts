/**
 * Offline check of the cases' audit chains, straight from the database:
 *
 *   npm run verify -- <caseId>
 *   npm run verify -- --all
 *
 * With DATABASE_URL=postgres://… the chains are read from PostgreSQL in one
 * read-only transaction (a consistent snapshot; the schema is never
 * migrated); otherwise from DATA_DIR's SQLite file, opened read-only (never
 * SqliteDatabase.open, which would migrate). Both are safe against a live
 * database. Exit 0 when every chain is intact, 1 when any is broken or the
 * case has no audit trail, 2 for usage errors or an unreadable database.
 */
import { verifyChain, type ChainVerification } from '../audit/AuditChain.js';
import { loadDatabaseConfig, loadDataDir, redactUrl } from '../config.js';
import { SqlAuditLog } from '../db/SqlAuditLog.js';
import { openAuditFile, type AuditFile } from '../db/SqliteAuditFile.js';
import { databaseFile } from '../db/SqliteDatabase.js';
import { PostgresClient } from '../db/sql/PostgresClient.js';
import { isEntryPoint } from './entryPoint.js';

const USAGE = '用法 / usage: npm run verify -- <caseId> | --all';

const REASON_ZH: Record<Extract<ChainVerification, { ok: false }>['reason'], string> = {
  altered: '被篡改',
  payload_altered: '内容被篡改',
  removed: '缺失（被删除）',
  reordered: '顺序被打乱',
  wrong_case: '属于其他案件',
};

function describe(result: ChainVerification): string {
  if (result.ok) {
    return `案件 ${result.caseId}：审计链完整（${result.length} 条）/ audit chain intact (${result.length} events)`;
  }
  return (
    `案件 ${result.caseId}：第 ${result.failedAt} 条${REASON_ZH[result.reason]}（${result.reason}）` +
    `/ audit chain broken at event ${result.failedAt} (${result.reason}): ${result.detail}`
  );
}

/**
 * A case without any event or head cannot be vouched for: every case is
 * audited from registration, so this is a wrong id or a wiped trail.
 */
function verdict(result: ChainVerification): string {
  if (result.ok && result.length === 0 && result.head === null) {
    return `案件 ${result.caseId}：没有审计记录 / no audit events for this case`;
  }
  return describe(result);
}

function usageError(target: string): boolean {
  return target === '' || (target.startsWith('-') && target !== '--all');
}

/** Verifies one case (or every case with `--all`) in the database at `file`. */
export function verifyDatabase(
  file: string,
  target: string | '--all',
): { exitCode: number; lines: string[] } {
  if (usageError(target)) return { exitCode: 2, lines: [USAGE] };
  let db: AuditFile;
  try {
    db = openAuditFile(file);
  } catch (error) {
    return {
      exitCode: 2,
      lines: [`无法打开数据库 ${file} / cannot open database ${file}: ${message(error)}`],
    };
  }
  try {
    const reader = db.reader();
    const caseIds = target === '--all' ? reader.caseIds() : [target];
    if (target === '--all' && caseIds.length === 0) {
      return { exitCode: 0, lines: ['没有任何审计记录 / no audit chains in the database'] };
    }
    const lines: string[] = [];
    let exitCode = 0;
    for (const caseId of caseIds) {
      const result = verifyChain(caseId, reader.events(caseId), reader.head(caseId));
      lines.push(verdict(result));
      if (!result.ok || result.length === 0) exitCode = 1;
    }
    return { exitCode, lines };
  } catch (error) {
    return {
      exitCode: 2,
      lines: [`无法读取审计记录 / cannot read the audit tables: ${message(error)}`],
    };
  } finally {
    db.close();
  }
}

/**
 * Verifies one case (or every case with `--all`) in the PostgreSQL database
 * at `url`, in one read-only transaction, without migrating it.
 */
export async function verifyPostgres(
  url: string,
  target: string | '--all',
): Promise<{ exitCode: number; lines: string[] }> {
  if (usageError(target)) return { exitCode: 2, lines: [USAGE] };
  const shown = redactUrl(url) ?? url;
  // The constructor only makes the pool: unlike PostgresClient.open, it never migrates.
  const sql = new PostgresClient(url, { max: 1 });
  try {
    try {
      await sql.get('SELECT 1 AS one');
    } catch (error) {
      return {
        exitCode: 2,
        lines: [`无法打开数据库 ${shown} / cannot open database ${shown}: ${message(error)}`],
      };
    }
    return await sql.transaction(async () => {
      await sql.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const audit = new SqlAuditLog(sql);
      const caseIds = target === '--all' ? await audit.chainIds() : [target];
      if (target === '--all' && caseIds.length === 0) {
        return { exitCode: 0, lines: ['没有任何审计记录 / no audit chains in the database'] };
      }
      const lines: string[] = [];
      let exitCode = 0;
      for (const caseId of caseIds) {
        const result = await audit.verify(caseId);
        lines.push(verdict(result));
        if (!result.ok || result.length === 0) exitCode = 1;
      }
      return { exitCode, lines };
    });
  } catch (error) {
    return {
      exitCode: 2,
      lines: [`无法读取审计记录 / cannot read the audit tables: ${message(error)}`],
    };
  } finally {
    await sql.close();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(args: readonly string[]): Promise<number> {
  const [target] = args;
  if (args.length !== 1 || target === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  let url: string | undefined;
  try {
    url = loadDatabaseConfig().url;
  } catch (error) {
    process.stderr.write(`${message(error)}\n`);
    return 2;
  }
  const { exitCode, lines } = url
    ? await verifyPostgres(url, target)
    : verifyDatabase(databaseFile(loadDataDir()), target);
  const out = exitCode === 2 ? process.stderr : process.stdout;
  out.write(lines.map((l) => `${l}\n`).join(''));
  return exitCode;
}

// Run only as the entry point, so tests can import verifyDatabase.
if (isEntryPoint(import.meta.url)) {
  // exitCode (not exit()) lets stdout flush when piped.
  process.exitCode = await main(process.argv.slice(2));
}
