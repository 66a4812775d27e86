/**
 * Loads a year's State Council holiday schedule from the command line, as a clerk does in the
 * console (管理 → 节假日安排):
 *
 *   bash scripts/cli.sh calendar-year add <schedule.json> [--by <name>]
 *   bash scripts/cli.sh calendar-year list
 *
 * With DATABASE_URL=postgres://… it works on that PostgreSQL database (migrated first, as the
 * service does at start), otherwise on DATA_DIR's SQLite file.
 *
 * The file holds what POST /api/calendar/years takes: {"year", "holidays": [{"first","last",
 * "name"}], "workdays": [...], "source": {"title","number?","url?","publishedOn"},
 * "correction?": {"reason"}}. Works on DATA_DIR's database whether the service is stopped or
 * running (SQLite WAL: the write waits for the service's transaction): the year, its event in the
 * calendar's audit chain and the recomputed deadlines commit together here, and a running
 * service switches to the new calendar at its next deadline pass (within 10 minutes), recomputing
 * again what it computed in between. Exit 0 loaded, 1 refused (nothing stored), 2 usage or an
 * unreadable file or database.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { userInfo } from 'node:os';
import { pathToFileURL } from 'node:url';
import { CalendarService } from '../cases/CalendarService.js';
import { loadDatabaseConfig, loadDataDir, loadWorkCalendarConfig, type Config } from '../config.js';
import { AppError } from '../errors.js';
import { SqlAuditLog } from '../db/SqlAuditLog.js';
import { SqlCalendarYears } from '../db/SqlCalendarYears.js';
import { SqlCaseRepository } from '../db/SqlCaseRepository.js';
import { openDatabase } from '../db/openDatabase.js';
import type { SqlClient } from '../db/sql/SqlClient.js';
import { createLogger } from '../logger.js';

const USAGE = '用法 / usage: calendar-year add <schedule.json> [--by <name>] | calendar-year list';

interface Outcome {
  exitCode: number;
  lines: string[];
}

function parseArgs(
  args: readonly string[],
): { command: 'add'; file: string; by: string | undefined } | { command: 'list' } | undefined {
  const [command, ...rest] = args;
  if (command === 'list' && rest.length === 0) return { command };
  if (command !== 'add') return undefined;
  const [file, flag, by, ...extra] = rest;
  if (file === undefined || file.startsWith('-') || extra.length > 0) return undefined;
  if (flag === undefined) return { command, file, by: undefined };
  if (flag !== '--by' || !by) return undefined;
  return { command, file, by };
}

/**
 * Runs the tool on the database of `dataDir`, or on PostgreSQL when `database.url` is set;
 * tests call this directly.
 */
export async function calendarYearTool(
  args: readonly string[],
  dataDir: string,
  operator: { holidays: string[]; extraWorkdays: string[] } = { holidays: [], extraWorkdays: [] },
  database: Config['database'] = { url: undefined, poolSize: 2 },
): Promise<Outcome> {
  const parsed = parseArgs(args);
  if (!parsed) return { exitCode: 2, lines: [USAGE] };
  let input: unknown;
  if (parsed.command === 'add') {
    try {
      input = JSON.parse(readFileSync(parsed.file, 'utf8')) as unknown;
    } catch (error) {
      return {
        exitCode: 2,
        lines: [
          `无法读取 ${parsed.file} / cannot read ${parsed.file}: ${(error as Error).message}`,
        ],
      };
    }
  }
  let sql: SqlClient;
  try {
    sql = await openDatabase(database, dataDir, createLogger('warn'));
  } catch (error) {
    return {
      exitCode: 2,
      lines: [`无法打开数据库 / cannot open the database: ${(error as Error).message}`],
    };
  }
  try {
    const calendar = await CalendarService.open({
      years: new SqlCalendarYears(sql),
      cases: new SqlCaseRepository(sql),
      audit: new SqlAuditLog(sql),
      operator,
    });
    if (parsed.command === 'list') {
      const view = await calendar.schedules();
      return {
        exitCode: 0,
        lines: [
          ...view.years.map((y) => `${y.year} ${y.origin} ${y.source}`),
          ...(view.missingScheduleYears.length > 0
            ? [`未载入 / missing: ${view.missingScheduleYears.join(', ')}`]
            : []),
        ],
      };
    }
    const by = `cli:${parsed.by ?? userInfo().username}`;
    const result = await calendar.loadYear({ id: by, role: 'operator' }, input);
    return {
      exitCode: 0,
      lines: [
        `${result.year} 年节假日安排已${result.origin === 'corrected' ? '更正' : '载入'} / the ${result.year} schedule was ${result.origin}`,
        `重新计算的期限 ${result.deadlinesChanged} 个，通知 ${result.notices} 份 / deadlines recomputed: ${result.deadlinesChanged}, notices: ${result.notices}`,
      ],
    };
  } catch (error) {
    if (error instanceof AppError)
      return {
        exitCode: 1,
        lines: [`未保存 / not stored: ${error.message}`, ...(error.issues ?? [])],
      };
    return { exitCode: 2, lines: [`失败 / failed: ${(error as Error).message}`] };
  } finally {
    await sql.close();
  }
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (import.meta.url === pathToFileURL(invoked).href) {
  let outcome: Outcome;
  try {
    outcome = await calendarYearTool(
      process.argv.slice(2),
      loadDataDir(),
      loadWorkCalendarConfig(),
      loadDatabaseConfig(),
    );
  } catch (error) {
    // A malformed WORK_CALENDAR_* or DATABASE_URL (ConfigError).
    outcome = { exitCode: 2, lines: [(error as Error).message] };
  }
  (outcome.exitCode === 0 ? process.stdout : process.stderr).write(`${outcome.lines.join('\n')}\n`);
  process.exitCode = outcome.exitCode;
}
