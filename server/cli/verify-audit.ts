/**
 * Offline check of the cases' audit chains, straight from the database file:
 *
 *   npm run verify -- <caseId>
 *   npm run verify -- --all
 *
 * Opens the file read-only (never SqliteDatabase.open, which would migrate)
 * so it is safe against a live or copied database. Exit 0 when every chain is
 * intact, 1 when any is broken or the case has no audit trail, 2 for usage
 * errors or an unreadable database.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { verifyChain, type ChainVerification } from '../audit/AuditChain.js';
import { loadDataDir } from '../config.js';
import { openAuditFile, type AuditFile } from '../db/SqliteAuditFile.js';
import { databaseFile } from '../db/SqliteDatabase.js';

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

/** Verifies one case (or every case with `--all`) in the database at `file`. */
export function verifyDatabase(
  file: string,
  target: string | '--all',
): { exitCode: number; lines: string[] } {
  if (target === '' || (target.startsWith('-') && target !== '--all')) {
    return { exitCode: 2, lines: [USAGE] };
  }
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
      const events = reader.events(caseId);
      const head = reader.head(caseId);
      // A case without any event or head cannot be vouched for: every case
      // is audited from registration, so this is a wrong id or a wiped trail.
      if (events.length === 0 && head === null) {
        lines.push(`案件 ${caseId}：没有审计记录 / no audit events for this case`);
        exitCode = 1;
        continue;
      }
      const result = verifyChain(caseId, events, head);
      lines.push(describe(result));
      if (!result.ok) exitCode = 1;
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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function main(args: readonly string[]): number {
  const [target] = args;
  if (args.length !== 1 || target === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { exitCode, lines } = verifyDatabase(databaseFile(loadDataDir()), target);
  const out = exitCode === 2 ? process.stderr : process.stdout;
  out.write(lines.map((l) => `${l}\n`).join(''));
  return exitCode;
}

/** Node resolves symlinks for the main module, so compare real paths. */
function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

// Run only as the entry point, so tests can import verifyDatabase.
if (isEntryPoint()) {
  // exitCode (not exit()) lets stdout flush when piped.
  process.exitCode = main(process.argv.slice(2));
}
